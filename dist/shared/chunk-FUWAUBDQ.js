import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  ProgressReporter
} from "./chunk-Q2MXJOS2.js";
import {
  withLock
} from "./chunk-XHUVLOPP.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/engines/local/download.ts
import { createHash, randomInt } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, stat, unlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable, Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
function defaultSourceCacheDir(env = process.env) {
  if (env.RUDDERVIRT_CACHE_DIR) return path.resolve(env.RUDDERVIRT_CACHE_DIR);
  const xdg = env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(xdg, "ruddervirt", "sources");
}
function cacheFileName(url, checksum) {
  const key = createHash("sha256").update(`${url}
${checksum.algorithm}:${checksum.hex.toLowerCase()}`).digest("hex").slice(0, 40);
  let ext = "";
  try {
    ext = path.posix.extname(new URL(url).pathname).toLowerCase();
  } catch {
  }
  return /^\.[a-z0-9]{1,8}$/.test(ext) ? key + ext : key;
}
async function fetchSource(options) {
  const urls = [options.url, ...options.mirrors ?? []];
  const failures = [];
  for (const [i, url] of urls.entries()) {
    try {
      return await fetchOne({ ...options, url }, options.url);
    } catch (err) {
      if (!(err instanceof UserError) || options.signal.aborted || urls.length === 1) throw err;
      failures.push(`${url}: ${err.message}`);
      const next = urls[i + 1];
      if (next) options.logger.warn(`source: ${err.message}; trying the next URL, ${next}`);
    }
  }
  throw new UserError(`source: every URL failed, in the order tried:
${failures.map((f) => `  ${f}`).join("\n")}`);
}
async function fetchOne(options, cacheKeyUrl) {
  const { url, checksum, logger } = options;
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw new UserError(`source url '${url}' is not a URL (expected http://, https:// or file://)`);
  }
  if (parsed.protocol === "file:") {
    const file = fileURLToPath(parsed);
    await verifyFile(file, url, options);
    return file;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new UserError(`source url '${url}': unsupported scheme '${parsed.protocol}' (expected http://, https:// or file://)`);
  }
  const cacheDir = options.cacheDir ?? defaultSourceCacheDir(options.env);
  await mkdir(cacheDir, { recursive: true });
  const target = path.join(cacheDir, cacheFileName(cacheKeyUrl, checksum));
  if (await usableCacheHit(target, options, false)) return target;
  return withLock(
    `${target}${LOCK_SUFFIX}`,
    async () => {
      if (await usableCacheHit(target, options, true)) return target;
      const partial = `${target}.part-${process.pid}-${randomInt(1e9)}`;
      try {
        await download(parsed, partial, options);
        await rename(partial, target);
      } finally {
        await unlink(partial).catch(() => void 0);
      }
      logger.info(`source: cached ${url} as ${target}`);
      return target;
    },
    {
      signal: options.signal,
      onWait: (owner) => logger.info(`source: another build (pid ${owner.pid}) is fetching ${url} into the cache; waiting for it`)
    }
  );
}
var LOCK_SUFFIX = ".lock";
async function usableCacheHit(target, options, locked) {
  if (!await exists(target)) return false;
  try {
    await verifyFile(target, options.url, options);
    options.logger.info(`source: using cached ${target}`);
    return true;
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    if (!locked) return false;
    options.logger.warn(`source: the cached copy of ${options.url} no longer matches its checksum; downloading again`);
    await unlink(target).catch(() => void 0);
    return false;
  }
}
async function download(url, partial, options) {
  const { checksum, logger, signal } = options;
  let response;
  try {
    response = await fetch(url, { signal, redirect: "follow" });
  } catch (err) {
    if (signal.aborted) throw err;
    throw new UserError(`downloading ${url.href} failed: ${describeFetchError(err)}`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => void 0);
    throw new UserError(`downloading ${url.href} failed: HTTP ${response.status} ${response.statusText}`);
  }
  const length = Number(response.headers.get("content-length"));
  const total = Number.isFinite(length) && length > 0 ? length : void 0;
  const progress = new ProgressReporter(logger, `download ${path.posix.basename(url.pathname) || url.host}`, total);
  progress.start();
  const hash = createHash(checksum.algorithm);
  try {
    await pipeline(Readable.fromWeb(response.body), hashing(hash, progress), createWriteStream(partial), { signal });
  } catch (err) {
    if (signal.aborted) throw err;
    throw new UserError(`downloading ${url.href} failed: ${describeFetchError(err)}`);
  }
  progress.finish("done");
  checkDigest(hash.digest("hex"), url.href, checksum);
}
async function verifyFile(file, url, options) {
  const { checksum, logger, signal } = options;
  let size;
  try {
    size = (await stat(file)).size;
  } catch {
    throw new UserError(`source ${url}: file ${file} does not exist`);
  }
  const progress = new ProgressReporter(logger, `verify ${path.basename(file)}`, size);
  progress.start();
  const hash = createHash(checksum.algorithm);
  await pipeline(createReadStream(file), hashing(hash, progress), new NullSink(), { signal });
  progress.finish(checksum.algorithm);
  checkDigest(hash.digest("hex"), url, checksum);
}
function checkDigest(actual, url, checksum) {
  if (actual !== checksum.hex.toLowerCase()) {
    throw new UserError(`checksum mismatch for ${url}: expected ${checksum.algorithm}:${checksum.hex.toLowerCase()}, got ${checksum.algorithm}:${actual}`);
  }
}
function hashing(hash, progress) {
  return new Transform({
    transform(chunk, _enc, done) {
      hash.update(chunk);
      progress.add(chunk.length);
      done(null, chunk);
    }
  });
}
var NullSink = class extends Writable {
  _write(_chunk, _enc, done) {
    done();
  }
};
function describeFetchError(err) {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause;
  return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
}
async function exists(file) {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

export {
  defaultSourceCacheDir,
  cacheFileName,
  fetchSource,
  LOCK_SUFFIX
};
