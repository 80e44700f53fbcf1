/**
 * The harness's REST conventions, seen through @kubernetes/client-node (a client we did not
 * write): CRUD and the four patch types, generateName, resourceVersion conflicts, Status objects
 * for 404/409/422 and 400 strict decoding, the status subresource split, list selectors and
 * pagination, discovery, and SelfSubjectAccessReviews with denials.
 */
import https from 'node:https';
import { ApiException, ApisApi, AuthorizationV1Api, CoreV1Api, CustomObjectsApi, KubernetesObjectApi, PatchStrategy, setHeaderOptions, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';

let harness: KubeHarness;
let kc: KubeConfig;
let core: CoreV1Api;
let custom: CustomObjectsApi;

beforeAll(async () => {
  harness = await startKubeHarness({ accelerator: 'tcg' });
  kc = harness.kubeConfig();
  core = kc.makeApiClient(CoreV1Api);
  custom = kc.makeApiClient(CustomObjectsApi);
});

afterAll(async () => {
  await harness?.close();
});

/** The Status a call failed with (client-node keeps the body as text). */
async function failure(call: Promise<unknown>): Promise<{ code: number; status: { reason?: string; message?: string; code?: number; details?: { causes?: { field?: string }[] } } }> {
  try {
    await call;
  } catch (err) {
    if (err instanceof ApiException) return { code: err.code, status: typeof err.body === 'string' ? JSON.parse(err.body) : (err.body as object) };
    throw err;
  }
  throw new Error('expected the call to fail');
}

/** A request without client-node's serializer in between. */
function raw(method: string, path: string, body?: unknown): Promise<{ status: number; body: { message?: string; reason?: string; spec?: Record<string, unknown> }; warning?: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(`${harness.url}${path}`, { method, ca: harness.caCert, headers: { authorization: `Bearer ${harness.token}`, 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      const warning = res.headers.warning;
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {}, ...(warning ? { warning: String(warning) } : {}) }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const vm = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'kubevirt.io/v1',
  kind: 'VirtualMachine',
  metadata: { name },
  spec: {
    runStrategy: 'Halted',
    template: { spec: { domain: { devices: { disks: [{ name: 'root', disk: { bus: 'virtio' } }] }, memory: { guest: '64Mi' } }, volumes: [{ name: 'root', persistentVolumeClaim: { claimName: 'root' } }] } },
    ...extra,
  },
});

describe('kube harness REST conventions', () => {
  it('creates, reads, lists, replaces and deletes a built-in kind', async () => {
    const ns = await harness.createNamespace();
    const created = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'settings', labels: { app: 'a' } }, data: { k: 'v' } } });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    const rv = Number(created.metadata?.resourceVersion);
    expect(rv).toBeGreaterThan(0);

    const read = await core.readNamespacedConfigMap({ namespace: ns, name: 'settings' });
    expect(read.data).toEqual({ k: 'v' });
    const replaced = await core.replaceNamespacedConfigMap({ namespace: ns, name: 'settings', body: { ...read, data: { k: 'w' } } });
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(rv);
    expect(replaced.data).toEqual({ k: 'w' });

    const list = await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'app=a' });
    expect(list.items.map((i) => i.metadata?.name)).toEqual(['settings']);
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThanOrEqual(Number(replaced.metadata?.resourceVersion));
    expect((await core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'app!=a' })).items).toEqual([]);

    const status = await core.deleteNamespacedConfigMap({ namespace: ns, name: 'settings' });
    expect(status.status).toBe('Success');
    const gone = await failure(core.readNamespacedConfigMap({ namespace: ns, name: 'settings' }));
    expect(gone.code).toBe(404);
    expect(gone.status).toMatchObject({ kind: 'Status', reason: 'NotFound', message: 'configmaps "settings" not found', code: 404 });
  });

  it('answers 409 AlreadyExists, 409 Conflict on a stale resourceVersion, and fills generateName', async () => {
    const ns = await harness.createNamespace();
    await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 's' }, stringData: { token: 'abc' } } });
    const again = await failure(core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 's' } } }));
    expect(again.code).toBe(409);
    expect(again.status).toMatchObject({ reason: 'AlreadyExists', message: 'secrets "s" already exists' });

    const secret = await core.readNamespacedSecret({ namespace: ns, name: 's' });
    // stringData is write-only: it lands base64-encoded in data.
    expect(secret.data).toEqual({ token: Buffer.from('abc').toString('base64') });
    expect(secret.stringData).toBeUndefined();
    await core.replaceNamespacedSecret({ namespace: ns, name: 's', body: { ...secret, data: { token: 'eHl6' } } });
    const stale = await failure(core.replaceNamespacedSecret({ namespace: ns, name: 's', body: { ...secret, data: { token: 'cXJz' } } }));
    expect(stale.code).toBe(409);
    expect(stale.status.reason).toBe('Conflict');
    expect(stale.status.message).toContain('the object has been modified');

    const generated = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { generateName: 'cfg-' } } });
    expect(generated.metadata?.name).toMatch(/^cfg-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('rejects unknown fields under fieldValidation=Strict (400 strict decoding) and wrong types and bad names (422) with the field path', async () => {
    const ns = await harness.createNamespace();
    const unknown = await failure(
      custom.createNamespacedCustomObject({ group: 'kubevirt.io', version: 'v1', namespace: ns, plural: 'virtualmachines', fieldValidation: 'Strict', body: vm('typo', { runStategy: 'Always' }) }),
    );
    expect(unknown.code).toBe(400);
    expect(unknown.status.message).toBe('VirtualMachine in version "v1" cannot be handled as a VirtualMachine: strict decoding error: unknown field "spec.runStategy"');

    const wrongType = vm('cores');
    (wrongType.spec.template.spec.domain as Record<string, unknown>).cpu = { cores: 'two' };
    const invalid = await failure(custom.createNamespacedCustomObject({ group: 'kubevirt.io', version: 'v1', namespace: ns, plural: 'virtualmachines', body: wrongType }));
    expect(invalid.code).toBe(422);
    expect(invalid.status.reason).toBe('Invalid');
    expect(invalid.status.message).toContain('spec.template.spec.domain.cpu.cores');
    expect(invalid.status.details?.causes?.[0]?.field).toBe('spec.template.spec.domain.cpu.cores');

    // client-node's typed clients drop unknown fields before sending; a raw request keeps them.
    const coreUnknown = await raw('POST', `/api/v1/namespaces/${ns}/pods?fieldValidation=Strict`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: 'busybox', bogus: 1 }] },
    });
    expect(coreUnknown.status).toBe(400);
    expect(coreUnknown.body.message).toBe('Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].bogus"');
    const coreType = await raw('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'n', labels: { a: 1 } } });
    expect(coreType.status).toBe(400);
    expect(coreType.body.message).toContain('cannot unmarshal number into Go struct field metadata.labels[a] of type string');

    const badName = await failure(core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'Not_A_Name' } } }));
    expect(badName.code).toBe(422);
    expect(badName.status.message).toContain('metadata.name: Invalid value: "Not_A_Name"');

    // KubeVirt's webhook: a disk without a volume.
    const webhook = vm('nodisk');
    webhook.spec.template.spec.volumes = [];
    const denied = await failure(custom.createNamespacedCustomObject({ group: 'kubevirt.io', version: 'v1', namespace: ns, plural: 'virtualmachines', body: webhook }));
    expect(denied.code).toBe(422);
    expect(denied.status.message).toContain('admission webhook "virtualmachine-validator.kubevirt.io" denied the request');

    // Without fieldValidation a real server (Kubernetes 1.25+) warns: it keeps the object, drops the
    // field and says so only in a Warning header — as CDI v1.64.0's DataVolume CRD drops
    // spec.source.http.checksum (kubevirt/containerized-data-importer pkg/operator/resources/crds_generated.go).
    const warned = await raw('POST', `/apis/kubevirt.io/v1/namespaces/${ns}/virtualmachines`, vm('warned', { runStategy: 'x' }));
    expect(warned.status).toBe(201);
    expect(warned.body.spec?.runStategy).toBeUndefined();
    expect(warned.warning).toContain('unknown field \\"spec.runStategy\\"');
  });

  it('patches with merge, JSON, strategic merge and server-side apply', async () => {
    const ns = await harness.createNamespace();
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: 'web', labels: { a: '1' } },
        spec: {
          containers: [
            { name: 'c', image: 'busybox', env: [{ name: 'A', value: '1' }] },
            { name: 'd', image: 'busybox' },
          ],
        },
      },
    });
    const strategic = await core.patchNamespacedPod(
      { namespace: ns, name: 'web', body: { spec: { containers: [{ name: 'c', env: [{ name: 'B', value: '2' }] }] } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    // Lists merge by their key: container c gains an env var, container d stays.
    expect(strategic.spec?.containers.map((c) => c.name)).toEqual(['c', 'd']);
    expect(strategic.spec?.containers[0]?.env?.map((e) => e.name)).toEqual(['A', 'B']);

    const merged = await core.patchNamespacedPod({ namespace: ns, name: 'web', body: { metadata: { labels: { a: null, b: '2' } } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect(merged.metadata?.labels).toEqual({ b: '2' });
    const json = await core.patchNamespacedPod({ namespace: ns, name: 'web', body: [{ op: 'add', path: '/metadata/annotations', value: { x: 'y' } }] }, setHeaderOptions('Content-Type', PatchStrategy.JsonPatch));
    expect(json.metadata?.annotations).toEqual({ x: 'y' });

    await custom.createNamespacedCustomObject({ group: 'kubevirt.io', version: 'v1', namespace: ns, plural: 'virtualmachines', body: vm('applied') });
    const smp = await failure(
      custom.patchNamespacedCustomObject(
        { group: 'kubevirt.io', version: 'v1', namespace: ns, plural: 'virtualmachines', name: 'applied', body: { spec: {} } },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      ),
    );
    expect(smp.code).toBe(415);

    // Server-side apply: create, update, and a conflict between two managers.
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied', namespace: ns }, data: { a: '1', b: '2' } };
    await objects.patch(cm as KubernetesObject, undefined, undefined, 'tester', false, PatchStrategy.ServerSideApply);
    const second = (await objects.patch({ ...cm, data: { a: '1' } } as KubernetesObject, undefined, undefined, 'tester', false, PatchStrategy.ServerSideApply)) as KubernetesObject & { data?: Record<string, string> };
    // b was applied by the same manager and is no longer: it goes.
    expect(second.data).toEqual({ a: '1' });
    expect(second.metadata?.managedFields?.[0]).toMatchObject({ manager: 'tester', operation: 'Apply' });
    const clash = await failure(objects.patch({ ...cm, data: { a: '9' } } as KubernetesObject, undefined, undefined, 'other', false, PatchStrategy.ServerSideApply));
    expect(clash.code).toBe(409);
    expect(clash.status.message).toContain('conflict with "tester"');
    const forced = (await objects.patch({ ...cm, data: { a: '9' } } as KubernetesObject, undefined, undefined, 'other', true, PatchStrategy.ServerSideApply)) as { data?: Record<string, string> };
    expect(forced.data).toEqual({ a: '9' });
  });

  it('keeps spec and status apart: the main resource ignores status, /status ignores the rest', async () => {
    const ns = await harness.createNamespace();
    await custom.createNamespacedCustomObject({ group: 'kubevirt.io', version: 'v1', namespace: ns, plural: 'virtualmachines', body: { ...vm('split'), status: { printableStatus: 'Running' } } });
    await harness.settled();
    const read = (await custom.getNamespacedCustomObject({ group: 'kubevirt.io', version: 'v1', namespace: ns, plural: 'virtualmachines', name: 'split' })) as {
      metadata: { generation: number };
      status: { printableStatus: string };
    };
    expect(read.status.printableStatus).toBe('Stopped');
    const patched = (await custom.patchNamespacedCustomObjectStatus(
      { group: 'kubevirt.io', version: 'v1', namespace: ns, plural: 'virtualmachines', name: 'split', body: { spec: { runStrategy: 'Always' }, status: { printableStatus: 'Unknown' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as { spec: { runStrategy: string }; status: { printableStatus: string }; metadata: { generation: number } };
    expect(patched.spec.runStrategy).toBe('Halted');
    expect(patched.status.printableStatus).toBe('Unknown');
    expect(patched.metadata.generation).toBe(read.metadata.generation);
    const spec = (await custom.patchNamespacedCustomObject(
      { group: 'kubevirt.io', version: 'v1', namespace: ns, plural: 'virtualmachines', name: 'split', body: { metadata: { labels: { x: 'y' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as { metadata: { generation: number } };
    // Metadata is not spec: the generation stays.
    expect(spec.metadata.generation).toBe(read.metadata.generation);
  });

  it('pages lists with limit and continue, and selects by field', async () => {
    const ns = await harness.createNamespace();
    for (const n of ['a', 'b', 'c', 'd', 'e']) await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: n } } });
    const first = await core.listNamespacedConfigMap({ namespace: ns, limit: 2 });
    expect(first.items.map((i) => i.metadata?.name)).toEqual(['a', 'b']);
    expect(first.metadata?.remainingItemCount).toBe(3);
    const second = await core.listNamespacedConfigMap({ namespace: ns, limit: 2, _continue: first.metadata?._continue });
    expect(second.items.map((i) => i.metadata?.name)).toEqual(['c', 'd']);
    const byName = await core.listNamespacedConfigMap({ namespace: ns, fieldSelector: 'metadata.name=e' });
    expect(byName.items.map((i) => i.metadata?.name)).toEqual(['e']);
    const bad = await failure(core.listNamespacedConfigMap({ namespace: ns, fieldSelector: 'data.x=1' }));
    expect(bad.code).toBe(400);
  });

  it('serves discovery for exactly its groups, and KubernetesObjectApi resolves kinds through it', async () => {
    const groups = await kc.makeApiClient(ApisApi).getAPIVersions();
    expect(groups.groups.map((g) => g.name).sort()).toEqual(
      [
        'apiextensions.k8s.io',
        'apps',
        'authorization.k8s.io',
        'cdi.kubevirt.io',
        'export.kubevirt.io',
        'k8s.cni.cncf.io',
        'kubeovn.io',
        'kubevirt.io',
        'rbac.authorization.k8s.io',
        'scheduling.k8s.io',
        'snapshot.kubevirt.io',
        'snapshot.storage.k8s.io',
        'storage.k8s.io',
        'subresources.kubevirt.io',
        'upload.cdi.kubevirt.io',
      ].sort(),
    );
    const exportGroup = groups.groups.find((g) => g.name === 'export.kubevirt.io');
    expect(exportGroup?.preferredVersion?.version).toBe('v1');
    expect(exportGroup?.versions.map((v) => v.version)).toEqual(['v1', 'v1beta1']);
    const ovn = await custom.getAPIResources({ group: 'kubeovn.io', version: 'v1' });
    expect(ovn.resources.map((r) => r.name)).toContain('vpc-egress-gateways/scale');

    const ns = await harness.createNamespace();
    const objects = KubernetesObjectApi.makeApiClient(kc);
    await objects.create({
      apiVersion: 'export.kubevirt.io/v1beta1',
      kind: 'VirtualMachineExport',
      metadata: { name: 'ex', namespace: ns },
      spec: { source: { kind: 'PersistentVolumeClaim', name: 'none' } },
    } as KubernetesObject);
    // Stored once, readable in either served version.
    const v1 = await objects.read({ apiVersion: 'export.kubevirt.io/v1', kind: 'VirtualMachineExport', metadata: { name: 'ex', namespace: ns } });
    expect(v1.apiVersion).toBe('export.kubevirt.io/v1');
  });

  it('answers access reviews, and denied requests are 403 Forbidden', async () => {
    const ns = await harness.createNamespace();
    const authz = kc.makeApiClient(AuthorizationV1Api);
    const review = (verb: string, resource: string, group = '') =>
      authz.createSelfSubjectAccessReview({ body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { namespace: ns, verb, group, resource } } } });
    expect((await review('create', 'secrets')).status?.allowed).toBe(true);
    harness.setDenials([{ verb: 'create', resource: 'secrets' }]);
    try {
      const denied = await review('create', 'secrets');
      expect(denied.status).toMatchObject({ allowed: false });
      expect((await review('delete', 'secrets')).status?.allowed).toBe(true);
      const refused = await failure(core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'x' } } }));
      expect(refused.code).toBe(403);
      expect(refused.status.message).toContain('cannot create resource "secrets" in API group "" in the namespace');
    } finally {
      harness.setDenials([]);
    }
  });

  it('refuses requests without the bearer token', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      https
        .get(`${harness.url}/api/v1/namespaces`, { ca: harness.caCert }, (r) => {
          r.resume();
          resolve(r.statusCode ?? 0);
        })
        .on('error', reject);
    });
    expect(status).toBe(401);
  });
});
