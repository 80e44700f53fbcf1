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

  it("keeps one line per line of systemd's \\r\\r\\n console output", async () => {
    const systemd = '[  OK  ] Started ssh.service - OpenBSD Secure Shell server.\r\r\n[  OK  ] Reached target multi-user.target.\r\r\n';
    expect(cleanConsoleText(systemd)).toBe('[  OK  ] Started ssh.service - OpenBSD Secure Shell server.\n[  OK  ] Reached target multi-user.target.');
    const file = path.join(tmp, 'systemd.log');
    writeFileSync(file, systemd.repeat(3));
    expect(await readSerialTail(file, 2)).toEqual(['[  OK  ] Started ssh.service - OpenBSD Secure Shell server.', '[  OK  ] Reached target multi-user.target.']);
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
    // Whatever run of CRs ends a line, the lines come out the same.
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.stringMatching(/^[ -~]*$/), fc.integer({ min: 0, max: 3 }))), (lines) => {
        const text = lines.map(([l, crs]) => `${l}${'\r'.repeat(crs)}\n`).join('');
        expect(cleanConsoleText(text)).toBe(
          lines
            .map(([l]) => l)
            .join('\n')
            .replace(/\n+$/, ''),
        );
      }),
    );
  });
});
