/**
 * The checks that admission webhooks and CEL rules (which the schemas cannot express) would make
 * on our objects — KubeVirt's VMI rules are the kube harness's model of its webhooks
 * (vmiSpecProblems), the rest written from CDI's, Kube-OVN's and Kubernetes' rules — plus what we
 * require beyond them and the cross-object references inside one rendered run. Returns problems as text.
 */
import type { AnyManifest } from '../../../src/engines/kubevirt/manifests/types.js';
import { vmiSpecProblems } from '../../kube-harness/admission.js';

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
  // KubeVirt's own rules: the harness's model of its webhooks, so there is one (test/kube-harness/admission.ts).
  for (const c of vmiSpecProblems(tmpl, 'spec.template.spec')) problems.push(`${name}: ${c.field}: ${c.message}`);
  // What we require beyond KubeVirt, so a render does not lean on its defaults.
  const domain = tmpl.domain;
  for (const d of (domain.devices.disks ?? []) as Any[]) {
    const target = d.disk ?? d.cdrom ?? d.lun ?? {};
    if (!target.bus) problems.push(`${name}: disk ${d.name} has no explicit bus (amd64 would default to sata)`);
    if (!DNS_LABEL.test(d.name)) problems.push(`${name}: disk name ${d.name} is not a DNS label`);
  }
  if (!domain.firmware?.bootloader) problems.push(`${name}: no explicit firmware`);
  if (domain.devices.autoattachGraphicsDevice === false) problems.push(`${name}: no graphics device (VNC needs one)`);
  const nets: Any[] = tmpl.networks ?? [];
  for (const i of (domain.devices.interfaces ?? []) as Any[]) {
    const bindings = ['bridge', 'masquerade', 'sriov', 'passtBinding', 'binding'].filter((b) => i[b] !== undefined);
    if (bindings.length !== 1) problems.push(`${name}: interface ${i.name} must have exactly one binding`);
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
