/**
 * The harness's model of KubeVirt's VM/VMI validating webhooks (test/kube-harness/admission.ts
 * vmiSpecProblems), rule by rule against the upstream admitters: each case is one change to a VM
 * the webhook admits, and the field and message virt-api answers with. The unit suites check
 * rendered manifests with the same function, so a rule fixed here is fixed there.
 */
import { describe, expect, it } from 'vitest';
import { admit } from '../../kube-harness/admission.js';
import { ApiError } from '../../kube-harness/api-errors.js';
import type { KubeObject } from '../../kube-harness/object-store.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const D = 'spec.template.spec.domain.devices.disks';

function vm(): Loose {
  return {
    apiVersion: 'kubevirt.io/v1',
    kind: 'VirtualMachine',
    metadata: { name: 'vm', namespace: 'ns' },
    spec: {
      runStrategy: 'Halted',
      template: {
        spec: {
          domain: {
            machine: { type: 'q35' },
            firmware: { bootloader: { efi: { secureBoot: false } } },
            devices: {
              disks: [
                { name: 'root', bootOrder: 1, disk: { bus: 'virtio' } },
                { name: 'answers', bootOrder: 2, cdrom: { bus: 'sata' } },
              ],
              interfaces: [{ name: 'default', masquerade: {} }],
            },
          },
          networks: [{ name: 'default', pod: {} }],
          volumes: [
            { name: 'root', dataVolume: { name: 'root' } },
            { name: 'answers', cloudInitNoCloud: { userData: '#cloud-config' } },
          ],
        },
      },
    },
  };
}

function denial(change: (spec: Loose) => void): { message: string; causes: { field?: string; message: string }[] } | undefined {
  const object = vm();
  change(object.spec.template.spec);
  try {
    admit(object as KubeObject);
    return undefined;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return { message: err.message, causes: (err.details?.causes ?? []) as { field?: string; message: string }[] };
  }
}

describe('KubeVirt VM admission (kubevirt/kubevirt v1.9.0)', () => {
  it('admits the base VM', () => {
    expect(denial(() => {})).toBeUndefined();
  });

  it.each<[rule: string, change: (s: Loose) => void, field: string, message: string]>([
    // pkg/storage/admitters/disks.go@v1.9.0 validateBusSupport
    ['IDE bus (disks.go validateBusSupport)', (s) => (s.domain.devices.disks[0].disk.bus = 'ide'), `${D}[0].disk.bus`, 'IDE bus is not supported'],
    ['virtio CD-ROM (disks.go validateBusSupport)', (s) => (s.domain.devices.disks[1].cdrom.bus = 'virtio'), `${D}[1].cdrom.bus`, 'Bus type virtio is invalid for CD-ROM device'],
    ['read-only SATA disk (disks.go validateBusSupport)', (s) => (s.domain.devices.disks[0].disk = { bus: 'sata', readonly: true }), `${D}[0].disk.bus`, 'sata hard-disks do not support read-only.'],
    [
      'unknown bus (disks.go validateBusSupport default case)',
      (s) => (s.domain.devices.disks[0].disk.bus = 'nvme'),
      `${D}[0].disk.bus`,
      `${D}[0] is set with an unrecognized bus nvme, must be one of: [virtio scsi sata usb]`,
    ],
    // pkg/storage/admitters/disks.go@v1.9.0 validateDiskName, validateDeviceTarget
    ['duplicate disk name (disks.go validateDiskName)', (s) => (s.domain.devices.disks[1].name = 'root'), `${D}[1].name`, `${D}[1] and ${D}[0] must not have the same Name.`],
    ['two target types (disks.go validateDeviceTarget)', (s) => (s.domain.devices.disks[0].cdrom = { bus: 'sata' }), `${D}[0]`, `${D}[0] can only have a single target type defined`],
    // pkg/virt-api/webhooks/validating-webhook/admitters/vmi-create-admitter.go@v1.9.0
    ['disk without a volume (vmi-create-admitter.go)', (s) => s.volumes.splice(0, 1), `${D}[0].name`, `${D}[0].Name 'root' not found.`],
    [
      'volume without a disk (vmi-create-admitter.go validateVirtualMachineInstanceSpecVolumeDisks)',
      (s) => s.volumes.push({ name: 'spare', emptyDisk: { capacity: '1Gi' } }),
      'spec.template.spec.domain.volumes[2].name',
      "spec.template.spec.domain.volumes[2].name 'spare' not found.",
    ],
    ['volume with two sources (vmi-create-admitter.go)', (s) => (s.volumes[0].emptyDisk = { capacity: '1Gi' }), 'spec.template.spec.volumes[0]', 'spec.template.spec.volumes[0] must have exactly one source type set'],
    ['repeated boot order (vmi-create-admitter.go)', (s) => (s.domain.devices.disks[1].bootOrder = 1), `${D}[1].bootOrder`, `Boot order for ${D}[1].bootOrder already set for a different device.`],
    [
      'SecureBoot without SMM (vmi-create-admitter.go validateDomainSpec)',
      (s) => (s.domain.firmware.bootloader.efi.secureBoot = true),
      'spec.template.spec.domain',
      'spec.template.spec.domain has EFI SecureBoot enabled. SecureBoot requires SMM, which is currently disabled.',
    ],
    [
      'machine type outside emulatedMachines (vmi-create-admitter.go validateEmulatedMachine, virt-config.go DefaultAMD64EmulatedMachines)',
      (s) => (s.domain.machine.type = 'pc-i440fx-9.0'),
      'spec.template.spec.domain.machine.type',
      'spec.template.spec.domain.machine.type is not supported: pc-i440fx-9.0 (allowed values: [q35* pc-q35*])',
    ],
    // pkg/network/admitter@v1.9.0
    [
      'interface without a network (netiface.go validateInterfacesAssignedToNetworks)',
      (s) => s.domain.devices.interfaces.push({ name: 'lab', bridge: {} }),
      'spec.template.spec.domain.devices.interfaces[1].name',
      "spec.template.spec.domain.devices.interfaces[1].name 'lab' not found.",
    ],
    [
      'network without an interface (netiface.go validateNetworksAssignedToInterfaces)',
      (s) => s.networks.push({ name: 'lab', multus: { networkName: 'lab' } }),
      'spec.template.spec.networks[1].name',
      "spec.template.spec.networks[1].name 'lab' not found.",
    ],
    [
      'masquerade off the pod network (binding.go validateMasqueradeBinding)',
      (s) => (s.networks[0] = { name: 'default', multus: { networkName: 'lab' } }),
      'spec.template.spec.domain.devices.interfaces[0].name',
      'Masquerade interface only implemented with pod network',
    ],
    [
      'two pod networks (netsource.go validateSinglePodNetwork)',
      (s) => {
        s.networks.push({ name: 'second', pod: {} });
        s.domain.devices.interfaces.push({ name: 'second', bridge: {} });
      },
      'spec.template.spec.interfaces',
      'more than one interface is connected to a pod network in spec.template.spec.interfaces',
    ],
  ])('refuses %s', (_rule, change, field, message) => {
    const refused = denial(change);
    expect(refused?.message).toMatch(/^admission webhook "virtualmachine-validator\.kubevirt\.io" denied the request: /);
    expect(refused?.causes).toContainEqual(expect.objectContaining({ field, message }));
  });

  it('accepts the buses upstream lists (scsi, usb) and pc-q35 machine types', () => {
    expect(
      denial((s) => {
        s.domain.devices.disks[0].disk.bus = 'scsi';
        s.domain.devices.disks[1] = { name: 'answers', bootOrder: 2, disk: { bus: 'usb' } };
        s.domain.machine.type = 'pc-q35-rhel9.6.0';
      }),
    ).toBeUndefined();
  });
});
