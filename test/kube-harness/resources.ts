/**
 * The resources the harness serves, as discovery advertises them: group, versions, plural, kind,
 * scope, subresources and verbs. Everything else in the harness (routing, storage, validation,
 * discovery documents) reads this one table, so a resource is either fully served or not at all.
 */

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export const ALL_VERBS: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const READ_CREATE: readonly Verb[] = ['create'];

export interface ResourceType {
  group: string;
  /** Served versions, preferred (storage) version first. Objects are stored once, in any version. */
  versions: readonly string[];
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: readonly Verb[];
  shortNames?: readonly string[];
  /** Has a /status subresource: the main resource ignores status writes and /status ignores the rest. */
  status: boolean;
  /** Has a /scale subresource (autoscaling/v1 Scale over spec.replicas). */
  scale?: { specReplicasPath: string; statusReplicasPath: string };
  /** Built-in kinds take strategic merge patches; custom resources refuse them (415). */
  builtIn: boolean;
  /** Never stored: a create answers with the object and keeps nothing (reviews, token requests). */
  virtual?: boolean;
  /**
   * DELETE answers a Status for most built-in kinds and the deleted object for custom resources,
   * pods and namespaces (kube-apiserver's ReturnDeletedObject).
   */
  deleteReturnsObject: boolean;
  /** Other names discovery lists under this resource ("pods/log", "virtualmachines/start"). */
  extraSubresources?: readonly { name: string; verbs: readonly Verb[]; kind?: string }[];
}

type Spec = Omit<ResourceType, 'verbs' | 'status' | 'builtIn' | 'deleteReturnsObject' | 'singular'> & Partial<Pick<ResourceType, 'verbs' | 'status' | 'builtIn' | 'deleteReturnsObject' | 'singular'>>;

function resource(s: Spec): ResourceType {
  const builtIn = s.builtIn ?? false;
  return {
    ...s,
    singular: s.singular ?? s.kind.toLowerCase(),
    verbs: s.verbs ?? ALL_VERBS,
    status: s.status ?? false,
    builtIn,
    deleteReturnsObject: s.deleteReturnsObject ?? !builtIn,
  };
}

export const RESOURCE_TYPES: readonly ResourceType[] = [
  // core/v1
  resource({
    group: '',
    versions: ['v1'],
    plural: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    status: true,
    builtIn: true,
    deleteReturnsObject: true,
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    extraSubresources: [{ name: 'finalize', verbs: ['update'] }],
  }),
  resource({ group: '', versions: ['v1'], plural: 'configmaps', kind: 'ConfigMap', namespaced: true, builtIn: true, shortNames: ['cm'] }),
  resource({ group: '', versions: ['v1'], plural: 'secrets', kind: 'Secret', namespaced: true, builtIn: true }),
  resource({
    group: '',
    versions: ['v1'],
    plural: 'pods',
    kind: 'Pod',
    namespaced: true,
    status: true,
    builtIn: true,
    deleteReturnsObject: true,
    shortNames: ['po'],
    extraSubresources: [
      { name: 'log', verbs: ['get'] },
      { name: 'portforward', verbs: ['create', 'get'], kind: 'PodPortForwardOptions' },
    ],
  }),
  resource({
    group: '',
    versions: ['v1'],
    plural: 'services',
    kind: 'Service',
    namespaced: true,
    status: true,
    builtIn: true,
    shortNames: ['svc'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  }),
  resource({ group: '', versions: ['v1'], plural: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', namespaced: true, status: true, builtIn: true, deleteReturnsObject: true, shortNames: ['pvc'] }),
  resource({ group: '', versions: ['v1'], plural: 'events', kind: 'Event', namespaced: true, builtIn: true, shortNames: ['ev'] }),
  resource({ group: '', versions: ['v1'], plural: 'nodes', kind: 'Node', namespaced: false, status: true, builtIn: true, deleteReturnsObject: true, shortNames: ['no'] }),
  // authorization.k8s.io/v1
  resource({ group: 'authorization.k8s.io', versions: ['v1'], plural: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview', namespaced: false, builtIn: true, virtual: true, verbs: READ_CREATE }),
  // storage.k8s.io/v1
  resource({ group: 'storage.k8s.io', versions: ['v1'], plural: 'storageclasses', kind: 'StorageClass', namespaced: false, builtIn: true, shortNames: ['sc'] }),
  // kubevirt.io/v1
  resource({ group: 'kubevirt.io', versions: ['v1'], plural: 'virtualmachines', kind: 'VirtualMachine', namespaced: true, status: true, shortNames: ['vm', 'vms'] }),
  resource({ group: 'kubevirt.io', versions: ['v1'], plural: 'virtualmachineinstances', kind: 'VirtualMachineInstance', namespaced: true, status: true, shortNames: ['vmi', 'vmis'] }),
  resource({ group: 'kubevirt.io', versions: ['v1'], plural: 'kubevirts', kind: 'KubeVirt', namespaced: true, status: true, shortNames: ['kv', 'kvs'] }),
  // cdi.kubevirt.io/v1beta1
  resource({
    group: 'cdi.kubevirt.io',
    versions: ['v1beta1'],
    plural: 'datavolumes',
    kind: 'DataVolume',
    namespaced: true,
    status: true,
    shortNames: ['dv', 'dvs'],
    extraSubresources: [{ name: 'source', verbs: ['create'] }],
  }),
  resource({ group: 'cdi.kubevirt.io', versions: ['v1beta1'], plural: 'datasources', kind: 'DataSource', namespaced: true, status: true, shortNames: ['das'] }),
  resource({ group: 'cdi.kubevirt.io', versions: ['v1beta1'], plural: 'cdiconfigs', kind: 'CDIConfig', namespaced: false, status: true }),
  resource({ group: 'upload.cdi.kubevirt.io', versions: ['v1beta1'], plural: 'uploadtokenrequests', kind: 'UploadTokenRequest', namespaced: true, virtual: true, verbs: READ_CREATE }),
  // snapshots
  resource({ group: 'snapshot.storage.k8s.io', versions: ['v1'], plural: 'volumesnapshots', kind: 'VolumeSnapshot', namespaced: true, status: true, shortNames: ['vs'] }),
  resource({ group: 'snapshot.storage.k8s.io', versions: ['v1'], plural: 'volumesnapshotclasses', kind: 'VolumeSnapshotClass', namespaced: false, shortNames: ['vsclass', 'vsclasses'] }),
  resource({ group: 'snapshot.kubevirt.io', versions: ['v1beta1'], plural: 'virtualmachinesnapshots', kind: 'VirtualMachineSnapshot', namespaced: true, status: true, shortNames: ['vmsnapshot', 'vmsnapshots'] }),
  resource({
    group: 'snapshot.kubevirt.io',
    versions: ['v1beta1'],
    plural: 'virtualmachinesnapshotcontents',
    kind: 'VirtualMachineSnapshotContent',
    namespaced: true,
    status: true,
    shortNames: ['vmsnapshotcontent', 'vmsnapshotcontents'],
  }),
  // export: v1 is the storage version since KubeVirt 1.9, v1beta1 still served.
  resource({ group: 'export.kubevirt.io', versions: ['v1', 'v1beta1'], plural: 'virtualmachineexports', kind: 'VirtualMachineExport', namespaced: true, status: true, shortNames: ['vmexport', 'vmexports'] }),
  // Kube-OVN
  resource({ group: 'kubeovn.io', versions: ['v1'], plural: 'vpcs', kind: 'Vpc', namespaced: false, status: true }),
  resource({ group: 'kubeovn.io', versions: ['v1'], plural: 'subnets', kind: 'Subnet', namespaced: false, status: true }),
  resource({
    group: 'kubeovn.io',
    versions: ['v1'],
    plural: 'vpc-egress-gateways',
    singular: 'vpc-egress-gateway',
    kind: 'VpcEgressGateway',
    namespaced: true,
    status: true,
    shortNames: ['vpc-egress-gw', 'veg'],
    scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas' },
  }),
  // Multus
  resource({
    group: 'k8s.cni.cncf.io',
    versions: ['v1'],
    plural: 'network-attachment-definitions',
    singular: 'network-attachment-definition',
    kind: 'NetworkAttachmentDefinition',
    namespaced: true,
    shortNames: ['net-attach-def'],
  }),
];

/** The KubeVirt subresource API (virt-api, an aggregated API server): no stored objects. */
export const KUBEVIRT_SUBRESOURCE_GROUP = 'subresources.kubevirt.io';
export const KUBEVIRT_SUBRESOURCES: readonly { name: string; verbs: readonly Verb[] }[] = [
  { name: 'virtualmachineinstances/vnc', verbs: ['get'] },
  { name: 'virtualmachineinstances/vnc/screenshot', verbs: ['get'] },
  { name: 'virtualmachineinstances/console', verbs: ['get'] },
  { name: 'virtualmachineinstances/portforward', verbs: ['get'] },
  { name: 'virtualmachineinstances/softreboot', verbs: ['update'] },
  { name: 'virtualmachineinstances/pause', verbs: ['update'] },
  { name: 'virtualmachineinstances/unpause', verbs: ['update'] },
  { name: 'virtualmachines/start', verbs: ['update'] },
  { name: 'virtualmachines/stop', verbs: ['update'] },
  { name: 'virtualmachines/restart', verbs: ['update'] },
  { name: 'virtualmachines/portforward', verbs: ['get'] },
];

/** Groups in the order discovery lists them. */
export function servedGroups(): { name: string; versions: string[] }[] {
  const groups = new Map<string, Set<string>>();
  for (const t of RESOURCE_TYPES) {
    if (t.group === '') continue;
    const versions = groups.get(t.group) ?? new Set<string>();
    for (const v of t.versions) versions.add(v);
    groups.set(t.group, versions);
  }
  groups.set(KUBEVIRT_SUBRESOURCE_GROUP, new Set(['v1']));
  return [...groups].map(([name, versions]) => ({ name, versions: [...versions] }));
}

export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.plural === plural && t.versions.includes(version));
}

/** The type of a kind as clients name it in apiVersion/kind. */
export function resourceForKind(apiVersion: string, kind: string): ResourceType | undefined {
  const [group, version] = splitApiVersion(apiVersion);
  return RESOURCE_TYPES.find((t) => t.group === group && t.kind === kind && t.versions.includes(version));
}

export function splitApiVersion(apiVersion: string): [group: string, version: string] {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

/** A stable key for a resource, independent of the version it is read in. */
export function resourceKey(t: Pick<ResourceType, 'group' | 'plural'>): string {
  return `${t.group}/${t.plural}`;
}

/** Looks up a served resource by kind alone (controllers address their own kinds). */
export function mustResource(group: string, plural: string): ResourceType {
  const t = RESOURCE_TYPES.find((r) => r.group === group && r.plural === plural);
  if (!t) throw new Error(`internal: the harness serves no ${plural}.${group}`);
  return t;
}
