/**
 * Where each kind the engine touches lives in the REST API: its plural and whether it is
 * namespaced. A fixed table instead of discovery at run time: the engine only ever uses these
 * kinds (api-calls.ts lists every call), and the capability check has already confirmed their
 * groups are served.
 */

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  /** Absent for cluster-scoped kinds. */
  namespace?: string;
}

interface ResourceType {
  plural: string;
  namespaced: boolean;
}

const RESOURCES: Record<string, ResourceType> = {
  '/ConfigMap': { plural: 'configmaps', namespaced: true },
  '/Secret': { plural: 'secrets', namespaced: true },
  '/Pod': { plural: 'pods', namespaced: true },
  '/Service': { plural: 'services', namespaced: true },
  '/PersistentVolumeClaim': { plural: 'persistentvolumeclaims', namespaced: true },
  '/Event': { plural: 'events', namespaced: true },
  'cdi.kubevirt.io/DataVolume': { plural: 'datavolumes', namespaced: true },
  'cdi.kubevirt.io/DataSource': { plural: 'datasources', namespaced: true },
  'cdi.kubevirt.io/CDIConfig': { plural: 'cdiconfigs', namespaced: false },
  'upload.cdi.kubevirt.io/UploadTokenRequest': { plural: 'uploadtokenrequests', namespaced: true },
  'kubevirt.io/VirtualMachine': { plural: 'virtualmachines', namespaced: true },
  'kubevirt.io/VirtualMachineInstance': { plural: 'virtualmachineinstances', namespaced: true },
  'snapshot.storage.k8s.io/VolumeSnapshot': { plural: 'volumesnapshots', namespaced: true },
  'snapshot.kubevirt.io/VirtualMachineSnapshot': { plural: 'virtualmachinesnapshots', namespaced: true },
  'export.kubevirt.io/VirtualMachineExport': { plural: 'virtualmachineexports', namespaced: true },
  'kubeovn.io/Vpc': { plural: 'vpcs', namespaced: false },
  'kubeovn.io/Subnet': { plural: 'subnets', namespaced: false },
  'kubeovn.io/VpcEgressGateway': { plural: 'vpc-egress-gateways', namespaced: true },
  'k8s.cni.cncf.io/NetworkAttachmentDefinition': { plural: 'network-attachment-definitions', namespaced: true },
};

export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
}

function resourceType(apiVersion: string, kind: string): ResourceType {
  const type = RESOURCES[`${groupOf(apiVersion)}/${kind}`];
  if (!type) throw new Error(`internal: the kubevirt engine has no REST path for ${apiVersion} ${kind}`);
  return type;
}

export function isNamespaced(apiVersion: string, kind: string): boolean {
  return resourceType(apiVersion, kind).namespaced;
}

/** The collection path: /api/v1/namespaces/ns/pods, /apis/kubeovn.io/v1/vpcs … */
export function collectionPath(apiVersion: string, kind: string, namespace?: string): string {
  const type = resourceType(apiVersion, kind);
  const root = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  if (!type.namespaced) return `${root}/${type.plural}`;
  if (!namespace) throw new Error(`internal: ${kind} is namespaced; a namespace is needed`);
  return `${root}/namespaces/${encodeURIComponent(namespace)}/${type.plural}`;
}

export function objectPath(ref: ObjectRef, subresource?: string): string {
  return `${collectionPath(ref.apiVersion, ref.kind, ref.namespace)}/${encodeURIComponent(ref.name)}${subresource ? `/${subresource}` : ''}`;
}

/** KubeVirt's aggregated subresource API for a VM or VMI (vnc, portforward/22/tcp, stop …). */
export function kubevirtSubresourcePath(namespace: string, resource: 'virtualmachineinstances' | 'virtualmachines', name: string, subresource: string): string {
  return `/apis/subresources.kubevirt.io/v1/namespaces/${encodeURIComponent(namespace)}/${resource}/${encodeURIComponent(name)}/${subresource}`;
}

export function describeRef(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

export function refOf(object: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }): ObjectRef {
  return { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name, ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}) };
}
