/**
 * The validating admission the real components add on top of schemas: KubeVirt's VM/VMI webhooks,
 * CDI's DataVolume webhook and the CEL rules of the snapshot CRDs (the subset that matters for
 * builds; kubevirt/kubevirt pkg/virt-api/webhooks/validating-webhook/admitters@v1.9.0, kubevirt/containerized-data-importer
 * pkg/apiserver/webhooks/datavolume-validate.go@v1.66.0, kubernetes-csi/external-snapshotter client/config/crd@v8.6.0). A denial is the API server's 422 with the
 * webhook's name in the message, as kube-apiserver wraps webhook answers.
 */
import { ApiError, type StatusCause } from './api-errors.js';
import type { KubeObject } from './object-store.js';

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function denied(webhook: string, causes: StatusCause[]): ApiError {
  const message = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)).join(', ');
  return new ApiError(422, 'Invalid', `admission webhook "${webhook}" denied the request: ${message}`, {
    causes: causes.map((c) => ({ reason: 'FieldValueInvalid', ...c })),
  });
}

/** virt-config's default emulatedMachines for amd64 (kubevirt/kubevirt pkg/virt-config/virt-config.go@v1.9.0). */
const EMULATED_MACHINES = ['q35*', 'pc-q35*'];
/** The buses validateBusSupport accepts besides ide (refused by name). */
const DISK_BUSES = ['virtio', 'scsi', 'sata', 'usb'];

/**
 * Checks a VMI spec (at `base`, e.g. "spec.template.spec") with the messages and fields of
 * kubevirt/kubevirt@v1.9.0: pkg/storage/admitters/disks.go (ValidateDisks: validateDiskName,
 * validateDeviceTarget, validateBusSupport), pkg/virt-api/webhooks/validating-webhook/admitters/vmi-create-admitter.go
 * (disk/volume matching, boot order, volume sources, SecureBoot without SMM, validateEmulatedMachine)
 * and pkg/network/admitter (netiface.go, netsource.go, binding.go). The one rule model for the
 * harness's webhooks and the unit suites' checks of rendered manifests.
 */
export function vmiSpecProblems(spec: Loose | undefined, base: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!spec || typeof spec !== 'object') return [{ field: base, message: 'Required value' }];
  const domain: Loose = spec.domain ?? {};
  const disks: Loose[] = domain.devices?.disks ?? [];
  const volumes: Loose[] = spec.volumes ?? [];
  const at = `${base}.domain.devices.disks`;
  const bootOrders = new Set<number>();
  disks.forEach((d, i) => {
    const field = `${at}[${i}]`;
    const twin = disks.findIndex((o) => o.name === d.name);
    if (twin < i) causes.push({ field: `${field}.name`, message: `${field} and ${at}[${twin}] must not have the same Name.` });
    const kinds = ['disk', 'lun', 'cdrom'].filter((k) => d[k] !== undefined);
    if (kinds.length > 1) causes.push({ field, message: `${field} can only have a single target type defined` });
    const type = kinds[0] ?? '';
    const target: Loose = d.disk ?? d.lun ?? d.cdrom ?? {};
    const bus = target.bus as string | undefined;
    if (bus === 'ide') causes.push({ field: `${field}.${type}.bus`, message: 'IDE bus is not supported' });
    else if (bus === 'virtio' && type === 'cdrom') causes.push({ field: `${field}.cdrom.bus`, message: 'Bus type virtio is invalid for CD-ROM device' });
    else if (bus === 'sata' && d.disk?.readonly === true) causes.push({ field: `${field}.disk.bus`, message: 'sata hard-disks do not support read-only.' });
    else if (bus && !DISK_BUSES.includes(bus)) causes.push({ field: `${field}.${type}.bus`, message: `${field} is set with an unrecognized bus ${bus}, must be one of: [${DISK_BUSES.join(' ')}]` });
    if (!volumes.some((v) => v.name === d.name)) {
      causes.push({
        field: `${field}.name`,
        message: d.cdrom ? 'DeclarativeHotplugVolumes feature gate not enabled, cannot define an empty CD-ROM disk' : `${field}.Name '${d.name}' not found.`,
      });
    }
    if (d.bootOrder !== undefined) {
      if (bootOrders.has(d.bootOrder)) causes.push({ field: `${field}.bootOrder`, message: `Boot order for ${field}.bootOrder already set for a different device.` });
      bootOrders.add(d.bootOrder);
    }
  });
  volumes.forEach((v, i) => {
    const sources = Object.keys(v).filter((k) => k !== 'name');
    if (sources.length !== 1) causes.push({ field: `${base}.volumes[${i}]`, message: `${base}.volumes[${i}] must have exactly one source type set` });
    // Upstream's path really says domain.volumes.
    if (!disks.some((d) => d.name === v.name) && v.memoryDump === undefined) causes.push({ field: `${base}.domain.volumes[${i}].name`, message: `${base}.domain.volumes[${i}].name '${v.name}' not found.` });
  });
  const efi = domain.firmware?.bootloader?.efi;
  const smmOn = domain.features?.smm !== undefined && domain.features.smm.enabled !== false;
  if (efi && efi.secureBoot !== false && !smmOn) {
    causes.push({ field: `${base}.domain`, message: `${base}.domain has EFI SecureBoot enabled. SecureBoot requires SMM, which is currently disabled.` });
  }
  const interfaces: Loose[] = domain.devices?.interfaces ?? [];
  const networks: Loose[] = spec.networks ?? [];
  if (networks.filter((n) => n.pod !== undefined).length > 1) causes.push({ field: `${base}.interfaces`, message: `more than one interface is connected to a pod network in ${base}.interfaces` });
  interfaces.forEach((iface, i) => {
    const field = `${base}.domain.devices.interfaces[${i}].name`;
    const network = networks.find((n) => n.name === iface.name);
    if (!network) causes.push({ field, message: `${field} '${iface.name}' not found.` });
    if (iface.masquerade !== undefined && network?.pod === undefined) causes.push({ field, message: 'Masquerade interface only implemented with pod network' });
  });
  networks.forEach((n, i) => {
    const field = `${base}.networks[${i}].name`;
    if (!interfaces.some((iface) => iface.name === n.name)) causes.push({ field, message: `${field} '${n.name}' not found.` });
  });
  const machine = domain.machine?.type;
  if (typeof machine === 'string' && machine !== '' && !EMULATED_MACHINES.some((glob) => machine.startsWith(glob.slice(0, -1)))) {
    causes.push({ field: `${base}.domain.machine.type`, message: `${base}.domain.machine.type is not supported: ${machine} (allowed values: [${EMULATED_MACHINES.join(' ')}])` });
  }
  return causes;
}

/** Throws the webhook's denial for a create or update of `object`, if any. */
export function admit(object: KubeObject, old?: KubeObject): void {
  const o = object as Loose;
  switch (`${object.apiVersion.split('/')[0]} ${object.kind}`) {
    case 'kubevirt.io VirtualMachine': {
      const causes: StatusCause[] = [];
      if (o.spec?.running !== undefined && o.spec?.runStrategy !== undefined) causes.push({ field: 'spec.running', message: 'Running and RunStrategy are mutually exclusive' });
      causes.push(...vmiSpecProblems(o.spec?.template?.spec, 'spec.template.spec'));
      if (causes.length > 0) throw denied('virtualmachine-validator.kubevirt.io', causes);
      return;
    }
    case 'kubevirt.io VirtualMachineInstance': {
      if (old) {
        if (JSON.stringify(old.spec) !== JSON.stringify(object.spec)) {
          throw denied('virtualmachineinstances-update-validator.kubevirt.io', [{ field: 'spec', message: 'update of VMI object is restricted' }]);
        }
        return;
      }
      const causes = vmiSpecProblems(o.spec, 'spec');
      if (causes.length > 0) throw denied('virtualmachineinstances-create-validator.kubevirt.io', causes);
      return;
    }
    case 'cdi.kubevirt.io DataVolume': {
      if (old) {
        if (JSON.stringify(old.spec) !== JSON.stringify(object.spec)) throw denied('datavolume-validate.cdi.kubevirt.io', [{ field: 'spec', message: 'Cannot update DataVolume Spec' }]);
        return;
      }
      const spec: Loose = o.spec ?? {};
      const causes: StatusCause[] = [];
      const sources = Object.keys(spec.source ?? {});
      if (spec.sourceRef === undefined && sources.length !== 1) causes.push({ field: 'spec.source', message: `Data volume should have exactly one source, found ${sources.length}` });
      if (spec.pvc === undefined && spec.storage === undefined) causes.push({ field: 'spec', message: 'Missing Data volume PVC or storage' });
      if (spec.pvc !== undefined && spec.storage !== undefined) causes.push({ field: 'spec', message: 'Data volume cannot have both PVC and storage' });
      const size = (spec.pvc ?? spec.storage)?.resources?.requests?.storage;
      if (size === undefined && spec.source?.pvc === undefined && spec.source?.snapshot === undefined) {
        causes.push({ field: `spec.${spec.pvc ? 'pvc' : 'storage'}.resources.requests.storage`, message: 'missing storage size' });
      }
      const http = spec.source?.http;
      if (http && typeof http.url === 'string' && !/^https?:\/\//.test(http.url)) causes.push({ field: 'spec.source.http.url', message: `${http.url} is not a valid URL` });
      if (http?.checksum !== undefined && !/^(md5|sha1|sha256|sha512):[0-9a-f]+$/.test(http.checksum)) {
        causes.push({ field: 'spec.source.http.checksum', message: `Invalid checksum format "${http.checksum}", expected <algorithm>:<hex>` });
      }
      if (causes.length > 0) throw denied('datavolume-validate.cdi.kubevirt.io', causes);
      return;
    }
    case 'snapshot.storage.k8s.io VolumeSnapshot': {
      const source: Loose = o.spec?.source ?? {};
      const set = ['persistentVolumeClaimName', 'volumeSnapshotContentName'].filter((k) => source[k] !== undefined);
      if (set.length !== 1) throw celFailed(object, 'spec.source', 'Exactly one of volumeSnapshotContentName and persistentVolumeClaimName must be set');
      if (o.spec?.volumeSnapshotClassName === '') throw celFailed(object, 'spec.volumeSnapshotClassName', 'volumeSnapshotClassName must not be the empty string when set');
      if (old && JSON.stringify((old as Loose).spec?.source) !== JSON.stringify(source)) throw celFailed(object, 'spec.source', 'spec.source is immutable');
      return;
    }
    case 'snapshot.kubevirt.io VirtualMachineSnapshot': {
      const source: Loose = o.spec?.source ?? {};
      if (source.kind !== 'VirtualMachine' || (source.apiGroup ?? 'kubevirt.io') !== 'kubevirt.io') {
        throw denied('virtualmachinesnapshot-validator.snapshot.kubevirt.io', [{ field: 'spec.source', message: `invalid kind ${String(source.kind)}` }]);
      }
      if (old && JSON.stringify((old as Loose).spec) !== JSON.stringify(o.spec)) throw denied('virtualmachinesnapshot-validator.snapshot.kubevirt.io', [{ field: 'spec', message: 'spec in immutable after creation' }]);
      return;
    }
    case 'export.kubevirt.io VirtualMachineExport': {
      const source: Loose = o.spec?.source ?? {};
      const allowed = ['PersistentVolumeClaim', 'VirtualMachine', 'VirtualMachineSnapshot'];
      if (!allowed.includes(source.kind)) throw denied('virtualmachineexport-validator.export.kubevirt.io', [{ field: 'spec.source', message: `invalid kind: ${String(source.kind)}` }]);
      return;
    }
    default:
      return;
  }
}

function celFailed(object: KubeObject, field: string, message: string): ApiError {
  const group = object.apiVersion.split('/')[0] ?? '';
  return new ApiError(422, 'Invalid', `${object.kind}.${group} "${object.metadata.name ?? ''}" is invalid: ${field}: Invalid value: "object": ${message}`, {
    name: object.metadata.name ?? '',
    group,
    kind: object.kind,
    causes: [{ reason: 'FieldValueInvalid', field, message: `Invalid value: "object": ${message}` }],
  });
}
