/**
 * How QEMU's `-netdev stream` (and the older `-netdev socket`) carries Ethernet frames over a
 * byte stream: each frame preceded by its length as a 32-bit big-endian number.
 */

/** QEMU's largest frame (NET_BUFSIZE: 4 KiB of headroom plus a 64 KiB packet). */
export const MAX_FRAME = 4096 + 65536;

export function encodeFrame(frame: Uint8Array): Buffer {
  const out = Buffer.alloc(4 + frame.length);
  out.writeUInt32BE(frame.length, 0);
  out.set(frame, 4);
  return out;
}

export class FrameStreamError extends Error {
  override name = 'FrameStreamError';
}

/** Splits a byte stream into frames, whatever the chunk boundaries. */
export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingLength = 0;

  /** Returns the frames completed by `chunk`; throws FrameStreamError on an impossible length. */
  push(chunk: Buffer): Buffer[] {
    this.pending.push(chunk);
    this.pendingLength += chunk.length;
    const frames: Buffer[] = [];
    let buffer = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingLength);
    let at = 0;
    while (buffer.length - at >= 4) {
      const length = buffer.readUInt32BE(at);
      if (length > MAX_FRAME) throw new FrameStreamError(`frame length ${length} exceeds ${MAX_FRAME}: not a QEMU stream netdev`);
      if (buffer.length - at < 4 + length) break;
      // A copy, so a kept frame does not pin the whole chunk.
      frames.push(Buffer.from(buffer.subarray(at + 4, at + 4 + length)));
      at += 4 + length;
    }
    buffer = buffer.subarray(at);
    this.pending = buffer.length > 0 ? [buffer] : [];
    this.pendingLength = buffer.length;
    return frames;
  }

  /** Bytes of an incomplete frame still waiting for the rest. */
  get buffered(): number {
    return this.pendingLength;
  }
}
