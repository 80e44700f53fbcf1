/** The accelerator choice without QEMU: overrides, fallbacks, errors (with the real QEMU: test/integration/local/accelerator.test.ts). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { memoryLogger } from '../../../src/core/log.js';
import { chooseAccelerator, probeAccelerator, resetAcceleratorCache } from '../../../src/engines/local/accelerator.js';
import { PROBE_SUCCESS_STATUS, probeFirmwareImage } from '../../../src/engines/local/probe-firmware.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-accel-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('accelerator probe', () => {
  beforeEach(() => resetAcceleratorCache());

  it('the probe firmware is a 64 KiB image with a far jump at the reset vector', () => {
    const image = probeFirmwareImage();
    expect(image.length).toBe(0x10000);
    expect(image.subarray(0xfff0, 0xfff5).toString('hex')).toBe('ea000000f0');
    expect(PROBE_SUCCESS_STATUS).toBe((0x2a << 1) | 1);
  });

  it('RUDDERVIRT_ACCEL overrides the probe and rejects other values', async () => {
    const { logger } = memoryLogger();
    await expect(probeAccelerator({ logger, env: { RUDDERVIRT_ACCEL: 'kvm' } })).resolves.toMatchObject({ accelerator: 'kvm', reason: 'RUDDERVIRT_ACCEL=kvm' });
    await expect(probeAccelerator({ logger, env: { RUDDERVIRT_ACCEL: 'tcg' } })).resolves.toMatchObject({ accelerator: 'tcg' });
    await expect(probeAccelerator({ logger, env: { RUDDERVIRT_ACCEL: 'hvf' } })).rejects.toThrow(UserError);
    await expect(probeAccelerator({ logger, env: { RUDDERVIRT_ACCEL: 'hvf' } })).rejects.toThrow(/must be 'kvm' or 'tcg', got 'hvf'/);
  });

  it('falls back to TCG without booting anything when the device is missing or not accessible', async () => {
    const { logger } = memoryLogger();
    const missing = await probeAccelerator({ logger, env: {}, kvmDevice: path.join(tmp, 'no-kvm'), qemuBinary: '/nonexistent/qemu' });
    expect(missing).toMatchObject({ accelerator: 'tcg' });
    expect(missing.reason).toMatch(/no-kvm does not exist/);
    if (process.getuid?.() !== 0) {
      const locked = path.join(tmp, 'locked-kvm');
      writeFileSync(locked, '', { mode: 0o000 });
      const r = await probeAccelerator({ logger, env: {}, kvmDevice: locked, qemuBinary: '/nonexistent/qemu' });
      expect(r.reason).toMatch(/not readable and writable/);
    }
  });

  it('a missing QEMU is a clear user error, and is not cached', async () => {
    const { logger } = memoryLogger();
    const device = path.join(tmp, 'fake-kvm');
    writeFileSync(device, '');
    await expect(chooseAccelerator({ logger, env: {}, kvmDevice: device, qemuBinary: 'qemu-does-not-exist' })).rejects.toThrow(/'qemu-does-not-exist' was not found on PATH/);
    await expect(chooseAccelerator({ logger, env: {}, kvmDevice: device, qemuBinary: 'qemu-does-not-exist' })).rejects.toThrow(UserError);
  });
});
