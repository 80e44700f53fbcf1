/**
 * qemuArgs (Packer's qemuargs) on the local engine: the switches RudderVirt drives the VM through
 * — VNC for the boot command, QMP for power and screenshots, the serial log — or that would stop
 * it running unattended. An entry may not replace them, unlike in Packer, where a user switch
 * replaces the builder's default wholesale (packer-plugin-qemu builder/qemu/step_run.go).
 */
const RESERVED = new Set(['-vnc', '-qmp', '-qmp-pretty', '-monitor', '-mon', '-serial', '-chardev', '-daemonize', '-display', '-nographic', '-S', '-pidfile', '-name', '-incoming', '-loadvm']);

/** Why `flag` cannot be a qemuArgs switch, or undefined when it can. */
export function qemuSwitchProblem(flag: string): string | undefined {
  if (!flag.startsWith('-')) return `expected a QEMU switch starting with '-', e.g. [-device, virtio-gpu-pci]; found '${flag}'`;
  if (RESERVED.has(flag.replace(/^--/, '-'))) return `${flag} is set by RudderVirt, which drives the VM through it (VNC for bootCommand, QMP, the serial log); remove this entry`;
  return undefined;
}
