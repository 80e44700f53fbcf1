import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanConsoleText, readSerialTail } from '../../../src/engines/local/machine.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-serial-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('serial console tail', () => {
  it('drops firmware ANSI sequences and carriage returns', () => {
    const ovmf = '\u001b[2J\u001b[01;01H\u001b[=3h\u001b[2J\u001b[01;01HBdsDxe: loading Boot0001\r\n\u001b[0m\u001b[37m\u001b[40mguest: ready\r\n';
    expect(cleanConsoleText(ovmf)).toBe('BdsDxe: loading Boot0001\nguest: ready');
  });

  it('returns the last lines, dropping a fragment cut mid-line', async () => {
    const file = path.join(tmp, 'serial.log');
    writeFileSync(file, Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\r\n') + '\r\n');
    expect(await readSerialTail(file, 3)).toEqual(['line 4997', 'line 4998', 'line 4999']);
    const small = await readSerialTail(file, 100000, 100);
    expect(small.every((l) => /^line \d+$/.test(l))).toBe(true);
    expect(await readSerialTail(path.join(tmp, 'absent.log'), 5)).toEqual([]);
    expect(await readSerialTail(file, 0)).toEqual([]);
  });

  it('property: cleaned text has no escape characters or CRs and keeps plain text unchanged', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const out = cleanConsoleText(s);
        expect(out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[ -~]*$/)), (lines) => {
        const text = lines.join('\n');
        expect(cleanConsoleText(text)).toBe(text.replace(/\n+$/, ''));
      }),
    );
  });
});
