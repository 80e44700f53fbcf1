/**
 * Guests that refuse the CPU they were given say so on their console and stop: a glibc built for a
 * higher x86-64 level at startup ("Fatal glibc error: CPU does not support x86-64-v2", glibc 2.33
 * and later; "CPU ISA level is lower than required" for a library marked with a higher level), or
 * the kernel's boot code ("This kernel requires the following features not present on the CPU",
 * torvalds/linux arch/x86/boot/cpu.c). The build then fails on a timeout far from the cause, so a
 * failure report that shows such a line says what to change.
 */
const REFUSALS = [/CPU does not support x86-64-v(\d)/i, /requires the following features not present on the CPU/i, /CPU ISA level is lower than required/i];

/** A hint for the failure report when `lines` (serial console, screen text) show the guest refusing its CPU. */
export function cpuFeatureHint(lines: readonly string[]): string | undefined {
  for (const line of lines) {
    for (const refusal of REFUSALS) {
      const m = refusal.exec(line);
      if (!m) continue;
      const level = m[1] ? ` (it needs x86-64-v${m[1]})` : '';
      return `the guest refuses its CPU model${level}: "${line.trim()}". Set the VM's cpuModel to one with those features: max (everything QEMU's software emulation offers), host under KVM, or a named model such as Haswell-noTSX`;
    }
  }
  return undefined;
}
