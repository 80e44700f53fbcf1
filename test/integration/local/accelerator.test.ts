/** The accelerator probe against the real QEMU and /dev/kvm of this machine (the parts that need no QEMU: test/unit/local/accelerator.test.ts). */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../src/core/log.js';
import { chooseAccelerator, resetAcceleratorCache, runProbeGuest } from '../../../src/engines/local/accelerator.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-accel-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function requireQemu(): void {
  if (!existsSync('/usr/bin/qemu-system-x86_64')) throw new Error('qemu-system-x86_64 is missing: apt-get install -y qemu-system-x86 (scripts/setup.mjs installs it)');
}

describe('accelerator probe', () => {
  beforeEach(() => resetAcceleratorCache());

  it('the probe guest reaches 64-bit long mode under TCG (real QEMU)', async () => {
    requireQemu();
    const r = await runProbeGuest('tcg', { timeoutMs: 10_000 });
    expect(r).toMatchObject({ succeeded: true, stages: 'RPL' });
  });

  it('picks TCG quickly on this machine, with one warning naming the reason (real /dev/kvm and QEMU)', async () => {
    requireQemu();
    const { logger, lines } = memoryLogger();
    const started = performance.now();
    const choice = await chooseAccelerator({ logger, env: {}, verdictFile: false });
    const ms = Math.round(performance.now() - started);
    console.log(`accelerator probe chose ${choice.accelerator} in ${ms}ms: ${choice.reason}`);
    if (existsSync('/dev/kvm') && !/\b(vmx|svm)\b/.test(readFileSync('/proc/cpuinfo', 'utf8'))) {
      // The machines this project runs on: /dev/kvm exists, nested KVM hangs.
      expect(choice.accelerator).toBe('tcg');
      expect(choice.reason).toMatch(/\/dev\/kvm (opens, but under KVM|does not exist|is not readable)/);
    }
    // Asking again costs nothing and does not warn again.
    const again = await chooseAccelerator({ logger, env: {}, verdictFile: false });
    expect(again).toBe(choice);
    const warnings = lines.filter((l) => l.startsWith('warn:'));
    expect(warnings.length).toBe(choice.accelerator === 'tcg' ? 1 : 0);
    if (choice.accelerator === 'tcg') expect(warnings[0]).toMatch(/KVM is not usable here .*using TCG/);
  });

  it('reports how far a guest got when KVM hangs (real KVM on a nested host)', async () => {
    requireQemu();
    if (!existsSync('/dev/kvm')) return;
    const r = await runProbeGuest('kvm', { timeoutMs: 2000 });
    console.log(`kvm probe: ${JSON.stringify(r)}`);
    if (!r.succeeded) expect(r.outcome).toMatch(/guest|QEMU exited/);
    else expect(r.stages).toBe('RPL');
  });

  it('remembers the verdict for later processes until the device, the binary or the boot changes (real QEMU)', async () => {
    requireQemu();
    const { logger } = memoryLogger();
    const device = path.join(tmp, 'remembered-kvm');
    writeFileSync(device, '', { mode: 0o600 });
    const verdictFile = path.join(tmp, 'verdicts', 'accelerator.json');
    const env = { PATH: process.env.PATH ?? '/usr/bin' };
    const first = await chooseAccelerator({ logger, env, kvmDevice: device, verdictFile });
    expect(first.reason).not.toMatch(/earlier this boot/);
    if (first.conclusive === false) {
      console.log(`the probe guest did not start in time (${first.reason}): nothing to remember on this host`);
      expect(existsSync(verdictFile)).toBe(false);
      return;
    }
    expect(JSON.parse(readFileSync(verdictFile, 'utf8'))).toMatchObject({ choice: { accelerator: first.accelerator } });
    resetAcceleratorCache(); // as a new process would start
    const second = await chooseAccelerator({ logger, env, kvmDevice: device, verdictFile });
    expect(second).toMatchObject({ accelerator: first.accelerator, reason: `${first.reason}; probed earlier this boot` });
    resetAcceleratorCache();
    chmodSync(device, 0o660); // the device changed: probe again
    const third = await chooseAccelerator({ logger, env, kvmDevice: device, verdictFile });
    expect(third.reason).not.toMatch(/earlier this boot/);
    resetAcceleratorCache();
    const overridden = await chooseAccelerator({ logger, env: { ...env, RUDDERVIRT_ACCEL: 'tcg' }, kvmDevice: device, verdictFile });
    expect(overridden.reason).toBe('RUDDERVIRT_ACCEL=tcg');
  });
});
