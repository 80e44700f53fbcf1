import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  DEFAULT_BLOCK_SIZE,
  DEFAULT_LEVEL,
  LEVEL_RANGE,
  MemberPool,
  blockCompressor,
  compressInOrder,
  defaultConcurrency,
  storedGzipSize
} from "./chunk-W76QTMHQ.js";
import {
  CredentialError,
  DEFAULT_PLATFORM,
  DEFAULT_RETRY,
  DiskFormatError,
  HttpNetworkError,
  ImageReferenceError,
  OCI_INDEX,
  OCI_MANIFEST,
  RegistryClient,
  RegistryError,
  backoffDelay,
  describeErrorBody,
  digestHex,
  formatPlatform,
  headerValue,
  inspectDisk,
  isIndexType,
  isRetryableStatus,
  isSha256Digest,
  layerCompression,
  mediaTypesFor,
  parseImageReference,
  parsePlatform,
  repositoryScope,
  resolveCredential,
  sha256,
  withDigest
} from "./chunk-5Q37UMAS.js";
import {
  sleep
} from "./chunk-BHXEFIUH.js";
import {
  formatBytes
} from "./chunk-PXB3LWWR.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/core/oci/publish.ts
import { readFile as readFile2 } from "node:fs/promises";
import path2 from "node:path";

// src/core/oci/disk-digest.ts
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
async function sha256File(path3, signal) {
  const hash = createHash("sha256");
  const fh = await open(path3, "r");
  try {
    const buf = Buffer.allocUnsafeSlow(1024 * 1024);
    for (; ; ) {
      signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return `sha256:${hash.digest("hex")}`;
}

// src/core/oci/disk-layer.ts
import { createHash as createHash3 } from "node:crypto";
import { open as open2 } from "node:fs/promises";

// src/core/oci/garbage.ts
import v8 from "node:v8";
import vm from "node:vm";
var cached;
function gcFunction() {
  if (cached !== void 0) return cached;
  const existing = globalThis.gc;
  if (typeof existing === "function") return cached = existing;
  try {
    v8.setFlagsFromString("--expose-gc");
    const fn = vm.runInNewContext("gc");
    cached = typeof fn === "function" ? fn : null;
  } catch {
    cached = null;
  }
  return cached;
}
function garbageReclaimer(everyBytes) {
  const gc = gcFunction();
  if (!gc) return () => void 0;
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since >= everyBytes) {
      since = 0;
      gc();
    }
  };
}

// src/core/oci/tar-hasher.ts
import { createHash as createHash2 } from "node:crypto";
var TarHasher = class {
  tar = createHash2("sha256");
  disk = createHash2("sha256");
  /** Adds the next block of tar bytes, of which [diskFrom, diskTo) are disk bytes. */
  update(block, diskFrom, diskTo) {
    this.tar.update(block);
    if (diskTo > diskFrom) this.disk.update(block.subarray(diskFrom, diskTo));
  }
  /** Hex digests of everything added; call once, after the last update. */
  digests() {
    return { tar: this.tar.digest("hex"), disk: this.disk.digest("hex") };
  }
};

// src/core/oci/tar-header.ts
var BLOCK = 512;
var MAX_USTAR_SIZE = 8589934591;
function writeString(block, offset, length, value) {
  const bytes = Buffer.from(value, "utf8");
  if (bytes.length > length) throw new Error(`tar header field too long: '${value}' (max ${length} bytes)`);
  bytes.copy(block, offset);
}
function writeOctal(block, offset, length, value) {
  const digits = value.toString(8);
  if (digits.length > length - 1) throw new Error(`tar header number ${value} does not fit in ${length - 1} octal digits`);
  writeString(block, offset, length, digits.padStart(length - 1, "0"));
}
function ustarHeader(name, typeflag, e) {
  const block = Buffer.alloc(BLOCK);
  let prefix = "";
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf("/", 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`tar entry name too long: ${name}`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  writeString(block, 0, 100, base);
  writeOctal(block, 100, 8, e.mode);
  writeOctal(block, 108, 8, e.uid);
  writeOctal(block, 116, 8, e.gid);
  writeOctal(block, 124, 12, e.size);
  writeOctal(block, 136, 12, e.mtime);
  block.fill(32, 148, 156);
  writeString(block, 156, 1, typeflag);
  writeString(block, 257, 6, "ustar");
  writeString(block, 263, 2, "00");
  writeString(block, 265, 32, e.uname);
  writeString(block, 297, 32, e.gname);
  writeOctal(block, 329, 8, 0);
  writeOctal(block, 337, 8, 0);
  writeString(block, 345, 155, prefix);
  let sum = 0;
  for (const b of block) sum += b;
  writeString(block, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return block;
}
function paxRecord(key, value) {
  const body = ` ${key}=${value}
`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body);
  return `${length}${body}`;
}
function padToBlock(n) {
  return (BLOCK - n % BLOCK) % BLOCK;
}
function encodeTarHeader(entry) {
  const typeflag = entry.type === "directory" ? "5" : "0";
  if (entry.size <= MAX_USTAR_SIZE) return ustarHeader(entry.name, typeflag, entry);
  const records = Buffer.from(paxRecord("size", String(entry.size)), "utf8");
  const paxName = `PaxHeaders/${entry.name.split("/").pop() ?? "file"}`;
  const pax = ustarHeader(paxName, "x", { ...entry, size: records.length });
  return Buffer.concat([pax, records, Buffer.alloc(padToBlock(records.length)), ustarHeader(entry.name, typeflag, { ...entry, size: 0 })]);
}
function tarPadding(size) {
  return padToBlock(size);
}
var TAR_TRAILER_SIZE = 2 * BLOCK;

// src/core/oci/disk-layer.ts
var GC_EVERY_BYTES = 4 * 1024 * 1024;
var QEMU_UID = 107;
var QEMU_GID = 107;
function diskLayerTarPrefix(disk) {
  const owner = { uid: QEMU_UID, gid: QEMU_GID, uname: "qemu", gname: "qemu", mtime: 0 };
  return Buffer.concat([encodeTarHeader({ name: "disk/", type: "directory", mode: 365, size: 0, ...owner }), encodeTarHeader({ name: `disk/${disk.fileName}`, type: "file", mode: 292, size: disk.size, ...owner })]);
}
function diskLayerTarSize(disk) {
  return diskLayerTarPrefix(disk).length + disk.size + tarPadding(disk.size) + TAR_TRAILER_SIZE;
}
var BlockPool = class {
  constructor(size, count) {
    this.size = size;
    for (let i = 0; i < count; i++) this.free.push(Buffer.allocUnsafeSlow(size));
  }
  size;
  free = [];
  waiting = [];
  async take(length) {
    const buf = this.free.pop() ?? await new Promise((resolve) => this.waiting.push(resolve));
    return buf.subarray(0, length);
  }
  give(block) {
    const whole = Buffer.from(block.buffer, block.byteOffset, this.size);
    const waiter = this.waiting.shift();
    if (waiter) waiter(whole);
    else this.free.push(whole);
  }
};
async function* tarBlocks(opts, blockSize, pool) {
  const prefix = diskLayerTarPrefix(opts.disk);
  const diskStart = prefix.length;
  const diskEnd = diskStart + opts.disk.size;
  const total = diskLayerTarSize(opts.disk);
  const fh = await open2(opts.path, "r");
  try {
    for (let offset = 0; offset < total; offset += blockSize) {
      opts.signal?.throwIfAborted();
      const end = Math.min(offset + blockSize, total);
      const block = await pool.take(end - offset);
      if (offset < diskStart) prefix.copy(block, 0, offset, Math.min(diskStart, end));
      if (end > diskEnd) block.fill(0, Math.max(diskEnd, offset) - offset);
      const from = Math.max(offset, diskStart);
      const to = Math.min(end, diskEnd);
      for (let pos = from; pos < to; ) {
        const { bytesRead } = await fh.read(block, pos - offset, to - pos, pos - diskStart);
        if (bytesRead === 0) throw new Error(`${opts.path} shrank while it was being read (expected ${opts.disk.size} bytes)`);
        pos += bytesRead;
      }
      if (to > from) opts.onRead?.(to - diskStart);
      yield { block, diskFrom: Math.max(0, from - offset), diskTo: Math.max(0, to - offset) };
    }
  } finally {
    await fh.close();
  }
}
function streamDiskLayer(opts) {
  const blockSize = opts.blockSize ?? DEFAULT_BLOCK_SIZE;
  const blobHash = createHash3("sha256");
  let size = 0;
  let result;
  const reclaim = garbageReclaimer(GC_EVERY_BYTES);
  const slabSize = storedGzipSize(blockSize);
  const members = new MemberPool(slabSize, opts.concurrency + 2);
  async function* chunks() {
    const pool = new BlockPool(blockSize, opts.concurrency + 1);
    const hasher = new TarHasher();
    async function* hashedBlocks() {
      for await (const { block, diskFrom, diskTo } of tarBlocks(opts, blockSize, pool)) {
        hasher.update(block, diskFrom, diskTo);
        yield block;
      }
    }
    const compress = blockCompressor(opts.compression, opts.level, blockSize, members);
    let dropped = 0;
    try {
      for await (const out of compressInOrder(hashedBlocks(), compress, opts.concurrency, (block) => pool.give(block))) {
        blobHash.update(out);
        size += out.length;
        if (members.droppedBytes !== dropped) {
          reclaim(members.droppedBytes - dropped);
          dropped = members.droppedBytes;
        }
        yield out;
      }
      const { tar, disk } = hasher.digests();
      result = {
        digest: `sha256:${blobHash.digest("hex")}`,
        size,
        diffId: `sha256:${tar}`,
        diskDigest: `sha256:${disk}`
      };
    } finally {
      compress.close?.();
    }
  }
  return {
    chunks: chunks(),
    release(piece) {
      members.give(piece);
    },
    digests() {
      if (!result) throw new Error("layer digests read before the layer stream ended");
      return result;
    }
  };
}

// src/core/oci/image-documents.ts
var SHASUM_LABEL = "shasum";
var OCI_ANNOTATION = {
  created: "org.opencontainers.image.created",
  source: "org.opencontainers.image.source",
  revision: "org.opencontainers.image.revision",
  title: "org.opencontainers.image.title",
  refName: "org.opencontainers.image.ref.name"
};
function toBlob(value, mediaType) {
  const bytes = Buffer.from(JSON.stringify(value), "utf8");
  return { bytes, descriptor: { mediaType, digest: sha256(bytes), size: bytes.length } };
}
function sortedRecord(record) {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0));
}
function buildImageConfig(input, types) {
  const config = {
    architecture: input.platform.architecture,
    os: input.platform.os,
    ...input.platform.variant ? { variant: input.platform.variant } : {},
    created: input.created,
    config: {
      // crun-vm and other runtimes refuse an image with nothing to run; kubevirt/containerdisks sets the same.
      Entrypoint: ["no-entrypoint"],
      Labels: sortedRecord(input.labels)
    },
    rootfs: { type: "layers", diff_ids: [input.diffId] },
    history: [{ created: input.created, created_by: "ruddervirt publish" }]
  };
  return toBlob(config, types.config);
}
function buildManifest(config, layer, types, annotations = {}) {
  const bare = (d) => ({ mediaType: d.mediaType, digest: d.digest, size: d.size });
  const manifest = {
    schemaVersion: 2,
    mediaType: types.manifest,
    config: bare(config),
    layers: [bare(layer)],
    // Docker's schema 2 has no annotations field; OCI readers show these without fetching the config.
    ...Object.keys(annotations).length > 0 && types.manifest.includes("oci") ? { annotations: sortedRecord(annotations) } : {}
  };
  return toBlob(manifest, types.manifest);
}
function buildIndex(manifests, types, annotations = {}) {
  const index = {
    schemaVersion: 2,
    mediaType: types.index,
    manifests: manifests.map(({ descriptor, platform }) => ({
      mediaType: descriptor.mediaType,
      digest: descriptor.digest,
      size: descriptor.size,
      platform: { architecture: platform.architecture, os: platform.os, ...platform.variant ? { variant: platform.variant } : {} }
    })),
    ...Object.keys(annotations).length > 0 && types.index.includes("oci") ? { annotations: sortedRecord(annotations) } : {}
  };
  return toBlob(index, types.index);
}
function parseManifestJson(body) {
  return JSON.parse(body.toString("utf8"));
}
function parseConfigJson(body) {
  return JSON.parse(body.toString("utf8"));
}

// src/core/oci/oci-layout.ts
import { randomBytes } from "node:crypto";
import { mkdir, open as open3, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";

// src/core/oci/existing-image.ts
async function readSingle(reader, digest, body) {
  const manifest = parseManifestJson(body);
  const layer = manifest.layers?.[0];
  if (!manifest.config || !layer || manifest.layers.length !== 1 || !isSha256Digest(manifest.config.digest) || !isSha256Digest(layer.digest)) return void 0;
  const config = parseConfigJson(await reader.blob(manifest.config.digest));
  const diffId = config.rootfs?.diff_ids?.[0];
  if (!diffId || !isSha256Digest(diffId)) return void 0;
  const image = {
    manifestDigest: digest,
    layer: { mediaType: layer.mediaType, digest: layer.digest, size: layer.size },
    diffId,
    platform: { os: config.os ?? "linux", architecture: config.architecture ?? "amd64", ...config.variant ? { variant: config.variant } : {} }
  };
  const shasum = config.config?.Labels?.[SHASUM_LABEL];
  if (shasum) image.shasum = shasum;
  return image;
}
async function readExistingTag(reader, tag) {
  const top = await reader.manifest(tag);
  if (!top) return void 0;
  const images = [];
  try {
    if (isIndexType(top.mediaType)) {
      for (const child of parseManifestJson(top.body).manifests ?? []) {
        if (!isSha256Digest(child.digest)) continue;
        const m = await reader.manifest(child.digest);
        if (!m) continue;
        const image = await readSingle(reader, child.digest, m.body);
        if (image) images.push(image);
      }
    } else {
      const image = await readSingle(reader, top.digest, top.body);
      if (image) images.push(image);
    }
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
  }
  return { digest: top.digest, images };
}

// src/core/oci/oci-layout.ts
var OciLayoutError = class extends Error {
  name = "OciLayoutError";
};
var OciLayoutTarget = class {
  constructor(dir, tags) {
    this.dir = dir;
    this.tags = tags;
    this.name = dir;
    this.group = `layout:${path.resolve(dir)}`;
  }
  dir;
  tags;
  name;
  group;
  blobPath(digest) {
    return path.join(this.dir, "blobs", "sha256", digestHex(digest));
  }
  async writeAtomically(target, data) {
    const tmp = `${target}.tmp-${randomBytes(6).toString("hex")}`;
    await writeFile(tmp, data);
    await rename(tmp, target);
  }
  /** Creates the layout's skeleton, or checks that an existing directory is a layout. */
  async init() {
    try {
      await mkdir(path.join(this.dir, "blobs", "sha256"), { recursive: true });
    } catch (err) {
      const code = err.code;
      const why = code === "ENOTDIR" || code === "EEXIST" ? "it (or a folder above it) is a file" : code === "EACCES" || code === "EPERM" || code === "EROFS" ? "it is not writable" : code ?? String(err);
      throw new OciLayoutError(`${this.dir}: cannot use it as an OCI layout folder: ${why}`);
    }
    const marker = path.join(this.dir, "oci-layout");
    try {
      const parsed = JSON.parse(await readFile(marker, "utf8"));
      if (parsed.imageLayoutVersion !== "1.0.0") throw new OciLayoutError(`${marker}: unsupported imageLayoutVersion ${String(parsed.imageLayoutVersion)}`);
    } catch (err) {
      if (err.code !== "ENOENT") {
        if (err instanceof OciLayoutError) throw err;
        throw new OciLayoutError(`${marker}: not an OCI layout marker (${err instanceof Error ? err.message : String(err)})`);
      }
      await writeFile(marker, JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    }
    await this.readIndex();
  }
  async readIndex() {
    const file = path.join(this.dir, "index.json");
    let text;
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      if (err.code === "ENOENT") return { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] };
      throw err;
    }
    try {
      const index = JSON.parse(text);
      if (!Array.isArray(index.manifests)) throw new Error("no manifests array");
      return index;
    } catch (err) {
      throw new OciLayoutError(`${file}: not a valid OCI index (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  async readExisting(tag) {
    const index = await this.readIndex();
    return readExistingTag(
      {
        manifest: async (ref) => {
          const d = ref.startsWith("sha256:") ? index.manifests.find((m) => m.digest === ref) : index.manifests.find((m) => m.annotations?.[OCI_ANNOTATION.refName] === ref);
          const digest = d?.digest ?? (ref.startsWith("sha256:") ? ref : void 0);
          if (!digest || !await this.hasBlob(digest)) return void 0;
          const body = await this.readBlob(digest);
          const mediaType = d?.mediaType ?? JSON.parse(body.toString("utf8")).mediaType ?? "";
          return { mediaType, digest, body };
        },
        blob: (digest) => this.readBlob(digest)
      },
      tag
    );
  }
  async readBlob(digest) {
    const body = await readFile(this.blobPath(digest));
    if (sha256(body) !== digest) throw new OciLayoutError(`${this.blobPath(digest)}: content does not match its digest`);
    return body;
  }
  async hasBlob(digest) {
    try {
      return (await stat(this.blobPath(digest))).isFile();
    } catch {
      return false;
    }
  }
  async linkBlob() {
    return false;
  }
  async putBlob(blob) {
    if (await this.hasBlob(blob.descriptor.digest)) return;
    await this.writeAtomically(this.blobPath(blob.descriptor.digest), blob.bytes);
  }
  async streamLayer(produce, onSent) {
    const tmp = path.join(this.dir, "blobs", "sha256", `.incoming-${randomBytes(6).toString("hex")}`);
    const fh = await open3(tmp, "w");
    try {
      const producer = produce();
      let size = 0;
      for await (const chunk of producer.chunks) {
        await fh.write(chunk);
        producer.release?.(chunk);
        size += chunk.length;
        onSent(size);
      }
      await fh.close();
      const digest = producer.digest();
      await rename(tmp, this.blobPath(digest));
      return { digest, size, resumes: 0, restarts: 0 };
    } catch (err) {
      await fh.close().catch(() => void 0);
      throw err;
    } finally {
      await rm(tmp, { force: true });
    }
  }
  async putManifest(reference, blob) {
    await this.putBlob(blob);
    if (reference.startsWith("sha256:")) return;
    const index = await this.readIndex();
    const descriptor = { ...blob.descriptor, annotations: { [OCI_ANNOTATION.refName]: reference } };
    index.manifests = [...index.manifests.filter((m) => m.annotations?.[OCI_ANNOTATION.refName] !== reference), descriptor];
    index.mediaType ??= OCI_INDEX;
    await this.writeAtomically(path.join(this.dir, "index.json"), JSON.stringify(index));
  }
  refFor(reference) {
    return reference.startsWith("sha256:") ? `${this.dir}@${reference}` : `${this.dir}:${reference}`;
  }
};

// src/core/oci/registry/streamed-upload.ts
var SessionLost = class extends Error {
  name = "SessionLost";
};
function receivedFromRange(range) {
  if (range === void 0) return void 0;
  const m = /^(?:bytes=)?0-(\d+)$/.exec(range.trim());
  if (!m) return void 0;
  const end = Number(m[1]);
  return end === 0 ? 0 : end + 1;
}
async function* piecesFrom(source, offset, release) {
  let at = 0;
  for await (const piece of source) {
    const end = at + piece.length;
    if (end <= offset) release(piece);
    else yield { piece, part: at >= offset ? piece : piece.subarray(offset - at), end };
    at = end;
  }
}
var UploadSession = class {
  constructor(client, repo, start, opts) {
    this.client = client;
    this.repo = repo;
    this.opts = opts;
    this.location = start;
  }
  client;
  repo;
  opts;
  location;
  resumes = 0;
  refreshAuth = false;
  get scopes() {
    return [repositoryScope(this.repo, "pull,push")];
  }
  takeLocation(res) {
    const location = headerValue(res, "location");
    if (location) this.location = this.client.resolve(location);
  }
  /** How many bytes the registry holds for this session. */
  async registryOffset() {
    const res = await this.client.call("GET", this.location, { scopes: this.scopes });
    if (res.status === 404 || res.status === 400) {
      throw new SessionLost(`the registry no longer knows this upload (${describeErrorBody(res).text})`);
    }
    this.client.expect(res, [204, 200], "upload status");
    this.takeLocation(res);
    const received = receivedFromRange(headerValue(res, "range"));
    if (received === void 0) throw new SessionLost(`the upload status has no usable Range header (${headerValue(res, "range") ?? "none"})`);
    return received;
  }
  /** One PATCH with the blob from byte `from` on (the registry holds the bytes before it). */
  async patch(producer, from) {
    const release = (piece) => producer.release?.(piece);
    const url = this.location;
    const request = await this.client.openStream("PATCH", url, { scopes: this.scopes, headers: { "content-type": "application/octet-stream" }, refreshAuth: this.refreshAuth });
    let sent = from;
    let reached = from;
    let complete = false;
    let res;
    try {
      for await (const { piece, part, end } of piecesFrom(producer.chunks, from, release)) {
        if (request.answered) break;
        reached = end;
        if (part.length > 0) await request.write(part);
        if (request.answered) break;
        release(piece);
        sent = end;
        this.opts.onAcknowledged?.(sent);
      }
      complete = !request.answered;
      res = complete ? await request.end() : await request.response;
    } catch (err) {
      request.abort();
      if (!(err instanceof HttpNetworkError)) throw err;
      return { done: false, problem: err.message, sent: reached };
    }
    if (!complete) request.abort();
    if (res.status === 202 || res.status === 204) {
      this.takeLocation(res);
      this.refreshAuth = false;
      if (!complete) return { done: false, problem: `PATCH answered HTTP ${res.status} before the layer ended`, sent: reached };
      const digest = producer.digest();
      const received = receivedFromRange(headerValue(res, "range"));
      if (received === void 0 || received === sent) return { done: true, digest, size: sent };
      return { done: false, problem: `the registry acknowledged ${received} bytes, expected ${sent}`, sent, produced: { digest, size: sent } };
    }
    if (res.status === 404) throw new SessionLost(`PATCH answered 404 (${describeErrorBody(res).text})`);
    if (res.status === 401 && !this.refreshAuth) {
      this.refreshAuth = true;
      return { done: false, problem: "PATCH answered 401", sent: reached };
    }
    if (res.status === 401 || res.status === 403) throw this.client.authError(res, "PATCH", url);
    if (res.status === 416 || isRetryableStatus(res.status)) return { done: false, problem: `PATCH answered HTTP ${res.status}`, sent: reached };
    const { text, codes } = describeErrorBody(res);
    throw new RegistryError(`${this.client.registry}: upload of the layer from byte ${from} failed with HTTP ${res.status}: ${text}`, res.status, codes);
  }
  /** Sends the whole blob, resuming where the registry says it stopped; its digest and size. */
  async send(produce) {
    const retry = this.opts.retry ?? DEFAULT_RETRY;
    let from = 0;
    for (let failures = 0; ; ) {
      this.opts.signal?.throwIfAborted();
      const attempt = await this.patch(produce(), from);
      if (attempt.done) return attempt;
      failures++;
      if (failures >= retry.attempts) throw new SessionLost(`giving up on this session after ${failures} failed sends (${attempt.problem})`);
      let offset;
      while (offset === void 0) {
        await sleep(backoffDelay(failures, retry), this.opts.signal);
        try {
          offset = await this.registryOffset();
        } catch (err) {
          if (!(err instanceof HttpNetworkError)) throw err;
          failures++;
          if (failures >= retry.attempts) throw new SessionLost(`giving up on this session after ${failures} failures (${err.message})`);
        }
      }
      if (offset < from || offset > attempt.sent) {
        throw new SessionLost(`the registry holds ${offset} bytes, outside what was sent (${from}-${attempt.sent})`);
      }
      this.opts.logger.warn(`upload interrupted (${attempt.problem}); resuming at byte ${offset}`);
      if (attempt.produced && offset === attempt.produced.size) {
        this.opts.onAcknowledged?.(offset);
        return attempt.produced;
      }
      this.resumes++;
      from = offset;
    }
  }
  async finish(digest, size) {
    const url = withDigest(this.location, digest);
    let res;
    try {
      res = await this.client.call("PUT", url, { scopes: this.scopes, retryNetwork: false });
    } catch (err) {
      if (err instanceof HttpNetworkError && await this.client.blobExists(this.repo, digest)) return;
      throw err;
    }
    if (res.status === 201 || res.status === 204) {
      this.client.checkReturnedDigest(res, digest, `the layer in ${this.repo}`);
      return;
    }
    const { text, codes } = describeErrorBody(res);
    if (codes.includes("DIGEST_INVALID") || codes.includes("BLOB_UPLOAD_INVALID") || codes.includes("BLOB_UPLOAD_UNKNOWN") || res.status === 404) {
      throw new SessionLost(`the registry rejected the finished upload of ${size} bytes as ${digest}: ${text}`);
    }
    this.client.expect(res, [201], `finish upload of ${digest}`);
  }
};
async function uploadStreamedBlob(client, repo, produce, opts) {
  const maxRestarts = opts.maxRestarts ?? 2;
  let resumes = 0;
  for (let restarts = 0; ; restarts++) {
    const session = new UploadSession(client, repo, await client.startUpload(repo), opts);
    try {
      const { digest, size } = await session.send(produce);
      await session.finish(digest, size);
      return { digest, size, resumes: resumes + session.resumes, restarts };
    } catch (err) {
      resumes += session.resumes;
      if (!(err instanceof SessionLost) || restarts >= maxRestarts) {
        if (err instanceof SessionLost) throw new RegistryError(`${client.registry}: uploading the layer to ${repo} failed: ${err.message}`, 0);
        throw err;
      }
      opts.logger.warn(`${client.registry}: ${err.message}; sending the layer again from the start (restart ${restarts + 1}/${maxRestarts})`);
      await client.call("DELETE", session.location, { scopes: [repositoryScope(repo, "pull,push")] }).catch(() => void 0);
    }
  }
}

// src/core/oci/registry-target.ts
var RegistryTarget = class _RegistryTarget {
  constructor(client, repo, tags, opts) {
    this.client = client;
    this.repo = repo;
    this.tags = tags;
    this.opts = opts;
    this.name = `${client.registry}/${repo}`;
    this.group = `registry:${client.registry}`;
  }
  client;
  repo;
  tags;
  opts;
  name;
  group;
  readExisting(tag) {
    return readExistingTag({ manifest: (ref) => this.client.getManifest(this.repo, ref), blob: (d) => this.client.getBlob(this.repo, d) }, tag);
  }
  hasBlob(digest) {
    return this.client.blobExists(this.repo, digest);
  }
  async linkBlob(digest, from) {
    if (!(from instanceof _RegistryTarget) || from.group !== this.group) return false;
    return this.client.mountBlob(this.repo, digest, from.repo);
  }
  putBlob(blob) {
    return this.client.pushBlob(this.repo, blob.bytes, blob.descriptor.digest);
  }
  streamLayer(produce, onSent) {
    return uploadStreamedBlob(this.client, this.repo, produce, {
      logger: this.opts.logger,
      signal: this.opts.signal,
      onAcknowledged: onSent
    });
  }
  async putManifest(reference, blob) {
    await this.client.putManifest(this.repo, reference, blob.bytes, blob.descriptor.mediaType);
  }
  refFor(reference) {
    return reference.startsWith("sha256:") ? `${this.name}@${reference}` : `${this.name}:${reference}`;
  }
};

// src/core/oci/referrers.ts
var EMPTY_MEDIA_TYPE = "application/vnd.oci.empty.v1+json";
var EMPTY_BYTES = Buffer.from("{}");
var EMPTY_DESCRIPTOR = { mediaType: EMPTY_MEDIA_TYPE, digest: sha256(EMPTY_BYTES), size: 2 };
function referrersTag(subject) {
  return `sha256-${digestHex(subject)}`;
}
function artifactManifest(subject, doc, layer) {
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    artifactType: doc.artifactType,
    config: EMPTY_DESCRIPTOR,
    layers: [layer],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    ...doc.annotations && Object.keys(doc.annotations).length > 0 ? { annotations: doc.annotations } : {}
  };
  return Buffer.from(JSON.stringify(manifest));
}
function addToReferrersIndex(existing, entry) {
  let manifests = [];
  if (existing) {
    const parsed = JSON.parse(existing.toString("utf8"));
    if (parsed.mediaType !== void 0 && parsed.mediaType !== OCI_INDEX) throw new Error(`the referrers tag holds a ${parsed.mediaType}, not an image index`);
    manifests = (parsed.manifests ?? []).filter((m) => m.digest !== entry.digest);
  }
  manifests.push(entry);
  return Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
}
async function attachReferrer(client, repo, subject, doc) {
  const layer = { mediaType: doc.mediaType, digest: sha256(doc.bytes), size: doc.bytes.length };
  if (!await client.blobExists(repo, EMPTY_DESCRIPTOR.digest)) await client.pushBlob(repo, EMPTY_BYTES, EMPTY_DESCRIPTOR.digest);
  if (!await client.blobExists(repo, layer.digest)) await client.pushBlob(repo, doc.bytes, layer.digest);
  const body = artifactManifest(subject, doc, layer);
  const digest = sha256(body);
  const res = await client.call("PUT", `/v2/${repo}/manifests/${digest}`, { scopes: [repositoryScope(repo, "pull,push")], body, headers: { "content-type": OCI_MANIFEST } });
  client.expect(res, [201, 200], `PUT referrer manifest ${repo}@${digest}`);
  if (headerValue(res, "oci-subject") === subject.digest) return { digest, artifactType: doc.artifactType };
  const tag = referrersTag(subject.digest);
  const existing = await client.getManifest(repo, tag);
  let index;
  try {
    index = addToReferrersIndex(existing?.body, { mediaType: OCI_MANIFEST, digest, size: body.length, artifactType: doc.artifactType, ...doc.annotations ? { annotations: doc.annotations } : {} });
  } catch (err) {
    throw new RegistryError(`${client.registry}/${repo}:${tag}: ${err.message}; cannot list the referrer there`, 200);
  }
  await client.putManifest(repo, tag, index, OCI_INDEX);
  return { digest, artifactType: doc.artifactType, fallbackTag: tag };
}

// src/core/oci/transfer-progress.ts
var TransferProgress = class {
  constructor(logger, phase, total, intervalMs, now = Date.now) {
    this.logger = logger;
    this.phase = phase;
    this.total = total;
    this.intervalMs = intervalMs;
    this.now = now;
    this.started = this.now();
    this.lastReport = this.started;
  }
  logger;
  phase;
  total;
  intervalMs;
  now;
  started;
  lastReport;
  read = 0;
  sent = 0;
  update(read, sent) {
    if (read !== void 0) this.read = read;
    if (sent !== void 0) this.sent = sent;
    const t = this.now();
    if (t - this.lastReport >= this.intervalMs) {
      this.lastReport = t;
      this.report();
    }
  }
  rate() {
    const seconds = Math.max((this.now() - this.started) / 1e3, 1e-3);
    return this.read / seconds;
  }
  report() {
    this.logger.progress({
      phase: this.phase,
      done: this.read,
      total: this.total,
      unit: "bytes",
      message: `${formatBytes(this.rate())}/s, ${formatBytes(this.sent)} compressed sent`
    });
  }
  finish() {
    this.read = this.total;
    this.report();
  }
};

// src/core/oci/publish.ts
var ForeignLayer = class extends Error {
  name = "ForeignLayer";
};
function userError(err) {
  if (err instanceof UserError) throw err;
  if (err instanceof RegistryError || err instanceof CredentialError || err instanceof DiskFormatError || err instanceof ImageReferenceError || err instanceof OciLayoutError) {
    throw new UserError(err.message);
  }
  if (err instanceof HttpNetworkError) throw new UserError(`cannot reach the registry: ${err.message}; check the address, the port and that it is running`);
  throw err;
}
function toPlatform(value, what) {
  if (typeof value !== "string") return value;
  try {
    return parsePlatform(value);
  } catch (err) {
    throw new UserError(`${what}: ${err.message}`);
  }
}
function createdTime(opts, jobs) {
  if (opts.build?.created) {
    const t = Date.parse(opts.build.created);
    if (Number.isNaN(t)) throw new UserError(`created time '${opts.build.created}' is not an RFC 3339 date`);
    return new Date(t).toISOString().replace(/\.000Z$/, "Z");
  }
  const epoch = (opts.env ?? process.env).SOURCE_DATE_EPOCH;
  if (epoch !== void 0 && epoch !== "") {
    if (!/^\d+$/.test(epoch)) throw new UserError(`SOURCE_DATE_EPOCH='${epoch}' is not a number of seconds`);
    return new Date(Number(epoch) * 1e3).toISOString().replace(/\.000Z$/, "Z");
  }
  return new Date(Math.max(...jobs.map((j) => j.info.mtime)) * 1e3).toISOString().replace(/\.000Z$/, "Z");
}
var LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
function checkOptions(opts) {
  const compression = opts.compression ?? "gzip";
  if (compression !== "gzip" && compression !== "zstd") throw new UserError(`compression '${String(compression)}' is not supported (expected gzip or zstd)`);
  const format = opts.format ?? "oci";
  if (format !== "oci" && format !== "docker") throw new UserError(`format '${String(format)}' is not supported (expected oci or docker)`);
  if (format === "docker" && compression === "zstd") {
    throw new UserError("the docker manifest format has no zstd layer type; use --format oci with zstd, or gzip");
  }
  const [lo, hi] = LEVEL_RANGE[compression];
  const level = opts.compressionLevel ?? DEFAULT_LEVEL[compression];
  if (!Number.isInteger(level) || level < lo || level > hi) throw new UserError(`${compression} level ${level} is out of range (expected ${lo}-${hi})`);
  for (const key of Object.keys(opts.labels ?? {})) {
    if (!LABEL_KEY.test(key)) throw new UserError(`label key '${key}' must start with a letter or digit and use only letters, digits, '.', '_', '/', '-'`);
  }
  if (opts.refs.length === 0 && !opts.ociLayout) throw new UserError("no image reference to push to");
  return { compression, level, format };
}
async function prepareDisks(opts) {
  const entries = typeof opts.disk === "string" ? [{ path: opts.disk, platform: opts.platform === void 0 ? DEFAULT_PLATFORM : toPlatform(opts.platform, "platform") }] : opts.disk.map((d) => ({ path: d.path, platform: toPlatform(d.platform, `platform of ${d.path}`) }));
  if (entries.length === 0) throw new UserError("no disk to publish");
  const seen = /* @__PURE__ */ new Set();
  for (const e of entries) {
    const key = formatPlatform(e.platform);
    if (seen.has(key)) throw new UserError(`two disks are given for platform ${key}; an index holds one image per platform`);
    seen.add(key);
  }
  const jobs = [];
  for (const e of entries) {
    try {
      jobs.push({ ...e, info: await inspectDisk(e.path) });
    } catch (err) {
      userError(err);
    }
  }
  return jobs;
}
function parseRefs(refs) {
  const groups = /* @__PURE__ */ new Map();
  for (const text of refs) {
    let ref;
    try {
      ref = parseImageReference(text);
    } catch (err) {
      userError(err);
    }
    if (ref.digest !== void 0) throw new UserError(`cannot push to '${text}': a digest reference names content, not a place; give a tag`);
    const key = `${ref.registry}/${ref.repository}`;
    const group = groups.get(key) ?? { ref, tags: [] };
    const tag = ref.tag ?? "latest";
    if (!group.tags.includes(tag)) group.tags.push(tag);
    groups.set(key, group);
  }
  return groups;
}
function layoutTag(text) {
  if (/^[\w][\w.-]{0,127}$/.test(text)) return text;
  try {
    return parseImageReference(text).tag ?? "latest";
  } catch (err) {
    userError(err);
  }
}
async function publishContainerDisk(opts) {
  const { compression, level, format } = checkOptions(opts);
  const types = mediaTypesFor(format, compression);
  const jobs = await prepareDisks(opts);
  const created = createdTime(opts, jobs);
  const logger = opts.logger;
  const env = opts.env ?? process.env;
  const clients = [];
  const targets = [];
  try {
    if (opts.ociLayout) {
      const layout = new OciLayoutTarget(opts.ociLayout, opts.refs.length ? [...new Set(opts.refs.map(layoutTag))] : ["latest"]);
      await layout.init().catch(userError);
      targets.push(layout);
    } else {
      const ca = opts.caFile ? await readCa(opts.caFile) : void 0;
      const byRegistry = /* @__PURE__ */ new Map();
      for (const { ref, tags } of parseRefs(opts.refs).values()) {
        let client = byRegistry.get(ref.registry);
        if (!client) {
          const resolved = await resolveCredential(ref.registry, {
            ...opts.auth,
            env,
            logger,
            signal: opts.signal,
            onSecret: (s) => opts.masker?.add(s)
          }).catch(userError);
          logger.debug(`${ref.registry}: credentials: ${resolved.source}`);
          client = new RegistryClient({
            registry: ref.registry,
            insecure: opts.insecure,
            ca,
            credential: resolved.credential,
            credentialSource: resolved.source,
            logger,
            signal: opts.signal,
            onSecret: (s) => opts.masker?.add(s)
          });
          clients.push(client);
          byRegistry.set(ref.registry, client);
          await client.connect().catch(userError);
        }
        targets.push(new RegistryTarget(client, ref.repository, tags, { logger, signal: opts.signal }));
      }
    }
    return await new Publisher(opts, jobs, targets, { compression, level, types, created }).run().catch(userError);
  } finally {
    for (const c of clients) c.close();
  }
}
async function readCa(file) {
  try {
    return await readFile2(file);
  } catch (err) {
    throw new UserError(`${file}: cannot read the CA file (${err.code ?? String(err)})`);
  }
}
var Publisher = class {
  constructor(opts, jobs, targets, settings) {
    this.opts = opts;
    this.jobs = jobs;
    this.targets = targets;
    this.settings = settings;
  }
  opts;
  jobs;
  targets;
  settings;
  existing = /* @__PURE__ */ new Map();
  uploadedBytes = 0;
  get logger() {
    return this.opts.logger;
  }
  async run() {
    for (const target of this.targets) {
      const tags = /* @__PURE__ */ new Map();
      for (const tag of target.tags) tags.set(tag, await target.readExisting(tag));
      this.existing.set(target, tags);
    }
    const created = this.settings.created;
    const images = [];
    for (const job of this.jobs) {
      const layer = await this.layerFor(job);
      const labels = { [OCI_ANNOTATION.created]: created };
      const build = this.opts.build ?? {};
      if (build.source) labels[OCI_ANNOTATION.source] = build.source;
      if (build.revision) labels[OCI_ANNOTATION.revision] = build.revision;
      if (build.title) labels[OCI_ANNOTATION.title] = build.title;
      Object.assign(labels, this.opts.labels);
      labels[SHASUM_LABEL] = layer.diskDigest.slice("sha256:".length);
      const config = buildImageConfig({ platform: job.platform, created, labels, diffId: layer.diffId }, this.settings.types);
      const configHolders = [];
      for (const target of this.targets) {
        if (!await this.obtainWithoutSending(target, config.descriptor.digest, configHolders)) await target.putBlob(config);
        configHolders.push(target);
      }
      const annotations = Object.fromEntries(Object.entries(labels).filter(([k]) => k.startsWith("org.opencontainers.image.")));
      images.push({ platform: job.platform, manifest: buildManifest(config.descriptor, layer.descriptor, this.settings.types, annotations), layer });
    }
    let top;
    if (images.length === 1) {
      top = images[0].manifest;
    } else {
      for (const target of this.targets) for (const image of images) await target.putManifest(image.manifest.descriptor.digest, image.manifest);
      top = buildIndex(
        images.map((i) => ({ descriptor: i.manifest.descriptor, platform: i.platform })),
        this.settings.types,
        Object.fromEntries(Object.entries({ [OCI_ANNOTATION.created]: created, ...this.opts.labels }).filter(([k]) => k.startsWith("org.opencontainers.image.")))
      );
    }
    const refs = [];
    for (const target of this.targets) {
      for (const tag of target.tags) {
        if (this.existing.get(target)?.get(tag)?.digest === top.descriptor.digest) {
          this.logger.info(`${target.refFor(tag)} is already up to date`);
        } else {
          await target.putManifest(tag, top);
          this.logger.info(`pushed ${target.refFor(tag)}`);
        }
        refs.push(target.refFor(tag));
      }
    }
    const referrers = [];
    for (const doc of this.opts.referrers ?? []) {
      for (const target of this.targets) {
        if (!(target instanceof RegistryTarget)) {
          this.logger.warn(`${target.name}: ${doc.artifactType} not attached (referrers are pushed to registries, not written to an OCI layout)`);
          continue;
        }
        const attached = await attachReferrer(target.client, target.repo, top.descriptor, doc);
        this.logger.info(
          `attached ${doc.artifactType} to ${target.refFor(top.descriptor.digest)} as ${attached.digest}${attached.fallbackTag ? ` (listed under tag ${attached.fallbackTag}: the registry has no referrers API)` : ""}`
        );
        referrers.push({ ...attached, repository: target.name });
      }
    }
    return {
      referrers,
      digest: top.descriptor.digest,
      mediaType: top.descriptor.mediaType,
      refs,
      uploadedBytes: this.uploadedBytes,
      layers: images.map((i) => ({
        platform: formatPlatform(i.platform),
        digest: i.layer.descriptor.digest,
        size: i.layer.descriptor.size,
        diffId: i.layer.diffId,
        reused: i.layer.reused
      }))
    };
  }
  /** An existing layer made from the same disk with the same compression, found in any target's tags. */
  async reusable(job) {
    const candidates = [];
    for (const [target, tags] of this.existing) {
      for (const tag of tags.values()) {
        for (const image of tag?.images ?? []) {
          if (image.shasum && layerCompression(image.layer.mediaType) === this.settings.compression) candidates.push({ image, target });
        }
      }
    }
    if (candidates.length === 0) return [];
    job.diskDigest ??= await sha256File(job.path, this.opts.signal);
    const hex = job.diskDigest.slice("sha256:".length);
    return candidates.filter((c) => c.image.shasum === hex || c.image.shasum === job.diskDigest);
  }
  async layerFor(job) {
    const platform = formatPlatform(job.platform);
    const reuse = await this.reusable(job);
    const first = reuse[0];
    if (first) {
      const reused = {
        descriptor: { mediaType: this.settings.types.layer, digest: first.image.layer.digest, size: first.image.layer.size },
        diffId: first.image.diffId,
        diskDigest: job.diskDigest,
        reused: true
      };
      this.logger.info(`${platform}: ${job.path} is unchanged (shasum label matches ${first.target.name}); reusing layer ${reused.descriptor.digest}`);
      const holders = reuse.filter((c) => c.image.layer.digest === reused.descriptor.digest).map((c) => c.target);
      try {
        return await this.placeLayer(job, reused, [...new Set(holders)]);
      } catch (err) {
        if (!(err instanceof ForeignLayer)) throw err;
        this.logger.info(`${platform}: ${err.message}; sending a fresh layer to every target`);
      }
    }
    return this.placeLayer(job, void 0, []);
  }
  /** Makes `known` (or a freshly streamed layer) present in every target, sending it only where it must. */
  async placeLayer(job, known, holders) {
    let layer = known;
    for (const target of this.targets) {
      if (layer && (holders.includes(target) ? await target.hasBlob(layer.descriptor.digest) : await this.obtainWithoutSending(target, layer.descriptor.digest, holders))) {
        if (!holders.includes(target)) holders.push(target);
        continue;
      }
      const streamed = await this.stream(job, target);
      if (layer && streamed.descriptor.digest !== layer.descriptor.digest) {
        if (layer.reused) throw new ForeignLayer(`the existing layer ${layer.descriptor.digest} is not what this disk compresses to (${streamed.descriptor.digest})`);
        throw new Error(`layer for ${formatPlatform(job.platform)} came out as ${streamed.descriptor.digest} for ${target.name} but ${layer.descriptor.digest} before`);
      }
      layer ??= streamed;
      holders.push(target);
    }
    if (!layer) throw new Error("no target to publish to");
    return layer;
  }
  async obtainWithoutSending(target, digest, holders) {
    if (await target.hasBlob(digest)) return true;
    for (const from of holders) {
      if (from.group === target.group && await target.linkBlob(digest, from)) {
        this.logger.info(`mounted ${digest} from ${from.name} into ${target.name}`);
        return true;
      }
    }
    return false;
  }
  async stream(job, target) {
    const platform = formatPlatform(job.platform);
    const total = job.info.size;
    const progress = new TransferProgress(this.logger, `${platform} layer \u2192 ${target.name}`, total, this.opts.progressIntervalMs ?? 1e4);
    this.logger.info(`${platform}: sending ${path2.basename(job.path)} (${job.info.format}, ${total} bytes; tar ${diskLayerTarSize(job.info)} bytes) to ${target.name} as ${this.settings.compression}`);
    let last;
    const started = Date.now();
    let earlierSessions = 0;
    let thisSession = 0;
    const result = await target.streamLayer(
      () => {
        last = streamDiskLayer({
          path: job.path,
          disk: job.info,
          compression: this.settings.compression,
          level: this.settings.level,
          concurrency: this.opts.concurrency ?? defaultConcurrency(),
          blockSize: this.opts.blockSize,
          signal: this.opts.signal,
          onRead: (n) => progress.update(n, void 0)
        });
        const stream = last;
        return { chunks: stream.chunks, release: (piece) => stream.release(piece), digest: () => stream.digests().digest };
      },
      (sent) => {
        if (sent < thisSession) earlierSessions += thisSession;
        thisSession = sent;
        progress.update(void 0, earlierSessions + thisSession);
      }
    );
    progress.finish();
    const digests = last.digests();
    if (digests.digest !== result.digest) throw new Error(`layer digest mismatch: produced ${digests.digest}, stored ${result.digest}`);
    this.uploadedBytes += earlierSessions + thisSession;
    job.diskDigest = digests.diskDigest;
    const seconds = (Date.now() - started) / 1e3;
    this.logger.info(
      `${platform}: layer ${result.digest} (${result.size} bytes) stored in ${target.name} in ${seconds.toFixed(1)}s` + (result.resumes ? `, ${result.resumes} resumed chunk(s)` : "") + (result.restarts ? `, ${result.restarts} restart(s)` : "")
    );
    return {
      descriptor: { mediaType: this.settings.types.layer, digest: result.digest, size: result.size },
      diffId: digests.diffId,
      diskDigest: digests.diskDigest,
      reused: false
    };
  }
};

export {
  publishContainerDisk
};
