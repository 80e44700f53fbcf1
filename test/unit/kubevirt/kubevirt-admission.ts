/**
 * The checks that admission webhooks and CEL rules (which the schemas cannot express) would make
 * on our objects, written from KubeVirt's, CDI's, Kube-OVN's and Kubernetes' documented rules;
 * plus the cross-object references inside one rendered run. Returns problems as text.
 */
import type { AnyManifest } from '../../../src/engines/kubevirt/manifests/types.js';

const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9.]*[a-z0-9])?$/;
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-_.A-Za-z0-9]*[A-Za-z0-9])?)?$/;
const QUALIFIED_NAME = /^[A-Za-z0-9](?:[-_.A-Za-z0-9]*[A-Za-z0-9])?$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** A label or annotation key: optional DNS-subdomain prefix (<= 253) and a name (<= 63). */
function validKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return false;
  return name.length <= 63 && QUALIFIED_NAME.test(name);
}

type Any = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function checkMetadata(o: AnyManifest, problems: string[]): void {
  const m = o.metadata;
  if (!DNS_LABEL.test(m.name) || m.name.length > 63) problems.push(`${o.kind} ${m.name}: name is not a DNS label of at most 63 characters`);
  for (const [k, v] of Object.entries(m.labels ?? {})) {
    if (!validKey(k)) problems.push(`${o.kind} ${m.name}: bad label key ${k}`);
    if (typeof v !== 'string' || v.length > 63 || !LABEL_VALUE.test(v)) problems.push(`${o.kind} ${m.name}: bad label value ${k}=${String(v)}`);
  }
  for (const [k, v] of Object.entries(m.annotations ?? {})) {
    if (!validKey(k)) problems.push(`${o.kind} ${m.name}: bad annotation key ${k}`);
    if (typeof v !== 'string') problems.push(`${o.kind} ${m.name}: annotation ${k} is not a string`);
  }
}

function checkVm(vm: Any, problems: string[]): void {
  const name = `VirtualMachine ${vm.metadata.name}`;
  const spec = vm.spec;
  if (spec.running !== undefined && spec.runStrategy !== undefined) problems.push(`${name}: running and runStrategy together`);
  const tmpl = spec.template.spec;
  const domain = tmpl.domain;
  const disks: Any[] = domain.devices.disks ?? [];
  const volumes: Any[] = tmpl.volumes ?? [];
  const diskNames = disks.map((d) => d.name);
  const volumeNames = volumes.map((v) => v.name);
  if (new Set(diskNames).size !== diskNames.length) problems.push(`${name}: duplicate disk names`);
  for (const d of diskNames) if (!volumeNames.includes(d)) problems.push(`${name}: disk ${d} has no volume`);
  for (const v of volumeNames) if (!diskNames.includes(v)) problems.push(`${name}: volume ${v} has no disk`);
  for (const d of disks) {
    const kinds = ['disk', 'cdrom', 'lun'].filter((k) => d[k] !== undefined);
    if (kinds.length !== 1) problems.push(`${name}: disk ${d.name} must have exactly one of disk, cdrom, lun`);
    const target = d.disk ?? d.cdrom ?? d.lun ?? {};
    if (!target.bus) problems.push(`${name}: disk ${d.name} has no explicit bus (amd64 would default to sata)`);
    if (target.bus === 'ide') problems.push(`${name}: disk ${d.name}: IDE bus is not supported`);
    if (d.cdrom && d.cdrom.bus === 'virtio') problems.push(`${name}: cdrom ${d.name} on virtio (refused by KubeVirt)`);
    if (d.disk && d.disk.bus === 'sata' && d.disk.readonly) problems.push(`${name}: disk ${d.name}: a sata disk cannot be read-only`);
    if (!DNS_LABEL.test(d.name)) problems.push(`${name}: disk name ${d.name} is not a DNS label`);
  }
  for (const v of volumes) {
    const sources = Object.keys(v).filter((k) => k !== 'name');
    if (sources.length !== 1) problems.push(`${name}: volume ${v.name} must have exactly one source`);
  }
  const boot = disks.map((d) => d.bootOrder).filter((b) => b !== undefined);
  if (new Set(boot).size !== boot.length) problems.push(`${name}: duplicate bootOrder`);
  const efi = domain.firmware?.bootloader?.efi;
  if (efi && efi.secureBoot !== false && domain.features?.smm?.enabled !== true) problems.push(`${name}: Secure Boot requires SMM`);
  if (!domain.firmware?.bootloader) problems.push(`${name}: no explicit firmware`);
  if (domain.devices.autoattachGraphicsDevice === false) problems.push(`${name}: no graphics device (VNC needs one)`);

  const ifaces: Any[] = domain.devices.interfaces ?? [];
  const nets: Any[] = tmpl.networks ?? [];
  const ifaceNames = ifaces.map((i) => i.name);
  const netNames = nets.map((n) => n.name);
  for (const i of ifaceNames) if (!netNames.includes(i)) problems.push(`${name}: interface ${i} has no network`);
  for (const n of netNames) if (!ifaceNames.includes(n)) problems.push(`${name}: network ${n} has no interface`);
  const podNets = nets.filter((n) => n.pod !== undefined);
  if (podNets.length > 1) problems.push(`${name}: more than one pod network`);
  for (const i of ifaces) {
    const bindings = ['bridge', 'masquerade', 'sriov', 'passtBinding', 'binding'].filter((b) => i[b] !== undefined);
    if (bindings.length !== 1) problems.push(`${name}: interface ${i.name} must have exactly one binding`);
    const net = nets.find((n) => n.name === i.name);
    if (i.masquerade !== undefined && net && net.pod === undefined) problems.push(`${name}: masquerade on ${i.name}, which is not the pod network`);
    if (!['virtio', 'e1000', 'e1000e', 'igb', 'ne2k_pci', 'pcnet', 'rtl8139'].includes(i.model)) problems.push(`${name}: interface ${i.name} model ${i.model}`);
  }
  for (const n of nets) {
    const kinds = ['pod', 'multus', 'resourceClaim'].filter((k) => n[k] !== undefined);
    if (kinds.length !== 1) problems.push(`${name}: network ${n.name} must be exactly one of pod, multus`);
  }
  if (tmpl.hostname !== undefined && !DNS_LABEL.test(tmpl.hostname)) problems.push(`${name}: hostname ${tmpl.hostname} is not a DNS label`);
}

function checkDataVolume(dv: Any, problems: string[]): void {
  const name = `DataVolume ${dv.metadata.name}`;
  const sources = Object.keys(dv.spec.source ?? {});
  if (sources.length + (dv.spec.sourceRef ? 1 : 0) !== 1) problems.push(`${name}: needs exactly one source`);
  if (!dv.spec.storage === !dv.spec.pvc) problems.push(`${name}: needs exactly one of storage, pvc`);
  const size = dv.spec.storage?.resources?.requests?.storage;
  if (typeof size !== 'string' || !/^\d+(Ki|Mi|Gi|Ti)?$/.test(size)) problems.push(`${name}: storage request ${String(size)}`);
  const checksum = dv.spec.source?.http?.checksum;
  if (checksum !== undefined && !/^(md5|sha1|sha256|sha512):[0-9a-f]+$/.test(checksum)) problems.push(`${name}: checksum ${checksum}`);
}

function checkSecret(s: Any, problems: string[]): void {
  const name = `Secret ${s.metadata.name}`;
  let total = 0;
  for (const [k, v] of Object.entries<string>(s.data ?? {})) {
    if (!SECRET_KEY.test(k)) problems.push(`${name}: bad key ${k}`);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v)) problems.push(`${name}: ${k} is not base64`);
    total += Buffer.from(v, 'base64').length;
  }
  if (total > 1024 * 1024) problems.push(`${name}: more than 1 MiB of data`);
}

/** The Pod Security "restricted" profile, and that mounts and Secret items resolve. */
function checkPod(p: Any, secrets: Map<string, Any>, problems: string[]): void {
  const name = `Pod ${p.metadata.name}`;
  const spec = p.spec;
  const volumes: Any[] = spec.volumes ?? [];
  if (spec.securityContext?.runAsNonRoot !== true) problems.push(`${name}: runAsNonRoot`);
  if (spec.securityContext?.seccompProfile?.type !== 'RuntimeDefault') problems.push(`${name}: seccomp RuntimeDefault`);
  for (const c of spec.containers as Any[]) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) problems.push(`${name}/${c.name}: allowPrivilegeEscalation must be false`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${name}/${c.name}: must drop ALL capabilities`);
    for (const m of c.volumeMounts ?? []) if (!volumes.some((v) => v.name === m.name)) problems.push(`${name}/${c.name}: mount of unknown volume ${m.name}`);
  }
  for (const v of volumes) {
    if (!v.secret) continue;
    const secret = secrets.get(v.secret.secretName);
    if (!secret) {
      problems.push(`${name}: volume ${v.name} uses Secret ${v.secret.secretName}, not rendered`);
      continue;
    }
    for (const item of v.secret.items ?? []) {
      if (!(item.key in (secret.data ?? {}))) problems.push(`${name}: item key ${item.key} not in Secret ${secret.metadata.name}`);
      if (item.path.startsWith('/') || item.path.split('/').includes('..')) problems.push(`${name}: item path ${item.path}`);
    }
  }
}

/** Checks every object, and that references between them (by name) resolve within the run. */
export function admissionProblems(objects: readonly AnyManifest[]): string[] {
  const problems: string[] = [];
  const byKind = (kind: string) => new Map(objects.filter((o) => o.kind === kind).map((o) => [o.metadata.name, o as Any]));
  const secrets = byKind('Secret');
  const dataVolumes = byKind('DataVolume');
  const nads = byKind('NetworkAttachmentDefinition');
  const subnets = byKind('Subnet');
  const vpcs = byKind('Vpc');
  const vms = byKind('VirtualMachine');
  for (const o of objects) {
    checkMetadata(o, problems);
    const a = o as Any;
    switch (o.kind) {
      case 'VirtualMachine': {
        checkVm(a, problems);
        for (const v of a.spec.template.spec.volumes as Any[]) {
          if (v.dataVolume && !dataVolumes.has(v.dataVolume.name)) problems.push(`VirtualMachine ${o.metadata.name}: DataVolume ${v.dataVolume.name} not rendered`);
          if (v.secret && !secrets.has(v.secret.secretName)) problems.push(`VirtualMachine ${o.metadata.name}: Secret ${v.secret.secretName} not rendered`);
        }
        for (const n of (a.spec.template.spec.networks ?? []) as Any[]) {
          if (!n.multus) continue;
          const [ns, nad] = String(n.multus.networkName).split('/');
          if (ns !== o.metadata.namespace || !nad || !nads.has(nad)) problems.push(`VirtualMachine ${o.metadata.name}: network ${n.multus.networkName} not rendered`);
        }
        for (const [k, v] of Object.entries<string>(a.spec.template.metadata?.annotations ?? {})) {
          if (k.endsWith('logical_switch') && !subnets.has(v)) problems.push(`VirtualMachine ${o.metadata.name}: subnet ${v} not rendered`);
        }
        break;
      }
      case 'DataVolume': {
        checkDataVolume(a, problems);
        const pvc = a.spec.source?.pvc;
        if (pvc && !dataVolumes.has(pvc.name)) problems.push(`DataVolume ${o.metadata.name}: clones ${pvc.name}, not rendered`);
        break;
      }
      case 'Secret':
        checkSecret(a, problems);
        break;
      case 'Pod':
        checkPod(a, secrets, problems);
        break;
      case 'Subnet':
        if (!vpcs.has(a.spec.vpc)) problems.push(`Subnet ${o.metadata.name}: VPC ${a.spec.vpc} not rendered`);
        break;
      case 'VpcEgressGateway':
        if (!vpcs.has(a.spec.vpc)) problems.push(`VpcEgressGateway ${o.metadata.name}: VPC ${a.spec.vpc} not rendered`);
        if (a.spec.replicas < 0 || a.spec.replicas > 10) problems.push(`VpcEgressGateway ${o.metadata.name}: replicas ${a.spec.replicas}`);
        for (const p of a.spec.policies as Any[]) for (const s of p.subnets ?? []) if (!subnets.has(s)) problems.push(`VpcEgressGateway ${o.metadata.name}: subnet ${s} not rendered`);
        break;
      case 'NetworkAttachmentDefinition': {
        const config = JSON.parse(a.spec.config) as Any;
        if (config.type !== 'kube-ovn' || config.provider !== `${o.metadata.name}.${o.metadata.namespace}.ovn`) problems.push(`NAD ${o.metadata.name}: config ${a.spec.config}`);
        break;
      }
      case 'VolumeSnapshot': {
        // CEL: exactly one source, and a non-empty class name.
        const src = a.spec.source;
        if (Object.keys(src).length !== 1) problems.push(`VolumeSnapshot ${o.metadata.name}: needs exactly one source`);
        if (a.spec.volumeSnapshotClassName === '') problems.push(`VolumeSnapshot ${o.metadata.name}: empty class name`);
        if (src.persistentVolumeClaimName && !dataVolumes.has(src.persistentVolumeClaimName)) problems.push(`VolumeSnapshot ${o.metadata.name}: PVC not rendered`);
        break;
      }
      case 'VirtualMachineSnapshot':
        if (!vms.has(a.spec.source.name)) problems.push(`VirtualMachineSnapshot ${o.metadata.name}: VM not rendered`);
        break;
      case 'VirtualMachineExport': {
        if (!secrets.get(a.spec.tokenSecretRef)?.data?.token) problems.push(`VirtualMachineExport ${o.metadata.name}: token Secret without a token key`);
        const src = a.spec.source;
        if (src.kind === 'PersistentVolumeClaim' && !dataVolumes.has(src.name)) problems.push(`VirtualMachineExport ${o.metadata.name}: PVC ${src.name} not rendered`);
        break;
      }
    }
  }
  return problems;
}
