/** UEFI firmware lookup against this machine's real ovmf package (the lookup rules on fake descriptors: test/unit/local/firmware.test.ts). */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findUefiFirmware } from '../../../src/engines/local/firmware.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-firmware-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('OVMF firmware lookup', () => {
  it("finds this machine's OVMF through QEMU's firmware descriptors (real ovmf package)", async () => {
    if (!existsSync('/usr/share/qemu/firmware')) throw new Error('OVMF descriptors missing: apt-get install -y ovmf (scripts/setup.mjs installs it)');
    const plain = await findUefiFirmware({ secureBoot: false, machine: 'pc', env: {} });
    expect(plain).toMatchObject({ secureBoot: false, requiresSmm: false, codeFormat: 'raw' });
    expect(existsSync(plain.code) && existsSync(plain.varsTemplate)).toBe(true);
    expect(plain.code).not.toMatch(/secboot|\.ms\./);

    const secure = await findUefiFirmware({ secureBoot: true, machine: 'q35', env: {} });
    expect(secure).toMatchObject({ secureBoot: true, requiresSmm: true });
    // Microsoft's keys enrolled, so Secure Boot is enforced from the first boot.
    expect(secure.varsTemplate).toMatch(/ms\.fd$|secboot/);
  });
});
