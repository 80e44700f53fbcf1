/**
 * Remote output arrives in arbitrary chunks; logs want whole lines (and the secret masker can
 * only mask a secret it sees whole). This turns a chunk stream into lines, decoding UTF-8
 * across chunk boundaries, and flushes a last unterminated line at the end.
 */
import { StringDecoder } from 'node:string_decoder';

/** Longest partial line held back before it is emitted anyway (a progress bar without newlines). */
export const MAX_PENDING = 64 * 1024;

/**
 * What stays behind when a long partial line is emitted, so a secret that straddles the cut reaches
 * the masker whole with what follows. Longer than any one-line secret (multi-line ones are masked
 * line by line).
 */
export const HELD_TAIL = 8 * 1024;

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(private readonly emit: (line: string) => void) {}

  push(chunk: Buffer): void {
    this.pending += this.decoder.write(chunk);
    let nl: number;
    while ((nl = this.pending.indexOf('\n')) >= 0) {
      this.emit(this.pending.slice(0, nl).replace(/\r$/, ''));
      this.pending = this.pending.slice(nl + 1);
    }
    if (this.pending.length > MAX_PENDING) {
      let cut = this.pending.length - HELD_TAIL;
      // Never between the halves of a surrogate pair.
      if (/[\ud800-\udbff]/.test(this.pending[cut - 1]!)) cut -= 1;
      this.emit(this.pending.slice(0, cut));
      this.pending = this.pending.slice(cut);
    }
  }

  end(): void {
    this.pending += this.decoder.end();
    if (this.pending) this.emit(this.pending.replace(/\r$/, ''));
    this.pending = '';
  }
}
