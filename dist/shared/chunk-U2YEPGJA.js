import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  ProgressReporter
} from "./chunk-Q2MXJOS2.js";
import {
  compressInOrder
} from "./chunk-W76QTMHQ.js";
import {
  ToolError,
  runTool
} from "./chunk-JKYMEDOZ.js";
import {
  formatIpv4,
  planLayerNetwork
} from "./chunk-GKBTVNDX.js";
import {
  abortReason,
  sleep
} from "./chunk-BHXEFIUH.js";

// src/core/peers.ts
function peerAddresses(build, layer, vm, plan = planLayerNetwork(build, layer)) {
  const mySubnets = new Set(plan.subnets.filter((s) => s.members.some((m) => m.vm === vm)).map((s) => s.name));
  const myVpcs = new Set(plan.subnets.filter((s) => mySubnets.has(s.name)).map((s) => s.vpc));
  const peers = [];
  for (const other of layer.vms) {
    if (other.name === vm) continue;
    let best;
    for (const s of plan.subnets) {
      if (!myVpcs.has(s.vpc)) continue;
      const member = s.members.find((m) => m.vm === other.name);
      if (!member) continue;
      const candidate = { vm: other.name, address: formatIpv4(member.address), subnet: s.name, vpc: s.vpc, sameSubnet: mySubnets.has(s.name) };
      if (!best || candidate.sameSubnet && !best.sameSubnet) best = candidate;
    }
    if (best) peers.push(best);
  }
  return peers;
}
function peerEnvironment(peers) {
  const env = {};
  for (const p of peers) env[`RUDDERVIRT_PEER_${p.vm.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`] = p.address;
  if (peers.length > 0) env.RUDDERVIRT_PEER_HOSTS = peerHostsLines(peers).join("\n");
  return env;
}
function peerHostsLines(peers) {
  return peers.map((p) => `${p.address} ${p.vm} ${p.vm}.${p.subnet}`);
}

// src/core/disk/convert.ts
import { rename, unlink } from "node:fs/promises";
import path from "node:path";

// src/core/disk/compressed-qcow2.ts
import { open } from "node:fs/promises";

// src/core/disk/cluster-compressor.ts
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
var MAX_THREADS = 8;
var ZERO_CLUSTER = 0;
var STORE_CLUSTER = -1;
var WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const zlib = require('node:zlib');
const { clusterSize, level, windowLog } = workerData;
const options = { params: { [zlib.constants.ZSTD_c_compressionLevel]: level, [zlib.constants.ZSTD_c_windowLog]: windowLog } };
const zero = Buffer.alloc(clusterSize);
parentPort.on('message', (task) => {
  try {
    const data = Buffer.from(task.window, 0, task.length);
    const frames = Buffer.from(task.frames);
    const sizes = new Int32Array(Math.ceil(task.length / clusterSize));
    let at = 0;
    for (let i = 0; i < sizes.length; i++) {
      const cluster = data.subarray(i * clusterSize, (i + 1) * clusterSize);
      if (cluster.equals(zero)) continue;
      const frame = zlib.zstdCompressSync(cluster, options);
      if (frame.length >= clusterSize) { sizes[i] = ${STORE_CLUSTER}; continue; }
      frame.copy(frames, at);
      at += frame.length;
      sizes[i] = frame.length;
    }
    parentPort.postMessage({ id: task.id, window: task.window, frames: task.frames, framesLength: at, sizes }, [task.window, task.frames, sizes.buffer]);
  } catch (err) {
    parentPort.postMessage({ id: task.id, error: String(err && err.stack || err) });
  }
});
`;
var ClusterCompressor = class {
  constructor(options) {
    this.options = options;
    this.threads = Math.max(1, options.threads ?? Math.min(availableParallelism(), MAX_THREADS));
    const workerData = { clusterSize: options.clusterSize, level: options.level, windowLog: options.windowLog };
    for (let i = 0; i < this.threads; i++) {
      const entry = { worker: new Worker(WORKER_SOURCE, { eval: true, workerData }), busy: false };
      entry.worker.on("message", (reply) => this.answered(entry, reply));
      entry.worker.on("error", (err) => this.fail(new Error(`cluster compression failed: ${err.message}`)));
      entry.worker.on("exit", (code) => {
        if (code !== 0) this.fail(new Error(`a cluster compression thread exited with status ${code}`));
      });
      this.workers.push(entry);
    }
  }
  options;
  /** Workers and whether each has a task. */
  workers = [];
  queue = [];
  waiting = /* @__PURE__ */ new Map();
  freeWindows = [];
  freeFrames = [];
  nextId = 0;
  failure;
  threads;
  /** A window buffer to read guest bytes into (used again once given back). */
  takeWindow() {
    return this.freeWindows.pop() ?? new ArrayBuffer(this.options.windowSize);
  }
  giveWindow(window) {
    this.freeWindows.push(window);
  }
  /** Frame buffers are given back once the frames in them have been written. */
  giveFrames(frames) {
    this.freeFrames.push(frames);
  }
  /** Compresses the first `length` bytes of `window`, which is the worker's until the answer. */
  compress(window, length) {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    const frames = this.freeFrames.pop() ?? new ArrayBuffer(this.options.windowSize);
    const answer = new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.queue.push({ id, window, length, frames });
    this.dispatch();
    return answer;
  }
  dispatch() {
    for (const entry of this.workers) {
      if (entry.busy) continue;
      const task = this.queue.shift();
      if (!task) return;
      entry.busy = true;
      entry.worker.postMessage(task, [task.window, task.frames]);
    }
  }
  answered(entry, reply) {
    entry.busy = false;
    const waiter = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    if (reply.error !== void 0 || !reply.window || !reply.frames || !reply.sizes) {
      this.fail(new Error(`cluster compression failed: ${reply.error ?? "the worker sent an incomplete answer"}`));
    } else {
      waiter?.resolve({ window: reply.window, frames: reply.frames, framesLength: reply.framesLength ?? 0, sizes: reply.sizes });
    }
    this.dispatch();
  }
  fail(err) {
    this.failure ??= err;
    for (const w of this.waiting.values()) w.reject(this.failure);
    this.waiting.clear();
    this.queue.length = 0;
  }
  async close() {
    this.fail(new Error("the cluster compressor was closed"));
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
};

// src/core/disk/compressed-qcow2.ts
var CLUSTER_BITS = 16;
var CLUSTER_SIZE = 1 << CLUSTER_BITS;
var ZSTD_LEVEL = 3;
var WINDOW = 32 * CLUSTER_SIZE;
var WRITE_BATCH = 4 * 1024 * 1024;
var L2_ENTRIES = CLUSTER_SIZE / 8;
var REFCOUNT_ORDER = 4;
var REFCOUNTS_PER_BLOCK = CLUSTER_SIZE * 8 >> REFCOUNT_ORDER;
var HEADER_LENGTH = 112;
var QCOW_OFLAG_COPIED = 1n << 63n;
var QCOW_OFLAG_COMPRESSED = 1n << 62n;
var CSIZE_SHIFT = 62n - BigInt(CLUSTER_BITS - 8);
var INCOMPAT_COMPRESSION = 1n << 3n;
var COMPRESSION_TYPE_ZSTD = 1;
var roundUp = (n, to) => Math.ceil(n / to) * to;
function compressedEntry(offset, length) {
  const extraSectors = Math.floor((offset + length - 1) / 512) - Math.floor(offset / 512);
  return BigInt(offset) | QCOW_OFLAG_COMPRESSED | BigInt(extraSectors) << CSIZE_SHIFT;
}
function refcountClusters(clusters) {
  let blocks = 0;
  let table = 0;
  for (; ; ) {
    const needBlocks = Math.ceil((clusters + blocks + table) / REFCOUNTS_PER_BLOCK);
    const needTable = Math.ceil(needBlocks * 8 / CLUSTER_SIZE);
    if (needBlocks === blocks && needTable === table) return { blocks, table };
    blocks = needBlocks;
    table = needTable;
  }
}
function qcow2Header(f) {
  const h = Buffer.alloc(CLUSTER_SIZE);
  h.write("QFI\xFB", 0, "latin1");
  h.writeUInt32BE(3, 4);
  h.writeUInt32BE(CLUSTER_BITS, 20);
  h.writeBigUInt64BE(BigInt(f.virtualSize), 24);
  h.writeUInt32BE(f.l1Entries, 36);
  h.writeBigUInt64BE(BigInt(f.l1Offset), 40);
  h.writeBigUInt64BE(BigInt(f.refcountTableOffset), 48);
  h.writeUInt32BE(f.refcountTableClusters, 56);
  h.writeBigUInt64BE(INCOMPAT_COMPRESSION, 72);
  h.writeUInt32BE(REFCOUNT_ORDER, 96);
  h.writeUInt32BE(HEADER_LENGTH, 100);
  h.writeUInt8(COMPRESSION_TYPE_ZSTD, 104);
  return h;
}
async function* dataWindows(map, take, signal) {
  const handles = /* @__PURE__ */ new Map();
  const diskEnd = roundUp(map.virtualSize, CLUSTER_SIZE);
  try {
    let window;
    for (const e of map.extents) {
      let handle = handles.get(e.file);
      if (!handle) handles.set(e.file, handle = await open(e.file, "r"));
      for (let pos = e.start; pos < e.start + e.length; ) {
        if (signal.aborted) throw abortReason(signal);
        const start = Math.floor(pos / WINDOW) * WINDOW;
        if (window?.start !== start) {
          if (window) yield window;
          window = { start, buf: take(), length: Math.min(WINDOW, diskEnd - start) };
          new Uint8Array(window.buf, 0, window.length).fill(0);
        }
        const end = Math.min(e.start + e.length, start + window.length);
        await readFully(handle, Buffer.from(window.buf, 0, window.length), pos - start, end - pos, e.offset + (pos - e.start), e.file);
        pos = end;
      }
    }
    if (window) yield window;
  } finally {
    for (const h of handles.values()) await h.close();
  }
}
async function readFully(handle, buf, at, length, position, file) {
  for (let done = 0; done < length; ) {
    const { bytesRead } = await handle.read(buf, at + done, length - done, position + done);
    if (bytesRead === 0) throw new Error(`${file} ended at byte ${position + done}, inside the data qemu-img map reported`);
    done += bytesRead;
  }
}
var HostWriter = class {
  constructor(handle, start) {
    this.handle = handle;
    this.pos = start;
    this.batchStart = start;
  }
  handle;
  pos;
  batch = [];
  releases = [];
  batchStart;
  batchBytes = 0;
  /** `bytes` is not copied: `written` says when its memory may be used again. */
  async put(bytes, written) {
    this.batch.push(bytes);
    if (written) this.releases.push(written);
    this.batchBytes += bytes.length;
    this.pos += bytes.length;
    if (this.batchBytes >= WRITE_BATCH) await this.flush();
  }
  async padTo(boundary) {
    const target = roundUp(this.pos, boundary);
    if (target > this.pos) await this.put(Buffer.alloc(target - this.pos));
  }
  async flush() {
    if (this.batchBytes === 0) return;
    let done = (await this.handle.writev(this.batch, this.batchStart)).bytesWritten;
    if (done < this.batchBytes) {
      const data = Buffer.concat(this.batch, this.batchBytes);
      while (done < data.length) done += (await this.handle.write(data, done, data.length - done, this.batchStart + done)).bytesWritten;
    }
    for (const release of this.releases) release();
    this.batchStart = this.pos;
    this.batch = [];
    this.releases = [];
    this.batchBytes = 0;
  }
};
async function writeCompressedQcow2(req) {
  const { map, signal } = req;
  const l1Entries = Math.ceil(map.virtualSize / (CLUSTER_SIZE * L2_ENTRIES));
  const l2Tables = /* @__PURE__ */ new Map();
  const refcounts = [1];
  const count = (firstByte, lastByte) => {
    for (let c = Math.floor(firstByte / CLUSTER_SIZE); c <= Math.floor(lastByte / CLUSTER_SIZE); c++) refcounts[c] = (refcounts[c] ?? 0) + 1;
  };
  const setEntry = (guestCluster, entry) => {
    const table = Math.floor(guestCluster / L2_ENTRIES);
    let l2 = l2Tables.get(table);
    if (!l2) l2Tables.set(table, l2 = Buffer.alloc(CLUSTER_SIZE));
    l2.writeBigUInt64BE(entry, guestCluster % L2_ENTRIES * 8);
  };
  const handle = await open(req.destination, "w");
  const compressor = new ClusterCompressor({ clusterSize: CLUSTER_SIZE, level: ZSTD_LEVEL, windowLog: CLUSTER_BITS, windowSize: WINDOW });
  try {
    const out = new HostWriter(handle, CLUSTER_SIZE);
    const inFlight = compressor.threads * 2;
    const windows = dataWindows(map, () => compressor.takeWindow(), signal);
    const compressed = compressInOrder(
      windows,
      async (w) => {
        req.onProgress?.(w.start);
        return { start: w.start, ...await compressor.compress(w.buf, w.length) };
      },
      inFlight
    );
    for await (const done of compressed) {
      if (signal.aborted) throw abortReason(signal);
      await placeWindow(done.start, done);
    }
    async function placeWindow(start, w) {
      const frames = Buffer.from(w.frames, 0, w.framesLength);
      let runs = 1;
      const written = () => {
        if (--runs === 0) compressor.giveFrames(w.frames);
      };
      let runStart = 0;
      let at = 0;
      const putRun = async () => {
        if (at === runStart) return;
        runs++;
        await out.put(frames.subarray(runStart, at), written);
        runStart = at;
      };
      for (let i = 0; i < w.sizes.length; i++) {
        const size = w.sizes[i];
        if (size === ZERO_CLUSTER) continue;
        const index = start / CLUSTER_SIZE + i;
        if (size === STORE_CLUSTER) {
          await putRun();
          await out.padTo(CLUSTER_SIZE);
          setEntry(index, BigInt(out.pos) | QCOW_OFLAG_COPIED);
          count(out.pos, out.pos + CLUSTER_SIZE - 1);
          await out.put(Buffer.from(Buffer.from(w.window, i * CLUSTER_SIZE, CLUSTER_SIZE)));
          continue;
        }
        const host = out.pos + (at - runStart);
        setEntry(index, compressedEntry(host, size));
        count(host, host + size - 1);
        at += size;
      }
      await putRun();
      written();
      compressor.giveWindow(w.window);
    }
    if (signal.aborted) throw abortReason(signal);
    await out.padTo(CLUSTER_SIZE);
    const l1 = Buffer.alloc(roundUp(l1Entries * 8, CLUSTER_SIZE));
    for (const index of [...l2Tables.keys()].sort((a, b) => a - b)) {
      l1.writeBigUInt64BE(BigInt(out.pos) | QCOW_OFLAG_COPIED, index * 8);
      count(out.pos, out.pos);
      await out.put(l2Tables.get(index));
    }
    const l1Offset = out.pos;
    count(l1Offset, l1Offset + l1.length - 1);
    await out.put(l1);
    const { blocks, table } = refcountClusters(out.pos / CLUSTER_SIZE);
    const tableOffset = out.pos;
    const firstBlock = tableOffset + table * CLUSTER_SIZE;
    count(tableOffset, firstBlock + blocks * CLUSTER_SIZE - 1);
    const refTable = Buffer.alloc(table * CLUSTER_SIZE);
    const refBlocks = Buffer.alloc(blocks * CLUSTER_SIZE);
    for (let b = 0; b < blocks; b++) refTable.writeBigUInt64BE(BigInt(firstBlock + b * CLUSTER_SIZE), b * 8);
    for (const [c, n] of refcounts.entries()) {
      if (n > 65535) throw new Error(`compressed qcow2: host cluster ${c} is referenced ${n} times, more than 16-bit refcounts hold`);
      if (n) refBlocks.writeUInt16BE(n, c * 2);
    }
    await out.put(refTable);
    await out.put(refBlocks);
    await out.flush();
    const header = qcow2Header({ virtualSize: map.virtualSize, l1Entries, l1Offset, refcountTableOffset: tableOffset, refcountTableClusters: table });
    await handle.write(header, 0, header.length, 0);
    req.onProgress?.(map.virtualSize);
  } finally {
    await compressor.close();
    await handle.close();
  }
}

// src/core/disk/guest-data-map.ts
import { existsSync } from "node:fs";
var PLAIN_FORMATS = /* @__PURE__ */ new Set(["raw", "qcow2"]);
async function guestDataMap(source, signal) {
  const opts = signal ? { signal } : {};
  const chainOut = await runTool("qemu-img", ["info", "--backing-chain", "--output=json", source], opts);
  const chain = JSON.parse(chainOut.stdout);
  const images = Array.isArray(chain) ? chain : [chain];
  const files = [];
  for (const [depth, image] of images.entries()) {
    const what = depth === 0 ? source : `backing image ${depth} of ${source}`;
    if (typeof image.format !== "string" || !PLAIN_FORMATS.has(image.format)) return { unreadable: `${what} is ${String(image.format)}, not raw or qcow2` };
    if (image.encrypted === true) return { unreadable: `${what} is encrypted` };
    if (image["format-specific"]?.data?.["data-file"] !== void 0) return { unreadable: `${what} keeps its data in an external data file` };
    if (typeof image.filename !== "string" || image.filename.startsWith("json:") || !existsSync(image.filename)) return { unreadable: `${what} is not a local file` };
    files.push(image.filename);
  }
  const virtualSize = images[0]?.["virtual-size"];
  if (typeof virtualSize !== "number") throw new Error(`qemu-img info ${source}: no virtual size in ${chainOut.stdout.slice(0, 200)}`);
  const mapOut = await runTool("qemu-img", ["map", "--output=json", source], opts);
  const extents = [];
  for (const e of JSON.parse(mapOut.stdout)) {
    if (!e.data || e.zero) continue;
    const file = files[e.depth ?? 0];
    if (e.offset === void 0 || file === void 0) return { unreadable: `guest bytes ${e.start}-${e.start + e.length} of ${source} are not stored as plain bytes (compressed or encrypted)` };
    const last = extents.at(-1);
    if (last && last.file === file && last.start + last.length === e.start && last.offset + last.length === e.offset) last.length += e.length;
    else extents.push({ start: e.start, length: e.length, file, offset: e.offset });
  }
  return { map: { virtualSize, extents } };
}

// src/core/disk/image-info.ts
async function imageInfo(file, signal) {
  const { stdout } = await runTool("qemu-img", ["info", "-U", "--output=json", file], signal ? { signal } : {});
  const raw = JSON.parse(stdout);
  if (typeof raw.format !== "string" || typeof raw["virtual-size"] !== "number") {
    throw new Error(`qemu-img info ${file}: unexpected output ${stdout.slice(0, 200)}`);
  }
  return {
    format: raw.format,
    virtualSize: raw["virtual-size"],
    ...raw["actual-size"] !== void 0 ? { actualSize: raw["actual-size"] } : {},
    ...raw["backing-filename"] !== void 0 ? { backingFile: raw["backing-filename"] } : {}
  };
}

// src/core/disk/convert.ts
var DEFAULT_QCOW2_COMPRESSION = "zstd";
async function convertDisk(req) {
  const { logger, signal } = req;
  const compress = req.compress && req.format === "qcow2";
  if (req.compress && !compress) logger.warn("output: raw images cannot be compressed; writing it uncompressed");
  const info = await imageInfo(req.source, signal);
  const partial = `${req.destination}.partial`;
  const attempts = req.attempts ?? 10;
  try {
    const compression = req.compressionType ?? DEFAULT_QCOW2_COMPRESSION;
    for (let attempt = 1; ; attempt++) {
      const progress = new ProgressReporter(logger, `export ${path.basename(req.destination)}`, info.virtualSize);
      progress.start();
      try {
        if (!(compress && compression === "zstd" && await exportOnEveryCore(req.source, partial, progress, signal, logger))) {
          await qemuImgConvert(req, partial, compress ? compression : void 0, progress, info.virtualSize);
        }
        progress.finish(`${req.format}${compress ? `, ${compression}-compressed` : ""}`);
        break;
      } catch (err) {
        if (!(err instanceof ToolError) || !isWriteLockError(err.stderr) || attempt >= attempts) throw err;
        logger.info(`export: the disk is still locked by QEMU; retrying (${attempt}/${attempts})`);
        await sleep(req.retryDelayMs ?? 1e3, signal);
      }
    }
    await rename(partial, req.destination);
  } finally {
    await unlink(partial).catch(() => void 0);
  }
}
async function exportOnEveryCore(source, destination, progress, signal, logger) {
  const found = await guestDataMap(source, signal);
  if ("unreadable" in found) {
    logger.debug(`export: qemu-img compresses this disk (${found.unreadable})`);
    return false;
  }
  await writeCompressedQcow2({ map: found.map, destination, signal, onProgress: (done) => progress.update(done) });
  return true;
}
async function qemuImgConvert(req, destination, compression, progress, virtualSize) {
  const args = ["convert", "-p", ...compression ? ["-c", "-o", `compression_type=${compression}`] : [], "-O", req.format, req.source, destination];
  let pending = "";
  await runTool("qemu-img", args, {
    signal: req.signal,
    onStdout: (chunk) => {
      const parts = (pending + chunk).split(/[\r\n]/);
      pending = parts.pop() ?? "";
      const pct = parseConvertProgress(parts.join("\n")).at(-1);
      if (pct !== void 0) progress.update(Math.round(pct / 100 * virtualSize));
    }
  });
}
function isWriteLockError(stderr) {
  return /Failed to get (?:shared )?"write" lock/.test(stderr);
}
function parseConvertProgress(text) {
  const out = [];
  for (const m of text.matchAll(/\((\d{1,3}(?:\.\d+)?)\/100%\)/g)) {
    const pct = Number(m[1]);
    if (pct >= 0 && pct <= 100) out.push(pct);
  }
  return out;
}

export {
  imageInfo,
  convertDisk,
  peerAddresses,
  peerEnvironment
};
