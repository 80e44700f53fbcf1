/**
 * The Kubernetes objects the kubevirt engine renders, typed with @kubevirt-ui-ext/kubevirt-api
 * (generated from KubeVirt's and CDI's OpenAPI). Every object carries apiVersion, kind and
 * metadata.name — the generated types leave them optional, our renderers always set them.
 *
 * Kube-OVN, Multus and the CSI snapshotter publish no TypeScript types; their shapes are written
 * here from their CRD schemas (test/fixtures/schemas), only with the fields we use.
 */
import type {
  V1beta1DataVolumeSourceHTTP,
  V1beta1DataVolume as CdiDataVolume,
  V1beta1DataVolumeSource as CdiDataVolumeSource,
  V1beta1DataVolumeSpec as CdiDataVolumeSpec,
} from '@kubevirt-ui-ext/kubevirt-api/containerized-data-importer';
import type { IoK8sApiCoreV1ConfigMap, IoK8sApiCoreV1Pod, IoK8sApiCoreV1Secret } from '@kubevirt-ui-ext/kubevirt-api/kubernetes';
import type {
  K8sIoApimachineryPkgApisMetaV1ObjectMeta,
  K8sIoApimachineryPkgApisMetaV1OwnerReference,
  V1beta1VirtualMachineExport,
  V1beta1VirtualMachineSnapshot,
  V1VirtualMachine,
} from '@kubevirt-ui-ext/kubevirt-api/kubevirt';

export type ObjectMeta = K8sIoApimachineryPkgApisMetaV1ObjectMeta & { name: string };
export type OwnerReference = K8sIoApimachineryPkgApisMetaV1OwnerReference;

/** What every rendered object has for sure. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}

type Rendered<T> = Omit<T, 'apiVersion' | 'kind' | 'metadata'> & KubeObject;

/** CDI v1.65 added http.checksum; the generated types (CDI 1.6x) predate it. */
export type HttpSource = V1beta1DataVolumeSourceHTTP & { checksum?: string };
export type DataVolumeSource = Omit<CdiDataVolumeSource, 'http'> & { http?: HttpSource };
export type DataVolumeSpec = Omit<CdiDataVolumeSpec, 'source'> & { source?: DataVolumeSource };
export type DataVolume = Rendered<Omit<CdiDataVolume, 'spec'>> & { spec: DataVolumeSpec };

export type VirtualMachine = Rendered<V1VirtualMachine>;
export type ConfigMap = Rendered<IoK8sApiCoreV1ConfigMap>;
export type Secret = Rendered<IoK8sApiCoreV1Secret>;
export type Pod = Rendered<IoK8sApiCoreV1Pod>;
export type VirtualMachineSnapshot = Rendered<V1beta1VirtualMachineSnapshot>;
/** export.kubevirt.io v1 and v1beta1 share one schema (KubeVirt validates every version alike). */
export type VirtualMachineExport = Rendered<V1beta1VirtualMachineExport>;

/** snapshot.storage.k8s.io/v1 VolumeSnapshot (CSI external-snapshotter). */
export interface VolumeSnapshot extends KubeObject {
  spec: {
    volumeSnapshotClassName?: string;
    source: { persistentVolumeClaimName: string } | { volumeSnapshotContentName: string };
  };
}

/** kubeovn.io/v1 Vpc (cluster-scoped). */
export interface KubeOvnVpc extends KubeObject {
  spec: { namespaces?: string[]; defaultSubnet?: string };
}

/** kubeovn.io/v1 Subnet (cluster-scoped). */
export interface KubeOvnSubnet extends KubeObject {
  spec: { vpc: string; cidrBlock: string; protocol: 'IPv4' | 'IPv6'; provider?: string; namespaces?: string[] };
}

/** kubeovn.io/v1 VpcEgressGateway (namespaced, has a scale subresource; replicas 0..10). */
export interface KubeOvnVpcEgressGateway extends KubeObject {
  spec: {
    vpc: string;
    replicas: number;
    externalSubnet: string;
    internalSubnet?: string;
    internalIPs?: string[];
    policies: { snat: boolean; subnets?: string[]; ipBlocks?: string[] }[];
  };
}

/** k8s.cni.cncf.io/v1 NetworkAttachmentDefinition (Multus); `config` is CNI JSON in a string. */
export interface NetworkAttachmentDefinition extends KubeObject {
  spec: { config: string };
}

export type AnyManifest =
  ConfigMap | Secret | Pod | DataVolume | VirtualMachine | VolumeSnapshot | VirtualMachineSnapshot | VirtualMachineExport | KubeOvnVpc | KubeOvnSubnet | KubeOvnVpcEgressGateway | NetworkAttachmentDefinition;
