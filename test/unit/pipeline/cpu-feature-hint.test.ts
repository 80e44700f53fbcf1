/** The failure report's hint when a guest refuses its CPU model. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cpuFeatureHint } from '../../../src/core/pipeline/cpu-feature-hint.js';

describe('cpuFeatureHint', () => {
  it("names glibc's x86-64 level and what to set", () => {
    const hint = cpuFeatureHint(['[    3.1] Run /init as init process', 'Fatal glibc error: CPU does not support x86-64-v3', '[    3.2] Kernel panic - not syncing: Attempted to kill init!']);
    expect(hint).toMatch(/refuses its CPU model \(it needs x86-64-v3\): "Fatal glibc error: CPU does not support x86-64-v3"/);
    expect(hint).toMatch(/cpuModel .*max/);
  });

  it("recognises the kernel's boot-time refusal and glibc's library ISA check", () => {
    expect(cpuFeatureHint(['This kernel requires the following features not present on the CPU:', 'avx2'])).toMatch(/refuses its CPU model: "This kernel requires/);
    expect(cpuFeatureHint(['/lib64/libc.so.6: CPU ISA level is lower than required'])).toMatch(/refuses its CPU model/);
  });

  it('says nothing about other failures (property: lines without the messages)', () => {
    expect(cpuFeatureHint([])).toBeUndefined();
    expect(cpuFeatureHint(['guest: ssh ready', 'cloud-init[512]: failed to fetch'])).toBeUndefined();
    fc.assert(
      fc.property(fc.array(fc.string()), (lines) => {
        const text = lines.join('\n');
        fc.pre(!/CPU does not support x86-64-v\d|not present on the CPU|ISA level is lower/i.test(text));
        expect(cpuFeatureHint(lines)).toBeUndefined();
      }),
    );
  });
});
