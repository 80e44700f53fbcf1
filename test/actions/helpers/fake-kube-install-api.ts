/**
 * A fake Kubernetes API server for installing KubeVirt and CDI from their release manifests (no
 * API server, and no operator, can run on this machine). It serves what `kubectl apply
 * --server-side` and setup-cluster use — /version, discovery (/api, /apis, /api/v1, /apis/<g>/<v>),
 * get/list, create, server-side apply and merge patch, namespace deletion — for the built-in kinds
 * the release files hold (Namespace, ServiceAccount, Deployment, RBAC, PriorityClass,
 * CustomResourceDefinition) and for custom resources once their CRD is Established, with a real
 * server's rules that catch ordering mistakes: a namespaced object needs its namespace to exist,
 * a custom resource is 404 until its CRD is Established (which happens a moment after the CRD is
 * stored, asynchronously, as on a real server), server-side apply needs a field manager, and the
 * main resource ignores status.
 *
 * It plays the operators too: once virt-operator's Deployment and the KubeVirt resource exist, the
 * KubeVirt gets phase Deploying, and Deployed (condition Available) after it has been read
 * `readsUntilDeployed.kubevirt` times; the same for CDI (phase Deployed, condition Available).
 * Every request is recorded, applies and merge patches with their bodies, for assertions.
 *
 * With `nodes`, it is a cluster made without a CNI (kind's disableDefaultCNI): its nodes are
 * NotReady until Kube-OVN's types are served (then kube-ovn-cni has written the node's CNI
 * config), and it plays kube-ovn-controller — the default Subnet ovn-default, Ready after
 * `readsUntilDeployed.subnet` reads (kubeovn/kube-ovn v1.16.2 pkg/controller/subnet_status.go) —
 * and the DaemonSet controller, a DaemonSet rolled out on every node after
 * `readsUntilDeployed.daemonSet` reads (no pod can run here).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';

type Json = Record<string, unknown>;

interface ResourceType {
  group: string;
  versions: string[];
  plural: string;
  kind: string;
  namespaced: boolean;
}

export interface RecordedWrite {
  /** Index in `requests`, to compare orderings. */
  seq: number;
  method: string;
  path: string;
  contentType: string;
  query: Record<string, string>;
  kind: string;
  name: string;
  namespace?: string;
  body: Json;
}

export interface FakeInstallCluster {
  url: string;
  token: string;
  /** "METHOD path" of every request, in order. */
  requests: string[];
  /** Server-side applies (PATCH application/apply-patch+yaml), in order. */
  applies: RecordedWrite[];
  /** Creates (POST), in order. */
  creates: RecordedWrite[];
  mergePatches: RecordedWrite[];
  /** When each CRD became Established, as a `requests` index (the next request sees it). */
  establishedAt: Map<string, number>;
  /** The KubeVirt phases answered to reads, in order. */
  kubevirtPhasesServed: string[];
  /** Reads of a resource while Deploying before its operator reports Deployed (Infinity: never). */
  readsUntilDeployed: { kubevirt: number; cdi: number; subnet: number; daemonSet: number };
  object(group: string, plural: string, name: string, namespace?: string): Json | undefined;
  namespaces(): string[];
  close(): Promise<void>;
}

const BUILT_IN: ResourceType[] = [
  { group: '', versions: ['v1'], plural: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', versions: ['v1'], plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
  { group: '', versions: ['v1'], plural: 'configmaps', kind: 'ConfigMap', namespaced: true },
  { group: '', versions: ['v1'], plural: 'secrets', kind: 'Secret', namespaced: true },
  { group: '', versions: ['v1'], plural: 'services', kind: 'Service', namespaced: true },
  { group: 'apps', versions: ['v1'], plural: 'deployments', kind: 'Deployment', namespaced: true },
  { group: 'apps', versions: ['v1'], plural: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  { group: '', versions: ['v1'], plural: 'nodes', kind: 'Node', namespaced: false },
  { group: 'rbac.authorization.k8s.io', versions: ['v1'], plural: 'clusterroles', kind: 'ClusterRole', namespaced: false },
  { group: 'rbac.authorization.k8s.io', versions: ['v1'], plural: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false },
  { group: 'rbac.authorization.k8s.io', versions: ['v1'], plural: 'roles', kind: 'Role', namespaced: true },
  { group: 'rbac.authorization.k8s.io', versions: ['v1'], plural: 'rolebindings', kind: 'RoleBinding', namespaced: true },
  { group: 'apiextensions.k8s.io', versions: ['v1'], plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false },
  { group: 'scheduling.k8s.io', versions: ['v1'], plural: 'priorityclasses', kind: 'PriorityClass', namespaced: false },
];

/** How long a stored CRD takes to become Established. */
const ESTABLISH_DELAY_MS = 150;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 7386 merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Json = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function status(code: number, reason: string, message: string): Json {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

export async function startFakeKubeInstallApi(options: { token?: string; namespaces?: string[]; nodes?: { name: string; labels: Record<string, string> }[] } = {}): Promise<FakeInstallCluster> {
  const token = options.token ?? 'install-token';
  const types: ResourceType[] = [...BUILT_IN];
  const store = new Map<string, Json>();
  const requests: string[] = [];
  const applies: RecordedWrite[] = [];
  const creates: RecordedWrite[] = [];
  const mergePatches: RecordedWrite[] = [];
  const establishedAt = new Map<string, number>();
  const kubevirtPhasesServed: string[] = [];
  const readsUntilDeployed = { kubevirt: 2, cdi: 1, subnet: 2, daemonSet: 2 };
  const reads = { kubevirt: 0, cdi: 0, subnet: 0, daemonSet: 0 };
  const timers = new Set<NodeJS.Timeout>();
  let resourceVersion = 1;

  const keyOf = (t: ResourceType, name: string, namespace?: string) => `${t.group}/${t.plural}/${t.namespaced ? (namespace ?? '') : ''}/${name}`;
  const typeOf = (group: string, version: string, plural: string) => types.find((t) => t.group === group && t.plural === plural && t.versions.includes(version));
  const get = (group: string, plural: string, name: string, namespace?: string) => {
    const t = types.find((x) => x.group === group && x.plural === plural);
    return t ? store.get(keyOf(t, name, namespace)) : undefined;
  };
  const put = (t: ResourceType, o: Json) => {
    const m = o.metadata as Json;
    m.resourceVersion = String(++resourceVersion);
    store.set(keyOf(t, String(m.name), m.namespace as string | undefined), o);
    reconcile();
  };
  for (const ns of options.namespaces ?? ['default', 'kube-system']) {
    store.set(keyOf(BUILT_IN[0]!, ns), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, uid: `ns-${ns}` } });
  }
  const nodeType = BUILT_IN.find((t) => t.plural === 'nodes')!;
  for (const node of options.nodes ?? []) {
    store.set(keyOf(nodeType, node.name), {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: node.name, uid: `node-${node.name}`, labels: { ...node.labels } },
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'KubeletNotReady',
            message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
          },
        ],
        addresses: [{ type: 'InternalIP', address: '172.18.0.2' }],
      },
    });
  }

  /** What the API server and the operators do after a write, asynchronously as they would. */
  function reconcile(): void {
    for (const crd of [...store.values()].filter((o) => o.kind === 'CustomResourceDefinition')) {
      const name = String((crd.metadata as Json).name);
      if (establishedAt.has(name) || (crd.metadata as Json).establishing) continue;
      (crd.metadata as Json).establishing = true;
      const timer = setTimeout(() => {
        timers.delete(timer);
        const spec = crd.spec as { group: string; scope: string; names: { plural: string; kind: string }; versions: { name: string; served: boolean }[] };
        types.push({ group: spec.group, versions: spec.versions.filter((v) => v.served).map((v) => v.name), plural: spec.names.plural, kind: spec.names.kind, namespaced: spec.scope === 'Namespaced' });
        crd.status = {
          conditions: [
            { type: 'NamesAccepted', status: 'True' },
            { type: 'Established', status: 'True' },
          ],
          acceptedNames: spec.names,
        };
        delete (crd.metadata as Json).establishing;
        establishedAt.set(name, requests.length);
        // What the newly served types set going (Kube-OVN's controller, say).
        reconcile();
      }, ESTABLISH_DELAY_MS);
      timers.add(timer);
    }
    // Kube-OVN: once its types are served, kube-ovn-cni has given every node a CNI (Ready), and
    // kube-ovn-controller creates the default subnet (Ready only after a while).
    if (types.some((t) => t.group === 'kubeovn.io' && t.plural === 'subnets')) {
      for (const node of [...store.values()].filter((o) => o.kind === 'Node')) {
        node.status = { ...(node.status as Json), conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' }] };
      }
      const subnets = types.find((t) => t.group === 'kubeovn.io' && t.plural === 'subnets')!;
      if (!store.has(keyOf(subnets, 'ovn-default'))) {
        store.set(keyOf(subnets, 'ovn-default'), {
          apiVersion: 'kubeovn.io/v1',
          kind: 'Subnet',
          metadata: { name: 'ovn-default', uid: 'subnet-ovn-default', resourceVersion: String(++resourceVersion) },
          spec: { cidrBlock: '10.16.0.0/16', gateway: '10.16.0.1', default: true },
          status: { conditions: [{ type: 'Ready', status: 'False', reason: 'Init' }] },
        });
      }
    }
    // The DaemonSet controller: one pod per node, none available yet.
    for (const ds of [...store.values()].filter((o) => o.kind === 'DaemonSet' && !o.status)) {
      const nodes = [...store.values()].filter((o) => o.kind === 'Node').length;
      (ds.metadata as Json).generation = 1;
      ds.status = { observedGeneration: 1, desiredNumberScheduled: nodes, currentNumberScheduled: nodes, updatedNumberScheduled: nodes, numberReady: 0, numberAvailable: 0 };
    }
    // virt-operator and cdi-operator start deploying once both they and their resource exist.
    const kv = get('kubevirt.io', 'kubevirts', 'kubevirt', 'kubevirt');
    if (kv && !kv.status && get('apps', 'deployments', 'virt-operator', 'kubevirt')) {
      kv.status = {
        phase: 'Deploying',
        conditions: [
          { type: 'Progressing', status: 'True' },
          { type: 'Available', status: 'False' },
        ],
      };
    }
    const cdi = get('cdi.kubevirt.io', 'cdis', 'cdi');
    if (cdi && !cdi.status && get('apps', 'deployments', 'cdi-operator', 'cdi')) {
      cdi.status = {
        phase: 'Deploying',
        conditions: [
          { type: 'Progressing', status: 'True' },
          { type: 'Available', status: 'False' },
        ],
      };
    }
  }

  /** A read of a stored object (answered as `apiVersion`): an operator makes progress between reads. */
  function observed(o: Json, apiVersion: string): Json {
    const st = o.status as { phase?: string; conditions?: Json[] } | undefined;
    const which = o.kind === 'KubeVirt' ? 'kubevirt' : o.kind === 'CDI' ? 'cdi' : undefined;
    if (which && st?.phase === 'Deploying' && ++reads[which] > readsUntilDeployed[which]) {
      o.status = {
        phase: 'Deployed',
        conditions: [
          { type: 'Available', status: 'True' },
          { type: 'Progressing', status: 'False' },
        ],
      };
    }
    if (which === 'kubevirt') kubevirtPhasesServed.push(((o.status as Json | undefined)?.phase as string | undefined) ?? '');
    if (o.kind === 'Subnet' && (o.metadata as Json).name === 'ovn-default' && ++reads.subnet > readsUntilDeployed.subnet) {
      o.status = {
        conditions: [
          { type: 'Validated', status: 'True' },
          { type: 'Ready', status: 'True', reason: 'ResetLogicalSwitchAclSuccess' },
        ],
      };
    }
    const ds = o.status as { desiredNumberScheduled?: number; numberAvailable?: number } | undefined;
    if (o.kind === 'DaemonSet' && ds && ++reads.daemonSet > readsUntilDeployed.daemonSet) {
      o.status = { ...ds, numberReady: ds.desiredNumberScheduled, numberAvailable: ds.desiredNumberScheduled };
    }
    return { ...o, apiVersion };
  }

  function discovery(group: string, version: string): Json | undefined {
    const served = types.filter((t) => t.group === group && t.versions.includes(version));
    if (served.length === 0) return undefined;
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: group ? `${group}/${version}` : version,
      resources: served.flatMap((t) => [
        { name: t.plural, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] },
        ...(t.group.endsWith('kubevirt.io') ? [{ name: `${t.plural}/status`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] }] : []),
      ]),
    };
  }

  function groups(): Json {
    const byGroup = new Map<string, Set<string>>();
    for (const t of types.filter((x) => x.group !== '')) {
      const set = byGroup.get(t.group) ?? new Set<string>();
      for (const v of t.versions) set.add(v);
      byGroup.set(t.group, set);
    }
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...byGroup].map(([name, versions]) => {
        const list = [...versions].map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
        return { name, versions: list, preferredVersion: list[0] };
      }),
    };
  }

  function handle(method: string, url: URL, contentType: string, body: string): [number, Json] {
    const p = url.pathname;
    if (p === '/version') return [200, { major: '1', minor: '34', gitVersion: 'v1.34.1' }];
    if (p === '/api') return [200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] }];
    if (p === '/apis') return [200, groups()];
    const m = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))(?:\/(.*))?$/.exec(p);
    if (!m) return [404, status(404, 'NotFound', 'the server could not find the requested resource')];
    const group = m[2] ?? '';
    const version = m[1] ?? m[3]!;
    const rest = (m[4] ?? '').split('/').filter(Boolean).map(decodeURIComponent);
    if (rest.length === 0) {
      const list = method === 'GET' ? discovery(group, version) : undefined;
      return list ? [200, list] : [404, status(404, 'NotFound', 'the server could not find the requested resource')];
    }
    let namespace: string | undefined;
    let plural: string;
    let name: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) [, namespace, plural, name] = rest as [string, string, string, string | undefined];
    else [plural, name] = rest as [string, string | undefined];
    const t = typeOf(group, version, plural);
    if (!t) return [404, status(404, 'NotFound', 'the server could not find the requested resource')];
    const apiVersion = group ? `${group}/${version}` : version;
    if (t.namespaced && namespace !== undefined && !store.has(keyOf(BUILT_IN[0]!, namespace)) && method !== 'GET') {
      return [404, status(404, 'NotFound', `namespaces "${namespace}" not found`)];
    }

    if (method === 'GET' && name === undefined) {
      const items = [...store.values()]
        .filter((o) => o.kind === t.kind)
        .filter((o) => !t.namespaced || namespace === undefined || (o.metadata as Json).namespace === namespace)
        .map((o) => observed(o, apiVersion));
      return [200, { apiVersion, kind: `${t.kind}List`, metadata: { resourceVersion: String(resourceVersion) }, items }];
    }
    if (method === 'GET') {
      const o = store.get(keyOf(t, name!, namespace));
      if (!o) return [404, status(404, 'NotFound', `${t.plural}${group ? `.${group}` : ''} "${name}" not found`)];
      return [200, observed(o, apiVersion)];
    }
    if (method === 'DELETE' && name !== undefined) {
      const key = keyOf(t, name, namespace);
      if (!store.delete(key)) return [404, status(404, 'NotFound', `${t.plural} "${name}" not found`)];
      return [200, { kind: 'Status', apiVersion: 'v1', status: 'Success' }];
    }

    let parsed: Json;
    try {
      // An apply body may be YAML or JSON (JSON is YAML).
      parsed = (contentType === 'application/apply-patch+yaml' ? parseYaml(body) : JSON.parse(body)) as Json;
    } catch (err) {
      return [400, status(400, 'BadRequest', `cannot decode the body: ${String(err)}`)];
    }
    const meta = (parsed.metadata ?? {}) as Json;
    const write = (kind: string): RecordedWrite => ({
      seq: requests.length - 1,
      method,
      path: p,
      contentType,
      query: Object.fromEntries(url.searchParams),
      kind,
      name: String(meta.name ?? name),
      ...(t.namespaced ? { namespace: namespace ?? (meta.namespace as string | undefined) } : {}),
      body: parsed,
    });

    if (method === 'POST' && name === undefined) {
      // As a real server, a create body may leave apiVersion and kind to the endpoint.
      if (parsed.kind !== undefined && parsed.kind !== t.kind) return [400, status(400, 'BadRequest', `the body's kind ${String(parsed.kind)} does not match ${t.kind}`)];
      if (t.namespaced && meta.namespace !== undefined && meta.namespace !== namespace) return [400, status(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request')];
      if (store.has(keyOf(t, String(meta.name), namespace))) return [409, status(409, 'AlreadyExists', `${t.plural} "${String(meta.name)}" already exists`)];
      creates.push(write(t.kind));
      const stored: Json = { ...parsed, apiVersion, kind: t.kind, metadata: { ...meta, ...(t.namespaced ? { namespace } : {}), uid: `uid-${resourceVersion}` } };
      delete stored.status;
      put(t, stored);
      return [201, stored];
    }
    if (method === 'PATCH' && name !== undefined) {
      const key = keyOf(t, name, namespace);
      const existing = store.get(key);
      if (contentType === 'application/apply-patch+yaml') {
        if (!url.searchParams.get('fieldManager')) return [422, status(422, 'Invalid', 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch')];
        if (parsed.apiVersion !== apiVersion || parsed.kind !== t.kind) {
          return [400, status(400, 'BadRequest', `the apply body is ${String(parsed.apiVersion)} ${String(parsed.kind)}, the path serves ${apiVersion} ${t.kind}`)];
        }
        if (meta.name !== name) return [400, status(400, 'BadRequest', 'the name of the object does not match the name on the URL')];
        if (t.namespaced && meta.namespace !== undefined && meta.namespace !== namespace) return [400, status(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request')];
        applies.push(write(t.kind));
        const { status: _ignored, ...applied } = parsed;
        const next = mergePatch(existing ?? {}, applied) as Json;
        next.metadata = { ...(next.metadata as Json), ...(t.namespaced ? { namespace } : {}), uid: (existing?.metadata as Json | undefined)?.uid ?? `uid-${resourceVersion}` };
        if (existing?.status) next.status = existing.status;
        put(t, next);
        return [existing ? 200 : 201, next];
      }
      if (contentType === 'application/merge-patch+json') {
        if (!existing) return [404, status(404, 'NotFound', `${t.plural} "${name}" not found`)];
        mergePatches.push(write(t.kind));
        const { status: _ignored, ...patch } = parsed;
        const next = mergePatch(existing, patch) as Json;
        next.status = existing.status;
        put(t, next);
        return [200, next];
      }
      return [
        415,
        status(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`),
      ];
    }
    return [405, status(405, 'MethodNotAllowed', `${method} is not supported here`)];
  }

  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      requests.push(`${req.method} ${url.pathname}`);
      const [code, value] =
        req.headers.authorization === `Bearer ${token}`
          ? handle(req.method ?? 'GET', url, (req.headers['content-type'] ?? '').split(';')[0]!.trim(), body)
          : ([401, status(401, 'Unauthorized', 'Unauthorized')] as [number, Json]);
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    requests,
    applies,
    creates,
    mergePatches,
    establishedAt,
    kubevirtPhasesServed,
    readsUntilDeployed,
    object: get,
    namespaces: () => [...store.values()].filter((o) => o.kind === 'Namespace').map((o) => String((o.metadata as Json).name)),
    close: () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}
