/**
 * A kube harness without KubeVirt, CDI, Kube-OVN and Multus (`installed: false`), for tests of
 * setup-cluster installing them, and what those tests assert on, read from the harness's request
 * log and object changes: the server-side applies and merge patches in order (with their bodies),
 * when each CRD became Established (as a request index), and every phase the KubeVirt resource had.
 */
import { startKubeHarness, type KubeHarness, type KubeHarnessOptions } from '../../kube-harness/index.js';

export interface RecordedWrite {
  /** Index in the harness's request log, to compare orderings. */
  seq: number;
  method: string;
  path: string;
  contentType: string;
  query: Record<string, string>;
  kind: string;
  name: string;
  namespace?: string;
  body: Record<string, unknown>;
}

export interface InstallCluster {
  harness: KubeHarness;
  kubeconfig: string;
  /** Server-side applies (PATCH application/apply-patch+yaml), in order. */
  applies(): RecordedWrite[];
  /** JSON merge patches, in order. */
  mergePatches(): RecordedWrite[];
  /** When each CRD became Established, as a request index (the next request sees it). */
  establishedAt: Map<string, number>;
  /** The phase of the KubeVirt resource after each change to it ('' before virt-operator set one). */
  kubevirtPhases: string[];
  /** Namespaces that exist and are not being deleted. */
  namespaces(): string[];
  close(): Promise<void>;
}

export async function startInstallCluster(options: KubeHarnessOptions = {}): Promise<InstallCluster> {
  const harness = await startKubeHarness({ accelerator: 'tcg', ...options, installed: false });
  const establishedAt = new Map<string, number>();
  const kubevirtPhases: string[] = [];
  harness.onChange((type, o) => {
    const status = (o as { status?: { phase?: string; conditions?: { type?: string; status?: string }[] } }).status;
    if (o.kind === 'CustomResourceDefinition' && !establishedAt.has(o.metadata.name!) && status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) {
      establishedAt.set(o.metadata.name!, harness.requests().length);
    }
    if (o.kind === 'KubeVirt' && type !== 'DELETED') kubevirtPhases.push(status?.phase ?? '');
  });
  const writes = (contentType: string): RecordedWrite[] =>
    harness
      .requests()
      .map((r, seq) => ({ r, seq }))
      .filter(({ r }) => r.method === 'PATCH' && r.contentType === contentType)
      .map(({ r, seq }) => {
        const body = (r.body ?? {}) as { kind?: string; metadata?: { name?: string } };
        const namespace = /\/namespaces\/([^/]+)\/[^/]+\/[^/]+$/.exec(r.path)?.[1];
        return {
          seq,
          method: r.method,
          path: r.path,
          contentType: r.contentType,
          query: Object.fromEntries(r.query),
          kind: body.kind ?? '',
          name: body.metadata?.name ?? decodeURIComponent(r.path.split('/').pop() ?? ''),
          ...(namespace ? { namespace: decodeURIComponent(namespace) } : {}),
          body: body as Record<string, unknown>,
        };
      });
  return {
    harness,
    kubeconfig: harness.kubeconfigPath,
    applies: () => writes('application/apply-patch+yaml'),
    mergePatches: () => writes('application/merge-patch+json'),
    establishedAt,
    kubevirtPhases,
    namespaces: () =>
      harness
        .objects()
        .filter((o) => o.kind === 'Namespace' && !o.deleting)
        .map((o) => o.name),
    close: () => harness.close(),
  };
}
