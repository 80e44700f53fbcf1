/**
 * What the harness offers tests of a client against states they choose: no controllers (objects
 * stay as written), the request log, injected answers (a status, a body, a lost answer, a refused
 * upgrade), and pod and VMI ends played by servers the test runs.
 */
import https from 'node:https';
import net from 'node:net';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KUBEVIRT_PROTOCOL, startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';

let harness: KubeHarness;
let kc: KubeConfig;
let core: CoreV1Api;
let echo: net.Server;
let echoPort: number;

beforeAll(async () => {
  harness = await startKubeHarness({ accelerator: 'tcg', controllers: [] });
  kc = harness.kubeConfig();
  core = kc.makeApiClient(CoreV1Api);
  await harness.createNamespace('played');
  echo = net.createServer((s) => {
    s.on('error', () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoPort = (echo.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await harness?.close();
  echo?.close();
});

describe('test controls of the kube harness', () => {
  it('without controllers a DataVolume stays as written, and putObject/updateObject write status as a controller would', async () => {
    const dv = harness.putObject({
      apiVersion: 'cdi.kubevirt.io/v1beta1',
      kind: 'DataVolume',
      metadata: { name: 'still', namespace: 'played' },
      spec: { source: { blank: {} }, storage: { resources: { requests: { storage: '1Gi' } } } },
      status: { phase: 'ImportInProgress' },
    });
    await harness.settled();
    const ref = { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', namespace: 'played', name: 'still' };
    expect(harness.getObject(ref)).toMatchObject({ status: { phase: 'ImportInProgress' } });
    expect(harness.objects().some((o) => o.kind === 'PersistentVolumeClaim' && o.namespace === 'played')).toBe(false);
    const updated = harness.updateObject(ref, (o) => void (o.status = { phase: 'Succeeded' }))!;
    expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(dv.metadata.resourceVersion));
    expect(updated.metadata.uid).toBe(dv.metadata.uid);
  });

  it('logs requests with their query and body, and answers injected statuses first, in order', async () => {
    harness.clearRequests();
    harness.injectResponse({ method: 'POST', path: /\/configmaps$/, status: 429, message: 'slow down' });
    harness.injectResponse({ method: 'POST', path: /\/configmaps$/, status: 200, body: { kind: 'Anything' } });
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } };
    const first = await core.createNamespacedConfigMap({ namespace: 'played', body }).catch((e: unknown) => e);
    expect((first as { code?: number }).code).toBe(429);
    expect(JSON.parse((first as { body: string }).body)).toMatchObject({ kind: 'Status', code: 429, reason: 'TooManyRequests', message: 'slow down' });
    expect(await core.createNamespacedConfigMap({ namespace: 'played', body })).toMatchObject({ kind: 'Anything' });
    await core.createNamespacedConfigMap({ namespace: 'played', body, fieldManager: 'me' });
    const posts = harness.requests().filter((r) => r.method === 'POST');
    expect(posts.map((r) => r.path)).toEqual(Array(3).fill('/api/v1/namespaces/played/configmaps'));
    expect(posts.every((r) => (r.body as { data?: unknown }).data !== undefined)).toBe(true);
    expect(posts[2]!.query.get('fieldManager')).toBe('me');
    expect(harness.getObject({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'played', name: 'c' })).toBeDefined();
  });

  it('a lost answer serves the request and never answers it', async () => {
    harness.injectResponse({ method: 'POST', path: /\/configmaps$/, lostAnswer: true });
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'lost' } };
    const sent = new Promise<string>((resolve) => {
      const req = https.request(`${harness.url}/api/v1/namespaces/played/configmaps`, {
        method: 'POST',
        ca: harness.caCert,
        headers: { authorization: `Bearer ${harness.token}`, 'content-type': 'application/json' },
        timeout: 500,
      });
      req.once('response', () => resolve('answered'));
      req.once('timeout', () => {
        req.destroy();
        resolve('no answer');
      });
      req.once('error', () => undefined);
      req.end(JSON.stringify(body));
    });
    expect(await sent).toBe('no answer');
    expect(harness.getObject({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'played', name: 'lost' })).toBeDefined();
  });

  it('plays a VMI port and refuses an upgrade when told to, counting the frames the client sent', async () => {
    harness.playVmi('played', 'guest', { ports: { 22: { host: '127.0.0.1', port: echoPort } } });
    const url = `${harness.url.replace('https', 'wss')}/apis/subresources.kubevirt.io/v1/namespaces/played/virtualmachineinstances/guest/portforward/22/tcp`;
    const open = () => new WebSocket(url, [KUBEVIRT_PROTOCOL], { headers: { authorization: `Bearer ${harness.token}` }, ca: harness.caCert });
    harness.injectResponse({ upgrade: true, path: /\/portforward\/22\/tcp$/, status: 400, message: 'no network interfaces are present' });
    const refused = await new Promise<number>((resolve) => open().once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(refused).toBe(400);
    const ws = open();
    await new Promise((r) => ws.once('open', r));
    const back = new Promise<Buffer>((r) => ws.once('message', (d) => r(d as Buffer)));
    ws.send('dropped text');
    ws.send(Buffer.from('ping'));
    expect((await back).toString()).toBe('ping');
    ws.close();
    const upgrades = harness.requests().filter((r) => r.upgrade);
    expect(upgrades.map((r) => r.protocols[0])).toEqual([KUBEVIRT_PROTOCOL, KUBEVIRT_PROTOCOL]);
    expect(upgrades[1]!.frames).toEqual({ text: 1, binary: 1 });
    // A port the test did not play is virt-api's dialing error.
    harness.playVmi('played', 'guest', { ports: {} });
    const closed = await new Promise<number>((resolve) => open().once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(closed).toBe(500);
  });
});
