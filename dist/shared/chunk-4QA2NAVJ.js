import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  ApiException,
  ObjectApisApi,
  ObjectAuthorizationV1Api,
  ObjectCoreApi,
  ObjectCoreV1Api,
  ObjectCustomObjectsApi,
  ObjectStorageV1Api
} from "./chunk-5FQMJUXF.js";
import {
  parseQuantity
} from "./chunk-UWT5WVQO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/engines/kubevirt/kube-discovery-client.ts
var DEFAULT_STORAGE_CLASS = "storageclass.kubernetes.io/is-default-class";
var DEFAULT_SNAPSHOT_CLASS = "snapshot.storage.kubernetes.io/is-default-class";
var KVM_RESOURCE = "devices.kubevirt.io/kvm";
function statusOf(err) {
  return err instanceof ApiException ? err.code : void 0;
}
function failed(what, err) {
  const status = statusOf(err);
  const detail = status === 401 ? "unauthorized (401): check the kubeconfig credentials" : status !== void 0 ? `HTTP ${status}` : err instanceof Error ? err.message : String(err);
  return new UserError(`Kubernetes API: ${what} failed: ${detail}`);
}
async function optional(what, ask) {
  try {
    return await ask();
  } catch (err) {
    const status = statusOf(err);
    if (status === 403 || status === 404) return void 0;
    throw failed(what, err);
  }
}
var KubeDiscoveryClient = class {
  constructor(kc) {
    this.kc = kc;
  }
  kc;
  async servedGroups() {
    try {
      const [core, groups] = await Promise.all([this.kc.makeApiClient(ObjectCoreApi).getAPIVersions(), this.kc.makeApiClient(ObjectApisApi).getAPIVersions()]);
      return [{ name: "", versions: core.versions }, ...groups.groups.map((g) => ({ name: g.name, versions: g.versions.map((v) => v.version) }))];
    } catch (err) {
      throw failed(`listing API groups at ${this.kc.getCurrentCluster()?.server ?? "the API server"}`, err);
    }
  }
  async servedResources(group, version) {
    const list = await optional(
      `listing the resources of ${group || "core"}/${version}`,
      () => group === "" ? this.kc.makeApiClient(ObjectCoreV1Api).getAPIResources() : this.kc.makeApiClient(ObjectCustomObjectsApi).getAPIResources({ group, version })
    );
    return list?.resources.map((r) => r.name);
  }
  async reviewAccess(attributes) {
    try {
      const review = await this.kc.makeApiClient(ObjectAuthorizationV1Api).createSelfSubjectAccessReview({
        body: {
          apiVersion: "authorization.k8s.io/v1",
          kind: "SelfSubjectAccessReview",
          spec: { resourceAttributes: { ...attributes } }
        }
      });
      const status = review.status;
      return { allowed: status?.allowed === true && status.denied !== true, ...status?.reason ? { reason: status.reason } : {} };
    } catch (err) {
      throw failed(`SelfSubjectAccessReview for ${attributes.verb} ${attributes.resource}`, err);
    }
  }
  async volumeSnapshotClasses() {
    const list = await optional(
      "listing VolumeSnapshotClasses",
      () => this.kc.makeApiClient(ObjectCustomObjectsApi).listClusterCustomObject({ group: "snapshot.storage.k8s.io", version: "v1", plural: "volumesnapshotclasses" })
    );
    return list?.items?.map((c) => ({
      name: c.metadata?.name ?? "",
      driver: c.driver ?? "",
      isDefault: c.metadata?.annotations?.[DEFAULT_SNAPSHOT_CLASS] === "true"
    }));
  }
  async storageClasses() {
    const list = await optional("listing StorageClasses", () => this.kc.makeApiClient(ObjectStorageV1Api).listStorageClass());
    return list?.items.map((s) => ({
      name: s.metadata?.name ?? "",
      provisioner: s.provisioner,
      isDefault: s.metadata?.annotations?.[DEFAULT_STORAGE_CLASS] === "true"
    }));
  }
  async kubeVirts() {
    const list = await optional("listing KubeVirt CRs", () => this.kc.makeApiClient(ObjectCustomObjectsApi).listClusterCustomObject({ group: "kubevirt.io", version: "v1", plural: "kubevirts" }));
    return list?.items?.map((kv) => {
      const dev = kv.spec?.configuration?.developerConfiguration;
      const version = kv.status?.observedKubeVirtVersion;
      return {
        namespace: kv.metadata?.namespace ?? "kubevirt",
        name: kv.metadata?.name ?? "kubevirt",
        useEmulation: dev?.useEmulation === true,
        featureGates: dev?.featureGates ?? [],
        disabledFeatureGates: dev?.disabledFeatureGates ?? [],
        ...version ? { version } : {}
      };
    });
  }
  async kvmNodes() {
    const list = await optional("listing nodes", () => this.kc.makeApiClient(ObjectCoreV1Api).listNode());
    if (!list) return void 0;
    const count = (q) => {
      const parsed = parseQuantity(q ?? "0");
      return "bytes" in parsed ? parsed.bytes : 0;
    };
    const withKvm = list.items.filter((n) => count(n.status?.allocatable?.[KVM_RESOURCE]) > 0).length;
    return { nodes: list.items.length, withKvm };
  }
};

export {
  KubeDiscoveryClient
};
