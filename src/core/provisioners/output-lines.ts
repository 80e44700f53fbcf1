/**
 * Remote output arrives in arbitrary chunks; logs want whole lines (and the secret masker can
 * only mask a secret it sees whole). This turns a chunk stream into lines, decoding UTF-8
 * across chunk boundaries, and flushes a last unterminated line at the end.
 */
import { StringDecoder } from 'node:string_decoder';

/** Longest partial line held back before it is emitted anyway (a progress bar without newlines). */
const MAX_PENDING = 64 * 1024;

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
      this.emit(this.pending);
      this.pending = '';
    }
  }

  end(): void {
    this.pending += this.decoder.end();
    if (this.pending) this.emit(this.pending.replace(/\r$/, ''));
    this.pending = '';
  }
}
