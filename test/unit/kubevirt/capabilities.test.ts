/**
 * Capability discovery over a fake DiscoveryClient (no API server can run here): the answers a
 * cluster would give are set per test; permission answers come from evaluating the shipped
 * docs/rbac.yaml, so the access reviews and the RBAC doc are checked against each other.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { loadBuild } from '../../../src/core/config/load.js';
import type { Feature } from '../../../src/engines/kubevirt/api-calls.js';
import { assertBuildable, buildFeatures, discoverCapabilities, pickSnapshotClass, type DiscoveryRequest } from '../../../src/engines/kubevirt/capabilities.js';
import type { AccessAttributes, DiscoveryClient, NodeKvmInfo, ServedGroup, SnapshotClassInfo, StorageClassInfo } from '../../../src/engines/kubevirt/discovery-client.js';
import { repoRoot } from '../../helpers/node24.js';
import { authorizerFor } from './rbac-model.js';

const NAMESPACE = 'ruddervirt-builds';
const RBAC = readFileSync(path.join(repoRoot, 'docs', 'rbac.yaml'), 'utf8');

const FULL_GROUPS: ServedGroup[] = [
  { name: '', versions: ['v1'] },
  { name: 'kubevirt.io', versions: ['v1'] },
  { name: 'subresources.kubevirt.io', versions: ['v1', 'v1alpha3'] },
  { name: 'cdi.kubevirt.io', versions: ['v1beta1'] },
  { name: 'upload.cdi.kubevirt.io', versions: ['v1beta1'] },
  { name: 'export.kubevirt.io', versions: ['v1', 'v1beta1'] },
  { name: 'snapshot.kubevirt.io', versions: ['v1beta1', 'v1alpha1'] },
  { name: 'kubeovn.io', versions: ['v1'] },
  { name: 'k8s.cni.cncf.io', versions: ['v1'] },
  { name: 'snapshot.storage.k8s.io', versions: ['v1'] },
];

interface FakeCluster {
  groups: ServedGroup[];
  resources: Record<string, string[]>;
  allows: (a: AccessAttributes) => boolean;
  snapshotClasses?: SnapshotClassInfo[];
  storageClasses?: StorageClassInfo[];
  emulation?: boolean[];
  /** The KubeVirt CR's version and feature gates (default v1.9.0, none listed). */
  version?: string;
  featureGates?: string[];
  nodes?: NodeKvmInfo;
}

/** A fake cluster: fixed answers, and a record of the access reviews asked. */
function fakeClient(cluster: Partial<FakeCluster> = {}): DiscoveryClient & { reviews: AccessAttributes[] } {
  const c: FakeCluster = {
    groups: FULL_GROUPS,
    resources: { 'kubeovn.io/v1': ['vpcs', 'subnets', 'vpc-egress-gateways', 'vpc-egress-gateways/scale', 'vpc-egress-gateways/status'] },
    allows: authorizerFor(RBAC, { name: 'ruddervirt', namespace: NAMESPACE }).allows,
    snapshotClasses: [{ name: 'csi-hostpath-snapclass', driver: 'hostpath.csi.k8s.io', isDefault: false }],
    storageClasses: [
      { name: 'standard', provisioner: 'rancher.io/local-path', isDefault: false },
      { name: 'csi-hostpath-sc', provisioner: 'hostpath.csi.k8s.io', isDefault: true },
    ],
    emulation: [false],
    version: 'v1.9.0',
    nodes: { nodes: 1, withKvm: 1 },
    ...cluster,
  };
  const reviews: AccessAttributes[] = [];
  return {
    reviews,
    servedGroups: async () => c.groups,
    servedResources: async (group, version) => (c.groups.some((g) => g.name === group && g.versions.includes(version)) ? (c.resources[`${group}/${version}`] ?? []) : undefined),
    reviewAccess: async (a) => {
      reviews.push(a);
      return { allowed: c.allows(a) };
    },
    volumeSnapshotClasses: async () => c.snapshotClasses,
    storageClasses: async () => c.storageClasses,
    kubeVirts: async () =>
      c.emulation?.map((useEmulation) => ({ namespace: 'kubevirt', name: 'kubevirt', useEmulation, featureGates: c.featureGates ?? [], disabledFeatureGates: [], ...(c.version ? { version: c.version } : {}) })),
    kvmNodes: async () => c.nodes,
  };
}

const ALL_FEATURES = new Set<Feature>(['core', 'export', 'http-server', 'network', 'secondary-nic', 'upload', 'clone']);
const request = (extra: Partial<DiscoveryRequest> = {}): DiscoveryRequest => ({ namespace: NAMESPACE, features: ALL_FEATURES, ...extra });

describe('discoverCapabilities', () => {
  it('finds a complete cluster buildable with the shipped RBAC, choosing a matching CSI snapshot class', async () => {
    const client = fakeClient();
    const caps = await discoverCapabilities(client, request());
    expect(caps.blockers).toEqual([]);
    expect(caps.capture).toEqual({ mode: 'volume-snapshot', snapshotClass: 'csi-hostpath-snapclass' });
    expect(caps.exportApiVersion).toBe('v1');
    expect(caps.accelerator).toBe('kvm');
    expect(() => assertBuildable(caps)).not.toThrow();
    // Reviews go to the right namespace, or none for cluster-scoped calls.
    expect(client.reviews).toContainEqual({ namespace: NAMESPACE, verb: 'get', group: 'subresources.kubevirt.io', resource: 'virtualmachineinstances', subresource: 'vnc' });
    expect(client.reviews).toContainEqual({ verb: 'create', group: 'kubeovn.io', resource: 'vpcs' });
    expect(client.reviews).toContainEqual({ namespace: 'cdi', verb: 'create', group: '', resource: 'pods', subresource: 'portforward' });
  });

  it('asks only about the features the build uses', async () => {
    const client = fakeClient();
    await discoverCapabilities(client, request({ features: new Set<Feature>(['core', 'export']), capture: { mode: 'clone' } }));
    expect(client.reviews.some((r) => r.group === 'kubeovn.io')).toBe(false);
    expect(client.reviews.some((r) => r.resource === 'uploadtokenrequests')).toBe(false);
    expect(client.reviews).toContainEqual({ namespace: NAMESPACE, verb: 'create', group: 'cdi.kubevirt.io', resource: 'datavolumes', subresource: 'source' });
  });

  it('names missing KubeVirt and CDI with how to install them', async () => {
    const caps = await discoverCapabilities(fakeClient({ groups: [{ name: '', versions: ['v1'] }], allows: () => false }), request({ features: new Set<Feature>(['core', 'export']) }));
    const text = caps.blockers.map((b) => `${b.what} | ${b.fix}`).join('\n');
    expect(text).toMatch(/KubeVirt \(kubevirt\.io\/v1\) is not served \| install KubeVirt: kubectl apply -f https:\/\/github\.com\/kubevirt\/kubevirt\/releases\/download\/v1\.9\.0\/kubevirt-operator\.yaml/);
    expect(text).toMatch(/CDI \(cdi\.kubevirt\.io\/v1beta1\).*cdi-operator\.yaml/);
    expect(text).toMatch(/VirtualMachineExport/);
    expect(caps.capture).toEqual({ mode: 'clone' });
    // Permissions are asked only for APIs that exist: here the core ones.
    const denied = caps.blockers.find((b) => b.what.startsWith('not allowed'))!.what;
    expect(denied).toMatch(/create core\/configmaps in ruddervirt-builds/);
    expect(denied).not.toMatch(/kubevirt\.io/);
    let thrown: unknown;
    try {
      assertBuildable(caps);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(UserError);
    expect((thrown as Error).message).toMatch(/^the cluster cannot run this build:\n- KubeVirt .*\n {2}fix: install KubeVirt/);
  });

  it('falls back to export.kubevirt.io/v1beta1 on older KubeVirt, with a warning', async () => {
    const groups = FULL_GROUPS.map((g) => (g.name === 'export.kubevirt.io' ? { ...g, versions: ['v1beta1'] } : g));
    const caps = await discoverCapabilities(fakeClient({ groups }), request());
    expect(caps.exportApiVersion).toBe('v1beta1');
    expect(caps.warnings.join()).toMatch(/deprecated v1beta1/);
  });

  it('keeps outputs as CDI clones without a usable VolumeSnapshotClass', async () => {
    const noApi = await discoverCapabilities(fakeClient({ groups: FULL_GROUPS.filter((g) => g.name !== 'snapshot.storage.k8s.io') }), request());
    expect(noApi.capture).toEqual({ mode: 'clone' });
    expect(noApi.blockers).toEqual([]);
    const otherDriver = await discoverCapabilities(fakeClient({ snapshotClasses: [{ name: 'x', driver: 'other.csi', isDefault: true }] }), request());
    expect(otherDriver.capture).toEqual({ mode: 'clone' });
    expect(otherDriver.warnings.join()).toMatch(/no VolumeSnapshotClass matches/);
    const unreadable = await discoverCapabilities(fakeClient({ snapshotClasses: undefined }), request());
    expect(unreadable.capture).toEqual({ mode: 'clone' });
  });

  it('reports a capture mode asked for that the cluster lacks', async () => {
    const groups = FULL_GROUPS.filter((g) => g.name !== 'snapshot.kubevirt.io');
    const caps = await discoverCapabilities(fakeClient({ groups }), request({ capture: { mode: 'vm-snapshot' } }));
    expect(caps.blockers.map((b) => b.what).join()).toMatch(/VirtualMachineSnapshot \(snapshot\.kubevirt\.io\/v1beta1\) is not served/);
  });

  it('needs a Kube-OVN with VpcEgressGateway for network.vpcs', async () => {
    const caps = await discoverCapabilities(fakeClient({ resources: { 'kubeovn.io/v1': ['vpcs', 'subnets'] } }), request());
    expect(caps.blockers.map((b) => b.what).join()).toMatch(/kubeovn\.io\/v1 has no vpc-egress-gateways/);
  });

  it('names every call the RBAC does not allow, and where', async () => {
    const withoutNetwork = RBAC.replace(/kind: ClusterRoleBinding\nmetadata:\n {2}name: ruddervirt-builder-network-[^]*?(?=---)/, 'kind: ConfigMap\nmetadata:\n  name: removed\n');
    const authz = authorizerFor(withoutNetwork, { name: 'ruddervirt', namespace: NAMESPACE });
    const caps = await discoverCapabilities(fakeClient({ allows: authz.allows }), request());
    expect(caps.blockers).toHaveLength(1);
    expect(caps.blockers[0]!.what).toMatch(/^not allowed to create kubeovn\.io\/vpcs cluster-wide \(the build VPCs/);
    expect(caps.blockers[0]!.fix).toMatch(/docs\/rbac\.yaml.*--namespace ruddervirt-builds/);
  });

  it('detects KVM, emulation, and neither', async () => {
    expect((await discoverCapabilities(fakeClient({ nodes: { nodes: 2, withKvm: 0 }, emulation: [true] }), request())).accelerator).toBe('emulation');
    expect((await discoverCapabilities(fakeClient({ nodes: undefined, emulation: [true] }), request())).accelerator).toBe('kvm-or-emulation');
    const neither = await discoverCapabilities(fakeClient({ nodes: { nodes: 3, withKvm: 0 }, emulation: [false] }), request());
    expect(neither.blockers.map((b) => `${b.what} ${b.fix}`).join()).toMatch(/none of the 3 nodes offers \/dev\/kvm.*useEmulation":true/);
    const unknown = await discoverCapabilities(fakeClient({ nodes: undefined, emulation: undefined }), request());
    expect(unknown.accelerator).toBe('unknown');
    expect(unknown.warnings.join()).toMatch(/cannot tell whether nodes offer KVM/);
  });

  // kubevirt/kubevirt v1.8.0 pkg/storage/admitters/vmexport.go + pkg/virt-config/feature-gates.go
  // (only GA or listed gates are on before v1.9) and v1.9.0 featuregate/feature-gates.go IsEnabled
  // (Beta on unless disabled; VMExport GA): the served groups say nothing, the CR decides.
  it('refuses up front when KubeVirt v1.5–v1.8 has the VMExport or Snapshot gate off, naming the patch that turns it on', async () => {
    const stock18 = await discoverCapabilities(fakeClient({ version: 'v1.8.4' }), request({ capture: { mode: 'vm-snapshot' } }));
    const text = stock18.blockers.map((b) => `${b.what} fix: ${b.fix}`).join('\n');
    expect(text).toMatch(/KubeVirt v1\.8\.4 has the VMExport feature gate off.*"vm export feature gate not enabled"/);
    expect(text).toContain(`kubectl -n kubevirt patch kubevirt kubevirt --type merge -p '{"spec":{"configuration":{"developerConfiguration":{"featureGates":["VMExport"]}}}}'`);
    expect(text).toMatch(/Snapshot feature gate off/);
    expect(() => assertBuildable(stock18)).toThrow(/VMExport feature gate off/);
    // Listed gates are on; a clone build does not need Snapshot.
    expect((await discoverCapabilities(fakeClient({ version: 'v1.6.6', featureGates: ['VMExport', 'Snapshot'] }), request({ capture: { mode: 'vm-snapshot' } }))).blockers).toEqual([]);
    expect((await discoverCapabilities(fakeClient({ version: 'v1.5.0', featureGates: ['VMExport'] }), request({ capture: { mode: 'clone' } }))).blockers).toEqual([]);
    // v1.9: VMExport is GA, Snapshot Beta (on by default).
    expect((await discoverCapabilities(fakeClient({ version: 'v1.9.0' }), request({ capture: { mode: 'vm-snapshot' } }))).blockers).toEqual([]);
    // No version reported: a warning, not a guess.
    const noVersion = await discoverCapabilities(fakeClient({ version: undefined }), request());
    expect(noVersion.blockers).toEqual([]);
    expect(noVersion.warnings.join()).toMatch(/reports no version, so whether the VMExport feature gate is on is unknown/);
  });
});

describe('pickSnapshotClass', () => {
  const classes: SnapshotClassInfo[] = [
    { name: 'a', driver: 'd1', isDefault: false },
    { name: 'b', driver: 'd2', isDefault: false },
    { name: 'c', driver: 'd2', isDefault: true },
  ];
  const storage: StorageClassInfo[] = [
    { name: 's1', provisioner: 'd1', isDefault: true },
    { name: 's2', provisioner: 'd2', isDefault: false },
  ];

  it("matches the disks' storage class driver, preferring the default class", () => {
    expect(pickSnapshotClass(classes, storage, undefined)?.name).toBe('a');
    expect(pickSnapshotClass(classes, storage, 's2')?.name).toBe('c');
    expect(pickSnapshotClass(classes, storage, 'missing')).toBeUndefined();
  });

  it('without storage classes, takes the default or the only class', () => {
    expect(pickSnapshotClass(classes, undefined, undefined)?.name).toBe('c');
    expect(pickSnapshotClass([classes[0]!], undefined, undefined)?.name).toBe('a');
    expect(pickSnapshotClass(classes.slice(0, 2), undefined, undefined)).toBeUndefined();
  });
});

describe('buildFeatures', () => {
  const features = (example: string) => [...buildFeatures(loadBuild(path.join(repoRoot, 'examples', example), { env: {} }))].sort();

  it('derives what each example needs', () => {
    expect(features('debian-cloud.yaml')).toEqual(['core', 'export']);
    expect(features('debian-iso.yaml')).toEqual(['core', 'export', 'http-server']);
    expect(features('module.yaml')).toEqual(['clone', 'core', 'export', 'network', 'secondary-nic']);
    expect(features('quickstart.yaml')).toEqual(['core', 'export', 'http-server', 'upload']);
  });
});
