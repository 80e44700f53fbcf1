/**
 * DiscoveryClient over @kubernetes/client-node (v2 object-parameter API). A 403 or 404 on the
 * optional questions becomes "unknown" (undefined); anything else — the API server unreachable,
 * bad credentials — is thrown as a UserError that says which request failed.
 */
import { ApiException, ApisApi, AuthorizationV1Api, CoreApi, CoreV1Api, CustomObjectsApi, StorageV1Api, type KubeConfig } from '@kubernetes/client-node';
import { UserError } from '../../core/errors.js';
import { parseQuantity } from '../../core/config/quantity.js';
import type { AccessAnswer, AccessAttributes, DiscoveryClient, KubeVirtInfo, NodeKvmInfo, ServedGroup, SnapshotClassInfo, StorageClassInfo } from './discovery-client.js';

const DEFAULT_STORAGE_CLASS = 'storageclass.kubernetes.io/is-default-class';
const DEFAULT_SNAPSHOT_CLASS = 'snapshot.storage.kubernetes.io/is-default-class';
const KVM_RESOURCE = 'devices.kubevirt.io/kvm';

function statusOf(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

function failed(what: string, err: unknown): UserError {
  const status = statusOf(err);
  const detail = status === 401 ? 'unauthorized (401): check the kubeconfig credentials' : status !== undefined ? `HTTP ${status}` : err instanceof Error ? err.message : String(err);
  return new UserError(`Kubernetes API: ${what} failed: ${detail}`);
}

/** Optional questions: "not allowed" or "not there" mean unknown; other failures are real. */
async function optional<T>(what: string, ask: () => Promise<T>): Promise<T | undefined> {
  try {
    return await ask();
  } catch (err) {
    const status = statusOf(err);
    if (status === 403 || status === 404) return undefined;
    throw failed(what, err);
  }
}

interface ListOf<T> {
  items?: T[];
}

interface SnapshotClassObject {
  metadata?: { name?: string; annotations?: Record<string, string> };
  driver?: string;
}

interface KubeVirtObject {
  metadata?: { name?: string; namespace?: string };
  spec?: { configuration?: { developerConfiguration?: { useEmulation?: boolean; featureGates?: string[]; disabledFeatureGates?: string[] } } };
  status?: { observedKubeVirtVersion?: string };
}

export class KubeDiscoveryClient implements DiscoveryClient {
  constructor(private readonly kc: KubeConfig) {}

  async servedGroups(): Promise<ServedGroup[]> {
    try {
      const [core, groups] = await Promise.all([this.kc.makeApiClient(CoreApi).getAPIVersions(), this.kc.makeApiClient(ApisApi).getAPIVersions()]);
      return [{ name: '', versions: core.versions }, ...groups.groups.map((g) => ({ name: g.name, versions: g.versions.map((v) => v.version) }))];
    } catch (err) {
      throw failed(`listing API groups at ${this.kc.getCurrentCluster()?.server ?? 'the API server'}`, err);
    }
  }

  async servedResources(group: string, version: string): Promise<string[] | undefined> {
    const list = await optional(`listing the resources of ${group || 'core'}/${version}`, () =>
      group === '' ? this.kc.makeApiClient(CoreV1Api).getAPIResources() : this.kc.makeApiClient(CustomObjectsApi).getAPIResources({ group, version }),
    );
    return list?.resources.map((r) => r.name);
  }

  async reviewAccess(attributes: AccessAttributes): Promise<AccessAnswer> {
    try {
      const review = await this.kc.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: { resourceAttributes: { ...attributes } },
        },
      });
      const status = review.status;
      return { allowed: status?.allowed === true && status.denied !== true, ...(status?.reason ? { reason: status.reason } : {}) };
    } catch (err) {
      throw failed(`SelfSubjectAccessReview for ${attributes.verb} ${attributes.resource}`, err);
    }
  }

  async volumeSnapshotClasses(): Promise<SnapshotClassInfo[] | undefined> {
    const list = (await optional('listing VolumeSnapshotClasses', () =>
      this.kc.makeApiClient(CustomObjectsApi).listClusterCustomObject({ group: 'snapshot.storage.k8s.io', version: 'v1', plural: 'volumesnapshotclasses' }),
    )) as ListOf<SnapshotClassObject> | undefined;
    return list?.items?.map((c) => ({
      name: c.metadata?.name ?? '',
      driver: c.driver ?? '',
      isDefault: c.metadata?.annotations?.[DEFAULT_SNAPSHOT_CLASS] === 'true',
    }));
  }

  async storageClasses(): Promise<StorageClassInfo[] | undefined> {
    const list = await optional('listing StorageClasses', () => this.kc.makeApiClient(StorageV1Api).listStorageClass());
    return list?.items.map((s) => ({
      name: s.metadata?.name ?? '',
      provisioner: s.provisioner,
      isDefault: s.metadata?.annotations?.[DEFAULT_STORAGE_CLASS] === 'true',
    }));
  }

  async kubeVirts(): Promise<KubeVirtInfo[] | undefined> {
    const list = (await optional('listing KubeVirt CRs', () => this.kc.makeApiClient(CustomObjectsApi).listClusterCustomObject({ group: 'kubevirt.io', version: 'v1', plural: 'kubevirts' }))) as
      ListOf<KubeVirtObject> | undefined;
    return list?.items?.map((kv) => {
      const dev = kv.spec?.configuration?.developerConfiguration;
      const version = kv.status?.observedKubeVirtVersion;
      return {
        namespace: kv.metadata?.namespace ?? 'kubevirt',
        name: kv.metadata?.name ?? 'kubevirt',
        useEmulation: dev?.useEmulation === true,
        featureGates: dev?.featureGates ?? [],
        disabledFeatureGates: dev?.disabledFeatureGates ?? [],
        ...(version ? { version } : {}),
      };
    });
  }

  async kvmNodes(): Promise<NodeKvmInfo | undefined> {
    const list = await optional('listing nodes', () => this.kc.makeApiClient(CoreV1Api).listNode());
    if (!list) return undefined;
    // virt-handler advertises the device as a quantity, usually "1k".
    const count = (q: string | undefined) => {
      const parsed = parseQuantity(q ?? '0');
      return 'bytes' in parsed ? parsed.bytes : 0;
    };
    const withKvm = list.items.filter((n) => count(n.status?.allocatable?.[KVM_RESOURCE]) > 0).length;
    return { nodes: list.items.length, withKvm };
  }
}
