import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader, ConnectionClosedError } from '../../../src/core/vnc/byte-reader.js';
import { Framebuffer } from '../../../src/core/vnc/framebuffer.js';
import { negotiateVersion } from '../../../src/core/vnc/rfb-messages.js';
import { vncAuthResponse } from '../../../src/core/vnc/vnc-auth.js';

describe('ByteReader', () => {
  it('returns the same fields however the bytes are chunked', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1 }), fc.array(fc.integer({ min: 0, max: 40 })), async (bytes, cuts, fieldSizes) => {
        const stream = new PassThrough();
        const reader = new ByteReader(stream);
        const data = Buffer.from(bytes);
        for (let i = 0, c = 0; i < data.length; c++) {
          const size = cuts[c % cuts.length]!;
          stream.write(data.subarray(i, i + size));
          i += size;
        }
        stream.end();
        let offset = 0;
        for (const size of fieldSizes) {
          if (offset + size > data.length) {
            await expect(reader.read(size)).rejects.toBeInstanceOf(ConnectionClosedError);
            return;
          }
          expect(await reader.read(size)).toEqual(data.subarray(offset, offset + size));
          offset += size;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reads big-endian integers', async () => {
    const stream = new PassThrough();
    const reader = new ByteReader(stream);
    stream.write(Buffer.from([7, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 0xff, 0xff, 0xff, 0x21]));
    expect([await reader.u8(), await reader.u16(), await reader.u32(), await reader.s32()]).toEqual([7, 0x1234, 0xdeadbeef, -223]);
  });

  it('serves one read at a time', async () => {
    const reader = new ByteReader(new PassThrough());
    void reader.read(1);
    await expect(reader.read(1)).rejects.toThrow('a read is already waiting');
  });
});

describe('negotiateVersion', () => {
  it.each([
    ['RFB 003.008\n', '3.8', '3.8'],
    ['RFB 003.007\n', '3.8', '3.7'],
    ['RFB 003.003\n', '3.8', '3.3'],
    ['RFB 003.005\n', '3.8', '3.3'],
    ['RFB 003.889\n', '3.8', '3.8'],
    ['RFB 004.001\n', '3.8', '3.8'],
    ['RFB 003.008\n', '3.3', '3.3'],
    ['RFB 003.008\n', '3.7', '3.7'],
  ] as const)('%j with highest %s → %s', (greeting, highest, expected) => {
    expect(negotiateVersion(greeting, highest)).toBe(expected);
  });

  it('never answers above the server or the asked highest, and rejects anything but a greeting', () => {
    const order = ['3.3', '3.7', '3.8'];
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 999 }), fc.integer({ min: 0, max: 999 }), fc.constantFrom('3.3', '3.7', '3.8' as const), (major, minor, highest) => {
        const greeting = `RFB ${String(major).padStart(3, '0')}.${String(minor).padStart(3, '0')}\n`;
        const v = negotiateVersion(greeting, highest);
        expect(order.indexOf(v)).toBeLessThanOrEqual(order.indexOf(highest));
        if (major === 3 && minor < 7) expect(v).toBe('3.3');
      }),
    );
    fc.assert(
      fc.property(
        fc.string({ minLength: 12, maxLength: 12 }).filter((s) => !/^RFB \d{3}\.\d{3}\n$/.test(s)),
        (junk) => {
          expect(() => negotiateVersion(junk)).toThrow(/not a VNC server/);
        },
      ),
    );
  });
});

describe('vncAuthResponse', () => {
  // rfb2 (installed) ships d3des, an independent single-DES implementation with VNC's key quirk.
  const d3des = createRequire(import.meta.url)('rfb2/d3des') as { response(challenge: Buffer, password: string): Buffer };

  it('matches an independent DES implementation for any challenge and password', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.string({ unit: 'binary-ascii', maxLength: 12 }), (challenge, password) => {
        const expected = Buffer.from(d3des.response(Buffer.from(challenge), password));
        expect(vncAuthResponse(Buffer.from(challenge), password)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });
});

describe('Framebuffer', () => {
  it('copies overlapping areas as if through a temporary buffer', () => {
    const fb = new Framebuffer(3, 1);
    fb.putRaw(0, 0, 3, 1, Buffer.from([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]));
    fb.copyRect(0, 0, 1, 0, 2, 1);
    expect([fb.pixel(0, 0)[2], fb.pixel(1, 0)[2], fb.pixel(2, 0)[2]]).toEqual([1, 1, 2]);
  });

  it('refuses rectangles outside the screen', () => {
    expect(() => new Framebuffer(2, 2).putRaw(1, 1, 2, 2, Buffer.alloc(16))).toThrow(/outside its 2x2 screen/);
  });
});
