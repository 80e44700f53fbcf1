import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSerialFrom } from '../../../src/engines/local/machine.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rv-serial-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readSerialFrom (the local engine's serial log for <waitSerial>)", () => {
  it('returns the bytes from an offset on as the log grows, raw, capped per call', async () => {
    const file = path.join(dir, 'serial.log');
    expect((await readSerialFrom(file, 0)).length).toBe(0); // not written yet
    writeFileSync(file, '\u001b[2Jboot');
    const first = await readSerialFrom(file, 0);
    expect(first.toString()).toBe('\u001b[2Jboot');
    appendFileSync(file, ': ');
    expect((await readSerialFrom(file, first.length)).toString()).toBe(': ');
    expect((await readSerialFrom(file, 100)).length).toBe(0);
    expect((await readSerialFrom(file, 2, 3)).toString()).toBe('2Jb');
  });
});
