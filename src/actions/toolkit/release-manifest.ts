/**
 * Installs a release manifest (a multi-document YAML file such as KubeVirt's kubevirt-operator.yaml)
 * the way `kubectl apply --server-side -f URL` does: download it, then one server-side apply per
 * document, in the file's order, so a Namespace exists before what lives in it and a
 * CustomResourceDefinition before its custom resources. Applying is idempotent: a re-run updates
 * what exists instead of failing on AlreadyExists.
 *
 * Objects are sent exactly as the file writes them, through KubeApi, not through
 * @kubernetes/client-node's KubernetesObjectApi: its model serializer drops every field whose JSON
 * name differs from the TypeScript one, so a CRD schema would lose `x-kubernetes-preserve-unknown-fields`,
 * `x-kubernetes-int-or-string` and `$ref` on the way.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { UserError } from '../../core/errors.js';
import { sleep } from '../../core/abort.js';
import { KubeApi } from '../../engines/kubevirt/cluster/kube-api.js';
import { KubeApiError } from '../../engines/kubevirt/cluster/kube-api-error.js';

export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

export interface AppliedObject {
  object: ManifestObject;
  /** The object's API path, e.g. /apis/kubevirt.io/v1/namespaces/kubevirt/kubevirts/kubevirt. */
  path: string;
}

/** Who owns the applied fields (server-side apply's field manager). */
const FIELD_MANAGER = 'ruddervirt';

/** Downloads a manifest and parses its documents; every failure names the URL (and line). */
export async function downloadManifest(url: string, signal: AbortSignal): Promise<ManifestObject[]> {
  let text: string;
  try {
    const response = await fetch(url, { signal, redirect: 'follow' });
    if (!response.ok) throw new UserError(`downloading ${url} failed: HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    text = await response.text();
  } catch (err) {
    if (err instanceof UserError || signal.aborted) throw err;
    const cause = (err as { cause?: unknown }).cause;
    const why = cause instanceof Error ? cause.message : err instanceof Error ? err.message : String(err);
    throw new UserError(`downloading ${url} failed: ${why}`);
  }
  return parseManifest(url, text);
}

/** The objects of a multi-document YAML text; empty documents (a leading `---`) are skipped. */
export function parseManifest(url: string, text: string): ManifestObject[] {
  const objects: ManifestObject[] = [];
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : text.slice(0, offset).split('\n').length);
  for (const doc of parseAllDocuments(text)) {
    const line = lineOf(doc.contents?.range?.[0] ?? doc.range?.[0]);
    const error = doc.errors[0];
    if (error) throw new UserError(`${url} line ${error.linePos?.[0].line ?? line}: not valid YAML: ${error.message.split('\n')[0]}`);
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) continue;
    const o = value as Partial<ManifestObject>;
    const missing = [
      typeof o.apiVersion === 'string' && o.apiVersion ? undefined : 'apiVersion',
      typeof o.kind === 'string' && o.kind ? undefined : 'kind',
      typeof o.metadata?.name === 'string' && o.metadata.name ? undefined : 'metadata.name',
    ].filter(Boolean);
    if (typeof value !== 'object' || Array.isArray(value) || missing.length > 0) {
      throw new UserError(`${url} line ${line}: expected a Kubernetes object with apiVersion, kind and metadata.name${missing.length > 0 ? ` (missing ${missing.join(', ')})` : ''}`);
    }
    objects.push(o as ManifestObject);
  }
  if (objects.length === 0) throw new UserError(`${url} holds no Kubernetes objects`);
  return objects;
}

interface ApiResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

/**
 * Applies manifests to one cluster. Remembers API discovery per group version, and after a
 * CustomResourceDefinition waits for it to be Established before the next file (its custom
 * resources are not served until then — applying them at once fails on a real API server).
 */
export class ManifestApplier {
  private readonly api: KubeApi;
  private readonly discovery = new Map<string, ApiResource[] | undefined>();
  private readonly defaultNamespace: string;

  constructor(
    kc: KubeConfig,
    private readonly signal: AbortSignal,
  ) {
    this.api = new KubeApi(kc);
    // As kubectl: a namespaced object without a namespace goes to the context's namespace.
    this.defaultNamespace = kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
  }

  /** Applies each object in order; then waits (until `deadline`) for the CRDs among them. */
  async apply(url: string, objects: ManifestObject[], deadline: number): Promise<AppliedObject[]> {
    const applied: AppliedObject[] = [];
    for (const object of objects) {
      const path = await this.pathOf(url, object);
      try {
        await this.api.json('PATCH', path, {
          query: { fieldManager: FIELD_MANAGER, force: true },
          body: object,
          contentType: 'application/apply-patch+yaml',
          signal: this.signal,
        });
      } catch (err) {
        throw new UserError(`${url}: applying ${describe(object)} failed: ${err instanceof KubeApiError ? `${err.status} ${err.reason}: ${err.detail}` : err instanceof Error ? err.message : String(err)}`);
      }
      applied.push({ object, path });
    }
    for (const crd of applied.filter((a) => a.object.kind === 'CustomResourceDefinition' && a.object.apiVersion.startsWith('apiextensions.k8s.io/'))) {
      await this.waitEstablished(crd, deadline);
    }
    return applied;
  }

  /** GETs an applied object (its status, say); undefined when it is gone. */
  async read<T>(applied: AppliedObject): Promise<T | undefined> {
    try {
      return await this.api.json<T>('GET', applied.path, { signal: this.signal });
    } catch (err) {
      if (err instanceof KubeApiError && err.notFound) return undefined;
      throw err;
    }
  }

  /** A JSON merge patch (RFC 7386) on an applied object. */
  async mergePatch(applied: AppliedObject, patch: unknown): Promise<void> {
    await this.api.json('PATCH', applied.path, { body: patch, contentType: 'application/merge-patch+json', signal: this.signal });
  }

  private async pathOf(url: string, object: ManifestObject): Promise<string> {
    const resource = await this.resource(object.apiVersion, object.kind);
    if (!resource) throw new UserError(`${url}: the cluster does not serve ${object.kind} in ${object.apiVersion} (needed for ${describe(object)})`);
    const base = object.apiVersion.includes('/') ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
    const namespace = resource.namespaced ? `/namespaces/${encodeURIComponent(object.metadata.namespace ?? this.defaultNamespace)}` : '';
    return `${base}${namespace}/${resource.name}/${encodeURIComponent(object.metadata.name)}`;
  }

  /** The resource serving `kind` in `apiVersion`, from discovery; asked again when not known yet. */
  private async resource(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    const find = (list: ApiResource[] | undefined) => list?.find((r) => r.kind === kind && !r.name.includes('/'));
    const known = find(this.discovery.get(apiVersion));
    if (known) return known;
    const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    let list: ApiResource[] | undefined;
    try {
      list = (await this.api.json<{ resources?: ApiResource[] }>('GET', path, { signal: this.signal })).resources ?? [];
    } catch (err) {
      if (!(err instanceof KubeApiError && err.notFound)) throw err;
    }
    this.discovery.set(apiVersion, list);
    return find(list);
  }

  private async waitEstablished(crd: AppliedObject, deadline: number): Promise<void> {
    for (;;) {
      const current = await this.read<{ status?: { conditions?: { type?: string; status?: string }[] } }>(crd);
      if (current?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return;
      if (Date.now() > deadline) throw new UserError(`the CustomResourceDefinition ${crd.object.metadata.name} was not Established within the install timeout`);
      await sleep(250, this.signal);
    }
  }
}

function describe(o: ManifestObject): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}
