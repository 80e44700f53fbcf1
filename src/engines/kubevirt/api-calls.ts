/**
 * Every Kubernetes API call the kubevirt engine makes, in one table. It is the single source for
 * the least-privilege RBAC we ship (rbac.ts → docs/rbac.yaml), for the permission checks before a
 * build (SelfSubjectAccessReviews in capabilities.ts), and for the test that the shipped roles
 * cover every call and nothing more. Cluster operations must not make a call missing here.
 */

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

/**
 * Why a build needs a call; a build only needs the features it uses:
 * - core: every build (run root, disks, VM, VNC, console, SSH port-forward, waits);
 * - http-server: a VM with httpDirectory/httpContent;
 * - network: network.vpcs (Kube-OVN VPCs, subnets, egress gateways);
 * - secondary-nic: a VM with NICs after the first (Multus attachments);
 * - upload: a local disk or ISO (CDI upload through cdi-uploadproxy);
 * - clone: `from:` and the clone capture (CDI checks datavolumes/source on the source namespace);
 * - volume-snapshot / vm-snapshot: those capture modes;
 * - export: taking disks out of the cluster (VirtualMachineExport, port-forward to its server);
 * - data-source: an output kept in the cluster as a golden image behind a CDI DataSource;
 * - discovery: reading what the cluster offers; optional: without it we assume less.
 */
export type Feature = 'core' | 'http-server' | 'network' | 'secondary-nic' | 'upload' | 'clone' | 'volume-snapshot' | 'vm-snapshot' | 'export' | 'data-source' | 'discovery';

/**
 * Where a call goes: the build namespace; cluster-scoped objects (or all namespaces); or the
 * namespace CDI runs in (its upload proxy).
 */
export type CallScope = 'namespace' | 'cluster' | 'cdi-namespace';

export interface ApiCall {
  verb: Verb;
  /** "" for the core group. */
  group: string;
  resource: string;
  /** "vnc", "portforward", "source" …: what RBAC rules name after "resource/". */
  subresource?: string;
  scope: CallScope;
  feature: Feature;
  why: string;
}

export interface NonResourceCall {
  verb: 'get';
  path: string;
  why: string;
}

const calls = (group: string, resource: string, verbs: Verb[], scope: CallScope, feature: Feature, why: string, subresource?: string): ApiCall[] =>
  verbs.map((verb) => ({ verb, group, resource, ...(subresource ? { subresource } : {}), scope, feature, why }));

/** The namespace CDI installs its upload proxy in (cdi-operator.yaml). */
export const CDI_NAMESPACE = 'cdi';

export const API_CALLS: readonly ApiCall[] = [
  // The run.
  ...calls('', 'configmaps', ['create', 'get', 'list', 'delete'], 'namespace', 'core', 'the run root object (owner of the run), found by label for cleanup'),
  // Secrets are written, never read: we know what we put in them.
  ...calls('', 'secrets', ['create', 'delete'], 'namespace', 'core', 'cdrom files, HTTP files and export tokens'),
  ...calls('', 'events', ['list'], 'namespace', 'core', 'explaining why an import, pod or VM is stuck'),
  ...calls('', 'persistentvolumeclaims', ['get', 'list', 'watch'], 'namespace', 'core', 'disk status and sizes'),
  ...calls('', 'pods', ['get', 'list', 'watch'], 'namespace', 'core', 'virt-launcher and importer pods: status and addresses'),
  ...calls('', 'pods', ['get'], 'namespace', 'core', "the guest's serial console log (guest-console-log container)", 'log'),
  // Disks and the VM.
  ...calls('cdi.kubevirt.io', 'datavolumes', ['create', 'get', 'list', 'watch', 'delete'], 'namespace', 'core', 'disks: imports, blank disks, clones, uploads'),
  ...calls('kubevirt.io', 'virtualmachines', ['create', 'get', 'list', 'watch', 'delete'], 'namespace', 'core', 'the build VMs'),
  ...calls('kubevirt.io', 'virtualmachineinstances', ['get', 'list', 'watch'], 'namespace', 'core', 'VM phase, addresses, conditions'),
  // KubeVirt's subresources, each its own RBAC resource; kubevirt.io:edit grants every one below
  // (kubevirt/kubevirt pkg/virt-operator/resource/generate/rbac/cluster.go@v1.9.0, newEditClusterRole).
  // Screenshots are taken from the VNC stream itself: vnc/screenshot is admin-only there.
  ...calls('subresources.kubevirt.io', 'virtualmachineinstances', ['get'], 'namespace', 'core', 'typing boot commands over VNC; screenshots come from the same stream', 'vnc'),
  ...calls('subresources.kubevirt.io', 'virtualmachineinstances', ['get'], 'namespace', 'core', 'the serial console', 'console'),
  ...calls('subresources.kubevirt.io', 'virtualmachineinstances', ['get'], 'namespace', 'core', 'SSH to the guest through a port-forward', 'portforward'),
  ...calls('subresources.kubevirt.io', 'virtualmachines', ['update'], 'namespace', 'core', 'starting a VM', 'start'),
  ...calls('subresources.kubevirt.io', 'virtualmachines', ['update'], 'namespace', 'core', 'stopping a VM (ACPI, then forced)', 'stop'),
  // The file server.
  ...calls('', 'pods', ['create', 'delete'], 'namespace', 'http-server', 'the HTTP file server pod'),
  // Kube-OVN.
  ...calls('kubeovn.io', 'vpcs', ['create', 'get', 'list', 'delete'], 'cluster', 'network', 'the build VPCs (cluster-scoped)'),
  ...calls('kubeovn.io', 'subnets', ['create', 'get', 'list', 'delete'], 'cluster', 'network', 'the build subnets (cluster-scoped)'),
  ...calls('kubeovn.io', 'vpc-egress-gateways', ['create', 'get', 'delete'], 'namespace', 'network', 'internet access of a VPC (none for internet: false)'),
  ...calls('k8s.cni.cncf.io', 'network-attachment-definitions', ['create', 'get', 'delete'], 'namespace', 'secondary-nic', 'Multus attachments for NICs after the first'),
  // Uploads of local disks and ISOs.
  ...calls('upload.cdi.kubevirt.io', 'uploadtokenrequests', ['create'], 'namespace', 'upload', 'a token for uploading a local disk or ISO'),
  ...calls('', 'services', ['get'], 'cdi-namespace', 'upload', 'finding the pods behind cdi-uploadproxy'),
  ...calls('', 'pods', ['list'], 'cdi-namespace', 'upload', 'finding the pods behind cdi-uploadproxy'),
  ...calls('', 'pods', ['create', 'get'], 'cdi-namespace', 'upload', 'port-forward to cdi-uploadproxy (create for SPDY, get for websockets)', 'portforward'),
  // Clones: CDI authorizes a clone by this check on the source's namespace.
  ...calls('cdi.kubevirt.io', 'datavolumes', ['create'], 'namespace', 'clone', 'cloning a disk (from: and the clone capture)', 'source'),
  // Captures.
  ...calls('snapshot.storage.k8s.io', 'volumesnapshots', ['create', 'get', 'delete'], 'namespace', 'volume-snapshot', 'CSI snapshots of finished disks'),
  ...calls('', 'pods', ['delete'], 'namespace', 'volume-snapshot', 'removing a Failed virt-launcher pod (crashed or killed guest) that keeps the root disk export InUse'),
  ...calls('snapshot.kubevirt.io', 'virtualmachinesnapshots', ['create', 'get', 'delete'], 'namespace', 'vm-snapshot', 'KubeVirt snapshots of finished VMs'),
  // Outputs kept for later builds (cluster/kept-layers.ts): no owner, no run label, the layer key.
  ...calls('cdi.kubevirt.io', 'datavolumes', ['patch'], 'namespace', 'clone', 'keeping a clone output for later builds of the same layer (labels, annotations, no owner)'),
  ...calls('snapshot.storage.k8s.io', 'volumesnapshots', ['patch'], 'namespace', 'volume-snapshot', 'keeping a snapshot output for later builds of the same layer (labels, annotations, no owner)'),
  // Golden images (cluster/golden-images.ts): the output stays behind a CDI DataSource; the previous one goes.
  ...calls('cdi.kubevirt.io', 'datasources', ['create', 'get', 'patch'], 'namespace', 'data-source', 'pointing a DataSource at the output kept as a golden image'),
  ...calls('cdi.kubevirt.io', 'datasources', ['list', 'watch'], 'namespace', 'data-source', 'waiting for the DataSource to be Ready'),
  ...calls('cdi.kubevirt.io', 'datavolumes', ['patch'], 'namespace', 'data-source', 'keeping a clone output as a golden image (labels, no owner)'),
  ...calls('', 'persistentvolumeclaims', ['patch'], 'namespace', 'data-source', 'the default instance type and preference labels on the golden image claim (KubeVirt infers them from the PVC)'),
  ...calls('snapshot.storage.k8s.io', 'volumesnapshots', ['patch', 'list', 'delete'], 'namespace', 'data-source', 'keeping a snapshot output as a golden image; removing the one it replaces'),
  // Export.
  ...calls('export.kubevirt.io', 'virtualmachineexports', ['create', 'get', 'delete'], 'namespace', 'export', 'letting a finished disk leave the cluster'),
  ...calls('', 'services', ['get'], 'namespace', 'export', 'finding the export server pod (virt-export-<name>)'),
  ...calls('', 'pods', ['create', 'get'], 'namespace', 'export', 'port-forward to the export server (create for SPDY, get for websockets)', 'portforward'),
  // Waits are list + watch (never polling): on objects whose rows above lack those verbs.
  ...calls('', 'configmaps', ['watch'], 'namespace', 'core', 'waiting for the run root to be gone after cleanup'),
  ...calls('export.kubevirt.io', 'virtualmachineexports', ['list', 'watch'], 'namespace', 'export', 'waiting for an export to be ready, and gone'),
  ...calls('snapshot.storage.k8s.io', 'volumesnapshots', ['list', 'watch'], 'namespace', 'volume-snapshot', 'waiting for a snapshot to be ready, and gone'),
  ...calls('snapshot.kubevirt.io', 'virtualmachinesnapshots', ['list', 'watch'], 'namespace', 'vm-snapshot', 'waiting for a snapshot to be ready, and gone'),
  ...calls('kubeovn.io', 'vpcs', ['watch'], 'cluster', 'network', 'waiting for the build VPCs to be gone after cleanup'),
  ...calls('kubeovn.io', 'subnets', ['watch'], 'cluster', 'network', 'waiting for the build subnets to be gone after cleanup'),
  ...calls('kubeovn.io', 'vpc-egress-gateways', ['list', 'watch'], 'namespace', 'network', 'waiting for the egress gateways to be ready before the first boot, and gone after cleanup'),
  ...calls('k8s.cni.cncf.io', 'network-attachment-definitions', ['list', 'watch'], 'namespace', 'secondary-nic', 'waiting for the attachments to be gone after cleanup'),
  // What the cluster offers (optional: a refusal makes us assume less, it fails nothing).
  ...calls('snapshot.storage.k8s.io', 'volumesnapshotclasses', ['list'], 'cluster', 'discovery', 'whether CSI snapshots are possible'),
  ...calls('storage.k8s.io', 'storageclasses', ['list'], 'cluster', 'discovery', "matching a snapshot class to the disks' storage class"),
  ...calls('kubevirt.io', 'kubevirts', ['list'], 'cluster', 'discovery', "KubeVirt's settings: is emulation allowed"),
  ...calls('cdi.kubevirt.io', 'cdis', ['list'], 'cluster', 'discovery', "CDI's readiness (its Available condition) before builds; unreadable, setup-cluster warns and trusts the served API group"),
  ...calls('', 'nodes', ['list'], 'cluster', 'discovery', 'which nodes offer /dev/kvm (devices.kubevirt.io/kvm)'),
  ...calls('cdi.kubevirt.io', 'cdiconfigs', ['get'], 'cluster', 'discovery', 'where CDI publishes its upload proxy (CDIConfig status.uploadProxyURL); without it uploads port-forward'),
];

/**
 * Calls every authenticated user may make under Kubernetes' default roles (system:discovery,
 * system:basic-user). Listed in the shipped ClusterRole for completeness, never access-reviewed.
 */
export const ALWAYS_ALLOWED_CALLS: readonly ApiCall[] = [...calls('authorization.k8s.io', 'selfsubjectaccessreviews', ['create'], 'cluster', 'discovery', 'checking our own permissions before a build')];

export const NON_RESOURCE_CALLS: readonly NonResourceCall[] = [
  { verb: 'get', path: '/api', why: 'API discovery (core group)' },
  { verb: 'get', path: '/api/*', why: 'API discovery (core group)' },
  { verb: 'get', path: '/apis', why: 'API discovery (groups and versions)' },
  { verb: 'get', path: '/apis/*', why: 'API discovery (resources of a group)' },
  // Everyone may read it already (system:public-info-viewer, kubernetes/kubernetes
  // plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go@v1.34.0); listed so the table is whole.
  { verb: 'get', path: '/version', why: 'the Kubernetes version setup-cluster reports' },
];

export function describeCall(call: ApiCall): string {
  const resource = call.subresource ? `${call.resource}/${call.subresource}` : call.resource;
  return `${call.verb} ${call.group || 'core'}/${resource}`;
}
