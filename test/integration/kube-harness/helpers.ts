/** Client-side helpers for the harness's tests: waits, pod port-forwards, raw HTTPS calls. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { CustomObjectsApi, PortForward, Watch, type KubeConfig } from '@kubernetes/client-node';
import type { KubeHarness } from '../../kube-harness/index.js';

// Objects are read loosely in these tests.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = Record<string, any>;

export interface Gvr {
  group: string;
  version: string;
  plural: string;
}

export const DV: Gvr = { group: 'cdi.kubevirt.io', version: 'v1beta1', plural: 'datavolumes' };
export const VM: Gvr = { group: 'kubevirt.io', version: 'v1', plural: 'virtualmachines' };
export const VMI: Gvr = { group: 'kubevirt.io', version: 'v1', plural: 'virtualmachineinstances' };
export const EXPORT: Gvr = { group: 'export.kubevirt.io', version: 'v1', plural: 'virtualmachineexports' };
export const VOLUME_SNAPSHOT: Gvr = { group: 'snapshot.storage.k8s.io', version: 'v1', plural: 'volumesnapshots' };
export const VM_SNAPSHOT: Gvr = { group: 'snapshot.kubevirt.io', version: 'v1beta1', plural: 'virtualmachinesnapshots' };

export function collectionPath(gvr: Gvr, namespace?: string): string {
  const root = gvr.group ? `/apis/${gvr.group}/${gvr.version}` : `/api/${gvr.version}`;
  return namespace ? `${root}/namespaces/${namespace}/${gvr.plural}` : `${root}/${gvr.plural}`;
}

export async function createCustom(kc: KubeConfig, gvr: Gvr, namespace: string, body: Loose): Promise<Loose> {
  return (await kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({ ...gvr, namespace, body })) as Loose;
}

export async function getCustom(kc: KubeConfig, gvr: Gvr, namespace: string, name: string): Promise<Loose> {
  return (await kc.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({ ...gvr, namespace, name })) as Loose;
}

/**
 * Watches one object until `done(object)` holds (the way a client waits for a condition),
 * recording every version seen. Rejects after `timeoutMs`, naming the last state.
 */
export async function waitFor(kc: KubeConfig, gvr: Gvr, namespace: string, name: string, done: (o: Loose) => boolean, timeoutMs = 30_000): Promise<{ object: Loose; seen: Loose[] }> {
  const seen: Loose[] = [];
  let controller: AbortController | undefined;
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${gvr.plural}/${name}: condition not met in ${timeoutMs} ms; last: ${JSON.stringify(seen.at(-1)?.status ?? null)}`)), timeoutMs);
      new Watch(kc)
        .watch(
          collectionPath(gvr, namespace),
          { fieldSelector: `metadata.name=${name}` },
          (type, object: Loose) => {
            if (type === 'DELETED' || type === 'BOOKMARK') return;
            seen.push(object);
            if (done(object)) {
              clearTimeout(timer);
              resolve({ object, seen });
            }
          },
          (err) => {
            if (err) reject(err);
          },
        )
        .then((c) => (controller = c), reject);
    });
  } finally {
    controller?.abort();
  }
}

/** Waits until an object is gone (404). */
export async function waitGone(harness: KubeHarness, kind: string, namespace: string, name: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (harness.objects().some((o) => o.kind === kind && o.namespace === namespace && o.name === name)) {
    if (Date.now() > deadline) throw new Error(`${kind} ${namespace}/${name} still exists after ${timeoutMs} ms`);
    await harness.settled();
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A local port forwarded to a pod's port through the API server (client-node's PortForward,
 * websocket channel protocol), like `kubectl port-forward pod/x local:remote`.
 */
export async function forwardPort(kc: KubeConfig, namespace: string, pod: string, port: number): Promise<{ port: number; close: () => Promise<void> }> {
  const forward = new PortForward(kc);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    forward.portForward(namespace, pod, [port], socket, null, socket).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** An HTTPS request trusting the harness's CA; the whole answer is read. */
export function httpsRequest(
  url: string,
  options: { method?: string; ca: string; headers?: Record<string, string>; body?: Buffer | NodeJS.ReadableStream; servername?: string },
): Promise<{ status: number; body: Buffer; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: options.method ?? 'GET', ca: options.ca, headers: options.headers, ...(options.servername ? { servername: options.servername } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (options.body && !Buffer.isBuffer(options.body)) options.body.pipe(req);
    else req.end(options.body);
  });
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (c) => hash.update(c))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

/** Creates a blank 16 MiB DataVolume `name` in `namespace` and waits until it is populated. */
export async function blankDisk(kc: KubeConfig, namespace: string, name: string): Promise<void> {
  await createCustom(kc, DV, namespace, {
    apiVersion: 'cdi.kubevirt.io/v1beta1',
    kind: 'DataVolume',
    metadata: { name, annotations: { 'cdi.kubevirt.io/storage.bind.immediate.requested': 'true' } },
    spec: { source: { blank: {} }, storage: { resources: { requests: { storage: '16Mi' } } } },
  });
  await waitFor(kc, DV, namespace, name, (o) => o.status?.phase === 'Succeeded');
}

/**
 * Kube-OVN's external Subnet that egress gateways leave through, with the attachment its provider
 * names (`<nad>.<namespace>`): a cluster admin sets these up, Kube-OVN makes neither, and a
 * gateway without them never gets its workload (network-controller.ts). Returns the cleanup.
 */
export function putEgressExternalSubnet(harness: KubeHarness, name = 'ovn-vpc-external-network'): () => void {
  const provider = `${name}.kube-system`;
  const config = { cniVersion: '0.3.1', type: 'macvlan', master: 'eth0', mode: 'bridge', ipam: { type: 'kube-ovn', server_socket: '/run/openvswitch/kube-ovn-daemon.sock', provider } };
  const nad = { apiVersion: 'k8s.cni.cncf.io/v1', kind: 'NetworkAttachmentDefinition', metadata: { name, namespace: 'kube-system' }, spec: { config: JSON.stringify(config) } };
  const subnet = { apiVersion: 'kubeovn.io/v1', kind: 'Subnet', metadata: { name }, spec: { protocol: 'IPv4', provider, cidrBlock: '172.30.0.0/24', gateway: '172.30.0.1' } };
  harness.putObject(nad);
  harness.putObject(subnet);
  return () => {
    harness.deleteObject({ apiVersion: subnet.apiVersion, kind: subnet.kind, name });
    harness.deleteObject({ apiVersion: nad.apiVersion, kind: nad.kind, namespace: 'kube-system', name });
  };
}
