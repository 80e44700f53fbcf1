/**
 * setup-cluster's `install-kube-ovn`: Kube-OVN (the CNI whose VPCs and subnets a build's
 * `network.vpcs` become) and Multus (whose NetworkAttachmentDefinitions carry a VM's secondary
 * NICs), pinned, installed the way Kube-OVN's own kind recipe does it, then waited for.
 *
 * - Kube-OVN from its Helm chart (kubeovn/kube-ovn v1.16.2 Makefile `install-chart`): the
 *   control-plane nodes are labelled `kube-ovn/role=master` first, because the chart finds the
 *   nodes for OVN's central database by that label (charts/kube-ovn/templates/_helpers.tpl
 *   `kubeovn.nodeIPs`, a lookup of the nodes at install time); `helm upgrade --install --wait`,
 *   so a re-run is a no-op upgrade. Helm is on GitHub's hosted runners; the chart has no plain
 *   manifest to apply instead (its templates look the cluster up).
 * - Multus from its release's thick-plugin daemonset file
 *   (k8snetworkplumbingwg/multus-cni v4.2.4 deployments/multus-daemonset-thick.yml), whose images
 *   say `:snapshot-thick` and are pinned to the release's `:<version>-thick` here, applied
 *   server-side as the KubeVirt release files are.
 *
 * Ready means: the kubeovn.io and k8s.cni.cncf.io groups are served; the default Subnet
 * `ovn-default` has condition Ready=True (kube-ovn-controller sets it once its logical switch
 * exists in OVN: kubeovn/kube-ovn v1.16.2 pkg/controller/subnet_status.go, pkg/util/const.go
 * DefaultSubnet); the kube-multus-ds DaemonSet is rolled out (what `kubectl rollout status ds`
 * checks: kubernetes/kubectl pkg/polymorphichelpers/rollout_status.go DaemonSetStatusViewer);
 * and every node is Ready (a node without a CNI is NotReady, so this is kube-ovn-cni at work).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { sleep } from '../../core/abort.js';
import { formatGoDuration } from '../../core/duration.js';
import { UserError } from '../../core/errors.js';
import { findOnPath } from '../../core/find-on-path.js';
import type { Logger } from '../../core/log.js';
import { runTool, ToolError } from '../../core/run-tool.js';
import { KubeApi } from '../../engines/kubevirt/cluster/kube-api.js';
import { KubeApiError } from '../../engines/kubevirt/cluster/kube-api-error.js';
import { KubeDiscoveryClient } from '../../engines/kubevirt/kube-discovery-client.js';
import { downloadManifest, ManifestApplier, type ManifestObject } from './release-manifest.js';

export const KUBE_OVN_PINNED = { kubeOvn: 'v1.16.2', multus: 'v4.2.4' } as const;

/** Where the chart and the Multus file come from; `{version}` stands for the release. */
export interface KubeOvnSources {
  chartRepo: string;
  multus: string;
}

export const DEFAULT_KUBE_OVN_SOURCES: KubeOvnSources = {
  chartRepo: 'https://kubeovn.github.io/kube-ovn/',
  multus: 'https://raw.githubusercontent.com/k8snetworkplumbingwg/multus-cni/{version}/deployments',
};

export const MASTER_LABEL = { key: 'kube-ovn/role', value: 'master' } as const;
const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane';
/** The chart's namespace (values.yaml `namespace`) and the Helm release name of Kube-OVN's recipe. */
const NAMESPACE = 'kube-system';
const RELEASE = 'kubeovn';
const MULTUS_FILE = 'multus-daemonset-thick.yml';
const MULTUS_DAEMONSET = 'kube-multus-ds';
const DEFAULT_SUBNET = 'ovn-default';

export interface KubeOvnInstallOptions {
  /** The kubeconfig file Helm is given (undefined: Helm's own default, as ours). */
  kubeconfig?: string;
  versions: { kubeOvn: string; multus: string };
  sources?: KubeOvnSources;
  timeoutMs: number;
  logger: Logger;
  signal: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

/** `helm upgrade --install` of the pinned chart, waiting for its workloads within `timeoutMs`. */
export function helmArgs(o: Pick<KubeOvnInstallOptions, 'kubeconfig' | 'versions' | 'sources' | 'timeoutMs'>): string[] {
  const sources = o.sources ?? DEFAULT_KUBE_OVN_SOURCES;
  return [
    'upgrade',
    '--install',
    RELEASE,
    'kube-ovn',
    '--repo',
    sources.chartRepo,
    '--version',
    o.versions.kubeOvn,
    '--namespace',
    NAMESPACE,
    '--wait',
    '--timeout',
    `${Math.max(1, Math.ceil(o.timeoutMs / 1000))}s`,
    ...(o.kubeconfig ? ['--kubeconfig', o.kubeconfig] : []),
  ];
}

export function multusManifestUrl(version: string, sources: KubeOvnSources = DEFAULT_KUBE_OVN_SOURCES): string {
  return `${sources.multus.replaceAll('{version}', version).replace(/\/+$/, '')}/${MULTUS_FILE}`;
}

/** The release file's images name the moving `snapshot-thick` tag; the release's own tag is `<version>-thick`. */
export function pinMultusImages(objects: ManifestObject[], version: string): ManifestObject[] {
  const pin = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(pin);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'image' && typeof v === 'string' ? v.replace(/:snapshot-thick$/, `:${version}-thick`) : pin(v)]));
  };
  return objects.map((o) => pin(o) as ManifestObject);
}

interface Node {
  metadata: { name: string; labels?: Record<string, string> };
  status?: { conditions?: { type?: string; status?: string }[] };
}

/**
 * Labels the control-plane nodes kube-ovn/role=master unless some node carries it already (the
 * operator chose). Returns the names of the nodes that carry it afterwards.
 */
async function labelMasters(api: KubeApi, logger: Logger, signal: AbortSignal): Promise<string[]> {
  const nodes = (await api.json<{ items?: Node[] }>('GET', '/api/v1/nodes', { signal })).items ?? [];
  const chosen = nodes.filter((n) => n.metadata.labels?.[MASTER_LABEL.key] === MASTER_LABEL.value);
  if (chosen.length > 0) return chosen.map((n) => n.metadata.name);
  const controlPlane = nodes.filter((n) => n.metadata.labels?.[CONTROL_PLANE_LABEL] !== undefined);
  if (controlPlane.length === 0) {
    throw new UserError(
      `install-kube-ovn: no node is labelled ${MASTER_LABEL.key}=${MASTER_LABEL.value} or ${CONTROL_PLANE_LABEL}, so there is nowhere to run OVN's central database; label the node(s) for it: kubectl label node NAME ${MASTER_LABEL.key}=${MASTER_LABEL.value}`,
    );
  }
  for (const node of controlPlane) {
    await api.json('PATCH', `/api/v1/nodes/${encodeURIComponent(node.metadata.name)}`, {
      body: { metadata: { labels: { [MASTER_LABEL.key]: MASTER_LABEL.value } } },
      contentType: 'application/merge-patch+json',
      signal,
    });
    logger.info(`node ${node.metadata.name}: labelled ${MASTER_LABEL.key}=${MASTER_LABEL.value} (OVN's central database runs there)`);
  }
  return controlPlane.map((n) => n.metadata.name);
}

async function readOrUndefined<T>(api: KubeApi, path: string, signal: AbortSignal): Promise<T | undefined> {
  try {
    return await api.json<T>('GET', path, { signal });
  } catch (err) {
    if (err instanceof KubeApiError && err.notFound) return undefined;
    throw err;
  }
}

const conditionTrue = (conditions: { type?: string; status?: string }[] | undefined, type: string) => conditions?.some((c) => c.type === type && c.status === 'True') === true;

/** What still keeps Kube-OVN and Multus from being ready; empty when they are. */
export async function kubeOvnNotReady(kc: KubeConfig, signal: AbortSignal): Promise<string[]> {
  const api = new KubeApi(kc);
  const served = new Set((await new KubeDiscoveryClient(kc).servedGroups()).map((g) => g.name));
  const waiting: string[] = [];
  if (!served.has('kubeovn.io')) waiting.push('kubeovn.io is not served yet');
  else {
    const subnet = await readOrUndefined<{ status?: { conditions?: { type?: string; status?: string }[] } }>(api, `/apis/kubeovn.io/v1/subnets/${DEFAULT_SUBNET}`, signal);
    if (!subnet) waiting.push(`Subnet ${DEFAULT_SUBNET} does not exist yet`);
    else if (!conditionTrue(subnet.status?.conditions, 'Ready')) waiting.push(`Subnet ${DEFAULT_SUBNET} is not Ready`);
  }
  if (!served.has('k8s.cni.cncf.io')) waiting.push('k8s.cni.cncf.io (Multus) is not served yet');
  const ds = await readOrUndefined<{
    metadata?: { generation?: number };
    status?: { observedGeneration?: number; desiredNumberScheduled?: number; updatedNumberScheduled?: number; numberAvailable?: number };
  }>(api, `/apis/apps/v1/namespaces/${NAMESPACE}/daemonsets/${MULTUS_DAEMONSET}`, signal);
  if (!ds) waiting.push(`DaemonSet ${NAMESPACE}/${MULTUS_DAEMONSET} does not exist`);
  else {
    const s = ds.status ?? {};
    const desired = s.desiredNumberScheduled ?? 0;
    if ((s.observedGeneration ?? 0) < (ds.metadata?.generation ?? 0) || desired === 0 || (s.updatedNumberScheduled ?? 0) < desired || (s.numberAvailable ?? 0) < desired) {
      waiting.push(`DaemonSet ${NAMESPACE}/${MULTUS_DAEMONSET}: ${s.numberAvailable ?? 0} of ${desired} pods available`);
    }
  }
  const nodes = (await api.json<{ items?: Node[] }>('GET', '/api/v1/nodes', { signal })).items ?? [];
  const notReady = nodes.filter((n) => !conditionTrue(n.status?.conditions, 'Ready')).map((n) => n.metadata.name);
  if (notReady.length > 0) waiting.push(`node(s) not Ready: ${notReady.join(', ')}`);
  return waiting;
}

/**
 * Installs what is missing of Kube-OVN and Multus (each is skipped when its API group is served
 * already), then waits until both are ready, within `timeoutMs` in all.
 */
export async function installKubeOvn(kc: KubeConfig, o: KubeOvnInstallOptions): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  const api = new KubeApi(kc);
  const served = new Set((await new KubeDiscoveryClient(kc).servedGroups()).map((g) => g.name));
  if (served.has('kubeovn.io')) o.logger.info('Kube-OVN: installed already (kubeovn.io is served); not installing it');
  else {
    if (!findOnPath('helm', o.env ?? process.env)) {
      throw new UserError('install-kube-ovn needs helm on PATH to install the Kube-OVN chart (GitHub-hosted runners have it; elsewhere see https://helm.sh/docs/intro/install/)');
    }
    const masters = await labelMasters(api, o.logger, o.signal);
    const args = helmArgs(o);
    o.logger.info(`Kube-OVN ${o.versions.kubeOvn}: helm ${args.join(' ')} (OVN central on ${masters.join(', ')})`);
    try {
      await runTool('helm', args, {
        signal: o.signal,
        onStdout: (chunk) =>
          chunk
            .split('\n')
            .filter(Boolean)
            .forEach((line) => o.logger.info(`helm: ${line}`)),
      });
    } catch (err) {
      if (err instanceof ToolError) throw new UserError(`installing Kube-OVN ${o.versions.kubeOvn} with helm failed (exit ${err.exitCode ?? 'by signal'}): ${err.stderr.trim().split('\n').slice(-5).join(' / ')}`);
      throw err;
    }
  }
  if (served.has('k8s.cni.cncf.io')) o.logger.info('Multus: installed already (k8s.cni.cncf.io is served); not installing it');
  else {
    const url = multusManifestUrl(o.versions.multus, o.sources);
    const objects = pinMultusImages(await downloadManifest(url, o.signal), o.versions.multus);
    await new ManifestApplier(kc, o.signal).apply(url, objects, deadline);
    o.logger.info(`applied ${url} (${objects.length} objects, images pinned to ${o.versions.multus}-thick)`);
  }
  const pollMs = Math.min(10_000, Math.max(250, Math.round(o.timeoutMs / 30)));
  for (;;) {
    const waiting = await kubeOvnNotReady(kc, o.signal);
    if (waiting.length === 0) {
      o.logger.info(`Kube-OVN and Multus ready (Subnet ${DEFAULT_SUBNET} Ready, ${MULTUS_DAEMONSET} rolled out, nodes Ready)`);
      return;
    }
    if (Date.now() > deadline) {
      throw new UserError(`Kube-OVN and Multus were not ready within the install timeout (${formatGoDuration(o.timeoutMs)}): ${waiting.join('; ')}; raise install-timeout if the cluster is slow to pull images`);
    }
    o.logger.progress({ phase: 'install kube-ovn', message: `waiting: ${waiting.join('; ')}` });
    await sleep(pollMs, o.signal);
  }
}
