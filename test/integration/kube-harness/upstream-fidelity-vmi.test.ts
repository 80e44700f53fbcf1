/**
 * Upstream behaviour that needs a running QEMU: a VMI whose guest ignores the ACPI power button
 * (here: no operating system at all, SeaBIOS finds nothing to boot) is killed after its grace
 * period and ends Failed, with its launcher pod; a running VMI's status.interfaces and its VNC
 * session. Three guests boot (TCG); run this file on its own.
 */
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { KUBEVIRT_PROTOCOL, startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';
import { VMI, blankDisk, createCustom, waitFor, type Loose } from './helpers.js';

let harness: KubeHarness;
let kc: KubeConfig;

beforeAll(async () => {
  harness = await startKubeHarness({ accelerator: 'tcg' });
  kc = harness.kubeConfig();
});

afterAll(async () => {
  await harness?.close();
});

describe('a guest killed after its grace period (kubevirt/kubevirt v1.9.0)', () => {
  // pkg/virt-handler/vm.go calculateVmPhaseForStatusReason: ReasonDestroyed with ACPI tried is Failed
  // ("destroyed after the graceperiod expired"); ReasonShutdown is Succeeded.
  it('ends Failed, and so does its launcher pod', async () => {
    const ns = await harness.createNamespace();
    await blankDisk(kc, ns, 'empty');
    await createCustom(kc, VMI, ns, {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstance',
      metadata: { name: 'deaf' },
      spec: {
        terminationGracePeriodSeconds: 2,
        domain: { devices: { disks: [{ name: 'root', disk: { bus: 'virtio' } }] }, resources: { requests: { memory: '64Mi' } } },
        volumes: [{ name: 'root', persistentVolumeClaim: { claimName: 'empty' } }],
      },
    });
    const { object: running } = await waitFor(kc, VMI, ns, 'deaf', (o) => o.status?.phase === 'Running', 120_000);
    const core = kc.makeApiClient(CoreV1Api);
    const launcher = (await core.listNamespacedPod({ namespace: ns, labelSelector: `kubevirt.io/created-by=${running.metadata.uid}` })).items[0]!;
    const seenPhases: string[] = [];
    const final = (o: Loose) => ['Succeeded', 'Failed'].includes(o.status?.phase);
    const vmiEnded = waitFor(
      kc,
      VMI,
      ns,
      'deaf',
      (o) => {
        seenPhases.push(o.status?.phase);
        return final(o);
      },
      60_000,
    );
    const podEnded = waitFor(kc, { group: '', version: 'v1', plural: 'pods' }, ns, launcher.metadata!.name!, final, 60_000);
    await kc.makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({ ...VMI, namespace: ns, name: 'deaf' });
    expect((await vmiEnded).object.status.phase).toBe('Failed');
    expect(seenPhases).not.toContain('Succeeded');
    expect((await podEnded).object.status.phase).toBe('Failed');
    await harness.deleteNamespace(ns);
  }, 240_000);
});

/** Opens a subresource websocket: the socket, or the refusal's status and Status message. */
function subresource(path: string): Promise<{ ws: WebSocket } | { status: number; message: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${harness.url.replace('https:', 'wss:')}${path}`, [KUBEVIRT_PROTOCOL], { ca: harness.caCert, headers: { authorization: `Bearer ${harness.token}` } });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, message: (JSON.parse(text) as { message: string }).message }));
    });
    ws.once('error', reject);
  });
}

describe('a running VMI (kubevirt/kubevirt v1.9.0)', () => {
  // status.interfaces: pkg/network/setup/netstat.go@v1.9.0 ifacesStatusFromDomainInterfaces names each
  // entry by the domain interface's alias, the spec interface's name; no interface, no entry.
  // VNC: pkg/virt-handler/rest/console.go@v1.9.0 VNCHandler answers 503 "Active VNC connection.
  // Request denied." to preserveSession=true while a session is open; pkg/virt-api/rest/dialers.go
  // handlerDial.Dial turns the failed handshake into NewInternalError (500) with client-go's
  // EnrichError text (staging/src/kubevirt.io/client-go/kubevirt/typed/core/v1/async.go).
  it('names status.interfaces after the spec (nic0), lists none without interfaces, and refuses preserveSession=true with 500 while a VNC session is open', async () => {
    const ns = await harness.createNamespace();
    await blankDisk(kc, ns, 'empty-a');
    await blankDisk(kc, ns, 'empty-b');
    const vmi = (name: string, claimName: string, devices: Loose, networks?: Loose[]) => ({
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstance',
      metadata: { name },
      spec: {
        domain: { devices: { disks: [{ name: 'root', disk: { bus: 'virtio' } }], ...devices }, resources: { requests: { memory: '64Mi' } } },
        ...(networks ? { networks } : {}),
        volumes: [{ name: 'root', persistentVolumeClaim: { claimName } }],
      },
    });
    await createCustom(kc, VMI, ns, vmi('named', 'empty-a', { interfaces: [{ name: 'nic0', masquerade: {} }] }, [{ name: 'nic0', pod: {} }]));
    await createCustom(kc, VMI, ns, vmi('nonic', 'empty-b', { autoattachPodInterface: false }));
    const [named, nonic] = await Promise.all(['named', 'nonic'].map(async (n) => (await waitFor(kc, VMI, ns, n, (o) => o.status?.phase === 'Running', 120_000)).object));
    expect(named!.status.interfaces.map((i: Loose) => i.name)).toEqual(['nic0']);
    expect(nonic!.status.interfaces).toBeUndefined();

    const vnc = `/apis/subresources.kubevirt.io/v1/namespaces/${ns}/virtualmachineinstances/named/vnc`;
    const first = await subresource(vnc);
    expect('ws' in first).toBe(true);
    const why = "Can't connect to websocket (503): websocket: bad handshake: application info: Active VNC connection. Request denied.";
    expect(await subresource(`${vnc}?preserveSession=true`)).toEqual({ status: 500, message: `Internal error occurred: ${why}` });
    // The default takes the session over.
    const second = await subresource(vnc);
    expect('ws' in second).toBe(true);
    for (const r of [first, second]) if ('ws' in r) r.ws.close();
    await harness.deleteNamespace(ns);
  }, 240_000);
});
