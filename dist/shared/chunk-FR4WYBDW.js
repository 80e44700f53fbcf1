import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  findOnPath
} from "./chunk-CCRDMKOI.js";
import {
  suggest
} from "./chunk-WVXTUGLW.js";
import {
  UserError,
  formatBytes,
  sleep
} from "./chunk-Q75WJYVF.js";

// src/core/oci/publish.ts
import { readFile as readFile3 } from "node:fs/promises";
import path3 from "node:path";

// src/core/oci/block-compressor.ts
import { availableParallelism } from "node:os";
import { promisify } from "node:util";
import zlib from "node:zlib";
var DEFAULT_BLOCK_SIZE = 512 * 1024;
var DEFAULT_LEVEL = { gzip: 6, zstd: 3 };
var LEVEL_RANGE = { gzip: [1, 9], zstd: [1, 19] };
var gzipAsync = promisify(zlib.gzip);
var deflateRawAsync = promisify(zlib.deflateRaw);
var zstdAsync = promisify(zlib.zstdCompress);
var GZIP_OS_UNKNOWN = 255;
var PROBE_SAMPLES = 4;
var PROBE_SAMPLE_SIZE = 16 * 1024;
var PROBE_INCOMPRESSIBLE_RATIO = 0.97;
async function looksIncompressible(block) {
  if (block.length < PROBE_SAMPLES * PROBE_SAMPLE_SIZE * 2) return false;
  const stride = Math.floor((block.length - PROBE_SAMPLE_SIZE) / (PROBE_SAMPLES - 1));
  const sample = Buffer.concat(Array.from({ length: PROBE_SAMPLES }, (_, i) => block.subarray(i * stride, i * stride + PROBE_SAMPLE_SIZE)));
  const out = await deflateRawAsync(sample, { level: 1, chunkSize: sample.length + 1024 });
  return out.length >= sample.length * PROBE_INCOMPRESSIBLE_RATIO;
}
function blockCompressor(compression, level, blockSize) {
  const chunkSize = blockSize + (blockSize >> 6) + 4096;
  const compressOne = compression === "gzip" ? async (block) => {
    const stored = await looksIncompressible(block);
    const out = await gzipAsync(block, { level: stored ? 0 : level, chunkSize });
    out[9] = GZIP_OS_UNKNOWN;
    return out;
  } : (block) => zstdAsync(block, {
    chunkSize,
    params: { [zlib.constants.ZSTD_c_compressionLevel]: level, [zlib.constants.ZSTD_c_checksumFlag]: 1 }
  });
  const zeroBlock = Buffer.alloc(blockSize);
  let zeroMember;
  return (block) => {
    if (block.length === blockSize && block.equals(zeroBlock)) {
      zeroMember ??= compressOne(zeroBlock);
      return zeroMember;
    }
    return compressOne(block);
  };
}
function defaultConcurrency() {
  const pool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  return Math.max(1, Math.min(availableParallelism(), pool > 2 ? pool - 1 : pool));
}
async function* compressInOrder(blocks, compress, concurrency, onCompressed) {
  const pending = [];
  const source = blocks[Symbol.asyncIterator]();
  let exhausted = false;
  try {
    for (; ; ) {
      while (!exhausted && pending.length < concurrency) {
        const next = await source.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        const block = next.value;
        const job = onCompressed ? compress(block).finally(() => onCompressed(block)) : compress(block);
        job.catch(() => void 0);
        pending.push(job);
      }
      const oldest = pending.shift();
      if (oldest === void 0) return;
      yield await oldest;
    }
  } finally {
    if (!exhausted) await source.return?.(void 0);
  }
}

// src/core/oci/disk-digest.ts
import { createHash } from "node:crypto";
import { open } from "node:fs/promises";
async function sha256File(path4, signal) {
  const hash = createHash("sha256");
  const fh = await open(path4, "r");
  try {
    const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
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

// src/core/oci/disk-format.ts
import { open as open2 } from "node:fs/promises";
var DiskFormatError = class extends Error {
  name = "DiskFormatError";
};
var QCOW2_MAGIC = Buffer.from([81, 70, 73, 251]);
var QCOW2_EXTERNAL_DATA_FILE = 1n << 2n;
var COMPRESSED_FILES = [
  ["gzip", Buffer.from([31, 139])],
  ["xz", Buffer.from([253, 55, 122, 88, 90, 0])],
  ["zstd", Buffer.from([40, 181, 47, 253])],
  ["bzip2", Buffer.from("BZh")]
];
function classifyDiskHeader(path4, header) {
  if (header.subarray(0, 4).equals(QCOW2_MAGIC)) {
    const version = header.readUInt32BE(4);
    const backingFileOffset = header.readBigUInt64BE(8);
    if (backingFileOffset !== 0n) {
      throw new DiskFormatError(
        `${path4}: this qcow2 has a backing file, which a containerDisk cannot carry; flatten it first (qemu-img convert -O qcow2 ${path4} flat.qcow2)`
      );
    }
    if (version >= 3 && header.length >= 80 && (header.readBigUInt64BE(72) & QCOW2_EXTERNAL_DATA_FILE) !== 0n) {
      throw new DiskFormatError(`${path4}: this qcow2 keeps its data in an external file; convert it to a self-contained qcow2 first`);
    }
    return "qcow2";
  }
  for (const [name, magic] of COMPRESSED_FILES) {
    if (header.subarray(0, magic.length).equals(magic)) {
      throw new DiskFormatError(`${path4}: this is a ${name}-compressed file; a containerDisk holds a qcow2 or raw disk, so decompress it first`);
    }
  }
  return "raw";
}
async function inspectDisk(path4) {
  let fh;
  try {
    fh = await open2(path4, "r");
  } catch (err) {
    const code = err.code;
    throw new DiskFormatError(code === "ENOENT" ? `${path4}: no such disk file` : `${path4}: cannot open the disk (${code ?? String(err)})`);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new DiskFormatError(`${path4}: not a regular file`);
    if (st.size === 0) throw new DiskFormatError(`${path4}: the disk file is empty`);
    const header = Buffer.alloc(Math.min(512, st.size));
    await fh.read(header, 0, header.length, 0);
    const format = classifyDiskHeader(path4, header);
    return { format, size: st.size, mtime: Math.floor(st.mtimeMs / 1e3), fileName: format === "qcow2" ? "disk.qcow2" : "disk.img" };
  } finally {
    await fh.close();
  }
}

// src/core/oci/disk-layer.ts
import { createHash as createHash2 } from "node:crypto";
import { open as open3 } from "node:fs/promises";

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
var GC_EVERY_BYTES = 2 * 1024 * 1024;
var QEMU_UID = 107;
var QEMU_GID = 107;
function diskLayerTarPrefix(disk) {
  const owner = { uid: QEMU_UID, gid: QEMU_GID, uname: "qemu", gname: "qemu", mtime: 0 };
  return Buffer.concat([
    encodeTarHeader({ name: "disk/", type: "directory", mode: 365, size: 0, ...owner }),
    encodeTarHeader({ name: `disk/${disk.fileName}`, type: "file", mode: 292, size: disk.size, ...owner })
  ]);
}
function diskLayerTarSize(disk) {
  return diskLayerTarPrefix(disk).length + disk.size + tarPadding(disk.size) + TAR_TRAILER_SIZE;
}
var BlockPool = class {
  constructor(size) {
    this.size = size;
  }
  size;
  free = [];
  take(length) {
    const buf = this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
    return buf.subarray(0, length);
  }
  give(block) {
    if (block.buffer.byteLength >= this.size && this.free.length < 16) this.free.push(Buffer.from(block.buffer, block.byteOffset, this.size));
  }
};
async function* tarBlocks(opts, blockSize, pool, onTar, onDisk) {
  const prefix = diskLayerTarPrefix(opts.disk);
  const diskStart = prefix.length;
  const diskEnd = diskStart + opts.disk.size;
  const total = diskLayerTarSize(opts.disk);
  const fh = await open3(opts.path, "r");
  try {
    for (let offset = 0; offset < total; offset += blockSize) {
      opts.signal?.throwIfAborted();
      const end = Math.min(offset + blockSize, total);
      const block = pool.take(end - offset);
      if (offset < diskStart) prefix.copy(block, 0, offset, Math.min(diskStart, end));
      if (end > diskEnd) block.fill(0, Math.max(diskEnd, offset) - offset);
      const from = Math.max(offset, diskStart);
      const to = Math.min(end, diskEnd);
      for (let pos = from; pos < to; ) {
        const { bytesRead } = await fh.read(block, pos - offset, to - pos, pos - diskStart);
        if (bytesRead === 0) throw new Error(`${opts.path} shrank while it was being read (expected ${opts.disk.size} bytes)`);
        pos += bytesRead;
      }
      if (to > from) {
        onDisk(block.subarray(from - offset, to - offset));
        opts.onRead?.(to - diskStart);
      }
      onTar(block);
      yield block;
    }
  } finally {
    await fh.close();
  }
}
function streamDiskLayer(opts) {
  const blockSize = opts.blockSize ?? DEFAULT_BLOCK_SIZE;
  const tarHash = createHash2("sha256");
  const diskHash = createHash2("sha256");
  const blobHash = createHash2("sha256");
  let size = 0;
  let result;
  const pool = new BlockPool(blockSize);
  const reclaim = garbageReclaimer(GC_EVERY_BYTES);
  const blocks = tarBlocks(
    opts,
    blockSize,
    pool,
    (b) => tarHash.update(b),
    (b) => diskHash.update(b)
  );
  async function* chunks() {
    const compress = blockCompressor(opts.compression, opts.level, blockSize);
    for await (const out of compressInOrder(blocks, compress, opts.concurrency, (b) => pool.give(b))) {
      blobHash.update(out);
      size += out.length;
      reclaim(blockSize);
      yield out;
    }
    result = {
      digest: `sha256:${blobHash.digest("hex")}`,
      size,
      diffId: `sha256:${tarHash.digest("hex")}`,
      diskDigest: `sha256:${diskHash.digest("hex")}`
    };
  }
  return {
    chunks: chunks(),
    digests() {
      if (!result) throw new Error("layer digests read before the layer stream ended");
      return result;
    }
  };
}

// src/core/oci/digest.ts
import { createHash as createHash3 } from "node:crypto";
var SHA256 = /^sha256:[a-f0-9]{64}$/;
var ANY_DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
function isSha256Digest(text) {
  return SHA256.test(text);
}
function isDigest(text) {
  return ANY_DIGEST.test(text);
}
function sha256(data) {
  return `sha256:${createHash3("sha256").update(data).digest("hex")}`;
}
function digestHex(digest) {
  return digest.slice("sha256:".length);
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

// src/core/oci/media-types.ts
var OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
var OCI_INDEX = "application/vnd.oci.image.index.v1+json";
var OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
var OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
var OCI_LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd";
var DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
var DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
var DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
var DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";
function mediaTypesFor(format, compression) {
  if (format === "docker") {
    if (compression !== "gzip") throw new Error("the docker manifest format only carries gzip layers");
    return { manifest: DOCKER_MANIFEST, index: DOCKER_MANIFEST_LIST, config: DOCKER_CONFIG, layer: DOCKER_LAYER_GZIP };
  }
  return { manifest: OCI_MANIFEST, index: OCI_INDEX, config: OCI_CONFIG, layer: compression === "zstd" ? OCI_LAYER_ZSTD : OCI_LAYER_GZIP };
}
var ACCEPTED_MANIFESTS = [OCI_INDEX, OCI_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST];
function isIndexType(mediaType) {
  return mediaType === OCI_INDEX || mediaType === DOCKER_MANIFEST_LIST;
}
function layerCompression(mediaType) {
  if (mediaType === OCI_LAYER_GZIP || mediaType === DOCKER_LAYER_GZIP) return "gzip";
  if (mediaType === OCI_LAYER_ZSTD) return "zstd";
  return void 0;
}

// src/core/oci/oci-layout.ts
import { randomBytes } from "node:crypto";
import { mkdir, open as open4, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
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
    await mkdir(path.join(this.dir, "blobs", "sha256"), { recursive: true });
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
          const mediaType = d?.mediaType ?? (JSON.parse(body.toString("utf8")).mediaType ?? "");
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
    const fh = await open4(tmp, "w");
    try {
      const producer = produce();
      let size = 0;
      for await (const chunk of producer.chunks) {
        await fh.write(chunk);
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

// src/core/oci/platform.ts
var KNOWN_OS = ["linux", "windows", "freebsd", "darwin"];
var KNOWN_ARCH = ["amd64", "arm64", "s390x", "ppc64le", "riscv64", "386", "arm", "mips64le", "loong64"];
var ALIASES = { x86_64: "amd64", "x86-64": "amd64", aarch64: "arm64" };
var DEFAULT_PLATFORM = { os: "linux", architecture: "amd64" };
function parsePlatform(text) {
  const parts = text.split("/");
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === "")) {
    throw new Error(`platform '${text}' must be os/arch or os/arch/variant, e.g. linux/amd64 or linux/arm64/v8`);
  }
  const [os2, rawArch, variant] = parts;
  if (!KNOWN_OS.includes(os2)) {
    const s = suggest(os2, KNOWN_OS);
    throw new Error(`platform '${text}': unknown os '${os2}'${s ? `; did you mean '${s}'?` : ` (expected one of ${KNOWN_OS.join(", ")})`}`);
  }
  const architecture = ALIASES[rawArch] ?? rawArch;
  if (!KNOWN_ARCH.includes(architecture)) {
    const s = suggest(architecture, KNOWN_ARCH);
    throw new Error(`platform '${text}': unknown architecture '${rawArch}'${s ? `; did you mean '${s}'?` : ` (expected one of ${KNOWN_ARCH.join(", ")})`}`);
  }
  if (variant !== void 0 && !/^v[0-9]+$/.test(variant)) throw new Error(`platform '${text}': variant '${variant}' must look like v7 or v8`);
  return variant === void 0 ? { os: os2, architecture } : { os: os2, architecture, variant };
}
function formatPlatform(p) {
  return [p.os, p.architecture, p.variant].filter((x) => x !== void 0).join("/");
}

// src/core/oci/reference.ts
var DOCKER_HUB = "docker.io";
var DOCKER_HUB_API = "registry-1.docker.io";
var DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
var DOMAIN = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?$`);
var PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
var TAG = /^[\w][\w.-]{0,127}$/;
var MAX_NAME = 255;
var ImageReferenceError = class extends Error {
  name = "ReferenceError";
};
function looksLikeDomain(first) {
  return first.includes(".") || first.includes(":") || first === "localhost" || first.startsWith("[") || first !== first.toLowerCase();
}
function parseImageReference(text) {
  const bad = (why) => new ImageReferenceError(`invalid image reference '${text}': ${why}`);
  if (text.length === 0) throw bad("it is empty");
  let rest = text;
  let digest;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!isDigest(digest)) throw bad(`'${digest}' is not a digest (expected algorithm:hex, e.g. sha256:\u2026)`);
  }
  let tag;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`tag '${tag}' must be 1-128 of letters, digits, '_', '.', '-' and not start with '.' or '-'`);
  }
  const parts = rest.split("/");
  let registry = DOCKER_HUB;
  if (parts.length > 1 && looksLikeDomain(parts[0])) {
    registry = parts.shift();
    if (!DOMAIN.test(registry)) throw bad(`'${registry}' is not a registry host[:port]`);
  }
  if (registry === "index.docker.io") registry = DOCKER_HUB;
  for (const p of parts) {
    if (!PATH_COMPONENT.test(p)) {
      throw bad(
        p === "" ? "the repository name is missing or has an empty path component" : `'${p}' must be lowercase letters and digits, separated by '.', '_', '__' or '-'`
      );
    }
  }
  if (registry === DOCKER_HUB && parts.length === 1) parts.unshift("library");
  const repository = parts.join("/");
  if (repository.length > MAX_NAME) throw bad(`the repository name is longer than ${MAX_NAME} characters`);
  const ref = { registry, repository };
  if (tag !== void 0) ref.tag = tag;
  if (digest !== void 0) ref.digest = digest;
  return ref;
}
function apiHost(registry) {
  return registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
}
function isLoopbackRegistry(registry) {
  const host = registry.startsWith("[") ? registry.slice(0, registry.indexOf("]") + 1) : registry.replace(/:\d+$/, "");
  return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

// src/core/oci/registry/http.ts
import http from "node:http";
import https from "node:https";
function createAgents(tls) {
  return {
    http: new http.Agent({ keepAlive: true, maxSockets: 4 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 4, rejectUnauthorized: tls.rejectUnauthorized, ...tls.ca ? { ca: tls.ca } : {} })
  };
}
function destroyAgents(agents) {
  agents.http.destroy();
  agents.https.destroy();
}
var HttpNetworkError = class extends Error {
  constructor(message, code, bodyStarted) {
    super(message);
    this.code = code;
    this.bodyStarted = bodyStarted;
  }
  code;
  bodyStarted;
  name = "HttpNetworkError";
};
var DEFAULT_MAX_RESPONSE = 16 * 1024 * 1024;
function sendHttp(agents, req) {
  const isHttps = req.url.protocol === "https:";
  const mod = isHttps ? https : http;
  const headers = { "user-agent": "ruddervirt", ...req.headers };
  if (req.body) headers["content-length"] = String(req.body.length);
  else if (req.method === "PUT" || req.method === "POST" || req.method === "PATCH") headers["content-length"] = "0";
  return new Promise((resolve, reject) => {
    let bodyStarted = false;
    const fail = (err) => {
      if (req.signal?.aborted) reject(req.signal.reason instanceof Error ? req.signal.reason : new Error("aborted"));
      else reject(new HttpNetworkError(`${req.method} ${req.url.origin}${req.url.pathname}: ${err.message}`, err.code, bodyStarted));
    };
    const r = mod.request(
      req.url,
      { method: req.method, headers, agent: isHttps ? agents.https : agents.http, signal: req.signal, timeout: req.timeoutMs ?? 12e4 },
      (res) => {
        const chunks = [];
        let length = 0;
        const max = req.maxResponseBytes ?? DEFAULT_MAX_RESPONSE;
        res.on("data", (d) => {
          length += d.length;
          if (length <= max) chunks.push(d);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on("error", fail);
        res.on("aborted", () => fail(Object.assign(new Error("response aborted"), { code: "ECONNRESET" })));
      }
    );
    r.on("error", fail);
    r.on("timeout", () => r.destroy(Object.assign(new Error("socket timed out"), { code: "ETIMEDOUT" })));
    if (req.body && req.body.length > 0) {
      bodyStarted = true;
      r.end(req.body);
    } else r.end();
  });
}

// src/core/oci/registry/registry-error.ts
var RegistryError = class extends Error {
  constructor(message, status, codes = []) {
    super(message);
    this.status = status;
    this.codes = codes;
  }
  status;
  codes;
  name = "RegistryError";
};
var RegistryAuthError = class extends RegistryError {
  name = "RegistryAuthError";
};
function describeErrorBody(res) {
  const raw = res.body.toString("utf8");
  try {
    const parsed = JSON.parse(raw);
    if (Array.isArray(parsed.errors) && parsed.errors.length > 0) {
      const codes = parsed.errors.map((e) => String(e.code ?? "UNKNOWN"));
      return { text: parsed.errors.map((e) => `${e.code ?? "UNKNOWN"}: ${e.message ?? ""}`.trim()).join("; "), codes };
    }
  } catch {
  }
  const excerpt = raw.replace(/\s+/g, " ").trim().slice(0, 200);
  return { text: excerpt || `HTTP ${res.status}`, codes: [] };
}

// src/core/oci/registry/retry.ts
var DEFAULT_RETRY = { attempts: 5, baseDelayMs: 500, maxDelayMs: 15e3 };
function isRetryableStatus(status) {
  return status >= 500 || status === 429 || status === 408;
}
var TRANSIENT_CODES = /* @__PURE__ */ new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH", "UND_ERR_SOCKET"]);
function isRetryableError(err) {
  if (!(err instanceof HttpNetworkError)) return false;
  return err.code === void 0 || TRANSIENT_CODES.has(err.code) || /socket hang up|aborted/i.test(err.message);
}
function parseRetryAfter(value, now = Date.now()) {
  if (!value) return void 0;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1e3;
  const date = Date.parse(value);
  return Number.isNaN(date) ? void 0 : Math.max(0, date - now);
}
function backoffDelay(attempt, policy, retryAfterMs, random = Math.random) {
  if (retryAfterMs !== void 0) return Math.min(retryAfterMs, policy.maxDelayMs * 4);
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exp * (0.75 + random() * 0.5));
}

// src/core/oci/registry/www-authenticate.ts
var TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;
function parseWwwAuthenticate(header) {
  const challenges = [];
  let i = 0;
  const skipSpace = () => {
    while (i < header.length && (header[i] === " " || header[i] === "	")) i++;
  };
  const readToken = () => {
    const m = TOKEN.exec(header.slice(i));
    if (!m) return void 0;
    i += m[0].length;
    return m[0];
  };
  const readQuoted = () => {
    i++;
    let out = "";
    while (i < header.length && header[i] !== '"') {
      if (header[i] === "\\" && i + 1 < header.length) i++;
      out += header[i];
      i++;
    }
    i++;
    return out;
  };
  let current;
  while (i < header.length) {
    skipSpace();
    if (header[i] === ",") {
      i++;
      continue;
    }
    const start = i;
    const word = readToken();
    if (word === void 0) {
      i++;
      continue;
    }
    skipSpace();
    if (header[i] === "=" && current) {
      i++;
      skipSpace();
      const value = header[i] === '"' ? readQuoted() : readToken() ?? "";
      current.params[word.toLowerCase()] = value;
      continue;
    }
    if (header[i] === "=" && !current) {
      i = start + word.length + 1;
      continue;
    }
    current = { scheme: word.toLowerCase(), params: {} };
    challenges.push(current);
    const rest = /^[A-Za-z0-9._~+/-]+=*\s*(,|$)/.exec(header.slice(i));
    if (rest && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+\s*=[^=]/.test(header.slice(i))) i += rest[0].length;
  }
  return challenges;
}

// src/core/oci/registry/client.ts
function looksLikePlainHttp(err) {
  const text = `${err.code ?? ""} ${err instanceof Error ? err.message : ""}`;
  return /EPROTO|WRONG_VERSION_NUMBER|wrong version number|packet length too long|ECONNRESET|http request/i.test(text);
}
function isCertificateError(err) {
  const text = `${err.code ?? ""} ${err instanceof Error ? err.message : ""}`;
  return /CERT|certificate|self[- ]signed|UNABLE_TO_VERIFY|unable to verify/i.test(text);
}
function repositoryScope(repo, actions) {
  return `repository:${repo}:${actions}`;
}
var RegistryClient = class {
  constructor(opts) {
    this.opts = opts;
    this.registry = opts.registry;
    this.host = apiHost(opts.registry);
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.agents = createAgents({ ca: opts.ca, rejectUnauthorized: !opts.insecure });
  }
  opts;
  registry;
  host;
  agents;
  base;
  challenge;
  tokens = /* @__PURE__ */ new Map();
  retry;
  /** Closes the keep-alive sockets. */
  close() {
    destroyAgents(this.agents);
  }
  get baseUrl() {
    if (!this.base) throw new Error("RegistryClient used before connect()");
    return this.base;
  }
  /** GET /v2/: picks https or (when allowed) http, and records the auth challenge. */
  async connect() {
    if (this.base) return;
    const plainAllowed = this.opts.insecure === true || isLoopbackRegistry(this.registry);
    const candidates = plainAllowed ? ["https:", "http:"] : ["https:"];
    let lastError;
    for (const scheme of candidates) {
      const url = new URL(`${scheme}//${this.host}/v2/`);
      let res;
      try {
        res = await this.sendWithRetry({ method: "GET", url }, { retryNetwork: scheme === "http:" || !plainAllowed });
      } catch (err) {
        lastError = err;
        if (scheme === "https:" && plainAllowed && looksLikePlainHttp(err)) continue;
        if (isCertificateError(err)) {
          throw new RegistryError(
            `${this.registry}: the TLS certificate is not trusted (${err instanceof Error ? err.message : String(err)}); pass the registry's CA with --ca-file, or --insecure to skip verification`,
            0
          );
        }
        if (scheme === "https:" && plainAllowed) continue;
        throw new RegistryError(`${this.registry}: cannot reach the registry (${err instanceof Error ? err.message : String(err)})`, 0);
      }
      if (res.status === 200 || res.status === 401) {
        this.base = new URL(`${scheme}//${this.host}`);
        if (res.status === 401) this.challenge = this.pickChallenge(res);
        if (scheme === "http:") this.opts.logger.debug(`${this.registry}: using plain http`);
        return;
      }
      if (res.status === 404) throw new RegistryError(`${this.registry}: GET /v2/ answered 404; this is not an OCI distribution registry`, 404);
      lastError = new RegistryError(`${this.registry}: GET /v2/ answered HTTP ${res.status} (${describeErrorBody(res).text})`, res.status);
    }
    throw lastError instanceof RegistryError ? lastError : new RegistryError(`${this.registry}: cannot reach the registry (${lastError instanceof Error ? lastError.message : String(lastError)})`, 0);
  }
  pickChallenge(res) {
    const header = res.headers["www-authenticate"];
    const challenges = parseWwwAuthenticate(Array.isArray(header) ? header.join(", ") : header ?? "");
    return challenges.find((c) => c.scheme === "bearer") ?? challenges.find((c) => c.scheme === "basic");
  }
  /** Resolves a Location header (absolute or relative) against the registry. */
  resolve(location) {
    return new URL(location, this.baseUrl);
  }
  async sendWithRetry(req, opts) {
    for (let attempt = 1; ; attempt++) {
      this.opts.signal?.throwIfAborted();
      try {
        const res = await sendHttp(this.agents, { ...req, signal: this.opts.signal, maxResponseBytes: opts.maxResponseBytes });
        if (opts.retryStatus !== false && isRetryableStatus(res.status) && attempt < this.retry.attempts) {
          const retryAfter = parseRetryAfter(headerValue(res, "retry-after"));
          const wait = backoffDelay(attempt, this.retry, retryAfter);
          this.opts.logger.warn(`${req.method} ${req.url.pathname}: HTTP ${res.status}, retrying in ${(wait / 1e3).toFixed(1)}s (try ${attempt + 1}/${this.retry.attempts})`);
          await sleep(wait, this.opts.signal);
          continue;
        }
        return res;
      } catch (err) {
        if (opts.retryNetwork !== false && isRetryableError(err) && attempt < this.retry.attempts) {
          const wait = backoffDelay(attempt, this.retry);
          this.opts.logger.warn(`${err.message}; retrying in ${(wait / 1e3).toFixed(1)}s (try ${attempt + 1}/${this.retry.attempts})`);
          await sleep(wait, this.opts.signal);
          continue;
        }
        throw err;
      }
    }
  }
  /**
   * One API call with auth: answers a 401 by (re)authenticating for the scopes the challenge asks
   * for and sending the request once more.
   */
  async call(method, target, opts = {}) {
    await this.connect();
    const url = typeof target === "string" ? this.resolve(target) : target;
    let scopes = opts.scopes ?? [];
    for (let authTry = 0; ; authTry++) {
      const headers = { ...opts.headers };
      const authorization = url.host === this.baseUrl.host ? await this.authorization(scopes, authTry > 0) : void 0;
      if (authorization) headers.authorization = authorization;
      const res = await this.sendWithRetry({ method, url, headers, body: opts.body }, opts);
      if (res.status !== 401 || authTry > 0) {
        if (res.status === 401 || res.status === 403) throw this.authError(res, method, url);
        return res;
      }
      const challenge = this.pickChallenge(res);
      if (!challenge) throw this.authError(res, method, url);
      this.challenge = challenge;
      if (challenge.params.scope) scopes = [.../* @__PURE__ */ new Set([...scopes, ...challenge.params.scope.split(" ")])];
    }
  }
  authError(res, method, url) {
    const { text, codes } = describeErrorBody(res);
    const who = this.opts.credential ? `with credentials from ${this.opts.credentialSource ?? "the options"}` : "anonymously (no credentials found)";
    const verb = res.status === 403 ? "denied" : "refused";
    return new RegistryAuthError(`${this.registry}: ${method} ${url.pathname} was ${verb} ${who}: ${text}`, res.status, codes);
  }
  basicHeader() {
    const c = this.opts.credential;
    if (!c?.username || c.password === void 0) return void 0;
    return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString("base64")}`;
  }
  async authorization(scopes, refresh) {
    const challenge = this.challenge;
    if (!challenge) return void 0;
    if (challenge.scheme === "basic") return this.basicHeader();
    if (challenge.scheme !== "bearer") return void 0;
    const key = [...scopes].sort().join(" ");
    const cached2 = this.tokens.get(key);
    if (cached2 && !refresh && cached2.expiresAt > Date.now()) return `Bearer ${cached2.token}`;
    const token = await this.fetchToken(challenge, scopes);
    this.tokens.set(key, token);
    return `Bearer ${token.token}`;
  }
  /** The token endpoint of the bearer challenge (the "Docker token" flow, and OAuth2 for identity tokens). */
  async fetchToken(challenge, scopes) {
    const realm = challenge.params.realm;
    if (!realm) throw new RegistryAuthError(`${this.registry}: the bearer challenge names no token realm`, 401);
    const url = new URL(realm);
    const credential = this.opts.credential;
    let res;
    if (credential?.identityToken) {
      const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: credential.identityToken, client_id: "ruddervirt" });
      if (challenge.params.service) form.set("service", challenge.params.service);
      if (scopes.length) form.set("scope", scopes.join(" "));
      res = await this.sendWithRetry(
        { method: "POST", url, headers: { "content-type": "application/x-www-form-urlencoded" }, body: Buffer.from(form.toString()) },
        {}
      );
    } else {
      if (challenge.params.service) url.searchParams.set("service", challenge.params.service);
      for (const s of scopes) url.searchParams.append("scope", s);
      const basic = this.basicHeader();
      res = await this.sendWithRetry({ method: "GET", url, headers: basic ? { authorization: basic } : {} }, {});
    }
    if (res.status !== 200) {
      const who = credential ? `the credentials from ${this.opts.credentialSource ?? "the options"}` : "an anonymous request";
      throw new RegistryAuthError(
        `${this.registry}: the token service ${url.origin}${url.pathname} refused ${who} (HTTP ${res.status}: ${describeErrorBody(res).text})`,
        res.status
      );
    }
    let body;
    try {
      body = JSON.parse(res.body.toString("utf8"));
    } catch {
      throw new RegistryAuthError(`${this.registry}: the token service answered something that is not JSON`, res.status);
    }
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryAuthError(`${this.registry}: the token service answered without a token`, res.status);
    this.opts.onSecret?.(token);
    const lifetime = (typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 60) * 1e3;
    return { token, expiresAt: Date.now() + lifetime - Math.min(1e4, lifetime / 4) };
  }
  /** Fails with the registry's own error text when the status is not one of `ok`. */
  expect(res, ok, what) {
    if (ok.includes(res.status)) return res;
    const { text, codes } = describeErrorBody(res);
    throw new RegistryError(`${this.registry}: ${what} failed with HTTP ${res.status}: ${text}`, res.status, codes);
  }
  // ---- blobs ----
  async blobExists(repo, digest) {
    const res = await this.call("HEAD", `/v2/${repo}/blobs/${digest}`, { scopes: [repositoryScope(repo, "pull,push")] });
    if (res.status === 404) return false;
    return this.expect(res, [200, 307, 302], `HEAD blob ${digest} in ${repo}`) !== void 0;
  }
  async getBlob(repo, digest, maxBytes = 4 * 1024 * 1024) {
    let url = this.resolve(`/v2/${repo}/blobs/${digest}`);
    for (let hops = 0; hops < 5; hops++) {
      const res = await this.call("GET", url, { scopes: [repositoryScope(repo, "pull,push")], maxResponseBytes: maxBytes });
      const location = headerValue(res, "location");
      if ([301, 302, 303, 307, 308].includes(res.status) && location) {
        url = new URL(location, url);
        continue;
      }
      this.expect(res, [200], `GET blob ${digest} from ${repo}`);
      if (sha256(res.body) !== digest) throw new RegistryError(`${this.registry}: blob ${digest} in ${repo} does not match its digest`, 200);
      return res.body;
    }
    throw new RegistryError(`${this.registry}: too many redirects reading blob ${digest}`, 0);
  }
  /** Cross-repository mount; false when the registry started an upload instead (it could not mount). */
  async mountBlob(repo, digest, fromRepo) {
    const res = await this.call("POST", `/v2/${repo}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(fromRepo)}`, {
      scopes: [repositoryScope(repo, "pull,push"), repositoryScope(fromRepo, "pull")]
    });
    if (res.status === 201) return true;
    this.expect(res, [202], `mount ${digest} from ${fromRepo} into ${repo}`);
    const location = headerValue(res, "location");
    if (location) await this.call("DELETE", location, { scopes: [repositoryScope(repo, "pull,push")] }).catch(() => void 0);
    return false;
  }
  /** POST …/blobs/uploads/: a new upload session's URL. */
  async startUpload(repo) {
    const res = this.expect(
      await this.call("POST", `/v2/${repo}/blobs/uploads/`, { scopes: [repositoryScope(repo, "pull,push")] }),
      [202],
      `start a blob upload in ${repo}`
    );
    const location = headerValue(res, "location");
    if (!location) throw new RegistryError(`${this.registry}: the upload session answer has no Location`, res.status);
    return this.resolve(location);
  }
  /** Small blobs (configs): one POST for the session and one PUT with the bytes. */
  async pushBlob(repo, data, digest = sha256(data)) {
    if (await this.blobExists(repo, digest)) return;
    const location = await this.startUpload(repo);
    const res = await this.call("PUT", withDigest(location, digest), {
      scopes: [repositoryScope(repo, "pull,push")],
      body: data,
      headers: { "content-type": "application/octet-stream" }
    });
    this.expect(res, [201], `upload blob ${digest} to ${repo}`);
    this.checkReturnedDigest(res, digest, `blob in ${repo}`);
  }
  checkReturnedDigest(res, digest, what) {
    const returned = headerValue(res, "docker-content-digest");
    if (returned && returned !== digest) {
      throw new RegistryError(`${this.registry}: the registry stored ${what} as ${returned}, but we sent ${digest}`, res.status, ["DIGEST_INVALID"]);
    }
  }
  // ---- manifests ----
  async getManifest(repo, reference) {
    const res = await this.call("GET", `/v2/${repo}/manifests/${reference}`, {
      scopes: [repositoryScope(repo, "pull,push")],
      headers: { accept: ACCEPTED_MANIFESTS.join(", ") }
    });
    if (res.status === 404) return void 0;
    this.expect(res, [200], `GET manifest ${repo}:${reference}`);
    const digest = sha256(res.body);
    if (isSha256Digest(reference) && digest !== reference) {
      throw new RegistryError(`${this.registry}: manifest ${repo}@${reference} does not match its digest`, 200);
    }
    let mediaType = (headerValue(res, "content-type") ?? "").split(";")[0].trim();
    try {
      const parsed = JSON.parse(res.body.toString("utf8"));
      if (parsed.mediaType) mediaType = parsed.mediaType;
    } catch {
      throw new RegistryError(`${this.registry}: manifest ${repo}:${reference} is not JSON`, 200);
    }
    return { mediaType, digest, body: res.body };
  }
  async putManifest(repo, reference, body, mediaType) {
    const digest = sha256(body);
    const res = await this.call("PUT", `/v2/${repo}/manifests/${reference}`, {
      scopes: [repositoryScope(repo, "pull,push")],
      body,
      headers: { "content-type": mediaType }
    });
    this.expect(res, [201, 200], `PUT manifest ${repo}:${reference}`);
    this.checkReturnedDigest(res, digest, `manifest ${repo}:${reference}`);
    return digest;
  }
};
function headerValue(res, name) {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
function withDigest(location, digest) {
  const url = new URL(location);
  url.searchParams.set("digest", digest);
  return url;
}

// src/core/oci/registry/chunked-upload.ts
var DEFAULT_CHUNK_SIZE = 5 * 1024 * 1024;
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
  acknowledged = 0;
  resumes = 0;
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
  /** Sends `chunk`, which starts at blob offset `start`, until the registry has all of it. */
  async send(chunk, start) {
    const retry = this.opts.retry ?? DEFAULT_RETRY;
    let from = start;
    for (let failures = 0; ; ) {
      this.opts.signal?.throwIfAborted();
      const body = chunk.subarray(from - start);
      let problem;
      try {
        const res = await this.client.call("PATCH", this.location, {
          scopes: this.scopes,
          body,
          headers: { "content-type": "application/octet-stream", "content-range": `${from}-${start + chunk.length - 1}` },
          retryNetwork: false,
          retryStatus: false
        });
        if (res.status === 202 || res.status === 204) {
          this.takeLocation(res);
          const received = receivedFromRange(headerValue(res, "range"));
          this.acknowledged = received !== void 0 && received !== 0 ? received : start + chunk.length;
          if (this.acknowledged === start + chunk.length) {
            this.opts.onAcknowledged?.(this.acknowledged);
            return;
          }
          problem = `the registry acknowledged ${this.acknowledged} bytes, expected ${start + chunk.length}`;
        } else if (res.status === 404) {
          throw new SessionLost(`PATCH answered 404 (${describeErrorBody(res).text})`);
        } else if (res.status === 416 || isRetryableStatus(res.status)) {
          problem = `PATCH answered HTTP ${res.status}`;
        } else {
          this.client.expect(res, [202], `upload chunk at ${from}`);
          return;
        }
      } catch (err) {
        if (!(err instanceof HttpNetworkError)) throw err;
        problem = err.message;
      }
      failures++;
      if (failures >= retry.attempts) throw new SessionLost(`giving up on this session after ${failures} failed chunk sends (${problem})`);
      await sleep(backoffDelay(failures, retry), this.opts.signal);
      let offset;
      try {
        offset = await this.registryOffset();
      } catch (err) {
        if (err instanceof HttpNetworkError) continue;
        throw err;
      }
      if (offset < start || offset > start + chunk.length) {
        throw new SessionLost(`the registry holds ${offset} bytes, outside the chunk we still have (${start}-${start + chunk.length})`);
      }
      this.resumes++;
      this.opts.logger.warn(`upload interrupted (${problem}); resuming at byte ${offset}`);
      if (offset === start + chunk.length) {
        this.acknowledged = offset;
        this.opts.onAcknowledged?.(offset);
        return;
      }
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
  const chunkSize = opts.chunkSize ?? DEFAULT_CHUNK_SIZE;
  const maxRestarts = opts.maxRestarts ?? 2;
  let resumes = 0;
  for (let restarts = 0; ; restarts++) {
    const session = new UploadSession(client, repo, await client.startUpload(repo), opts);
    const producer = produce();
    try {
      let inflight;
      let spare;
      let fill = Buffer.allocUnsafe(chunkSize);
      let filled = 0;
      let fillStart = 0;
      for await (const piece of producer.chunks) {
        for (let p = 0; p < piece.length; ) {
          const n = Math.min(piece.length - p, chunkSize - filled);
          piece.copy(fill, filled, p, p + n);
          filled += n;
          p += n;
          if (filled === chunkSize) {
            if (inflight) await inflight;
            const sending = fill;
            inflight = session.send(sending, fillStart);
            inflight.catch(() => void 0);
            fillStart += chunkSize;
            fill = spare ?? Buffer.allocUnsafe(chunkSize);
            spare = sending;
            filled = 0;
          }
        }
      }
      if (inflight) await inflight;
      if (filled > 0) await session.send(fill.subarray(0, filled), fillStart);
      const size = fillStart + filled;
      const digest = producer.digest();
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

// src/core/oci/registry/credentials.ts
import { spawn } from "node:child_process";
import { readFile as readFile2 } from "node:fs/promises";
import os from "node:os";
import path2 from "node:path";
var DOCKER_HUB_KEY = "https://index.docker.io/v1/";
function defaultDockerConfigPath(env = process.env) {
  return env.DOCKER_CONFIG ? path2.join(env.DOCKER_CONFIG, "config.json") : path2.join(env.HOME ?? os.homedir(), ".docker", "config.json");
}
function normalizeConfigKey(key) {
  let host = key.replace(/^[a-z]+:\/\//i, "");
  host = host.split("/")[0] ?? host;
  if (host === "index.docker.io" || host === "registry-1.docker.io" || host === "docker.io") return DOCKER_HUB;
  return host.toLowerCase();
}
function findEntry(map, registry) {
  if (!map) return void 0;
  if (registry === DOCKER_HUB && map[DOCKER_HUB_KEY] !== void 0) return map[DOCKER_HUB_KEY];
  if (map[registry] !== void 0) return map[registry];
  const wanted = normalizeConfigKey(registry);
  for (const [key, value] of Object.entries(map)) if (normalizeConfigKey(key) === wanted) return value;
  return void 0;
}
async function runCredentialHelper(binary, serverUrl, env, signal) {
  const child = spawn(binary, ["get"], { env, stdio: ["pipe", "pipe", "pipe"], signal });
  const stdout = [];
  const stderr = [];
  child.stdout.on("data", (d) => stdout.push(d));
  child.stderr.on("data", (d) => stderr.push(d));
  child.stdin.end(serverUrl);
  const code = await new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  const out = Buffer.concat(stdout).toString("utf8").trim();
  if (code !== 0) {
    if (/not found/i.test(out + Buffer.concat(stderr).toString("utf8"))) return void 0;
    throw new Error(`${path2.basename(binary)} exited with ${code}: ${Buffer.concat(stderr).toString("utf8").trim() || out}`);
  }
  let parsed;
  try {
    parsed = JSON.parse(out);
  } catch {
    throw new Error(`${path2.basename(binary)} printed something that is not JSON`);
  }
  if (!parsed.Secret) return void 0;
  return parsed.Username === "<token>" ? { identityToken: parsed.Secret } : { username: parsed.Username ?? "", password: parsed.Secret };
}
function decodeAuthsEntry(configPath, key, entry) {
  if (entry.identitytoken) return { identityToken: entry.identitytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) throw new Error(`${configPath}: auths["${key}"].auth is not base64 of username:password`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (entry.username !== void 0 && entry.password !== void 0) return { username: entry.username, password: entry.password };
  return void 0;
}
var CredentialError = class extends Error {
  name = "CredentialError";
};
async function resolveCredential(registry, opts = {}) {
  const env = opts.env ?? process.env;
  const register = (c) => {
    for (const s of [c?.password, c?.identityToken]) if (s) opts.onSecret?.(s);
    return c;
  };
  if (opts.username !== void 0 || opts.password !== void 0) {
    if (!opts.username || !opts.password) throw new CredentialError("registry credentials need both a username and a password");
    return { credential: register({ username: opts.username, password: opts.password }), source: "the given username/password" };
  }
  const envUser = env.RUDDERVIRT_REGISTRY_USERNAME;
  const envPassword = env.RUDDERVIRT_REGISTRY_PASSWORD;
  if (envUser || envPassword) {
    if (!envUser || !envPassword) throw new CredentialError("set both RUDDERVIRT_REGISTRY_USERNAME and RUDDERVIRT_REGISTRY_PASSWORD, or neither");
    return { credential: register({ username: envUser, password: envPassword }), source: "RUDDERVIRT_REGISTRY_USERNAME/PASSWORD" };
  }
  const configPath = opts.dockerConfig ?? defaultDockerConfigPath(env);
  let config;
  try {
    config = JSON.parse(await readFile2(configPath, "utf8"));
  } catch (err) {
    if (err.code === "ENOENT" && opts.dockerConfig === void 0) return { source: "anonymous (no docker config)" };
    if (err.code === "ENOENT") throw new CredentialError(`${configPath}: no such docker config file`);
    throw new CredentialError(`${configPath}: not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (typeof config !== "object" || config === null) throw new CredentialError(`${configPath}: expected a JSON object`);
  const helpers = [];
  const perRegistry = findEntry(config.credHelpers, registry);
  if (perRegistry) helpers.push([perRegistry, `credHelpers["${registry}"]`]);
  if (config.credsStore) helpers.push([config.credsStore, "credsStore"]);
  for (const [helper, where] of helpers) {
    const binary = findOnPath(`docker-credential-${helper}`, env);
    if (!binary) {
      opts.logger?.warn(`${configPath}: ${where} names docker-credential-${helper}, which is not installed; skipping it`);
      continue;
    }
    const serverUrl = registry === DOCKER_HUB ? DOCKER_HUB_KEY : registry;
    let credential;
    try {
      credential = await runCredentialHelper(binary, serverUrl, env, opts.signal);
    } catch (err) {
      throw new CredentialError(`${configPath}: ${where}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (credential) return { credential: register(credential), source: `docker-credential-${helper} (${configPath})` };
  }
  const authsKey = config.auths ? Object.keys(config.auths).find((k) => findEntry({ [k]: true }, registry)) : void 0;
  if (authsKey !== void 0) {
    const credential = decodeAuthsEntry(configPath, authsKey, config.auths[authsKey]);
    if (credential) return { credential: register(credential), source: `auths["${authsKey}"] in ${configPath}` };
  }
  return { source: `anonymous (no entry for ${registry} in ${configPath})` };
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
      chunkSize: this.opts.chunkSize,
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
        targets.push(new RegistryTarget(client, ref.repository, tags, { chunkSize: opts.chunkSize ?? DEFAULT_CHUNK_SIZE, logger, signal: opts.signal }));
      }
    }
    return await new Publisher(opts, jobs, targets, { compression, level, types, created }).run().catch(userError);
  } finally {
    for (const c of clients) c.close();
  }
}
async function readCa(file) {
  try {
    return await readFile3(file);
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
    return {
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
    this.logger.info(
      `${platform}: sending ${path3.basename(job.path)} (${job.info.format}, ${total} bytes; tar ${diskLayerTarSize(job.info)} bytes) to ${target.name} as ${this.settings.compression}`
    );
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
        return { chunks: last.chunks, digest: () => last.digests().digest };
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
