/**
 * One real guest through the harness, the way the kubevirt engine drives a cluster: the rendered
 * quickstart run (root ConfigMap owning everything, upload DataVolume, file-server Secret and Pod,
 * VirtualMachine) is created with owner references; the test guest (test/fixtures/guest) is
 * uploaded through CDI's upload proxy; the VM boots it under QEMU; the VNC websocket
 * (plain.kubevirt.io) shows the RFB banner and takes the boot command that points the guest at the
 * file server's pod IP; the guest fetches its seed from that pod, and SSH answers through the
 * port-forward websocket, where the build's shutdown command powers the guest off (VMI Succeeded).
 * Then its disk is captured by a clone, and deleting the root ConfigMap removes every object and
 * process of the run.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CoreV1Api, CustomObjectsApi, KubernetesObjectApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'ssh2';
import WebSocket, { createWebSocketStream } from 'ws';
import { memoryLogger } from '../../../src/core/log.js';
import { loadBuild } from '../../../src/core/config/load.js';
import { collectLocalInputs } from '../../../src/engines/kubevirt/manifests/local-files.js';
import { withOwner } from '../../../src/engines/kubevirt/manifests/owners.js';
import { renderBuild } from '../../../src/engines/kubevirt/manifests/render.js';
import { renderOptions } from '../../../src/engines/kubevirt/manifests/render-options.js';
import { GUEST, ensureGuestImage } from '../../fixtures/guest.js';
import { repoRoot } from '../../helpers/node24.js';
import { KUBEVIRT_PROTOCOL, startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';
import { DV, VM, VMI, getCustom, httpsRequest, waitFor, waitGone, type Loose } from './helpers.js';
import { RfbKeyboard } from '../../integration/local/rfb-keys.js';

let harness: KubeHarness;
let kc: KubeConfig;
let core: CoreV1Api;
let image: string;
const { logger, lines } = memoryLogger();

beforeAll(async () => {
  image = await ensureGuestImage({ logger });
  harness = await startKubeHarness({ logger });
  kc = harness.kubeConfig();
  core = kc.makeApiClient(CoreV1Api);
}, 600_000);

afterAll(async () => {
  await harness?.close();
});

/** A websocket to a KubeVirt subresource, as the engine opens it. */
async function subresourceSocket(path: string): Promise<WebSocket> {
  const ws = new WebSocket(`${harness.url.replace('https:', 'wss:')}${path}`, [KUBEVIRT_PROTOCOL], {
    ca: harness.caCert,
    headers: { authorization: `Bearer ${harness.token}` },
    perMessageDeflate: false,
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
  expect(ws.protocol).toBe(KUBEVIRT_PROTOCOL);
  return ws;
}

/** The first `n` bytes a websocket sends (binary frames). */
function firstBytes(ws: WebSocket, n: number, ms = 30_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => reject(new Error(`only ${buf.length} of ${n} bytes in ${ms} ms: ${JSON.stringify(buf.toString('latin1'))}`)), ms);
    ws.on('message', (data: Buffer, binary) => {
      expect(binary).toBe(true);
      buf = Buffer.concat([buf, data]);
      if (buf.length >= n) {
        clearTimeout(timer);
        resolve(buf.subarray(0, n));
      }
    });
  });
}

/** Waits until the guest's console log (the launcher's guest-console-log container) shows `text`. */
async function consoleShows(namespace: string, pod: string, text: string | RegExp, ms = GUEST.bootTimeoutMs): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const log = await core.readNamespacedPodLog({ namespace, name: pod, container: 'guest-console-log' });
    if (typeof text === 'string' ? log.includes(text) : text.test(log)) return log;
    if (Date.now() > deadline) throw new Error(`the guest console never showed ${String(text)}; last lines:\n${log.split('\n').slice(-15).join('\n')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('a VirtualMachine on the kube harness', () => {
  it('boots the test guest, with VNC, the console log, the file server and SSH through the API server', async () => {
    const ns = await harness.createNamespace();
    const build = loadBuild(`${repoRoot}/examples/quickstart.yaml`, { env: {} });
    const run = renderBuild(build, collectLocalInputs(build), renderOptions({ runId: 'it', namespace: ns }));
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const root = (await objects.create(run.root as unknown as KubernetesObject)) as Loose;
    const uids = { run: { apiVersion: 'v1', kind: 'ConfigMap', name: root.metadata.name, uid: root.metadata.uid }, vpcs: new Map() };
    for (const o of run.objects.filter((x) => x.step === 'prepare' || x.step === 'start')) await objects.create(withOwner(o, uids) as unknown as KubernetesObject);
    const names = run.vms[0]!.names;

    // The root disk: the guest image pushed through CDI's upload proxy.
    await waitFor(kc, DV, ns, names.rootDisk, (o) => o.status?.phase === 'UploadReady');
    const token = (await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
      group: 'upload.cdi.kubevirt.io',
      version: 'v1beta1',
      namespace: ns,
      plural: 'uploadtokenrequests',
      body: { apiVersion: 'upload.cdi.kubevirt.io/v1beta1', kind: 'UploadTokenRequest', metadata: { name: 'root' }, spec: { pvcName: names.rootDisk } },
    })) as Loose;
    const upload = await httpsRequest(`${harness.uploadProxyUrl}/v1beta1/upload`, { method: 'POST', ca: harness.caCert, headers: { authorization: `Bearer ${token.status.token}` }, body: readFileSync(image) });
    expect(upload.status).toBe(200);

    // runStrategy Once: the VMI starts as soon as its disk is there.
    const vmi = (await waitFor(kc, VMI, ns, names.vm, (o) => o.status?.phase === 'Running', 120_000)).object;
    expect(vmi.status.interfaces[0].ipAddress).toMatch(/^10\.0\.2\.\d+$/);
    const launcher = (await core.listNamespacedPod({ namespace: ns, labelSelector: `kubevirt.io/created-by=${vmi.metadata.uid}` })).items[0]!;
    expect(launcher.status?.phase).toBe('Running');
    await consoleShows(ns, launcher.metadata!.name!, GUEST.bootPrompt);

    const vncPath = `/apis/subresources.kubevirt.io/v1/namespaces/${ns}/virtualmachineinstances/${names.vm}/vnc`;
    const first = await subresourceSocket(vncPath);
    expect((await firstBytes(first, 12)).toString('latin1')).toBe('RFB 003.008\n');
    // preserveSession=true refuses to take over (virt-api's 500 around virt-handler's 503,
    // kubevirt/kubevirt pkg/virt-handler/rest/console.go@v1.9.0); the default takes the session over.
    await expect(subresourceSocket(`${vncPath}?preserveSession=true`)).rejects.toThrow(/500/);
    const second = await subresourceSocket(vncPath);
    const { keyboard } = await RfbKeyboard.connect(createWebSocketStream(second));
    const server = await core.readNamespacedPod({ namespace: ns, name: names.httpServer! });
    await keyboard.type(GUEST.bootLine(`http://${server.status!.podIP}:${run.vms[0]!.httpPort}/seed.sh`).replace('\r', '\n'));
    keyboard.close();
    first.close();

    // A screenshot (PNG) and the serial console, both through virt-api's paths
    // (kubevirt/kubevirt pkg/virt-api/api.go@v1.9.0: vnc/screenshot and console subresource routes).
    const shot = await httpsRequest(`${harness.url}${vncPath}/screenshot`, { ca: harness.caCert, headers: { authorization: `Bearer ${harness.token}` } });
    expect(shot.status).toBe(200);
    expect(shot.body.subarray(1, 4).toString('latin1')).toBe('PNG');
    const serial = await subresourceSocket(`/apis/subresources.kubevirt.io/v1/namespaces/${ns}/virtualmachineinstances/${names.vm}/console`);
    expect((await firstBytes(serial, 1)).length).toBe(1);
    serial.close();

    // The seed comes from the file-server pod, at its pod IP and the port of its spec.
    await consoleShows(ns, launcher.metadata!.name!, GUEST.milestones.seedFetched);
    await consoleShows(ns, launcher.metadata!.name!, GUEST.milestones.sshReady);
    // The VM-level port-forward reaches the same guest.
    const ssh = await subresourceSocket(`/apis/subresources.kubevirt.io/v1/namespaces/${ns}/virtualmachines/${names.vm}/portforward/${GUEST.sshPort}/tcp`);
    expect((await firstBytes(ssh, 8)).toString('latin1')).toBe('SSH-2.0-');
    ssh.close();

    // The build's shutdownCommand, over SSH through a second port-forward: the guest powers off,
    // the VMI ends Succeeded, and runStrategy Once does not start it again.
    const tunnel = createWebSocketStream(await subresourceSocket(`/apis/subresources.kubevirt.io/v1/namespaces/${ns}/virtualmachineinstances/${names.vm}/portforward/${GUEST.sshPort}/tcp`));
    await new Promise<void>((resolve, reject) => {
      const client = new Client();
      client.once('ready', () => {
        client.exec('poweroff', (err, stream) => {
          if (err) return reject(err);
          stream
            .on('data', () => undefined)
            .once('close', () => {
              client.end();
              resolve();
            });
        });
      });
      client.once('error', (err) => (/ECONNRESET|closed|ended/i.test(err.message) ? resolve() : reject(err)));
      client.connect({ sock: tunnel, username: GUEST.rootUser, password: 'rv-quickstart-pw', readyTimeout: 30_000 });
    });
    const finished = (await waitFor(kc, VMI, ns, names.vm, (o) => o.status?.phase === 'Succeeded', 60_000)).object;
    expect(finished.status.conditions[0]).toMatchObject({ type: 'Ready', status: 'False' });
    expect((await waitFor(kc, VM, ns, names.vm, (o) => o.status?.printableStatus === 'Stopped')).object.spec.runStrategy).toBe('Once');
    await consoleShows(ns, launcher.metadata!.name!, GUEST.milestones.cleanShutdown);
    await harness.settled();
    expect(harness.objects().filter((o) => o.kind === 'VirtualMachineInstance' && o.namespace === ns)).toHaveLength(1);

    // Capture: the rendered clone of the root disk, which a running VM would hold back.
    for (const o of run.objects.filter((x) => x.step === 'capture')) await objects.create(withOwner(o, uids) as unknown as KubernetesObject);
    const output = run.vms[0]!.output.name;
    await waitFor(kc, DV, ns, output, (o) => o.status?.phase === 'Succeeded', 60_000);
    execFileSync('qemu-img', ['compare', '-q', '-f', 'raw', '-F', 'raw', harness.claimFile(ns, names.rootDisk), harness.claimFile(ns, output)]);
    expect(await getCustom(kc, DV, ns, output)).toMatchObject({ status: { progress: '100.0%' } });

    // Deleting the root removes the run: DataVolumes, claims, pods, the VM.
    await core.deleteNamespacedConfigMap({ namespace: ns, name: root.metadata.name });
    for (const o of harness.leftovers(ns).filter((x) => x.kind !== 'Namespace' && x.kind !== 'Event')) await waitGone(harness, o.kind, ns, o.name);
    await harness.deleteNamespace(ns);
    expect(harness.leftovers(ns)).toEqual([]);
    const qemu = execFileSync('ps', ['-eo', 'args'])
      .toString()
      .split('\n')
      .filter((l) => l.includes(`guest=${names.vm}`));
    expect(qemu).toEqual([]);
  }, 480_000);

  it('logged nothing alarming', () => {
    expect(lines.filter((l) => l.startsWith('error:'))).toEqual([]);
  });
});
