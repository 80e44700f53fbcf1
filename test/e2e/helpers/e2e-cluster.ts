/**
 * The cluster the kubevirt e2e tests build on. With RUDDERVIRT_E2E_KUBECONFIG set, a real one
 * (the kubevirt-e2e workflow's kind cluster with KubeVirt and CDI, or a self-hosted runner's
 * cluster; docs/kubevirt.md); otherwise the kube harness, started here. Either way the tests talk
 * to it only through a kubeconfig file and the Kubernetes API — namespaces, what a build left
 * behind — so the same code runs here, against the harness, and there. What only the harness can
 * do (faults, its process list) is `harness`, undefined on a real cluster.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { KubeApi } from '../../../src/engines/kubevirt/cluster/kube-api.js';
import { KubeApiError } from '../../../src/engines/kubevirt/cluster/kube-api-error.js';
import { startKubeHarness, type KubeHarness, type KubeHarnessOptions } from '../../kube-harness/index.js';

/** The environment variable that points the kubevirt e2e tests at a real cluster. */
export const E2E_KUBECONFIG_ENV = 'RUDDERVIRT_E2E_KUBECONFIG';

/** What a build may leave in its namespace, by collection; the names of anything else are not ours. */
const NAMESPACED = [
  ['/api/v1', 'configmaps', 'ConfigMap'],
  ['/api/v1', 'secrets', 'Secret'],
  ['/api/v1', 'pods', 'Pod'],
  ['/api/v1', 'services', 'Service'],
  ['/api/v1', 'persistentvolumeclaims', 'PersistentVolumeClaim'],
  ['/apis/cdi.kubevirt.io/v1beta1', 'datavolumes', 'DataVolume'],
  ['/apis/cdi.kubevirt.io/v1beta1', 'datasources', 'DataSource'],
  ['/apis/kubevirt.io/v1', 'virtualmachines', 'VirtualMachine'],
  ['/apis/kubevirt.io/v1', 'virtualmachineinstances', 'VirtualMachineInstance'],
  ['/apis/snapshot.storage.k8s.io/v1', 'volumesnapshots', 'VolumeSnapshot'],
  ['/apis/snapshot.kubevirt.io/v1beta1', 'virtualmachinesnapshots', 'VirtualMachineSnapshot'],
  ['/apis/export.kubevirt.io/v1', 'virtualmachineexports', 'VirtualMachineExport'],
  ['/apis/kubeovn.io/v1', 'vpc-egress-gateways', 'VpcEgressGateway'],
  ['/apis/k8s.cni.cncf.io/v1', 'network-attachment-definitions', 'NetworkAttachmentDefinition'],
] as const;
/** Cluster-scoped kinds a build creates (Kube-OVN), found by our managed-by label. */
const CLUSTER_SCOPED = [
  ['/apis/kubeovn.io/v1', 'vpcs', 'Vpc'],
  ['/apis/kubeovn.io/v1', 'subnets', 'Subnet'],
] as const;
const MANAGED = 'app.kubernetes.io/managed-by=ruddervirt';
/** The external Subnet an `internet: true` VPC's egress gateway leaves through, unless a build names another. */
export const EGRESS_EXTERNAL_SUBNET = 'ovn-vpc-external-network';
const DEFAULT_STORAGE_CLASS = 'storageclass.kubernetes.io/is-default-class';

export interface ClusterObject {
  kind: string;
  namespace?: string;
  name: string;
}

export interface E2eCluster {
  /** 'harness' when started here, 'kubeconfig' when RUDDERVIRT_E2E_KUBECONFIG named one. */
  kind: 'harness' | 'kubeconfig';
  kubeconfigPath: string;
  /** Only when the harness runs here: faults, its processes, its controllers' idleness. */
  harness?: KubeHarness;
  /** A fresh namespace `<prefix>-xxxxx`. */
  createNamespace(prefix: string): Promise<string>;
  /** Deletes the namespace and waits until it is gone. */
  deleteNamespace(name: string, timeoutMs?: number): Promise<void>;
  /** What is left in the namespace (events and the namespace's own ServiceAccount/ConfigMaps excepted), and our cluster-scoped objects. */
  leftovers(namespace: string): Promise<ClusterObject[]>;
  /** The events in a namespace, by the object they are about. */
  events(namespace: string): Promise<{ name: string; involved: string; reason: string }[]>;
  /**
   * The kind of object a build with the default storage class keeps its outputs as here:
   * VolumeSnapshot when a VolumeSnapshotClass's driver provisions that class, else DataVolume
   * (a CDI clone) — kind's local-path storage has no snapshots, the harness has a CSI driver with them.
   */
  keptKind(): Promise<'VolumeSnapshot' | 'DataVolume'>;
  /**
   * Makes sure Kube-OVN's external Subnet for egress gateways exists. A real cluster's admin makes
   * it (the kubevirt-e2e workflow does for kind: it needs the node's network), so there a missing
   * one fails at once instead of after the engine's wait for a gateway that never becomes ready; on
   * the harness, which stands for a fresh cluster, the test makes the same objects over the API.
   */
  ensureEgressExternalSubnet(name?: string): Promise<void>;
  close(): Promise<void>;
}

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Objects every namespace has that no build made (kube-root-ca.crt, the default ServiceAccount's). */
function isBuiltIn(o: Loose): boolean {
  return o.kind === 'ConfigMap' && o.name === 'kube-root-ca.crt';
}

function apiOver(kubeconfigPath: string): KubeApi {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return new KubeApi(kc);
}

/**
 * The tests' own calls retry what an API server may answer for a moment (500, 409, 429, 503): the
 * harness's fault switch answers the first try of each request that way, and a busy real one may too.
 */
async function retried<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const transient = err instanceof KubeApiError && [409, 429, 500, 503].includes(err.status);
      if (!transient || attempt >= 6) throw err;
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

function overApi(kind: E2eCluster['kind'], kubeconfigPath: string, harness: KubeHarness | undefined): E2eCluster {
  const raw = apiOver(kubeconfigPath);
  const api = { json: <T>(...args: Parameters<KubeApi['json']>) => retried(() => raw.json<T>(...args)) };
  const signal = () => AbortSignal.timeout(30_000);
  const items = async (path: string, query: Record<string, string> = {}): Promise<Loose[]> => {
    try {
      return (await api.json<{ items: Loose[] }>('GET', path, { query, signal: signal() })).items;
    } catch (err) {
      // A kind the cluster does not serve (no Kube-OVN, no snapshots) holds nothing of ours.
      if (err instanceof KubeApiError && err.notFound) return [];
      throw err;
    }
  };
  return {
    kind,
    kubeconfigPath,
    ...(harness ? { harness } : {}),
    async createNamespace(prefix) {
      const created = await api.json<Loose>('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { generateName: `${prefix}-` } }, signal: signal() });
      return created.metadata.name as string;
    },
    async deleteNamespace(name, timeoutMs = 5 * 60_000) {
      try {
        await api.json('DELETE', `/api/v1/namespaces/${name}`, { signal: signal() });
      } catch (err) {
        if (err instanceof KubeApiError && err.notFound) return;
        throw err;
      }
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          await api.json('GET', `/api/v1/namespaces/${name}`, { signal: signal() });
        } catch (err) {
          if (err instanceof KubeApiError && err.notFound) return;
          throw err;
        }
        if (Date.now() > deadline) throw new Error(`namespace ${name} is still there after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    },
    async leftovers(namespace) {
      await harness?.settled();
      const out: ClusterObject[] = [];
      for (const [root, plural, k] of NAMESPACED) {
        for (const o of await items(`${root}/namespaces/${namespace}/${plural}`)) {
          const found = { kind: k, namespace, name: o.metadata.name as string };
          if (!isBuiltIn(found)) out.push(found);
        }
      }
      for (const [root, plural, k] of CLUSTER_SCOPED) for (const o of await items(`${root}/${plural}`, { labelSelector: MANAGED })) out.push({ kind: k, name: o.metadata.name as string });
      return out.sort((a, b) => `${a.kind}/${a.name}`.localeCompare(`${b.kind}/${b.name}`));
    },
    async events(namespace) {
      return (await items(`/api/v1/namespaces/${namespace}/events`)).map((e) => ({ name: e.metadata.name as string, involved: `${e.involvedObject?.kind}/${e.involvedObject?.name}`, reason: e.reason as string }));
    },
    async keptKind() {
      const classes = await items('/apis/snapshot.storage.k8s.io/v1/volumesnapshotclasses');
      const storage = await items('/apis/storage.k8s.io/v1/storageclasses');
      const target = storage.find((s) => s.metadata?.annotations?.[DEFAULT_STORAGE_CLASS] === 'true');
      return target && classes.some((c) => c.driver === target.provisioner) ? 'VolumeSnapshot' : 'DataVolume';
    },
    async ensureEgressExternalSubnet(name = EGRESS_EXTERNAL_SUBNET) {
      try {
        await api.json('GET', `/apis/kubeovn.io/v1/subnets/${name}`, { signal: signal() });
        return;
      } catch (err) {
        if (!(err instanceof KubeApiError && err.notFound)) throw err;
      }
      if (!harness) {
        throw new Error(
          `the cluster has no Kube-OVN Subnet ${name}, which egress gateways of internet: true VPCs leave through: create it and its NetworkAttachmentDefinition (docs/kubevirt.md, "Against a real cluster")`,
        );
      }
      // Kube-OVN finds the attachment from the Subnet's provider, `<nad>.<namespace>`.
      const provider = `${name}.kube-system`;
      const config = { cniVersion: '0.3.1', type: 'macvlan', master: 'eth0', mode: 'bridge', ipam: { type: 'kube-ovn', server_socket: '/run/openvswitch/kube-ovn-daemon.sock', provider } };
      const create = async (path: string, body: Loose) => {
        try {
          await api.json('POST', path, { body, signal: signal() });
        } catch (err) {
          if (!(err instanceof KubeApiError && err.status === 409)) throw err;
        }
      };
      await create('/apis/k8s.cni.cncf.io/v1/namespaces/kube-system/network-attachment-definitions', {
        apiVersion: 'k8s.cni.cncf.io/v1',
        kind: 'NetworkAttachmentDefinition',
        metadata: { name, namespace: 'kube-system' },
        spec: { config: JSON.stringify(config) },
      });
      await create('/apis/kubeovn.io/v1/subnets', {
        apiVersion: 'kubeovn.io/v1',
        kind: 'Subnet',
        metadata: { name },
        spec: { protocol: 'IPv4', provider, cidrBlock: '172.30.0.0/24', gateway: '172.30.0.1' },
      });
    },
    async close() {
      await harness?.close();
    },
  };
}

/** The cluster for this test file: RUDDERVIRT_E2E_KUBECONFIG's, else a harness started with `options`. */
export async function e2eCluster(options: KubeHarnessOptions = {}, env: NodeJS.ProcessEnv = process.env): Promise<E2eCluster> {
  const given = env[E2E_KUBECONFIG_ENV];
  if (given) return overApi('kubeconfig', given, undefined);
  const harness = await startKubeHarness(options);
  return overApi('harness', harness.kubeconfigPath, harness);
}
