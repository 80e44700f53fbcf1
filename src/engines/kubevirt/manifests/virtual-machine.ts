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
 */
import type { V1Disk, V1Volume } from '@kubevirt-ui-ext/kubevirt-api/kubevirt';
import { cdromBus } from '../../../core/config/model.js';
import { formatQuantity } from '../../../core/config/quantity.js';
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

  if (vm.machineType === 'pc') {
    reportVmProblem(ctx, scope, 'machineType', 'KubeVirt runs amd64 VMs on q35 only (its emulatedMachines default is q35*,pc-q35*); remove machineType: pc');
  }
  const memory = formatQuantity(vm.memoryBytes);
  const secureBoot = vm.efiFirmware?.secureBoot === true;
  const object: VirtualMachine = {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: objectMeta(ctx, scope.names.vm, 'vm', scope),
    spec: {
      runStrategy: 'Once',
      template: {
        metadata: {
          labels: runLabels({ build: ctx.build.name, runId: ctx.options.runId, layer: scope.layer.name, vm: vm.name }, 'vm'),
          ...(Object.keys(parts.networking.annotations).length > 0 ? { annotations: parts.networking.annotations } : {}),
        },
        spec: {
          hostname: vm.name,
          terminationGracePeriodSeconds: Math.max(1, Math.ceil(vm.shutdownTimeout / 1000)),
          domain: {
            machine: { type: 'q35' },
            cpu: { cores: vm.cpu, sockets: 1, threads: 1, ...(vm.cpuModel ? { model: vm.cpuModel === 'host' ? 'host-passthrough' : vm.cpuModel } : {}) },
            memory: { guest: memory },
            resources: { requests: { memory } },
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
