import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);

// src/core/oci/block-compressor.ts
import { availableParallelism } from "node:os";
import zlib from "node:zlib";
var DEFAULT_BLOCK_SIZE = 512 * 1024;
var DEFAULT_LEVEL = { gzip: 4, zstd: 3 };
var LEVEL_RANGE = { gzip: [1, 9], zstd: [1, 19] };
var GZIP_OS_UNKNOWN = 255;
var GZIP_FRAME_BYTES = 18;
var PROBE_SAMPLES = 4;
var PROBE_SAMPLE_SIZE = 4 * 1024;
var PROBE_INCOMPRESSIBLE_RATIO = 0.97;
var Probe = class {
  sample = Buffer.allocUnsafeSlow(PROBE_SAMPLES * PROBE_SAMPLE_SIZE);
  stream = new MemberStream(zlib.createGzip({ level: 1, chunkSize: PROBE_SAMPLES * PROBE_SAMPLE_SIZE + 1024 }), "gzip");
  /** Bytes of zlib's buffers let go so far (none while the stream rewinds: MemberStream.rewind). */
  droppedBytes = 0;
  async incompressible(block) {
    if (block.length < PROBE_SAMPLES * PROBE_SAMPLE_SIZE * 2) return false;
    const stride = Math.floor((block.length - PROBE_SAMPLE_SIZE) / (PROBE_SAMPLES - 1));
    for (let i = 0; i < PROBE_SAMPLES; i++) block.copy(this.sample, i * PROBE_SAMPLE_SIZE, i * stride, i * stride + PROBE_SAMPLE_SIZE);
    const parts = await this.stream.member(this.sample);
    let deflated = -GZIP_FRAME_BYTES;
    for (const p of parts) deflated += p.length;
    this.droppedBytes += this.stream.rewind(parts);
    return deflated >= this.sample.length * PROBE_INCOMPRESSIBLE_RATIO;
  }
  close() {
    this.stream.close();
  }
};
var STORED_MAX = 65535;
function storedGzipSize(blockLength) {
  return 10 + blockLength + Math.max(1, Math.ceil(blockLength / STORED_MAX)) * 5 + 8;
}
var MemberPool = class {
  /**
   * @param size bytes of a slab: at least the largest member (storedGzipSize of a block)
   * @param keep how many emptied slabs to keep for reuse
   */
  constructor(size, keep) {
    this.size = size;
    this.keep = keep;
  }
  size;
  keep;
  free = [];
  slabs = /* @__PURE__ */ new WeakMap();
  current;
  offset = 0;
  /** Bytes of buffers let go (slabs beyond `keep`, zlib's outputs once adopted): garbage for the collector. */
  droppedBytes = 0;
  take(length) {
    if (length > this.size) return Buffer.allocUnsafeSlow(length);
    if (!this.current || this.offset + length > this.size) {
      const full = this.current;
      this.current = void 0;
      if (full && full.live === 0) this.retire(full);
      this.current = this.free.pop() ?? this.newSlab();
      this.offset = 0;
    }
    const slab = this.current;
    slab.live++;
    const piece = slab.buf.subarray(this.offset, this.offset + length);
    this.offset += length;
    return piece;
  }
  /**
   * A copy of `parts`, joined, in the pool. `garbage` is how many bytes of buffers the caller lets
   * go with them (zlib's output buffers), counted as dropped.
   */
  adopt(parts, garbage) {
    let length = 0;
    for (const p of parts) length += p.length;
    const piece = this.take(length);
    let at = 0;
    for (const p of parts) at += p.copy(piece, at);
    this.droppedBytes += garbage;
    return piece;
  }
  owns(buf) {
    return this.slabs.has(buf.buffer);
  }
  /** Takes back a buffer from take() or adopt() (each once); anything else is ignored. */
  give(buf) {
    const slab = this.slabs.get(buf.buffer);
    if (!slab || slab.live === 0) return;
    slab.live--;
    if (slab.live > 0) return;
    if (slab === this.current) this.offset = 0;
    else this.retire(slab);
  }
  newSlab() {
    const slab = { buf: Buffer.allocUnsafeSlow(this.size), live: 0 };
    this.slabs.set(slab.buf.buffer, slab);
    return slab;
  }
  retire(slab) {
    if (this.free.length < this.keep) this.free.push(slab);
    else this.droppedBytes += this.size;
  }
};
function storedGzipMember(block, into) {
  const pieces = Math.max(1, Math.ceil(block.length / STORED_MAX));
  const size = storedGzipSize(block.length);
  const out = into ? into.take(size) : Buffer.allocUnsafe(size);
  out.set([31, 139, 8, 0, 0, 0, 0, 0, 0, GZIP_OS_UNKNOWN]);
  let at = 10;
  for (let i = 0; i < pieces; i++) {
    const from = i * STORED_MAX;
    const len = Math.min(STORED_MAX, block.length - from);
    out[at] = i === pieces - 1 ? 1 : 0;
    out.writeUInt16LE(len, at + 1);
    out.writeUInt16LE(~len & 65535, at + 3);
    block.copy(out, at + 5, from, from + len);
    at += 5 + len;
  }
  out.writeUInt32LE(zlib.crc32(block) >>> 0, at);
  out.writeUInt32LE(block.length >>> 0, at + 4);
  return out;
}
var MemberStream = class {
  constructor(stream, format) {
    this.stream = stream;
    this.format = format;
    stream.on("data", (part) => this.parts.push(part));
    stream.on("error", (err) => {
      this.failed = true;
      this.fail?.(err);
    });
  }
  stream;
  format;
  parts = [];
  fail;
  failed = false;
  /** The member's pieces: views into the stream's output buffers, valid until they are copied. */
  member(block) {
    return new Promise((resolve, reject) => {
      this.fail = reject;
      this.stream.write(block);
      this.stream.flush(this.format === "gzip" ? zlib.constants.Z_FINISH : zlib.constants.ZSTD_e_end, () => {
        this.fail = void 0;
        const parts = this.parts;
        this.parts = [];
        if (this.failed) return;
        if (this.format === "zstd") {
          resolve(parts);
          return;
        }
        const last = parts.at(-1);
        const trailer = last && last.length >= 4 ? last.subarray(-4) : Buffer.concat(parts).subarray(-4);
        if (trailer.length !== 4 || trailer.readUInt32LE(0) !== block.length >>> 0) {
          this.failed = true;
          reject(new Error("gzip member came out incomplete (trailer does not match the block)"));
          return;
        }
        this.stream.reset();
        resolve(parts);
      });
    });
  }
  /**
   * Called once the last member's pieces have been copied: the stream writes its next member over
   * them, into the same output buffer, instead of filling the buffer to its end and allocating a
   * new one. Without this every compressed byte passes through a fresh buffer that only a garbage
   * collection frees: 170 MB of them for the Debian 12 test guest, and the collections that kept
   * that memory down cost the main thread ~0.6 s of a 5 s publish. node:zlib keeps where the next
   * output goes in `_outOffset` of `_outBuffer` (nodejs/node lib/zlib.js@v24.x processChunk and
   * processCallback; unchanged since v0.x), not public API: where those fields are missing nothing
   * is rewound and the old buffers are garbage as before. Returns how many bytes of the pieces' buffers
   * became garbage.
   */
  rewind(parts) {
    const internals = this.stream;
    const current = internals._outBuffer;
    const rewinds = current instanceof Uint8Array && typeof internals._outOffset === "number";
    let garbage = 0;
    for (const p of parts) if (!rewinds || p.buffer !== current.buffer) garbage += p.length;
    if (rewinds) internals._outOffset = 0;
    return garbage;
  }
  close() {
    this.stream.close();
  }
};
function blockCompressor(compression, level, blockSize, members) {
  const idle = [];
  const all = [];
  const newSlot = () => compression === "gzip" ? (
    // Each output buffer holds about two members.
    { members: new MemberStream(zlib.createGzip({ level, chunkSize: blockSize }), "gzip"), probe: new Probe() }
  ) : {
    members: new MemberStream(
      zlib.createZstdCompress({
        // Room for a block's worst case, so a frame is one piece.
        chunkSize: blockSize + (blockSize >> 6) + 4096,
        params: {
          [zlib.constants.ZSTD_c_compressionLevel]: level,
          [zlib.constants.ZSTD_c_checksumFlag]: 1
        }
      }),
      "zstd"
    )
  };
  const closeSlot = (slot) => {
    slot.members.close();
    slot.probe?.close();
  };
  const takeSlot = (block) => {
    if (block.length < blockSize) {
      const own = newSlot();
      all.push(own);
      return {
        slot: own,
        done: () => {
          all.splice(all.indexOf(own), 1);
          closeSlot(own);
        }
      };
    }
    let slot = idle.pop();
    if (!slot) all.push(slot = newSlot());
    const reused = slot;
    return { slot, done: () => void idle.push(reused) };
  };
  const compressOne = async (block, into) => {
    const { slot, done } = takeSlot(block);
    const { members: stream, probe } = slot;
    if (probe) {
      const stored = await probe.incompressible(block);
      if (into) into.droppedBytes += probe.droppedBytes;
      probe.droppedBytes = 0;
      if (stored) {
        done();
        return storedGzipMember(block, into);
      }
    }
    const parts = await stream.member(block);
    let length = 0;
    for (const p of parts) length += p.length;
    const member = into ? into.adopt(parts, 0) : Buffer.concat(parts, length);
    const garbage = stream.rewind(parts);
    if (into) into.droppedBytes += garbage;
    done();
    if (compression === "gzip") member[9] = GZIP_OS_UNKNOWN;
    return member;
  };
  const zeroBlock = Buffer.alloc(blockSize);
  let zeroMember;
  const compress = (block) => {
    if (block.length === blockSize && block.equals(zeroBlock)) {
      zeroMember ??= compressOne(zeroBlock, void 0);
      return zeroMember;
    }
    return compressOne(block, members);
  };
  compress.close = () => {
    for (const slot of all) closeSlot(slot);
    all.length = 0;
    idle.length = 0;
  };
  return compress;
}
function defaultConcurrency() {
  const pool = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  return Math.max(1, Math.min(availableParallelism() + 1, pool > 2 ? pool - 1 : pool));
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

export {
  DEFAULT_BLOCK_SIZE,
  DEFAULT_LEVEL,
  LEVEL_RANGE,
  storedGzipSize,
  MemberPool,
  blockCompressor,
  defaultConcurrency,
  compressInOrder
};
