/**
 * The byte streams into the cluster, against the kube harness with no controllers, whose pod
 * and VMI ends the test plays with a local TCP echo server (exposePodPort, playVmi): pods/portforward with the channel protocol, KubeVirt's vnc and
 * portforward with plain.kubevirt.io (binary frames only, retried while the VMI is not running),
 * and the local 127.0.0.1 listener that SSH dials, whose every connection is its own tunnel.
 */
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../src/core/log.js';
import { KubeApiError } from '../../../src/engines/kubevirt/cluster/kube-api-error.js';
import type { KubeApi } from '../../../src/engines/kubevirt/cluster/kube-api.js';
import { startLocalForwarder } from '../../../src/engines/kubevirt/cluster/local-forwarder.js';
import { openPodPortForward } from '../../../src/engines/kubevirt/cluster/pod-port-forward.js';
import { KUBEVIRT_STREAM_PROTOCOL, openVmiPortForward, openVmiVnc, vmiStreamRetryable } from '../../../src/engines/kubevirt/cluster/vmi-streams.js';
import { startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';
import { clientFor } from './fakes/client.js';
import { startEchoServer, type EchoServer } from './fakes/stream-bridges.js';

let harness: KubeHarness;
let api: KubeApi;
let echo: EchoServer;
const upgrades = () => harness.requests().filter((r) => r.upgrade);

/** A Running pod (its kubelet played by the test). */
const runningPod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns' },
  spec: { containers: [{ name: 'server', image: 'example.org/server:1', ports: [{ containerPort: 8443 }] }] },
  status: { phase: 'Running' },
});

/** Reads from `stream` until `n` bytes arrived. */
function readBytes(stream: Duplex | net.Socket, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const onData = (c: Buffer) => {
      chunks.push(c);
      got += c.length;
      if (got >= n) {
        stream.off('data', onData);
        stream.pause();
        resolve(Buffer.concat(chunks));
      }
    };
    stream.on('data', onData);
    stream.once('error', reject);
  });
}

describe('cluster streams (kube harness, test-played websocket ends)', () => {
  beforeAll(async () => {
    harness = await startKubeHarness({ controllers: [], accelerator: 'tcg' });
    await harness.createNamespace('ns');
    ({ api } = clientFor(harness));
    echo = await startEchoServer();
    harness.putObject(runningPod('exporter'));
    harness.exposePodPort('ns', 'exporter', 8443, echo);
    // Nothing listens there: kubelet's dial fails and says so on the error channel.
    const closed = await startEchoServer();
    await closed.close();
    harness.putObject(runningPod('broken'));
    harness.exposePodPort('ns', 'broken', 8443, closed);
    harness.playVmi('ns', 'guest', { vnc: echo, ports: { 22: echo } });
    harness.playVmi('ns', 'starting', { vnc: echo });
  });
  afterAll(async () => {
    await harness?.close();
    await echo?.close();
  });

  // kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/util/httpstream/wsstream/conn.go@v1.34.0 (channel byte, port greeting).
  it('pods/portforward: greeting and a 2 MiB round trip through the channel protocol', async () => {
    const stream = await openPodPortForward(api, { namespace: 'ns', pod: 'exporter', port: 8443, signal: AbortSignal.timeout(10_000) });
    const upgrade = upgrades().at(-1);
    expect(upgrade?.protocols[0]).toBe('v4.channel.k8s.io');
    expect(upgrade?.path).toBe('/api/v1/namespaces/ns/pods/exporter/portforward');
    expect(upgrade?.query.get('ports')).toBe('8443');
    expect((await readBytes(stream, 6)).toString()).toBe('hello\n');
    const payload = randomBytes(2 * 1024 * 1024);
    stream.resume();
    const back = readBytes(stream, payload.length);
    stream.write(payload);
    expect((await back).equals(payload)).toBe(true);
    stream.destroy();
  });

  it("pods/portforward: the error channel's message fails the stream", async () => {
    const stream = await openPodPortForward(api, { namespace: 'ns', pod: 'broken', port: 8443, signal: AbortSignal.timeout(10_000) });
    const err = await new Promise<Error>((resolve) => {
      stream.on('error', resolve);
      stream.resume();
    });
    expect(err.message).toMatch(/^port-forward to ns\/broken:8443: error forwarding port 8443: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  });

  // kubevirt/kubevirt staging/src/kubevirt.io/client-go/subresources/constants.go@v1.9.0 PlainStreamProtocolName.
  it('vnc: plain.kubevirt.io, preserveSession=false, and binary frames only', async () => {
    const stream = await openVmiVnc(api, { namespace: 'ns', vmi: 'guest', signal: AbortSignal.timeout(10_000) });
    const upgrade = upgrades().at(-1);
    expect(upgrade?.protocols[0]).toBe(KUBEVIRT_STREAM_PROTOCOL);
    expect(upgrade?.path).toBe('/apis/subresources.kubevirt.io/v1/namespaces/ns/virtualmachineinstances/guest/vnc');
    expect(upgrade?.query.get('preserveSession')).toBe('false');
    expect((await readBytes(stream, 6)).toString()).toBe('hello\n');
    stream.resume();
    const back = readBytes(stream, 5);
    stream.write('RFB 3');
    expect((await back).toString()).toBe('RFB 3');
    expect(upgrade?.frames.text).toBe(0);
    expect(upgrade?.frames.binary).toBeGreaterThan(0);
    stream.destroy();
  });

  it('retries while virt-api says the VMI is not running (kubevirt/kubevirt v1.9.0 pkg/virt-api/rest/vnc.go), then connects', async () => {
    harness.injectResponse({ upgrade: true, path: /\/vnc$/, status: 400, reason: 'BadRequest', message: 'VMI is not running', times: 2 });
    const stream = await openVmiVnc(api, { namespace: 'ns', vmi: 'starting', signal: AbortSignal.timeout(20_000) });
    expect((await readBytes(stream, 6)).toString()).toBe('hello\n');
    stream.destroy();
  });

  // kubevirt/kubevirt v1.9.0 pkg/virt-api/rest/dialers.go: 400 "no network interfaces are present" before the
  // VMI has an address (retried); 500 "dialing VM: …" when the guest port is closed (given up at once: SSH retries).
  it("port-forward: retries virt-api's 400 without interfaces, fails fast on its 500 dialing error", async () => {
    harness.injectResponse({ upgrade: true, path: /\/portforward\/22\/tcp$/, status: 400, reason: 'BadRequest', message: 'no network interfaces are present', times: 2 });
    const stream = await openVmiPortForward(api, { namespace: 'ns', vmi: 'guest', port: 22, signal: AbortSignal.timeout(20_000) });
    stream.destroy();
    const before = upgrades().length;
    harness.injectResponse({
      upgrade: true,
      path: /\/portforward\/22\/tcp$/,
      status: 500,
      reason: 'InternalError',
      message: 'Internal error occurred: dialing VM: dial tcp 10.244.0.7:22: connect: connection refused',
      times: 1,
    });
    const err = await openVmiPortForward(api, { namespace: 'ns', vmi: 'guest', port: 22, signal: AbortSignal.timeout(20_000) }).catch((e: unknown) => e);
    expect((err as KubeApiError).status).toBe(500);
    expect(upgrades().length - before).toBe(1);
    expect(vmiStreamRetryable('portforward/22/tcp', new KubeApiError('GET', '/x', 500, 'InternalError', 'etcdserver: request timed out'))).toBe(true);
    expect(vmiStreamRetryable('vnc', new KubeApiError('GET', '/x', 400, 'BadRequest', 'No graphics devices are present.'))).toBe(false);
  });

  it('a refused upgrade is a KubeApiError carrying the Status message', async () => {
    harness.injectResponse({ upgrade: true, path: /\/portforward\/22\/tcp$/, status: 403, reason: 'Forbidden', message: 'User "ci" cannot get resource "virtualmachineinstances/portforward"' });
    const err = await openVmiPortForward(api, { namespace: 'ns', vmi: 'guest', port: 22, signal: AbortSignal.timeout(10_000) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect((err as KubeApiError).status).toBe(403);
    expect((err as Error).message).toContain('cannot get resource "virtualmachineinstances/portforward"');
  });

  it('the local forwarder gives each SSH connection its own port-forward, and close() ends them all', async () => {
    const { logger } = memoryLogger();
    const opened: string[] = [];
    const forwarder = await startLocalForwarder({
      what: 'ssh to base/guest',
      logger,
      open: (signal) => {
        opened.push('tunnel');
        return openVmiPortForward(api, { namespace: 'ns', vmi: 'guest', port: 22, signal });
      },
    });
    expect(forwarder.host).toBe('127.0.0.1');
    const dial = async () => {
      const s = net.connect(forwarder.port, forwarder.host);
      expect((await readBytes(s, 6)).toString()).toBe('hello\n');
      return s;
    };
    const [a, b] = await Promise.all([dial(), dial()]);
    expect(opened.length).toBe(2);
    const tunnels = upgrades().filter((r) => r.path.endsWith('/virtualmachineinstances/guest/portforward/22/tcp'));
    expect(tunnels.length).toBeGreaterThanOrEqual(2);
    a.resume();
    const echoed = readBytes(a, 3);
    a.write('abc');
    expect((await echoed).toString()).toBe('abc');
    const closedA = new Promise((r) => a.once('close', r));
    const closedB = new Promise((r) => b.once('close', r));
    await forwarder.close();
    await Promise.all([closedA, closedB]);
    await expect(new Promise((resolve, reject) => net.connect(forwarder.port, '127.0.0.1').once('connect', resolve).once('error', reject))).rejects.toThrow(/ECONNREFUSED/);
  });
});
