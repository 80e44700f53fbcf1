import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  resolveSourceChecksums
} from "./chunk-IS5JQAUT.js";
import {
  sha256OfFile
} from "./chunk-K5YCSMLN.js";
import {
  LOCK_SUFFIX,
  cacheFileName,
  defaultSourceCacheDir,
  fetchSource
} from "./chunk-FUWAUBDQ.js";
import {
  containerDiskSettingsFromEnv,
  pullContainerDisk,
  resolveContainerDisk,
  secretsOf
} from "./chunk-Q2MXJOS2.js";
import {
  defaultContainerDiskCacheDir
} from "./chunk-MFL4LHWY.js";
import {
  knownChecksum
} from "./chunk-IGBDJUBW.js";
import {
  withLock
} from "./chunk-XHUVLOPP.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/actions/toolkit/import-source.ts
import { stat } from "node:fs/promises";
import path2 from "node:path";

// src/actions/toolkit/source-cache.ts
import { existsSync as existsSync2 } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";

// src/actions/toolkit/actions-cache.ts
import { existsSync } from "node:fs";
var loaded;
var actionsCache = () => loaded ??= import("./cache-2H32KHLJ.js");
function message(err) {
  return err instanceof Error ? err.message : String(err);
}
async function actionsCacheAvailable(enabled = true) {
  return enabled && (await actionsCache()).isFeatureAvailable();
}
async function restoreFromActionsCache(path3, key, what, logger, enabled = true, restoreKeys, onKey) {
  if (!await actionsCacheAvailable(enabled)) return false;
  try {
    const hit = await (await actionsCache()).restoreCache([path3], key, restoreKeys);
    if (hit && existsSync(path3)) {
      onKey?.(hit);
      return true;
    }
    logger.info(`${what}: not in the Actions cache yet (key ${key})`);
  } catch (err) {
    logger.warn(`${what}: restoring from the Actions cache failed: ${message(err)}`);
  }
  return false;
}
async function saveToActionsCache(path3, key, what, logger, enabled = true) {
  if (!await actionsCacheAvailable(enabled) || !existsSync(path3)) return false;
  try {
    if (await (await actionsCache()).saveCache([path3], key) === -1) return false;
    logger.info(`${what}: saved to the Actions cache (key ${key})`);
    return true;
  } catch (err) {
    logger.warn(`${what}: saving to the Actions cache failed: ${message(err)}`);
    return false;
  }
}

// src/actions/toolkit/source-cache.ts
function sourceCacheKey(url, checksum) {
  return `ruddervirt-source-${cacheFileName(url, checksum)}`;
}
async function restoreSource(url, checksum, cacheDir, logger, enabled = true, signal) {
  const file = path.join(cacheDir, cacheFileName(url, checksum));
  const key = sourceCacheKey(url, checksum);
  if (existsSync2(file)) return { file, key, origin: "local-cache" };
  return underEntryLock(`${file}${LOCK_SUFFIX}`, cacheDir, `source ${url}`, logger, signal, async () => {
    if (existsSync2(file)) return { file, key, origin: "local-cache" };
    if (await restoreFromActionsCache(file, key, "source", logger, enabled)) {
      logger.info(`source: restored from the Actions cache (key ${key}); no download needed`);
      return { file, key, origin: "actions-cache" };
    }
    return { file, key, origin: "missing" };
  });
}
async function underEntryLock(lockFile, cacheDir, what, logger, signal, fn) {
  await mkdir(cacheDir, { recursive: true });
  return withLock(lockFile, fn, {
    ...signal ? { signal } : {},
    onWait: (owner) => logger.info(`${what}: another build (pid ${owner.pid}) is filling this cache entry; waiting for it`)
  });
}
async function saveSource(source, logger, enabled = true) {
  return saveToActionsCache(source.file, source.key, "source", logger, enabled);
}
function containerDiskCacheKey(digest) {
  return `ruddervirt-containerdisk-${digest.replace(/^sha256:/, "")}`;
}
async function restoreContainerDisk(digest, cacheDir, logger, enabled = true, signal) {
  const folder = path.join(cacheDir, digest.replace(/^sha256:/, ""));
  const key = containerDiskCacheKey(digest);
  if (existsSync2(path.join(folder, "image.json"))) return { file: folder, key, origin: "local-cache" };
  return underEntryLock(`${folder}.lock`, cacheDir, `containerDisk ${digest}`, logger, signal, async () => {
    if (existsSync2(path.join(folder, "image.json"))) return { file: folder, key, origin: "local-cache" };
    if (await restoreFromActionsCache(folder, key, "containerDisk", logger, enabled)) {
      logger.info(`containerDisk: restored ${digest} from the Actions cache (key ${key}); no pull needed`);
      return { file: folder, key, origin: "actions-cache" };
    }
    return { file: folder, key, origin: "missing" };
  });
}

// src/actions/toolkit/import-source.ts
async function importLocalSource(options) {
  const { build, selected, logger, signal, env } = options;
  const source = selected.vm.source;
  switch (source.kind) {
    case "url":
    case "iso": {
      await resolveSourceChecksums(build, { logger, signal, env });
      const checksum = knownChecksum(source.checksum, source.url);
      const cacheDir = defaultSourceCacheDir(env);
      const cached = await restoreSource(source.url, checksum, cacheDir, logger, options.actionsCache !== false, signal);
      const file = await fetchSource({ url: source.url, ...source.mirrors ? { mirrors: source.mirrors } : {}, checksum, logger, signal, cacheDir, env });
      const isLocalUrl = source.url.startsWith("file:");
      let origin = isLocalUrl ? "local-file" : cached.origin === "missing" ? "downloaded" : cached.origin;
      if (origin === "downloaded") await saveSource(cached, logger, options.actionsCache !== false);
      if (isLocalUrl) origin = "local-file";
      const digest = checksum.algorithm === "sha256" ? checksum.hex.toLowerCase() : await sha256OfFile(file, signal);
      return describe(file, digest, origin);
    }
    case "path": {
      const file = path2.resolve(build.dir, source.path);
      const info = await stat(file).catch(() => void 0);
      if (!info?.isFile()) throw new UserError(`vm ${selected.key}: source.path '${source.path}' does not exist (looked for ${file})`);
      logger.info(`source: ${file} (a local file; hashing it for the digest)`);
      return describe(file, await sha256OfFile(file, signal), "local-file");
    }
    case "from": {
      const parentKey = `${source.layer}/${source.vm}`;
      const snap = options.handoff?.snapshots[parentKey];
      if (!snap) throw new UserError(`vm ${selected.key} starts from ${parentKey}, which has no snapshot in this job yet: run snapshot for ${parentKey} first`);
      return describe(snap.path, snap.sha256, "local-file");
    }
    case "containerDisk": {
      const cacheDir = defaultContainerDiskCacheDir(env);
      const masker = secretsOf(logger);
      const pullOptions = { ...containerDiskSettingsFromEnv(env), image: source.image, cacheDir, logger, signal, ...masker ? { masker } : {} };
      const resolved = await resolveContainerDisk(pullOptions);
      const cached = await restoreContainerDisk(resolved.digest, cacheDir, logger, options.actionsCache !== false, signal);
      const pulled = await pullContainerDisk({ ...pullOptions, resolved });
      const origin = pulled.fromCache ? cached.origin === "actions-cache" ? "actions-cache" : "local-cache" : "downloaded";
      if (origin === "downloaded") await saveSource(cached, logger, options.actionsCache !== false);
      const { size } = await stat(pulled.path);
      return { reference: pulled.path, digest: pulled.digest, bytes: size, origin };
    }
  }
}
async function describe(file, sha256, origin) {
  const { size } = await stat(file);
  return {
    reference: file,
    digest: `sha256:${sha256}`,
    bytes: size,
    origin
  };
}

export {
  actionsCacheAvailable,
  restoreFromActionsCache,
  saveToActionsCache,
  importLocalSource
};
