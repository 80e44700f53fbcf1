import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  CredentialError,
  DEFAULT_PLATFORM,
  DEFAULT_RETRY,
  DOCKER_MANIFEST,
  DiskFormatError,
  HttpNetworkError,
  ImageReferenceError,
  OCI_MANIFEST,
  RegistryClient,
  RegistryError,
  backoffDelay,
  classifyDiskHeader,
  formatPlatform,
  headerValue,
  isIndexType,
  isRetryableError,
  isSha256Digest,
  parseImageReference,
  parsePlatform,
  resolveCredential
} from "./chunk-5Q37UMAS.js";
import {
  ContainerDiskCache,
  defaultContainerDiskCacheDir
} from "./chunk-MFL4LHWY.js";
import {
  require_tar_stream
} from "./chunk-CTLLT6VU.js";
import {
  withLock
} from "./chunk-XHUVLOPP.js";
import {
  abortReason,
  sleep
} from "./chunk-BHXEFIUH.js";
import {
  SecretMasker,
  formatBytes
} from "./chunk-PXB3LWWR.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import {
  __toESM
} from "./chunk-U4LSYZ75.js";

// src/core/oci/pull/pull.ts
import { mkdir, readFile, rm } from "node:fs/promises";
import { open as open2 } from "node:fs/promises";

// src/core/oci/pull/blob-stream.ts
import { createHash } from "node:crypto";
var BlobDigestError = class extends RegistryError {
  name = "BlobDigestError";
};
function isBrokenBody(err) {
  if (isRetryableError(err)) return true;
  const code = err.code;
  return code === "ECONNRESET" || code === "EPIPE" || code === "ETIMEDOUT" || code === "ERR_STREAM_PREMATURE_CLOSE" || /aborted|socket hang up|premature close/i.test(String(err.message));
}
async function* streamBlob(opts) {
  const { client, repo, blob, image, logger, signal } = opts;
  const retry = opts.retry ?? DEFAULT_RETRY;
  const hash = createHash("sha256");
  let received = 0;
  let failures = 0;
  let pending;
  if (!isSha256Digest(blob.digest)) throw new RegistryError(`${image}: blob ${String(blob.digest)}: only sha256 digests can be verified`, 0);
  for (; ; ) {
    signal?.throwIfAborted();
    const offset = received;
    const res = await client.openBlob(repo, blob.digest, offset);
    let skip = 0;
    if (offset > 0 && res.status === 200) {
      skip = offset;
      logger.debug(`${image}: the registry ignored the range request for ${blob.digest}; skipping the ${offset} bytes we have`);
    } else if (offset > 0) {
      const range = headerValue({ status: res.status, headers: res.headers, body: Buffer.alloc(0) }, "content-range");
      const start = range ? Number(/bytes (\d+)-/.exec(range)?.[1]) : NaN;
      if (start !== offset) {
        res.body.destroy();
        throw new RegistryError(`${image}: blob ${blob.digest}: asked for bytes from ${offset}, got '${range ?? "no Content-Range"}'`, res.status);
      }
    }
    const before = received;
    try {
      for await (const raw of res.body) {
        let chunk = raw;
        if (skip > 0) {
          const drop = Math.min(skip, chunk.length);
          skip -= drop;
          chunk = chunk.subarray(drop);
          if (chunk.length === 0) continue;
        }
        received += chunk.length;
        if (received > blob.size) {
          res.body.destroy();
          throw new BlobDigestError(`${image}: blob ${blob.digest} is longer than the ${blob.size} bytes its descriptor says; refusing it`, res.status, ["SIZE_INVALID"]);
        }
        hash.update(chunk);
        opts.onBytes?.(received);
        if (pending) yield pending;
        pending = chunk;
      }
    } catch (err) {
      if (err instanceof BlobDigestError || signal?.aborted || !isBrokenBody(err)) throw err;
      failures = received > before ? 1 : failures + 1;
      if (failures >= retry.attempts) {
        throw new RegistryError(`${image}: reading blob ${blob.digest} kept failing at byte ${received} of ${blob.size}: ${err.message}`, 0);
      }
      const wait = backoffDelay(failures, retry);
      logger.warn(`${image}: blob ${blob.digest.slice(0, 19)} broke off at byte ${received} of ${blob.size} (${err.message}); resuming from there in ${(wait / 1e3).toFixed(1)}s`);
      await sleep(wait, signal);
      continue;
    }
    if (received < blob.size) {
      failures = received > before ? 1 : failures + 1;
      if (failures >= retry.attempts) throw new RegistryError(`${image}: blob ${blob.digest} ends at byte ${received} of ${blob.size}`, 0);
      logger.warn(`${image}: blob ${blob.digest.slice(0, 19)} ended at byte ${received} of ${blob.size}; resuming from there`);
      continue;
    }
    if (received >= blob.size) break;
  }
  const actual = `sha256:${hash.digest("hex")}`;
  if (actual !== blob.digest) {
    throw new BlobDigestError(`${image}: blob ${blob.digest} does not match its digest (the bytes received hash to ${actual}); refusing it`, 200, ["DIGEST_INVALID"]);
  }
  if (pending) yield pending;
}

// src/core/oci/pull/extract-disk.ts
var import_tar_stream = __toESM(require_tar_stream(), 1);
import { randomBytes } from "node:crypto";
import { unlink } from "node:fs/promises";
import path2 from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

// src/core/oci/pull/disk-tree.ts
import path from "node:path";
var LayerPathError = class extends Error {
  name = "LayerPathError";
};
var WHITEOUT = ".wh.";
var OPAQUE = ".wh..wh..opq";
function classifyEntry(rawName) {
  const trimmed = rawName.replace(/^(?:\.?\/)+/, "");
  if (trimmed === "" || trimmed === ".") return { type: "none" };
  const normal = path.posix.normalize(trimmed).replace(/\/$/, "");
  if (normal === ".." || normal.startsWith("../") || path.posix.isAbsolute(normal)) {
    throw new LayerPathError(`the layer entry '${rawName}' points outside the image root`);
  }
  const rawParts = trimmed.split("/").filter((p) => p !== "" && p !== ".");
  if (rawParts[0] === "disk" && normal !== "disk" && !normal.startsWith("disk/")) {
    throw new LayerPathError(`the layer entry '${rawName}' escapes /disk`);
  }
  const parts = normal.split("/");
  if (parts.length === 1) {
    if (parts[0] === OPAQUE || parts[0] === `${WHITEOUT}disk`) return { type: "remove-disk" };
    if (parts[0] === "disk") return { type: "disk", kind: "directory" };
    return { type: "none" };
  }
  if (parts[0] !== "disk") return { type: "none" };
  const child = parts[1];
  if (parts.length > 2) return { type: "subdirectory", name: child };
  if (child === OPAQUE) return { type: "opaque" };
  if (child.startsWith(WHITEOUT)) return { type: "whiteout", name: child.slice(WHITEOUT.length) };
  return { type: "add", name: child };
}
var DiskTree = class {
  entries = /* @__PURE__ */ new Map();
  /** False when a layer hid /disk or replaced it with something that is not a directory. */
  diskIsDirectory = false;
  layer = -1;
  hideLower = false;
  hidden = /* @__PURE__ */ new Set();
  diskReplacedBy;
  added = /* @__PURE__ */ new Map();
  /** Starts layer `index`; everything recorded until commitLayer() belongs to it. */
  beginLayer(index) {
    this.layer = index;
    this.hideLower = false;
    this.hidden = /* @__PURE__ */ new Set();
    this.diskReplacedBy = void 0;
    this.added = /* @__PURE__ */ new Map();
  }
  /**
   * Records one tar entry of the current layer, already classified. `kind` is the entry's type.
   * Returns whatever this entry displaced within its own layer (a later entry of the same name
   * wins, as in an unpacked tar), so the extractor can drop its bytes.
   */
  record(change, kind, data, target) {
    switch (change.type) {
      case "none":
        return [];
      case "remove-disk":
        this.hideLower = true;
        return [];
      case "disk":
        if (kind === "directory") {
          this.diskReplacedBy = "directory";
          return [];
        }
        this.diskReplacedBy = kind;
        this.hideLower = true;
        return this.clearAdded();
      case "opaque":
        this.hideLower = true;
        this.diskReplacedBy = "directory";
        return [];
      case "whiteout":
        this.hidden.add(change.name);
        this.diskReplacedBy = "directory";
        return [];
      case "subdirectory":
        return this.put({
          name: change.name,
          kind: "directory",
          layer: this.layer
        });
      case "add":
        return this.put({
          name: change.name,
          kind,
          layer: this.layer,
          ...data !== void 0 ? { data } : {},
          ...target !== void 0 ? { target } : {}
        });
    }
  }
  put(entry) {
    this.diskReplacedBy = "directory";
    const old = this.added.get(entry.name);
    if (old && old.kind === "directory" && entry.kind === "directory") return [];
    this.added.set(entry.name, entry);
    return old ? [old] : [];
  }
  clearAdded() {
    const dropped = [...this.added.values()];
    this.added = /* @__PURE__ */ new Map();
    return dropped;
  }
  /** Applies the current layer over the ones below; returns the entries it hid or replaced. */
  commitLayer() {
    const dropped = [];
    const replacesDisk = this.diskReplacedBy !== void 0 && this.diskReplacedBy !== "directory";
    if (this.hideLower || replacesDisk) {
      dropped.push(...this.entries.values());
      this.entries = /* @__PURE__ */ new Map();
      this.diskIsDirectory = false;
    } else {
      for (const name of this.hidden) {
        const e = this.entries.get(name);
        if (e) {
          dropped.push(e);
          this.entries.delete(name);
        }
      }
    }
    for (const [name, entry] of this.added) {
      const lower = this.entries.get(name);
      if (lower && !(lower.kind === "directory" && entry.kind === "directory")) dropped.push(lower);
      if (!(lower && lower.kind === "directory" && entry.kind === "directory")) this.entries.set(name, entry);
    }
    if (this.diskReplacedBy === "directory") this.diskIsDirectory = true;
    else if (replacesDisk) this.diskIsDirectory = false;
    this.added = /* @__PURE__ */ new Map();
    this.hidden = /* @__PURE__ */ new Set();
    return dropped;
  }
  /** Whether /disk exists as a directory after the committed layers. */
  hasDiskDirectory() {
    return this.diskIsDirectory;
  }
  /** The children of /disk after the committed layers, by name. */
  children() {
    return [...this.entries.values()].sort((a, b) => a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  }
};

// src/core/oci/pull/layer-media.ts
import { Transform } from "node:stream";
import zlib from "node:zlib";
var LAYER_TYPES = {
  "application/vnd.oci.image.layer.v1.tar": "none",
  "application/vnd.oci.image.layer.v1.tar+gzip": "gzip",
  "application/vnd.oci.image.layer.v1.tar+zstd": "zstd",
  "application/vnd.oci.image.layer.nondistributable.v1.tar": "none",
  "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip": "gzip",
  "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd": "zstd",
  "application/vnd.docker.image.rootfs.diff.tar": "none",
  "application/vnd.docker.image.rootfs.diff.tar.gzip": "gzip",
  "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip": "gzip"
};
var LAYER_MEDIA_TYPES = Object.keys(LAYER_TYPES);
function layerCompressionOf(mediaType) {
  return LAYER_TYPES[mediaType];
}
function decompressor(compression) {
  switch (compression) {
    case "gzip":
      return zlib.createGunzip();
    case "zstd":
      return zlib.createZstdDecompress();
    case "none":
      return new Transform({
        transform: (chunk, _enc, done) => done(null, chunk)
      });
  }
}

// src/core/oci/pull/sparse-file.ts
import { createHash as createHash2 } from "node:crypto";
import { open } from "node:fs/promises";
var HOLE_BLOCK = 4096;
var BUFFER_SIZE = 1024 * 1024;
function isZero(buf, start, end) {
  let i = start;
  for (; i + 8 <= end; i += 8) if (buf.readBigUInt64LE(i) !== 0n) return false;
  for (; i < end; i++) if (buf[i] !== 0) return false;
  return true;
}
var SparseFileWriter = class _SparseFileWriter {
  constructor(path3, fh) {
    this.path = path3;
    this.fh = fh;
  }
  path;
  fh;
  buffer = Buffer.allocUnsafe(BUFFER_SIZE);
  filled = 0;
  /** File offset of buffer[0]. */
  position = 0;
  hash = createHash2("sha256");
  static async create(file) {
    return new _SparseFileWriter(file, await open(file, "wx", 420));
  }
  async write(chunk) {
    this.hash.update(chunk);
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(chunk.length - offset, BUFFER_SIZE - this.filled);
      chunk.copy(this.buffer, this.filled, offset, offset + n);
      this.filled += n;
      offset += n;
      if (this.filled === BUFFER_SIZE) await this.flush();
    }
  }
  async flush() {
    let start = 0;
    while (start < this.filled) {
      while (start < this.filled && isZero(this.buffer, start, Math.min(start + HOLE_BLOCK, this.filled))) start += HOLE_BLOCK;
      if (start >= this.filled) break;
      let end = start;
      while (end < this.filled && !isZero(this.buffer, end, Math.min(end + HOLE_BLOCK, this.filled))) end += HOLE_BLOCK;
      end = Math.min(end, this.filled);
      let written = 0;
      while (written < end - start) {
        const { bytesWritten } = await this.fh.write(this.buffer, start + written, end - start - written, this.position + start + written);
        written += bytesWritten;
      }
      start = end;
    }
    this.position += this.filled;
    this.filled = 0;
  }
  /** Writes what is buffered, sets the length (a trailing hole included), closes; returns size and digest. */
  async finish() {
    await this.flush();
    await this.fh.truncate(this.position);
    await this.fh.sync();
    await this.fh.close();
    return { size: this.position, sha256: this.hash.digest("hex") };
  }
  async abandon() {
    await this.fh.close().catch(() => void 0);
  }
};

// src/core/oci/pull/extract-disk.ts
var ContainerDiskContentError = class extends Error {
  name = "ContainerDiskContentError";
};
function kindOf(type) {
  switch (type) {
    case "file":
    case "contiguous-file":
      return "file";
    case "directory":
      return "directory";
    case "symlink":
      return "symlink";
    case "link":
      return "hardlink";
    default:
      return "other";
  }
}
async function* tarEntries(layer, image, signal) {
  const blob = layer.open()[Symbol.asyncIterator]();
  let sourceFailed = false;
  const shielded = {
    [Symbol.asyncIterator]: () => ({
      next: async () => {
        try {
          return await blob.next();
        } catch (err) {
          sourceFailed = true;
          throw err;
        }
      },
      return: () => Promise.resolve({ done: true, value: void 0 })
    })
  };
  const ex = (0, import_tar_stream.extract)();
  let feedError;
  const fed = pipeline(Readable.from(shielded, { objectMode: false }), decompressor(layer.compression), ex, signal ? { signal } : {}).catch((err) => {
    feedError = err;
    ex.destroy(err);
  });
  let explained;
  const explain = (err) => explained ??= (async () => {
    await fed;
    const cause = feedError ?? err;
    if (sourceFailed || signal?.aborted || cause instanceof ContainerDiskContentError) throw cause;
    for (let r = await blob.next(); !r.done; r = await blob.next()) {
    }
    const what = layer.compression === "none" ? "tar" : `${layer.compression}-compressed tar`;
    throw new ContainerDiskContentError(`${image}: ${layer.label}: the layer cannot be read as a ${what} (${cause.message})`);
  })();
  async function* body(entry) {
    try {
      for await (const chunk of entry) yield chunk;
    } catch (err) {
      return await explain(err);
    }
  }
  let completed = false;
  try {
    for await (const entry of ex) yield { header: entry.header, body: body(entry) };
    await fed;
    if (feedError) throw feedError;
    completed = true;
  } catch (err) {
    return await explain(err);
  } finally {
    ex.destroy();
    if (!completed) await blob.return?.(void 0).catch(() => void 0);
  }
}
async function extractContainerDisk(layers, stagingDir, image, signal) {
  const tree = new DiskTree();
  const drop = async (entries) => {
    for (const e of entries) if (e.data) await unlink(e.data.file).catch(() => void 0);
  };
  for (const [index, layer] of layers.entries()) {
    tree.beginLayer(index);
    for await (const { header, body } of tarEntries(layer, image, signal)) {
      let change;
      try {
        change = classifyEntry(header.name);
      } catch (err) {
        if (err instanceof LayerPathError) throw new ContainerDiskContentError(`${image}: ${layer.label}: ${err.message}; refusing the image`);
        throw err;
      }
      const kind = kindOf(header.type);
      if (change.type === "add" && kind === "file") {
        const writer = await SparseFileWriter.create(path2.join(stagingDir, `l${index}-${randomBytes(6).toString("hex")}`));
        try {
          for await (const chunk of body) await writer.write(chunk);
        } catch (err) {
          await writer.abandon();
          await unlink(writer.path).catch(() => void 0);
          throw err;
        }
        const staged = { file: writer.path, ...await writer.finish() };
        await drop(tree.record(change, kind, staged));
      } else {
        for await (const _ of body) {
        }
        await drop(tree.record(change, kind, void 0, header.linkname ?? void 0));
      }
    }
    await drop(tree.commitLayer());
  }
  return chooseDisk(tree, image);
}
function describe(e) {
  switch (e.kind) {
    case "file":
      return e.name;
    case "directory":
      return `${e.name}/ (a directory)`;
    case "symlink":
      return `${e.name} -> ${e.target ?? "?"} (a symbolic link)`;
    case "hardlink":
      return `${e.name} (a hard link to ${e.target ?? "?"})`;
    case "other":
      return `${e.name} (not a regular file)`;
  }
}
function chooseDisk(tree, image) {
  if (!tree.hasDiskDirectory()) throw new ContainerDiskContentError(`${image}: the image has no /disk folder, so it is not a containerDisk (KubeVirt boots the one file under /disk)`);
  const children = tree.children();
  if (children.length === 0) throw new ContainerDiskContentError(`${image}: /disk is empty once every layer is applied; a containerDisk holds exactly one disk file there`);
  if (children.length > 1) {
    throw new ContainerDiskContentError(`${image}: /disk holds ${children.length} entries (${children.map(describe).join(", ")}); a containerDisk holds exactly one disk file there, so which one to boot is ambiguous`);
  }
  const only = children[0];
  if (only.kind !== "file" || !only.data) throw new ContainerDiskContentError(`${image}: the only entry under /disk is ${describe(only)}; a containerDisk holds the disk file itself`);
  return { name: only.name, ...only.data };
}

// src/core/oci/pull/select-platform.ts
var PlatformNotFoundError = class extends Error {
  name = "PlatformNotFoundError";
};
function selectPlatform(manifests, wanted, image) {
  const candidates = manifests.filter((m) => m.platform && m.platform.os === wanted.os && m.platform.architecture === wanted.architecture);
  const exact = wanted.variant === void 0 ? candidates : candidates.filter((m) => m.platform?.variant === wanted.variant);
  const chosen = exact[0];
  if (!chosen) {
    const offered = manifests.map((m) => m.platform ? formatPlatform(m.platform) : "no platform").join(", ");
    throw new PlatformNotFoundError(`${image}: the image index has no ${formatPlatform(wanted)} manifest (it offers: ${offered || "nothing"})`);
  }
  return { descriptor: chosen, platform: formatPlatform(chosen.platform) };
}

// src/core/oci/pull/pull.ts
var MAX_INDEX_DEPTH = 2;
function toUserError(err, image) {
  if (err instanceof UserError) throw err;
  if (err instanceof RegistryError || err instanceof CredentialError || err instanceof ContainerDiskContentError || err instanceof PlatformNotFoundError || err instanceof DiskFormatError || err instanceof ImageReferenceError || err instanceof HttpNetworkError) {
    const message = err.message.replace(
      "pass the registry's CA with --ca-file, or --insecure to skip verification",
      "trust the registry's CA with --ca-file (publish) or RUDDERVIRT_REGISTRY_CA_FILE (build), or skip verification with --insecure or RUDDERVIRT_REGISTRY_INSECURE=true"
    );
    throw new UserError(message.includes(image) ? `containerDisk ${message}` : `containerDisk ${image}: ${message}`);
  }
  throw err;
}
function isUnreachable(err) {
  return err instanceof HttpNetworkError || err instanceof RegistryError && err.status === 0;
}
var PullSession = class {
  constructor(opts) {
    this.opts = opts;
    try {
      this.ref = parseImageReference(opts.image);
    } catch (err) {
      toUserError(err, opts.image);
    }
    try {
      this.platform = typeof opts.platform === "string" ? parsePlatform(opts.platform) : opts.platform ?? DEFAULT_PLATFORM;
    } catch (err) {
      throw new UserError(`containerDisk ${opts.image}: ${err.message}`);
    }
    this.cache = new ContainerDiskCache(opts.cacheDir ?? defaultContainerDiskCacheDir(opts.env));
  }
  opts;
  ref;
  platform;
  cache;
  client;
  /** Manifests read while resolving, by digest, so the pull does not read them twice. */
  manifests = /* @__PURE__ */ new Map();
  get image() {
    return this.opts.image;
  }
  async connect() {
    if (this.client) return this.client;
    const { opts, ref } = this;
    const ca = opts.caFile ? await readFile(opts.caFile).catch((err) => {
      throw new UserError(`${opts.caFile}: cannot read the CA file (${err.code ?? String(err)})`);
    }) : void 0;
    const resolved = await resolveCredential(ref.registry, {
      ...opts.auth,
      env: opts.env ?? process.env,
      logger: opts.logger,
      ...opts.signal ? { signal: opts.signal } : {},
      onSecret: (s) => opts.masker?.add(s)
    });
    opts.logger.debug(`${ref.registry}: credentials: ${resolved.source}`);
    this.client = new RegistryClient({
      registry: ref.registry,
      ...opts.insecure !== void 0 ? { insecure: opts.insecure } : {},
      ...ca ? { ca } : {},
      ...resolved.credential ? { credential: resolved.credential } : {},
      credentialSource: resolved.source,
      logger: opts.logger,
      ...opts.signal ? { signal: opts.signal } : {},
      ...opts.retry ? { retry: opts.retry } : {},
      onSecret: (s) => opts.masker?.add(s)
    });
    await this.client.connect();
    return this.client;
  }
  close() {
    this.client?.close();
  }
  async manifest(reference) {
    const client = await this.connect();
    const got = await client.getManifest(this.ref.repository, reference);
    if (!got) throw new RegistryError(`${this.image}: the registry has no manifest ${reference} in ${this.ref.repository}`, 404);
    this.manifests.set(got.digest, got.body);
    return got;
  }
  async resolve() {
    const { ref, image, platform } = this;
    const platformKey = formatPlatform(platform);
    if (ref.digest) {
      const known = await this.cache.lastResolved(image, platformKey);
      if (known && await this.cache.lookup(known.digest))
        return {
          image,
          referenceDigest: known.referenceDigest,
          digest: known.digest,
          ...known.platform ? { platform: known.platform } : {},
          offline: false
        };
      if (!isSha256Digest(ref.digest)) throw new UserError(`containerDisk ${image}: only sha256 digests can be verified`);
    }
    let top;
    try {
      top = await this.manifest(ref.digest ?? ref.tag ?? "latest");
    } catch (err) {
      if (!isUnreachable(err)) throw err;
      const known = await this.cache.lastResolved(image, platformKey);
      if (!known || !await this.cache.lookup(known.digest)) throw err;
      this.opts.logger.warn(`containerDisk ${image}: the registry cannot be reached (${err.message}); using ${known.digest}, what it resolved to on ${known.resolvedAt}, from the cache`);
      return {
        image,
        referenceDigest: known.referenceDigest,
        digest: known.digest,
        ...known.platform ? { platform: known.platform } : {},
        offline: true
      };
    }
    let current = top;
    let picked;
    for (let depth = 0; isIndexType(current.mediaType); depth++) {
      if (depth >= MAX_INDEX_DEPTH) throw new ContainerDiskContentError(`${image}: image indexes nest deeper than ${MAX_INDEX_DEPTH}`);
      const index = JSON.parse(current.body.toString("utf8"));
      const choice = selectPlatform(index.manifests ?? [], platform, image);
      picked = choice.platform;
      this.opts.logger.info(`containerDisk ${image}: picked ${choice.platform} (${choice.descriptor.digest}) from an index of ${(index.manifests ?? []).length} manifests`);
      current = await this.manifest(choice.descriptor.digest);
    }
    if (current.mediaType !== OCI_MANIFEST && current.mediaType !== DOCKER_MANIFEST) {
      throw new ContainerDiskContentError(`${image}: the registry answered a '${current.mediaType || "unknown"}' document, not an image manifest (expected ${OCI_MANIFEST} or ${DOCKER_MANIFEST})`);
    }
    return {
      image,
      referenceDigest: top.digest,
      digest: current.digest,
      ...picked ? { platform: picked } : {},
      offline: false
    };
  }
  async parsedManifest(digest) {
    const body = this.manifests.get(digest) ?? (await this.manifest(digest)).body;
    const doc = JSON.parse(body.toString("utf8"));
    const layers = doc.layers ?? [];
    if (layers.length === 0) throw new ContainerDiskContentError(`${this.image}: manifest ${digest} has no layers, so no disk`);
    for (const [i, l] of layers.entries()) {
      if (!layerCompressionOf(l.mediaType)) {
        throw new ContainerDiskContentError(`${this.image}: layer ${i + 1} (${l.digest}) has media type '${l.mediaType}', which is not an image layer (expected one of ${LAYER_MEDIA_TYPES.join(", ")})`);
      }
      if (!isSha256Digest(l.digest) || !Number.isSafeInteger(l.size) || l.size < 0) throw new ContainerDiskContentError(`${this.image}: layer ${i + 1} has no valid sha256 digest and size`);
    }
    return { layers };
  }
};
var PullProgress = class {
  constructor(logger, phase, total, intervalMs) {
    this.logger = logger;
    this.phase = phase;
    this.total = total;
    this.intervalMs = intervalMs;
  }
  logger;
  phase;
  total;
  intervalMs;
  started = Date.now();
  last = Date.now();
  done = 0;
  add(bytes) {
    this.done += bytes;
    if (Date.now() - this.last >= this.intervalMs) this.report();
  }
  rate() {
    const seconds = Math.max((Date.now() - this.started) / 1e3, 1e-3);
    return `${(this.done / seconds / 1e6).toFixed(1)} MB/s`;
  }
  report() {
    this.last = Date.now();
    this.logger.progress({
      phase: this.phase,
      done: this.done,
      total: this.total,
      unit: "bytes",
      message: this.rate()
    });
  }
};
async function diskFormat(file, image, name) {
  const fh = await open2(file, "r");
  try {
    const header = Buffer.alloc(512);
    const { bytesRead } = await fh.read(header, 0, header.length, 0);
    if (bytesRead === 0) throw new ContainerDiskContentError(`${image}: /disk/${name} is empty`);
    return classifyDiskHeader(`${image}: /disk/${name}`, header.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}
async function resolveContainerDisk(opts) {
  const session = new PullSession(opts);
  try {
    return await session.resolve();
  } catch (err) {
    if (opts.signal?.aborted) throw abortReason(opts.signal);
    toUserError(err, opts.image);
  } finally {
    session.close();
  }
}
async function pullContainerDisk(opts) {
  const session = new PullSession(opts);
  const { logger, image } = { logger: opts.logger, image: opts.image };
  try {
    const resolved = opts.resolved ?? await session.resolve();
    const cached = await session.cache.lookup(resolved.digest);
    if (cached) {
      logger.info(`containerDisk ${image}: using the cached disk ${cached.path} (${resolved.digest}, ${formatBytes(cached.size)})`);
      await remember(session, resolved);
      return pulled(resolved, cached, true);
    }
    if (resolved.offline) throw new RegistryError(`${image}: the registry cannot be reached and ${resolved.digest} is not in the cache`, 0);
    await mkdir(session.cache.dir, { recursive: true });
    return await withLock(
      session.cache.lockFile(resolved.digest),
      async () => {
        const theirs = await session.cache.lookup(resolved.digest);
        if (theirs) {
          logger.info(`containerDisk ${image}: using the disk another build just pulled, ${theirs.path} (${resolved.digest})`);
          await remember(session, resolved);
          return pulled(resolved, theirs, true);
        }
        return pullIntoCache(session, resolved, opts);
      },
      {
        ...opts.signal ? { signal: opts.signal } : {},
        onWait: (owner) => logger.info(`containerDisk ${image}: another build (pid ${owner.pid}) is pulling ${resolved.digest} into the cache; waiting for it`)
      }
    );
  } catch (err) {
    if (opts.signal?.aborted) throw abortReason(opts.signal);
    toUserError(err, image);
  } finally {
    session.close();
  }
}
async function pullIntoCache(session, resolved, opts) {
  const { logger, image } = opts;
  const { layers } = await session.parsedManifest(resolved.digest);
  const client = await session.connect();
  const total = layers.reduce((n, l) => n + l.size, 0);
  logger.info(`containerDisk ${image}: pulling ${resolved.digest} (${layers.length} layer${layers.length === 1 ? "" : "s"}, ${formatBytes(total)})`);
  const progress = new PullProgress(logger, `pull ${image}`, total, opts.progressIntervalMs ?? 5e3);
  const sources = layers.map((l, i) => ({
    label: `layer ${i + 1}/${layers.length} (${l.digest})`,
    compression: layerCompressionOf(l.mediaType),
    open: () => {
      let seen = 0;
      return streamBlob({
        client,
        repo: session.ref.repository,
        blob: l,
        image,
        logger,
        ...opts.signal ? { signal: opts.signal } : {},
        ...opts.retry ? { retry: opts.retry } : {},
        onBytes: (received) => {
          if (received > seen) progress.add(received - seen);
          seen = Math.max(seen, received);
        }
      });
    }
  }));
  const staging = await session.cache.staging();
  try {
    const started = Date.now();
    const disk = await extractContainerDisk(sources, staging, image, opts.signal);
    progress.report();
    const format = await diskFormat(disk.file, image, disk.name);
    const stored = await session.cache.store(staging, disk.file, {
      image,
      digest: resolved.digest,
      ...resolved.referenceDigest !== resolved.digest ? { indexDigest: resolved.referenceDigest } : {},
      ...resolved.platform ? { platform: resolved.platform } : {},
      file: disk.name,
      size: disk.size,
      sha256: disk.sha256,
      format,
      pulledAt: (/* @__PURE__ */ new Date()).toISOString()
    });
    const seconds = Math.max((Date.now() - started) / 1e3, 1e-3);
    logger.info(
      `containerDisk ${image}: extracted /disk/${disk.name} (${format}, ${formatBytes(disk.size)}, sha256:${disk.sha256}) in ${seconds.toFixed(1)}s, ${(total / seconds / 1e6).toFixed(1)} MB/s from the registry`
    );
    await remember(session, resolved);
    return pulled(resolved, stored, false);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
async function remember(session, resolved) {
  if (resolved.offline) return;
  await session.cache.rememberTag(
    {
      image: resolved.image,
      referenceDigest: resolved.referenceDigest,
      digest: resolved.digest,
      ...resolved.platform ? { platform: resolved.platform } : {},
      resolvedAt: (/* @__PURE__ */ new Date()).toISOString()
    },
    formatPlatform(session.platform)
  );
}
function pulled(resolved, disk, fromCache) {
  return {
    ...resolved,
    path: disk.path,
    name: disk.file,
    sha256: disk.sha256,
    size: disk.size,
    format: disk.format,
    fromCache
  };
}

// src/core/oci/pull/container-disk-source.ts
function secretsOf(logger) {
  const l = logger;
  if (typeof l.addSecret === "function") return { add: (s) => l.addSecret(s) };
  return l.masker instanceof SecretMasker ? l.masker : void 0;
}
function containerDiskSettingsFromEnv(env = process.env) {
  return {
    env,
    ...env.RUDDERVIRT_REGISTRY_CA_FILE ? { caFile: env.RUDDERVIRT_REGISTRY_CA_FILE } : {},
    .../^(1|true|yes)$/i.test(env.RUDDERVIRT_REGISTRY_INSECURE ?? "") ? { insecure: true } : {}
  };
}
function createContainerDiskSource(settings = {}) {
  const resolved = /* @__PURE__ */ new Map();
  const withMasker = (logger) => {
    const masker = settings.masker ?? secretsOf(logger);
    return masker ? { masker } : {};
  };
  const resolve = (image, logger, signal) => {
    let r = resolved.get(image);
    if (!r) {
      r = resolveContainerDisk({ ...settings, ...withMasker(logger), image, logger, signal });
      resolved.set(image, r);
      r.catch(() => resolved.delete(image));
    }
    return r;
  };
  const pulls = /* @__PURE__ */ new Map();
  return {
    resolve,
    pull(image, logger, signal) {
      let p = pulls.get(image);
      if (!p) {
        p = resolve(image, logger, signal).then((pinned) => pullContainerDisk({ ...settings, ...withMasker(logger), image, logger, signal, resolved: pinned }));
        pulls.set(image, p);
        p.catch(() => pulls.delete(image));
      }
      return p;
    }
  };
}
async function containerDiskDigest(source, vm, logger, signal) {
  if (vm.source.kind !== "containerDisk") return void 0;
  const r = await source.resolve(vm.source.image, logger, signal);
  return { reference: vm.source.image, digest: r.digest, ...r.referenceDigest !== r.digest ? { indexDigest: r.referenceDigest } : {}, ...r.platform ? { platform: r.platform } : {} };
}

// src/core/progress-reporter.ts
var ProgressReporter = class {
  constructor(logger, phase, total, intervalMs = 1e4, now = Date.now) {
    this.logger = logger;
    this.phase = phase;
    this.total = total;
    this.intervalMs = intervalMs;
    this.now = now;
  }
  logger;
  phase;
  total;
  intervalMs;
  now;
  lastReportAt = 0;
  lastTenth = -1;
  done = 0;
  start() {
    this.emit();
  }
  /** Sets the absolute number of bytes done. */
  update(done) {
    this.done = done;
    const t = this.now();
    if (this.total && this.total > 0) {
      const tenth = Math.floor(10 * done / this.total);
      if (tenth > this.lastTenth && tenth < 10) this.emit();
    } else if (t - this.lastReportAt >= this.intervalMs) {
      this.emit();
    }
  }
  add(bytes) {
    this.update(this.done + bytes);
  }
  finish(message) {
    this.emit(message);
  }
  emit(message) {
    this.lastReportAt = this.now();
    if (this.total && this.total > 0) this.lastTenth = Math.floor(10 * this.done / this.total);
    this.logger.progress({
      phase: this.phase,
      done: this.done,
      ...this.total !== void 0 ? { total: this.total } : {},
      unit: "bytes",
      ...message ? { message } : {}
    });
  }
};

export {
  resolveContainerDisk,
  pullContainerDisk,
  secretsOf,
  containerDiskSettingsFromEnv,
  createContainerDiskSource,
  containerDiskDigest,
  ProgressReporter
};
