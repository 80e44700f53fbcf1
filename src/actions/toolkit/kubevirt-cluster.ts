/**
 * setup-cluster for the kubevirt engine: checks what the cluster offers (the API answers, KubeVirt
 * and CDI are installed and deployed, whether KubeVirt emulates because nodes lack KVM, and the
 * optional parts: VolumeSnapshots, VirtualMachineExport, Kube-OVN VPCs), creates the build
 * namespace, and — when asked — installs pinned KubeVirt and CDI releases into the cluster it was
 * given (turning on emulation when the nodes have no usable KVM).
 */
import * as k8s from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { UserError } from '../../cli/command.js';
import type { Logger } from '../../core/log.js';
import { sleep } from '../../core/abort.js';
import { KubeDiscoveryClient } from '../../engines/kubevirt/kube-discovery-client.js';

export const PINNED = { kubevirt: 'v1.9.0', cdi: 'v1.66.0' } as const;

export interface ClusterCapabilities {
  serverVersion: string;
  kubevirt: { installed: boolean; phase?: string; namespace?: string; name?: string; emulation: boolean };
  cdi: boolean;
  volumeSnapshots: boolean;
  vmExport: boolean;
  kubeOvnVpcs: boolean;
}

/**
 * The API groups that tell what is installed. Asked through API discovery (/apis), which every
 * authenticated user may read, rather than by reading CRDs, which the builder roles we ship
 * (docs/rbac.yaml) do not grant.
 */
const GROUPS = {
  kubevirt: 'kubevirt.io',
  cdi: 'cdi.kubevirt.io',
  volumeSnapshots: 'snapshot.storage.k8s.io',
  vmExport: 'export.kubevirt.io',
  kubeOvnVpcs: 'kubeovn.io',
} as const;

export function loadKubeConfig(kubeconfig: string | undefined): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  try {
    if (kubeconfig) kc.loadFromFile(kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    throw new UserError(`cannot load the kubeconfig${kubeconfig ? ` ${kubeconfig}` : ''}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!kc.getCurrentCluster()) throw new UserError(`the kubeconfig${kubeconfig ? ` ${kubeconfig}` : ''} has no current cluster`);
  return kc;
}

function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

export async function checkCluster(kc: k8s.KubeConfig): Promise<ClusterCapabilities> {
  let serverVersion: string;
  try {
    serverVersion = (await kc.makeApiClient(k8s.VersionApi).getCode()).gitVersion;
  } catch (err) {
    throw new UserError(`the Kubernetes API at ${kc.getCurrentCluster()?.server} does not answer: ${err instanceof Error ? err.message : String(err)}`);
  }
  const served = new Set((await new KubeDiscoveryClient(kc).servedGroups()).map((g) => g.name));
  const [kubevirtServed, cdi, volumeSnapshots, vmExport, kubeOvnVpcs] = [GROUPS.kubevirt, GROUPS.cdi, GROUPS.volumeSnapshots, GROUPS.vmExport, GROUPS.kubeOvnVpcs].map((g) => served.has(g));
  const kubevirt: ClusterCapabilities['kubevirt'] = { installed: kubevirtServed === true, emulation: false };
  if (kubevirtServed) {
    const list = (await kc.makeApiClient(k8s.CustomObjectsApi).listCustomObjectForAllNamespaces({ group: 'kubevirt.io', version: 'v1', resourcePlural: 'kubevirts' })) as {
      items?: { metadata?: { name?: string; namespace?: string }; status?: { phase?: string }; spec?: { configuration?: { developerConfiguration?: { useEmulation?: boolean } } } }[];
    };
    const kv = list.items?.[0];
    if (kv) {
      kubevirt.phase = kv.status?.phase;
      kubevirt.namespace = kv.metadata?.namespace;
      kubevirt.name = kv.metadata?.name;
      kubevirt.emulation = kv.spec?.configuration?.developerConfiguration?.useEmulation === true;
    }
  }
  return { serverVersion, kubevirt, cdi: cdi === true, volumeSnapshots: volumeSnapshots === true, vmExport: vmExport === true, kubeOvnVpcs: kubeOvnVpcs === true };
}

export function describeCapabilities(c: ClusterCapabilities): string[] {
  return [
    `Kubernetes ${c.serverVersion}`,
    c.kubevirt.installed ? `KubeVirt: ${c.kubevirt.phase ?? 'no KubeVirt resource'}${c.kubevirt.emulation ? ' (software emulation)' : ''}` : 'KubeVirt: not installed',
    `CDI: ${c.cdi ? 'installed' : 'not installed'}`,
    `VolumeSnapshots: ${c.volumeSnapshots ? 'yes' : 'no (snapshots fall back to PVC clones)'}`,
    `VirtualMachineExport: ${c.vmExport ? 'yes' : 'no'}`,
    `Kube-OVN VPCs: ${c.kubeOvnVpcs ? 'yes' : 'no (network.vpcs need Kube-OVN)'}`,
  ];
}

/** Problems that stop a build on this cluster. */
export function blockingProblems(c: ClusterCapabilities): string[] {
  const out: string[] = [];
  if (!c.kubevirt.installed) out.push('KubeVirt is not installed (set install-kubevirt: true, or install it first)');
  else if (c.kubevirt.phase !== 'Deployed') out.push(`KubeVirt is not deployed (phase ${c.kubevirt.phase ?? 'unknown'})`);
  if (!c.cdi) out.push('CDI (Containerized Data Importer) is not installed');
  return out;
}

export function releaseManifestUrls(versions: { kubevirt: string; cdi: string }): string[] {
  const kv = `https://github.com/kubevirt/kubevirt/releases/download/${versions.kubevirt}`;
  const cdi = `https://github.com/kubevirt/containerized-data-importer/releases/download/${versions.cdi}`;
  return [`${kv}/kubevirt-operator.yaml`, `${kv}/kubevirt-cr.yaml`, `${cdi}/cdi-operator.yaml`, `${cdi}/cdi-cr.yaml`];
}

async function applyManifest(kc: k8s.KubeConfig, url: string, logger: Logger, signal: AbortSignal): Promise<void> {
  const response = await fetch(url, { signal, redirect: 'follow' });
  if (!response.ok) throw new UserError(`downloading ${url} failed: HTTP ${response.status}`);
  const api = k8s.KubernetesObjectApi.makeApiClient(kc);
  for (const doc of parseAllDocuments(await response.text())) {
    const spec = doc.toJS() as k8s.KubernetesObject | null;
    if (!spec?.kind) continue;
    try {
      await api.create(spec);
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
      await api.patch(spec, undefined, undefined, 'ruddervirt', true, k8s.PatchStrategy.ServerSideApply);
    }
  }
  logger.info(`applied ${url}`);
}

export interface InstallOptions {
  versions: { kubevirt: string; cdi: string };
  emulation: boolean;
  logger: Logger;
  signal: AbortSignal;
  timeoutMs: number;
}

export async function installKubevirt(kc: k8s.KubeConfig, o: InstallOptions): Promise<void> {
  for (const url of releaseManifestUrls(o.versions)) await applyManifest(kc, url, o.logger, o.signal);
  const objects = kc.makeApiClient(k8s.CustomObjectsApi);
  if (o.emulation) {
    await objects.patchNamespacedCustomObject(
      { group: 'kubevirt.io', version: 'v1', namespace: 'kubevirt', plural: 'kubevirts', name: 'kubevirt', body: { spec: { configuration: { developerConfiguration: { useEmulation: true } } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    o.logger.info('KubeVirt: software emulation turned on (the nodes have no usable KVM)');
  }
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    const caps = await checkCluster(kc);
    if (caps.kubevirt.phase === 'Deployed' && caps.cdi) return;
    if (Date.now() > deadline) throw new UserError(`KubeVirt did not reach phase Deployed within the install timeout (phase ${caps.kubevirt.phase ?? 'none'})`);
    o.logger.progress({ phase: 'install kubevirt', message: `KubeVirt phase ${caps.kubevirt.phase ?? 'pending'}` });
    await sleep(10_000, o.signal);
  }
}

/** Creates the namespace; returns false when it existed already (then it is not ours to delete). */
export async function ensureNamespace(kc: k8s.KubeConfig, name: string): Promise<boolean> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  try {
    await core.createNamespace({ body: { metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'ruddervirt' } } } });
    return true;
  } catch (err) {
    if (statusOf(err) === 409) return false;
    throw new UserError(`creating namespace ${name} failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export async function deleteNamespace(kc: k8s.KubeConfig, name: string): Promise<void> {
  try {
    await kc.makeApiClient(k8s.CoreV1Api).deleteNamespace({ name });
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
}
