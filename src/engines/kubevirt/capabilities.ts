/**
 * Capability discovery before a kubevirt build: which APIs the cluster serves, whether we may make
 * every call the build needs (SelfSubjectAccessReviews over the table in api-calls.ts), whether
 * VMs get KVM or emulation, whether KubeVirt's feature gates let the build create its export
 * and VM snapshots (feature-gates.ts), and how finished disks are kept (a CSI snapshot when a
 * matching VolumeSnapshotClass exists, else a CDI clone). assertBuildable fails early — before
 * any VM boots — naming what is missing and how to install, enable or grant it.
 */
import { UserError } from '../../core/errors.js';
import type { Build } from '../../core/config/model.js';
import { API_CALLS, CDI_NAMESPACE, describeCall, type ApiCall, type Feature } from './api-calls.js';
import type { DiscoveryClient, KubeVirtInfo, ServedGroup, SnapshotClassInfo, StorageClassInfo } from './discovery-client.js';
import { enableGateCommand, gateEnabled, type GatedFeature } from './feature-gates.js';
import type { CapturePlan, ExportApiVersion } from './manifests/render-options.js';

export const KUBEVIRT_VERSION = 'v1.9.0';
export const CDI_VERSION = 'v1.66.0';

interface RequiredApi {
  group: string;
  versions: string[];
  /** A resource that must be served in that group (a CRD added later than the group). */
  resource?: string;
  what: string;
  fix: string;
}

const KUBEVIRT_INSTALL = `install KubeVirt: kubectl apply -f https://github.com/kubevirt/kubevirt/releases/download/${KUBEVIRT_VERSION}/kubevirt-operator.yaml -f https://github.com/kubevirt/kubevirt/releases/download/${KUBEVIRT_VERSION}/kubevirt-cr.yaml (or run the setup-cluster action)`;
const CDI_INSTALL = `install CDI: kubectl apply -f https://github.com/kubevirt/containerized-data-importer/releases/download/${CDI_VERSION}/cdi-operator.yaml -f https://github.com/kubevirt/containerized-data-importer/releases/download/${CDI_VERSION}/cdi-cr.yaml`;

const REQUIRED_APIS: Record<Exclude<Feature, 'discovery' | 'clone' | 'http-server' | 'data-source'>, RequiredApi[]> = {
  core: [
    { group: 'kubevirt.io', versions: ['v1'], what: 'KubeVirt (kubevirt.io/v1)', fix: KUBEVIRT_INSTALL },
    {
      group: 'subresources.kubevirt.io',
      versions: ['v1'],
      what: "KubeVirt's subresource API (VNC, console, port-forward)",
      fix: `virt-api is not serving: check the pods in the kubevirt namespace, or ${KUBEVIRT_INSTALL}`,
    },
    { group: 'cdi.kubevirt.io', versions: ['v1beta1'], what: 'CDI (cdi.kubevirt.io/v1beta1) for disk imports', fix: CDI_INSTALL },
  ],
  export: [
    {
      group: 'export.kubevirt.io',
      versions: ['v1', 'v1beta1'],
      what: 'VirtualMachineExport (export.kubevirt.io)',
      fix: `use KubeVirt ${KUBEVIRT_VERSION} (VMExport is GA), or add VMExport to spec.configuration.developerConfiguration.featureGates of the KubeVirt CR`,
    },
  ],
  upload: [{ group: 'upload.cdi.kubevirt.io', versions: ['v1beta1'], what: 'CDI uploads (upload.cdi.kubevirt.io/v1beta1) for local disks and ISOs', fix: CDI_INSTALL }],
  network: [
    {
      group: 'kubeovn.io',
      versions: ['v1'],
      resource: 'vpc-egress-gateways',
      what: 'Kube-OVN with VpcEgressGateway (v1.14 or later) for network.vpcs',
      fix: 'install Kube-OVN v1.14 or later with Multus (see kubeovn/kube-ovn makefiles/kind.mk), or remove network from the build file',
    },
  ],
  'secondary-nic': [
    {
      group: 'k8s.cni.cncf.io',
      versions: ['v1'],
      what: 'Multus (k8s.cni.cncf.io/v1) for NICs after the first',
      fix: 'install Multus v4 (https://github.com/k8snetworkplumbingwg/multus-cni), or give each VM one NIC',
    },
  ],
  'volume-snapshot': [
    {
      group: 'snapshot.storage.k8s.io',
      versions: ['v1'],
      what: 'CSI snapshots (snapshot.storage.k8s.io/v1)',
      fix: 'install the external-snapshotter CRDs and controller (kubernetes-csi/external-snapshotter v8), or capture with clones',
    },
  ],
  'vm-snapshot': [
    {
      group: 'snapshot.kubevirt.io',
      versions: ['v1beta1'],
      what: 'VirtualMachineSnapshot (snapshot.kubevirt.io/v1beta1)',
      fix: `use KubeVirt ${KUBEVIRT_VERSION} (the Snapshot gate is on by default) or enable the Snapshot feature gate, or capture with clones`,
    },
  ],
};

export type CaptureRequest = CapturePlan | { mode: 'auto' };

export interface DiscoveryRequest {
  namespace: string;
  features: ReadonlySet<Feature>;
  capture?: CaptureRequest;
  /** The StorageClasses the build's disks use (undefined = the cluster default); one snapshot class must fit them all. */
  storageClasses?: readonly (string | undefined)[];
}

/** What stops a build: what is missing and how to fix it. */
export interface Blocker {
  what: string;
  fix: string;
}

export type Accelerator = 'kvm' | 'emulation' | 'kvm-or-emulation' | 'unknown';

export interface ClusterCapabilities {
  served: ReadonlyMap<string, readonly string[]>;
  exportApiVersion: ExportApiVersion;
  capture: CapturePlan;
  accelerator: Accelerator;
  /** Every feature the build needs, including the chosen capture's. */
  features: ReadonlySet<Feature>;
  blockers: Blocker[];
  warnings: string[];
}

/** The features a build uses (before the capture mode is chosen). */
export function buildFeatures(build: Build): Set<Feature> {
  const features = new Set<Feature>(['core', 'export']);
  if (build.network.vpcs.length > 0) features.add('network');
  for (const layer of build.layers) {
    for (const vm of layer.vms) {
      if (vm.httpDirectory !== undefined || Object.keys(vm.httpContent ?? {}).length > 0) features.add('http-server');
      if (vm.nics.length > 1) features.add('secondary-nic');
      if (vm.source.kind === 'path' || vm.cdroms.some((c) => c.iso !== undefined)) features.add('upload');
      if (vm.source.kind === 'from') features.add('clone');
      if (vm.output.dataSource) features.add('data-source');
    }
  }
  return features;
}

function captureFeature(plan: CapturePlan): Feature {
  switch (plan.mode) {
    case 'clone':
      return 'clone';
    case 'volume-snapshot':
      return 'volume-snapshot';
    case 'vm-snapshot':
      return 'vm-snapshot';
  }
}

function serves(served: ReadonlyMap<string, readonly string[]>, group: string, version: string): boolean {
  return served.get(group)?.includes(version) ?? false;
}

/** The snapshot class for the disks' storage class: same driver; else the default or the only one. */
export function pickSnapshotClass(classes: readonly SnapshotClassInfo[], storage: readonly StorageClassInfo[] | undefined, storageClass: string | undefined): SnapshotClassInfo | undefined {
  if (storage) {
    const target = storageClass !== undefined ? storage.find((s) => s.name === storageClass) : storage.find((s) => s.isDefault);
    if (!target) return undefined;
    const matching = classes.filter((c) => c.driver === target.provisioner);
    return matching.find((c) => c.isDefault) ?? matching[0];
  }
  return classes.find((c) => c.isDefault) ?? (classes.length === 1 ? classes[0] : undefined);
}

async function inBatches<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}

async function chooseCapture(client: DiscoveryClient, request: DiscoveryRequest, served: ReadonlyMap<string, readonly string[]>, warnings: string[]): Promise<CapturePlan> {
  const asked = request.capture ?? { mode: 'auto' };
  if (asked.mode !== 'auto') return asked;
  if (!serves(served, 'snapshot.storage.k8s.io', 'v1')) return { mode: 'clone' };
  const [classes, storage] = await Promise.all([client.volumeSnapshotClasses(), client.storageClasses()]);
  if (classes === undefined) {
    warnings.push('cannot list VolumeSnapshotClasses: outputs are kept as CDI clones');
    return { mode: 'clone' };
  }
  const picks = (request.storageClasses ?? [undefined]).map((sc) => pickSnapshotClass(classes, storage, sc));
  const picked = picks.every((p) => p !== undefined && p.name === picks[0]?.name) ? picks[0] : undefined;
  if (!picked) {
    if (classes.length > 0) warnings.push(`no VolumeSnapshotClass matches the disks' storage class: outputs are kept as CDI clones`);
    return { mode: 'clone' };
  }
  return { mode: 'volume-snapshot', snapshotClass: picked.name };
}

async function detectAccelerator(client: DiscoveryClient, kubevirts: KubeVirtInfo[] | undefined, blockers: Blocker[], warnings: string[]): Promise<Accelerator> {
  const nodes = await client.kvmNodes();
  const emulation = kubevirts?.map((kv) => kv.useEmulation);
  const emulationOn = emulation?.some(Boolean);
  if (nodes && nodes.withKvm > 0) return 'kvm';
  if (nodes && nodes.withKvm === 0) {
    if (emulationOn) return 'emulation';
    if (emulation !== undefined) {
      blockers.push({
        what: `none of the ${nodes.nodes} nodes offers /dev/kvm (devices.kubevirt.io/kvm) and KubeVirt's emulation is off, so no VM can start`,
        fix: `kubectl -n kubevirt patch kubevirt kubevirt --type merge -p '{"spec":{"configuration":{"developerConfiguration":{"useEmulation":true}}}}' (VMs then run under TCG, much slower)`,
      });
      return 'unknown';
    }
    warnings.push('no node offers /dev/kvm; VMs start only if KubeVirt has useEmulation on (the KubeVirt CR is not readable)');
    return 'unknown';
  }
  if (emulationOn) return 'kvm-or-emulation';
  warnings.push('cannot tell whether nodes offer KVM (listing nodes is not allowed); assuming they do');
  return 'unknown';
}

/** A gate that is off blocks the build now, not at its end when the webhook refuses the create. */
function checkFeatureGates(gated: readonly [GatedFeature, string][], kubevirts: KubeVirtInfo[] | undefined, blockers: Blocker[], warnings: string[]): void {
  if (gated.length === 0) return;
  const [kubevirt] = kubevirts ?? [];
  if (!kubevirt) {
    warnings.push(
      `cannot read the KubeVirt CR, so the ${gated.map(([g]) => g).join(' and ')} feature gate${gated.length > 1 ? 's are' : ' is'} not checked; before KubeVirt v1.9 the build fails at its end if one is off`,
    );
    return;
  }
  for (const [gate, what] of gated) {
    const on = gateEnabled(gate, kubevirt);
    if (on === true) continue;
    if (on === undefined) {
      warnings.push(`the KubeVirt CR ${kubevirt.namespace}/${kubevirt.name} reports no version, so whether the ${gate} feature gate is on is unknown (${what} needs it)`);
      continue;
    }
    blockers.push({
      what: `KubeVirt ${kubevirt.version ?? ''} has the ${gate} feature gate off, so it would refuse ${what} ("${gate === 'VMExport' ? 'vm export' : 'snapshot'} feature gate not enabled") after the whole build ran`,
      fix: `${enableGateCommand(gate, kubevirt)}${gate === 'VMExport' ? ` (or upgrade to KubeVirt ${KUBEVIRT_VERSION}, where VMExport is GA)` : ' (or capture with clones)'}`,
    });
  }
}

/** Asks the cluster everything a build with `request.features` depends on. */
export async function discoverCapabilities(client: DiscoveryClient, request: DiscoveryRequest): Promise<ClusterCapabilities> {
  const blockers: Blocker[] = [];
  const warnings: string[] = [];
  const groups: ServedGroup[] = await client.servedGroups();
  const served = new Map(groups.map((g) => [g.name, g.versions] as const));

  const capture = await chooseCapture(client, request, served, warnings);
  const features = new Set(request.features);
  features.add(captureFeature(capture));

  let exportApiVersion: ExportApiVersion = 'v1';
  for (const feature of features) {
    for (const api of REQUIRED_APIS[feature as keyof typeof REQUIRED_APIS] ?? []) {
      const version = api.versions.find((v) => serves(served, api.group, v));
      if (!version) {
        blockers.push({ what: `${api.what} is not served`, fix: api.fix });
        continue;
      }
      if (api.group === 'export.kubevirt.io') exportApiVersion = version as ExportApiVersion;
      if (api.resource) {
        const resources = await client.servedResources(api.group, version);
        if (!resources?.includes(api.resource)) blockers.push({ what: `${api.what}: ${api.group}/${version} has no ${api.resource}`, fix: api.fix });
      }
    }
  }
  if (exportApiVersion === 'v1beta1') warnings.push('export.kubevirt.io/v1 is not served; using the deprecated v1beta1 (KubeVirt before v1.9)');

  const kubevirts = await client.kubeVirts();
  const accelerator = await detectAccelerator(client, kubevirts, blockers, warnings);
  const gated: [GatedFeature, string][] = [];
  if (features.has('export') && served.has('export.kubevirt.io')) gated.push(['VMExport', 'the export of the finished disks (VirtualMachineExport)']);
  if (features.has('vm-snapshot') && served.has('snapshot.kubevirt.io')) gated.push(['Snapshot', 'vm-snapshot capture (VirtualMachineSnapshot)']);
  checkFeatureGates(gated, kubevirts, blockers, warnings);

  // Calls into an API that is not there are already reported as missing; asking about them adds noise.
  const needed = API_CALLS.filter((c) => c.feature !== 'discovery' && features.has(c.feature) && (c.group === '' || served.has(c.group)));
  const answers = await inBatches(needed, 8, async (call: ApiCall) => ({
    call,
    answer: await client.reviewAccess({
      ...(call.scope === 'namespace' ? { namespace: request.namespace } : call.scope === 'cdi-namespace' ? { namespace: CDI_NAMESPACE } : {}),
      verb: call.verb,
      group: call.group,
      resource: call.resource,
      ...(call.subresource ? { subresource: call.subresource } : {}),
    }),
  }));
  const denied = answers.filter((a) => !a.answer.allowed);
  if (denied.length > 0) {
    const where = (c: ApiCall) => (c.scope === 'namespace' ? `in ${request.namespace}` : c.scope === 'cdi-namespace' ? `in ${CDI_NAMESPACE}` : 'cluster-wide');
    blockers.push({
      what: `not allowed to ${denied.map((d) => `${describeCall(d.call)} ${where(d.call)} (${d.call.why})`).join('; ')}`,
      fix: `grant the roles in docs/rbac.yaml (print them for this namespace with: ruddervirt render --rbac --namespace ${request.namespace})`,
    });
  }
  return { served, exportApiVersion, capture, accelerator, features, blockers, warnings };
}

/** Throws a UserError listing every blocker, each with its fix. */
export function assertBuildable(capabilities: ClusterCapabilities): void {
  if (capabilities.blockers.length === 0) return;
  const lines = capabilities.blockers.map((b) => `- ${b.what}\n  fix: ${b.fix}`);
  throw new UserError(`the cluster cannot run this build:\n${lines.join('\n')}`);
}
