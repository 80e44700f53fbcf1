/**
 * The build VM as a KubeVirt VirtualMachine.
 *
 * - runStrategy Once: the VM starts when created and is never restarted; a guest power-off (the
 *   end of every build) leaves the VMI Succeeded instead of booting it again, and a crash fails
 *   the build instead of looping. Reboots inside the guest (installers) stay in place.
 * - q35, explicit buses everywhere (KubeVirt's amd64 default is sata; virtio is refused for
 *   cdroms, so cdroms are sata unless the build names scsi, or attaches the ISO as a disk).
 * - Firmware: BIOS unless efiFirmware is set; EFI with Secure Boot off unless asked, and SMM on
 *   when it is (KubeVirt refuses Secure Boot without SMM).
 * - Graphics device for VNC (boot commands), serial console logged to the launcher pod's
 *   guest-console-log container (failure reports), ACPI for the power button.
 * - The root disk boots first; after it an installer ISO, so a blank disk falls through to the
 *   installer and the installed system boots from disk after the installer's reboot.
 * - The `kubevirt:` settings (cluster-settings.ts): nodeSelector, tolerations and affinity on the
 *   VMI template; resources over the memory request; an instance type and preference as the VM's
 *   matchers — with an instance type the VM leaves CPU topology and memory to it, since KubeVirt
 *   refuses a VM that sets them too (kubevirt/kubevirt v1.9.0 pkg/instancetype/apply/cpu.go and
 *   memory.go: "VM field(s) … conflicts with selected instance type").
 */
import type { V1Disk, V1Volume } from '@kubevirt-ui-ext/kubevirt-api/kubevirt';
import { cdromBus } from '../../../core/config/model.js';
import { formatQuantity } from '../../../core/config/quantity.js';
import { quantityValue } from '../../../core/config/kubevirt-settings.js';
import { reportSettingProblem, vmSettings } from './cluster-settings.js';
import { runLabels } from './labels.js';
import type { VmCdromSecrets } from './cdroms.js';
import type { VmDisks } from './data-volumes.js';
import type { VmNetworking } from './network.js';
import { objectMeta, reportVmProblem, type RenderContext, type VmScope } from './render-context.js';
import type { RenderedObject } from './rendered.js';
import type { VirtualMachine } from './types.js';

/** The disk name of the installer ISO (disk names are the build file's, so it must not clash). */
export const INSTALL_ISO_DISK = 'install-iso';
const CDROM_BUS = 'sata';

export interface VmParts {
  disks: VmDisks;
  cdroms: VmCdromSecrets;
  networking: VmNetworking;
}

export function renderVirtualMachine(ctx: RenderContext, scope: VmScope, parts: VmParts): RenderedObject {
  const { vm } = scope;
  const devices: V1Disk[] = [];
  const volumes: V1Volume[] = [];
  const used = new Set<string>();
  const attach = (device: V1Disk, volume: Omit<V1Volume, 'name'>, field: string) => {
    if (used.has(device.name)) {
      reportVmProblem(ctx, scope, field, `the name '${device.name}' is used twice; KubeVirt needs one name per disk and cdrom${device.name === INSTALL_ISO_DISK ? ` ('${INSTALL_ISO_DISK}' is the installer ISO's)` : ''}`);
      return;
    }
    used.add(device.name);
    devices.push(device);
    volumes.push({ name: device.name, ...volume });
  };

  parts.disks.disks.forEach(({ disk, dataVolume }, i) => {
    attach({ name: disk.name, disk: { bus: disk.bus }, ...(i === 0 ? { bootOrder: 1 } : {}) }, { dataVolume: { name: dataVolume } }, `disks.${i}`);
  });
  if (parts.disks.installIso) {
    attach({ name: INSTALL_ISO_DISK, cdrom: { bus: CDROM_BUS, readonly: true }, bootOrder: 2 }, { dataVolume: { name: parts.disks.installIso } }, 'source.iso');
  }
  vm.cdroms.forEach((cdrom, i) => {
    const bus = cdromBus(cdrom);
    // A seed attached as a disk, as KubeVirt attaches cloudInitNoCloud; KubeVirt refuses a
    // read-only sata disk (pkg/storage/admitters/disks.go), so only other buses are read-only.
    const device: V1Disk = cdrom.type === 'disk' ? { name: cdrom.name, disk: { bus, ...(bus === 'sata' ? {} : { readonly: true }) } } : { name: cdrom.name, cdrom: { bus, readonly: true } };
    const fromFiles = parts.cdroms.secrets.get(cdrom.name);
    const fromIso = parts.disks.cdromIsos.get(cdrom.name);
    if (fromFiles) attach(device, { secret: { secretName: fromFiles.secretName, volumeLabel: fromFiles.label } }, `cdroms.${i}`);
    else if (fromIso) attach(device, { dataVolume: { name: fromIso } }, `cdroms.${i}`);
  });

  if (vm.qemuArgs && vm.qemuArgs.length > 0) {
    reportVmProblem(
      ctx,
      scope,
      'qemuArgs',
      "qemuArgs are for the local engine only: on KubeVirt, virt-launcher builds QEMU's command line from the VirtualMachine and takes no extra arguments; remove qemuArgs, or build with --engine local",
    );
  }
  if (vm.machineType === 'pc') {
    reportVmProblem(ctx, scope, 'machineType', 'KubeVirt runs amd64 VMs on q35 only (its emulatedMachines default is q35*,pc-q35*); remove machineType: pc');
  }
  const memory = formatQuantity(vm.memoryBytes);
  const secureBoot = vm.efiFirmware?.secureBoot === true;
  const settings = vmSettings(ctx, scope);
  const instancetype = settings.instancetype;
  if (instancetype) checkInstancetypeConflicts(ctx, scope);
  const limit = quantityValue(settings.resources?.limits?.memory);
  if (!instancetype && limit !== undefined && limit < vm.memoryBytes) {
    reportSettingProblem(
      ctx,
      scope,
      'resources',
      'limits.memory',
      `the memory limit ${settings.resources!.limits!.memory} is below the VM's memory ${memory}; KubeVirt refuses a guest larger than its limit — raise the limit or lower memory`,
    );
  }
  const resources = {
    ...(instancetype ? {} : { requests: { memory, ...settings.resources?.requests } }),
    ...(settings.resources?.limits && Object.keys(settings.resources.limits).length > 0 ? { limits: { ...settings.resources.limits } } : {}),
  };
  const cpu = {
    ...(instancetype ? {} : { cores: vm.cpu, sockets: 1, threads: 1 }),
    ...(vm.cpuModel ? { model: vm.cpuModel === 'host' ? 'host-passthrough' : vm.cpuModel } : {}),
  };
  const object: VirtualMachine = {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: objectMeta(ctx, scope.names.vm, 'vm', scope),
    spec: {
      runStrategy: 'Once',
      ...(instancetype ? { instancetype: { name: instancetype.name, kind: instancetype.kind } } : {}),
      ...(settings.preference ? { preference: { name: settings.preference.name, kind: settings.preference.kind } } : {}),
      template: {
        metadata: {
          labels: runLabels({ build: ctx.build.name, runId: ctx.options.runId, layer: scope.layer.name, vm: vm.name }, 'vm'),
          ...(Object.keys(parts.networking.annotations).length > 0 ? { annotations: parts.networking.annotations } : {}),
        },
        spec: {
          hostname: vm.name,
          terminationGracePeriodSeconds: Math.max(1, Math.ceil(vm.shutdownTimeout / 1000)),
          ...(settings.nodeSelector && Object.keys(settings.nodeSelector).length > 0 ? { nodeSelector: { ...settings.nodeSelector } } : {}),
          ...(settings.tolerations && settings.tolerations.length > 0 ? { tolerations: settings.tolerations.map((t) => ({ ...t })) } : {}),
          ...(settings.affinity ? { affinity: structuredClone(settings.affinity) } : {}),
          domain: {
            machine: { type: 'q35' },
            ...(Object.keys(cpu).length > 0 ? { cpu } : {}),
            ...(instancetype ? {} : { memory: { guest: memory } }),
            ...(Object.keys(resources).length > 0 ? { resources } : {}),
            firmware: { bootloader: vm.efiFirmware ? { efi: { secureBoot } } : { bios: {} } },
            features: secureBoot ? { acpi: {}, smm: { enabled: true } } : { acpi: {} },
            devices: {
              autoattachGraphicsDevice: true,
              autoattachSerialConsole: true,
              logSerialConsole: true,
              disks: devices,
              interfaces: parts.networking.interfaces,
            },
          },
          networks: parts.networking.networks,
          volumes,
        },
      },
    },
  };
  return {
    object,
    step: 'start',
    owner: { kind: 'run' },
    vm: `${scope.layer.name}/${vm.name}`,
    note: `the build VM ${scope.layer.name}/${vm.name}`,
  };
}

/**
 * With an instance type, the VM's own CPU topology, memory and CPU/memory resources conflict
 * (kubevirt/kubevirt v1.9.0 pkg/instancetype/apply/cpu.go validateCPU, memory.go validateMemory).
 * cpu and memory written in the build file are reported; their defaults are simply left out.
 */
function checkInstancetypeConflicts(ctx: RenderContext, scope: VmScope): void {
  const settings = vmSettings(ctx, scope);
  const name = settings.instancetype!.name;
  const positions = scope.vm.positions ?? {};
  for (const field of ['cpu', 'memory'] as const) {
    if (!positions[field]) continue;
    reportVmProblem(
      ctx,
      scope,
      field,
      `${field} conflicts with the instance type ${name} (kubevirt.instancetype): KubeVirt refuses a VM that sets ${field === 'cpu' ? 'domain.cpu.cores' : 'domain.memory.guest'} besides an instance type; remove ${field}, or the instance type`,
    );
  }
  for (const which of ['requests', 'limits'] as const) {
    for (const res of ['cpu', 'memory'] as const) {
      if (settings.resources?.[which]?.[res] === undefined) continue;
      reportSettingProblem(ctx, scope, 'resources', `${which}.${res}`, `resources.${which}.${res} conflicts with the instance type ${name}, which sets the VM's ${res}; remove it, or the instance type`);
    }
  }
}
