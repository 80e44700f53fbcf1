/**
 * The few questions capability discovery asks a cluster, as an interface so discovery is a pure
 * function over the answers (capabilities.ts) and tests can answer without a cluster.
 * KubeDiscoveryClient (kube-discovery-client.ts) answers them with @kubernetes/client-node.
 */

export interface ServedGroup {
  /** "" for the core group. */
  name: string;
  versions: string[];
}

export interface AccessAttributes {
  /** Undefined for cluster-scoped resources (or all namespaces). */
  namespace?: string;
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
}

export interface AccessAnswer {
  allowed: boolean;
  reason?: string;
}

export interface SnapshotClassInfo {
  name: string;
  driver: string;
  isDefault: boolean;
}

export interface StorageClassInfo {
  name: string;
  provisioner: string;
  isDefault: boolean;
}

export interface NodeKvmInfo {
  nodes: number;
  /** Nodes whose allocatable devices.kubevirt.io/kvm is above zero (virt-handler found /dev/kvm). */
  withKvm: number;
}

/** What a KubeVirt CR says about the VMs a build may run and the APIs it may use. */
export interface KubeVirtInfo {
  namespace: string;
  name: string;
  /** spec.configuration.developerConfiguration.useEmulation */
  useEmulation: boolean;
  /** …developerConfiguration.featureGates and disabledFeatureGates (the latter from v1.9). */
  featureGates: string[];
  disabledFeatureGates: string[];
  /** status.observedKubeVirtVersion ("v1.8.4"); undefined while nothing is deployed. */
  version?: string;
}

export interface DiscoveryClient {
  /** API groups and versions the server serves (GET /api and /apis). */
  servedGroups(): Promise<ServedGroup[]>;
  /** Resource names (with "/subresource" entries) of a group version; undefined if not served. */
  servedResources(group: string, version: string): Promise<string[] | undefined>;
  /** A SelfSubjectAccessReview. */
  reviewAccess(attributes: AccessAttributes): Promise<AccessAnswer>;
  /** The next four answer undefined when the API is absent or we may not read it. */
  volumeSnapshotClasses(): Promise<SnapshotClassInfo[] | undefined>;
  storageClasses(): Promise<StorageClassInfo[] | undefined>;
  /** Each KubeVirt CR: emulation, feature gates and the deployed version. */
  kubeVirts(): Promise<KubeVirtInfo[] | undefined>;
  kvmNodes(): Promise<NodeKvmInfo | undefined>;
}
