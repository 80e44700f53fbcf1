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
  /**
   * Served only once this add-on is installed (its CustomResourceDefinition Established) when the
   * harness starts with `installed: false`; built-in kinds have none.
   */
  addon?: 'kubevirt' | 'cdi' | 'kube-ovn' | 'multus';
  /** Made from a CustomResourceDefinition the harness has no entry for: stored without a schema check. */
  fromCrd?: boolean;
}

type Spec = Omit<ResourceType, 'verbs' | 'status' | 'builtIn' | 'deleteReturnsObject' | 'singular'> & Partial<Pick<ResourceType, 'verbs' | 'status' | 'builtIn' | 'deleteReturnsObject' | 'singular'>>;

export function resource(s: Spec): ResourceType {
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
  resource({ group: '', versions: ['v1'], plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true, builtIn: true, shortNames: ['sa'] }),
  // apps/v1: what operators' release manifests and Helm charts deploy (DaemonSets are played by the operators controller)
  resource({
    group: 'apps',
    versions: ['v1'],
    plural: 'deployments',
    kind: 'Deployment',
    namespaced: true,
    status: true,
    builtIn: true,
    shortNames: ['deploy'],
    scale: { specReplicasPath: 'spec.replicas', statusReplicasPath: 'status.replicas' },
  }),
  resource({ group: 'apps', versions: ['v1'], plural: 'daemonsets', kind: 'DaemonSet', namespaced: true, status: true, builtIn: true, shortNames: ['ds'] }),
  // rbac.authorization.k8s.io/v1 (stored, never enforced: setDenials is the harness's authorization)
  resource({ group: 'rbac.authorization.k8s.io', versions: ['v1'], plural: 'clusterroles', kind: 'ClusterRole', namespaced: false, builtIn: true }),
  resource({ group: 'rbac.authorization.k8s.io', versions: ['v1'], plural: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false, builtIn: true }),
  resource({ group: 'rbac.authorization.k8s.io', versions: ['v1'], plural: 'roles', kind: 'Role', namespaced: true, builtIn: true }),
  resource({ group: 'rbac.authorization.k8s.io', versions: ['v1'], plural: 'rolebindings', kind: 'RoleBinding', namespaced: true, builtIn: true }),
  resource({ group: 'scheduling.k8s.io', versions: ['v1'], plural: 'priorityclasses', kind: 'PriorityClass', namespaced: false, builtIn: true, shortNames: ['pc'] }),
  // apiextensions.k8s.io/v1: an Established CRD adds its resource to what this harness serves (crd-registry.ts)
  resource({ group: 'apiextensions.k8s.io', versions: ['v1'], plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false, status: true, builtIn: true, shortNames: ['crd', 'crds'] }),
  // authorization.k8s.io/v1
  resource({ group: 'authorization.k8s.io', versions: ['v1'], plural: 'selfsubjectaccessreviews', kind: 'SelfSubjectAccessReview', namespaced: false, builtIn: true, virtual: true, verbs: READ_CREATE }),
  // storage.k8s.io/v1
  resource({ group: 'storage.k8s.io', versions: ['v1'], plural: 'storageclasses', kind: 'StorageClass', namespaced: false, builtIn: true, shortNames: ['sc'] }),
  // kubevirt.io/v1
  resource({ group: 'kubevirt.io', addon: 'kubevirt', versions: ['v1'], plural: 'virtualmachines', kind: 'VirtualMachine', namespaced: true, status: true, shortNames: ['vm', 'vms'] }),
  resource({ group: 'kubevirt.io', addon: 'kubevirt', versions: ['v1'], plural: 'virtualmachineinstances', kind: 'VirtualMachineInstance', namespaced: true, status: true, shortNames: ['vmi', 'vmis'] }),
  resource({ group: 'kubevirt.io', addon: 'kubevirt', versions: ['v1'], plural: 'kubevirts', kind: 'KubeVirt', namespaced: true, status: true, shortNames: ['kv', 'kvs'] }),
  // cdi.kubevirt.io/v1beta1
  resource({
    group: 'cdi.kubevirt.io',
    addon: 'cdi',
    versions: ['v1beta1'],
    plural: 'datavolumes',
    kind: 'DataVolume',
    namespaced: true,
    status: true,
    shortNames: ['dv', 'dvs'],
    extraSubresources: [{ name: 'source', verbs: ['create'] }],
  }),
  resource({ group: 'cdi.kubevirt.io', addon: 'cdi', versions: ['v1beta1'], plural: 'datasources', kind: 'DataSource', namespaced: true, status: true, shortNames: ['das'] }),
  resource({ group: 'cdi.kubevirt.io', addon: 'cdi', versions: ['v1beta1'], plural: 'cdiconfigs', kind: 'CDIConfig', namespaced: false, status: true }),
  resource({ group: 'cdi.kubevirt.io', addon: 'cdi', versions: ['v1beta1'], plural: 'storageprofiles', kind: 'StorageProfile', namespaced: false, status: true }),
  resource({ group: 'upload.cdi.kubevirt.io', addon: 'cdi', versions: ['v1beta1'], plural: 'uploadtokenrequests', kind: 'UploadTokenRequest', namespaced: true, virtual: true, verbs: READ_CREATE }),
  // snapshots
  resource({ group: 'snapshot.storage.k8s.io', versions: ['v1'], plural: 'volumesnapshots', kind: 'VolumeSnapshot', namespaced: true, status: true, shortNames: ['vs'] }),
  resource({ group: 'snapshot.storage.k8s.io', versions: ['v1'], plural: 'volumesnapshotclasses', kind: 'VolumeSnapshotClass', namespaced: false, shortNames: ['vsclass', 'vsclasses'] }),
  resource({
    group: 'snapshot.kubevirt.io',
    addon: 'kubevirt',
    versions: ['v1beta1'],
    plural: 'virtualmachinesnapshots',
    kind: 'VirtualMachineSnapshot',
    namespaced: true,
    status: true,
    shortNames: ['vmsnapshot', 'vmsnapshots'],
  }),
  resource({
    group: 'snapshot.kubevirt.io',
    addon: 'kubevirt',
    versions: ['v1beta1'],
    plural: 'virtualmachinesnapshotcontents',
    kind: 'VirtualMachineSnapshotContent',
    namespaced: true,
    status: true,
    shortNames: ['vmsnapshotcontent', 'vmsnapshotcontents'],
  }),
  // export: as KubeVirt v1.9 serves it; ServedResources.all(kubevirtVersion) narrows it to older releases.
  resource({
    group: 'export.kubevirt.io',
    addon: 'kubevirt',
    versions: ['v1', 'v1beta1'],
    plural: 'virtualmachineexports',
    kind: 'VirtualMachineExport',
    namespaced: true,
    status: true,
    shortNames: ['vmexport', 'vmexports'],
  }),
  // Kube-OVN
  resource({ group: 'kubeovn.io', addon: 'kube-ovn', versions: ['v1'], plural: 'vpcs', kind: 'Vpc', namespaced: false, status: true }),
  resource({ group: 'kubeovn.io', addon: 'kube-ovn', versions: ['v1'], plural: 'subnets', kind: 'Subnet', namespaced: false, status: true }),
  resource({
    group: 'kubeovn.io',
    addon: 'kube-ovn',
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
    addon: 'multus',
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

/**
 * The VirtualMachineExport versions virt-operator's CRD serves, storage version first: v1beta1 and
 * v1alpha1 up to v1.8, v1 and a deprecated v1beta1 from v1.9 (kubevirt/kubevirt
 * pkg/virt-operator/resource/generate/components/crds.go NewVirtualMachineExportCrd, v1.8.0 and
 * v1.9.0). A client that assumed v1 would get 404s from every cluster older than v1.9.
 */
export function exportVersions(kubevirtVersion = 'v1.9.0'): readonly string[] {
  return kubevirtMinor(kubevirtVersion) < 9 ? ['v1beta1', 'v1alpha1'] : ['v1', 'v1beta1'];
}

/** The harness's KubeVirt release (default v1.9.0) as its 1.x minor number: 9 for v1.9.0. */
export const DEFAULT_KUBEVIRT_VERSION = 'v1.9.0';
export function kubevirtMinor(kubevirtVersion = DEFAULT_KUBEVIRT_VERSION): number {
  const m = /^v?1\.(\d+)/.exec(kubevirtVersion);
  return m ? Number(m[1]) : 9;
}

/**
 * The resources one harness serves now. A harness started with everything installed serves the
 * whole catalogue above from the start; one started with `installed: false` serves the built-in
 * kinds only, and each add-on resource (or a resource of a CRD the catalogue does not know) from
 * the moment its CustomResourceDefinition is Established — as kube-apiserver's
 * apiextensions-apiserver adds a CRD's REST handler and discovery entry then
 * (kubernetes/kubernetes staging/src/k8s.io/apiextensions-apiserver/pkg/apiserver/customresource_handler.go,
 * customresource_discovery_controller.go at v1.34.0).
 */
export class ServedResources {
  private readonly types: ResourceType[];

  constructor(
    types: readonly ResourceType[],
    /** KubeVirt's aggregated subresource API (virt-api) is served. */
    private kubevirtSubresources: boolean,
  ) {
    this.types = [...types];
  }

  /** Everything installed, as KubeVirt `kubevirtVersion` (default v1.9.0) serves its groups. */
  static all(kubevirtVersion?: string): ServedResources {
    return new ServedResources(
      RESOURCE_TYPES.map((t) => (t.group === 'export.kubevirt.io' && t.plural === 'virtualmachineexports' ? { ...t, versions: exportVersions(kubevirtVersion) } : t)),
      true,
    );
  }

  /** The built-in kinds only: a cluster without KubeVirt, CDI, Kube-OVN and Multus. */
  static builtIn(): ServedResources {
    return new ServedResources(
      RESOURCE_TYPES.filter((t) => !t.addon),
      false,
    );
  }

  list(): readonly ResourceType[] {
    return this.types;
  }

  /** Serves `type` (replacing a served one of the same group and plural). */
  add(type: ResourceType): void {
    this.remove(type.group, type.plural);
    this.types.push(type);
    if (type.addon === 'kubevirt' && type.plural === 'virtualmachineinstances') this.kubevirtSubresources = true;
  }

  remove(group: string, plural: string): void {
    const i = this.types.findIndex((t) => t.group === group && t.plural === plural);
    if (i >= 0) this.types.splice(i, 1);
    if (group === 'kubevirt.io' && plural === 'virtualmachineinstances') this.kubevirtSubresources = false;
  }

  /** Groups in the order discovery lists them. */
  groups(): { name: string; versions: string[] }[] {
    const groups = new Map<string, Set<string>>();
    for (const t of this.types) {
      if (t.group === '') continue;
      const versions = groups.get(t.group) ?? new Set<string>();
      for (const v of t.versions) versions.add(v);
      groups.set(t.group, versions);
    }
    if (this.kubevirtSubresources) groups.set(KUBEVIRT_SUBRESOURCE_GROUP, new Set(['v1']));
    return [...groups].map(([name, versions]) => ({ name, versions: [...versions] }));
  }

  servesKubevirtSubresources(): boolean {
    return this.kubevirtSubresources;
  }

  find(group: string, version: string, plural: string): ResourceType | undefined {
    return this.types.find((t) => t.group === group && t.plural === plural && t.versions.includes(version));
  }

  /** The type of a kind as clients name it in apiVersion/kind. */
  forKind(apiVersion: string, kind: string): ResourceType | undefined {
    const [group, version] = splitApiVersion(apiVersion);
    return this.types.find((t) => t.group === group && t.kind === kind && t.versions.includes(version));
  }
}

const EVERYTHING = ServedResources.all();

/** Groups in the order discovery lists them (of a harness with everything installed, unless `served`). */
export function servedGroups(served: ServedResources = EVERYTHING): { name: string; versions: string[] }[] {
  return served.groups();
}

export function findResource(group: string, version: string, plural: string, served: ServedResources = EVERYTHING): ResourceType | undefined {
  return served.find(group, version, plural);
}

/** The type of a kind as clients name it in apiVersion/kind. */
export function resourceForKind(apiVersion: string, kind: string, served: ServedResources = EVERYTHING): ResourceType | undefined {
  return served.forKind(apiVersion, kind);
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
