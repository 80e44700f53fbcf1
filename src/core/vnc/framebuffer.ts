/**
 * The client's copy of the remote screen, kept as RGBA so a screenshot is one PNG encode away.
 * Pixels arrive in CLIENT_PIXEL_FORMAT (32-bit little-endian, bytes B, G, R, X).
 */
import { PNG } from 'pngjs';

export class Framebuffer {
  private rgba: Buffer;

  constructor(
    public width: number,
    public height: number,
  ) {
    this.rgba = Framebuffer.blank(width, height);
  }

  private static blank(width: number, height: number): Buffer {
    const b = Buffer.alloc(width * height * 4);
    for (let i = 3; i < b.length; i += 4) b[i] = 0xff;
    return b;
  }

  /** The server changed the screen size (DesktopSize): start over with a black screen. */
  resize(width: number, height: number): void {
    this.width = width;
    this.height = height;
    this.rgba = Framebuffer.blank(width, height);
  }

  /** A Raw rectangle: width*height pixels of 4 bytes, row by row. */
  putRaw(x: number, y: number, width: number, height: number, pixels: Buffer): void {
    this.checkRect(x, y, width, height);
    for (let row = 0; row < height; row++) {
      let src = row * width * 4;
      let dst = ((y + row) * this.width + x) * 4;
      for (let col = 0; col < width; col++, src += 4, dst += 4) {
        this.rgba[dst] = pixels[src + 2]!;
        this.rgba[dst + 1] = pixels[src + 1]!;
        this.rgba[dst + 2] = pixels[src]!;
      }
    }
  }

  /** A CopyRect rectangle: the area at (srcX, srcY) moves to (x, y); the two may overlap. */
  copyRect(srcX: number, srcY: number, x: number, y: number, width: number, height: number): void {
    this.checkRect(x, y, width, height);
    this.checkRect(srcX, srcY, width, height);
    const rowBytes = width * 4;
    const copy = Buffer.alloc(rowBytes * height);
    for (let row = 0; row < height; row++) {
      const from = ((srcY + row) * this.width + srcX) * 4;
      this.rgba.copy(copy, row * rowBytes, from, from + rowBytes);
    }
    for (let row = 0; row < height; row++) {
      copy.copy(this.rgba, ((y + row) * this.width + x) * 4, row * rowBytes, (row + 1) * rowBytes);
    }
  }

  /** RGBA of one pixel, for tests and checks. */
  pixel(x: number, y: number): [number, number, number, number] {
    const i = (y * this.width + x) * 4;
    return [this.rgba[i]!, this.rgba[i + 1]!, this.rgba[i + 2]!, this.rgba[i + 3]!];
  }

  /** A copy of the pixels as RGBA, for OCR (the next update cannot change it under the reader). */
  snapshot(): { width: number; height: number; rgba: Buffer } {
    return { width: this.width, height: this.height, rgba: Buffer.from(this.rgba) };
  }

  toPng(): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    this.rgba.copy(png.data);
    return PNG.sync.write(png);
  }

  private checkRect(x: number, y: number, width: number, height: number): void {
    if (x + width > this.width || y + height > this.height) {
      throw new Error(`the VNC server sent a rectangle ${width}x${height}+${x}+${y} outside its ${this.width}x${this.height} screen`);
    }
  }
}
