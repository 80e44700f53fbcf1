/**
 * setup-cluster for the kubevirt engine: checks what the cluster offers (the API answers, KubeVirt
 * and CDI are installed and deployed, whether KubeVirt emulates because nodes lack KVM, and the
 * optional parts: VolumeSnapshots, VirtualMachineExport, Kube-OVN VPCs), creates the build
 * namespace, and — when asked — installs pinned KubeVirt and CDI releases into the cluster it was
 * given (turning on emulation when the nodes have no usable KVM).
 */
import * as k8s from '@kubernetes/client-node';
import { UserError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { sleep } from '../../core/abort.js';
import { formatGoDuration } from '../../core/duration.js';
import { KubeDiscoveryClient } from '../../engines/kubevirt/kube-discovery-client.js';
import { downloadManifest, ManifestApplier, type AppliedObject } from './release-manifest.js';

export const PINNED = { kubevirt: 'v1.9.0', cdi: 'v1.66.0' } as const;

export interface ClusterCapabilities {
  serverVersion: string;
  kubevirt: { installed: boolean; phase?: string; namespace?: string; name?: string; emulation: boolean };
  /**
   * installed: its API group is served. available: its CDI resource reports Available=True (what
   * CDI's install guide waits for: kubectl wait cdi cdi --for condition=Available); undefined
   * when the CDI resource cannot be read, so it is not known; unreadable then says why (a 403
   * from a role without `list cdis`, or a 404), for the warning setup-cluster prints.
   */
  cdi: { installed: boolean; available?: boolean; phase?: string; unreadable?: string };
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
  const cdiState: ClusterCapabilities['cdi'] = { installed: cdi === true };
  if (cdi) Object.assign(cdiState, await readCdiStatus(kc));
  return { serverVersion, kubevirt, cdi: cdiState, volumeSnapshots: volumeSnapshots === true, vmExport: vmExport === true, kubeOvnVpcs: kubeOvnVpcs === true };
}

/**
 * The CDI resource's readiness (cluster-scoped cdis.cdi.kubevirt.io; the operator names it `cdi`).
 * Readiness is its Available condition, as in installKubevirt; Degraded or Progressing alone are
 * not enough (kubevirt/containerized-data-importer v1.66.0 pkg/operator/controller/controller.go
 * sets Available once every component is ready).
 */
async function readCdiStatus(kc: k8s.KubeConfig): Promise<{ available?: boolean; phase?: string; unreadable?: string }> {
  try {
    const list = (await kc.makeApiClient(k8s.CustomObjectsApi).listClusterCustomObject({ group: 'cdi.kubevirt.io', version: 'v1beta1', plural: 'cdis' })) as {
      items?: { status?: { phase?: string; conditions?: { type?: string; status?: string }[] } }[];
    };
    const cr = list.items?.[0];
    if (!cr) return { available: false, phase: 'no CDI resource' };
    return { available: cr.status?.conditions?.some((c) => c.type === 'Available' && c.status === 'True') === true, ...(cr.status?.phase ? { phase: cr.status.phase } : {}) };
  } catch (err) {
    const code = statusOf(err);
    if (code === 403) return { unreadable: 'list cdis.cdi.kubevirt.io is forbidden (403) for this kubeconfig' };
    if (code === 404) return { unreadable: 'cdis.cdi.kubevirt.io is not served (404)' };
    throw err;
  }
}

/** What setup-cluster should warn about: checks it could not make, so it trusted less. */
export function capabilityWarnings(c: ClusterCapabilities): string[] {
  if (!c.cdi.installed || c.cdi.unreadable === undefined) return [];
  return [
    `CDI readiness cannot be read (${c.cdi.unreadable}): only its API group being served was checked, so builds may start before CDI is Available. ` +
      'Grant list on cdis.cdi.kubevirt.io (ClusterRole ruddervirt-builder-discovery in docs/rbac.yaml) to have setup-cluster wait for it.',
  ];
}

export function describeCapabilities(c: ClusterCapabilities): string[] {
  return [
    `Kubernetes ${c.serverVersion}`,
    c.kubevirt.installed ? `KubeVirt: ${c.kubevirt.phase ?? 'no KubeVirt resource'}${c.kubevirt.emulation ? ' (software emulation)' : ''}` : 'KubeVirt: not installed',
    `CDI: ${!c.cdi.installed ? 'not installed' : c.cdi.available === true ? 'available' : c.cdi.available === false ? `not available yet (${c.cdi.phase ?? 'no phase'})` : 'installed (its readiness could not be read)'}`,
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
  if (!c.cdi.installed) out.push('CDI (Containerized Data Importer) is not installed');
  else if (c.cdi.available === false) out.push(`CDI is not Available (${c.cdi.phase ?? 'no phase'})`);
  return out;
}

/** Installed, but still coming up: worth waiting for (a fresh cluster, an operator rolling out). */
export function onlyStarting(c: ClusterCapabilities): boolean {
  const kubevirtStarting = c.kubevirt.installed && c.kubevirt.phase !== 'Deployed' && c.kubevirt.phase !== undefined;
  const cdiStarting = c.cdi.installed && c.cdi.available === false;
  const kubevirtOk = c.kubevirt.installed && c.kubevirt.phase === 'Deployed';
  const cdiOk = c.cdi.installed && c.cdi.available !== false;
  return (kubevirtStarting || cdiStarting) && (kubevirtOk || kubevirtStarting) && (cdiOk || cdiStarting);
}

/**
 * Checks the cluster until KubeVirt is Deployed and CDI Available, or `timeoutMs` passed while
 * they are still starting; returns the last check (the caller reports what still blocks).
 */
export async function waitUntilReady(kc: k8s.KubeConfig, o: { timeoutMs: number; logger: Logger; signal: AbortSignal }): Promise<ClusterCapabilities> {
  const deadline = Date.now() + o.timeoutMs;
  const pollMs = installPollIntervalMs(o.timeoutMs);
  for (;;) {
    const caps = await checkCluster(kc);
    if (!onlyStarting(caps) || Date.now() > deadline) return caps;
    o.logger.progress({ phase: 'wait for kubevirt', message: `waiting: ${blockingProblems(caps).join('; ')}` });
    await sleep(pollMs, o.signal);
  }
}

/**
 * Where each release's files are downloaded from: a folder URL in which `{version}` stands for the
 * release. GitHub's release downloads by default; a mirror for air-gapped runners.
 */
export interface ReleaseSources {
  kubevirt: string;
  cdi: string;
}

export const DEFAULT_RELEASE_SOURCES: ReleaseSources = {
  kubevirt: 'https://github.com/kubevirt/kubevirt/releases/download/{version}',
  cdi: 'https://github.com/kubevirt/containerized-data-importer/releases/download/{version}',
};

/** The four files, in the order they are applied: each operator before its custom resource. */
export function releaseManifestUrls(versions: { kubevirt: string; cdi: string }, sources: ReleaseSources = DEFAULT_RELEASE_SOURCES): string[] {
  const folder = (template: string, version: string) => template.replaceAll('{version}', version).replace(/\/+$/, '');
  const kv = folder(sources.kubevirt, versions.kubevirt);
  const cdi = folder(sources.cdi, versions.cdi);
  return [`${kv}/kubevirt-operator.yaml`, `${kv}/kubevirt-cr.yaml`, `${cdi}/cdi-operator.yaml`, `${cdi}/cdi-cr.yaml`];
}

/**
 * How often the install looks at the operators' progress: every 10 s, as `kubectl wait` would
 * poll, but at least ~30 times within a short timeout so it is not missed by a whole interval.
 */
export function installPollIntervalMs(timeoutMs: number): number {
  return Math.min(10_000, Math.max(250, Math.round(timeoutMs / 30)));
}

export interface InstallOptions {
  versions: { kubevirt: string; cdi: string };
  sources?: ReleaseSources;
  emulation: boolean;
  logger: Logger;
  signal: AbortSignal;
  timeoutMs: number;
}

interface OperatorStatus {
  status?: { phase?: string; conditions?: { type?: string; status?: string }[] };
}

/**
 * Installs KubeVirt and CDI from their release manifests (operator, then custom resource), turns
 * on software emulation when asked, and waits until KubeVirt's phase is Deployed and CDI is
 * Available — what `kubectl wait` is told in both projects' install guides.
 */
export async function installKubevirt(kc: k8s.KubeConfig, o: InstallOptions): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  const applier = new ManifestApplier(kc, o.signal);
  const applied: AppliedObject[] = [];
  for (const url of releaseManifestUrls(o.versions, o.sources)) {
    const objects = await downloadManifest(url, o.signal);
    applied.push(...(await applier.apply(url, objects, deadline)));
    o.logger.info(`applied ${url} (${objects.length} objects)`);
  }
  const kubevirt = applied.find((a) => a.object.kind === 'KubeVirt' && a.object.apiVersion.startsWith(`${GROUPS.kubevirt}/`));
  const cdi = applied.find((a) => a.object.kind === 'CDI' && a.object.apiVersion.startsWith(`${GROUPS.cdi}/`));
  if (!kubevirt) throw new UserError(`the KubeVirt release files (${releaseManifestUrls(o.versions, o.sources).slice(0, 2).join(', ')}) hold no KubeVirt resource`);
  if (!cdi) throw new UserError(`the CDI release files (${releaseManifestUrls(o.versions, o.sources).slice(2).join(', ')}) hold no CDI resource`);
  if (o.emulation) {
    await applier.mergePatch(kubevirt, { spec: { configuration: { developerConfiguration: { useEmulation: true } } } });
    o.logger.info('KubeVirt: software emulation turned on (the nodes have no usable KVM)');
  }
  const pollMs = installPollIntervalMs(o.timeoutMs);
  for (;;) {
    const [kv, c] = await Promise.all([applier.read<OperatorStatus>(kubevirt), applier.read<OperatorStatus>(cdi)]);
    const phase = kv?.status?.phase || 'pending';
    const cdiAvailable = c?.status?.conditions?.some((x) => x.type === 'Available' && x.status === 'True') === true;
    const state = `KubeVirt phase ${phase}, CDI ${cdiAvailable ? 'available' : `phase ${c?.status?.phase || 'pending'}`}`;
    if (phase === 'Deployed' && cdiAvailable) {
      o.logger.info(`installed: ${state}`);
      return;
    }
    if (Date.now() > deadline) {
      throw new UserError(`KubeVirt and CDI were not ready within the install timeout (${formatGoDuration(o.timeoutMs)}): ${state}; raise install-timeout if the cluster is slow to pull images`);
    }
    o.logger.progress({ phase: 'install kubevirt', message: state });
    await sleep(pollMs, o.signal);
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
