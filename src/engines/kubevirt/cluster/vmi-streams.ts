/**
 * KubeVirt's VMI subresource streams: VNC and port-forward over websockets with the
 * `plain.kubevirt.io` subprotocol (reference/kubevirt.md §2.1). No channel multiplexing: the
 * payload is the raw byte stream (RFB for vnc, TCP bytes for portforward), sent in binary frames
 * only (virt-api drops text frames). Pings from virt-api are answered by `ws` itself; we send our
 * own too, so a dead connection is noticed while the build waits for the guest.
 */
import type { Duplex } from 'node:stream';
import WebSocket, { createWebSocketStream } from 'ws';
import type { KubeApi } from './kube-api.js';
import { kubevirtSubresourcePath } from './resources.js';
import { withRetries } from './retry.js';
import { isTransient, KubeApiError } from './kube-api-error.js';

export const KUBEVIRT_STREAM_PROTOCOL = 'plain.kubevirt.io';
const PING_INTERVAL_MS = 15_000;

export interface VmiStreamRequest {
  namespace: string;
  vmi: string;
  signal: AbortSignal;
}

/** A websocket as a Duplex of bytes, pinged so a silent dead peer is found. */
export function webSocketDuplex(ws: WebSocket): Duplex {
  const stream = createWebSocketStream(ws);
  let alive = true;
  ws.on('pong', () => (alive = true));
  const pinger = setInterval(() => {
    if (!alive) {
      ws.terminate();
      return;
    }
    alive = false;
    if (ws.readyState === WebSocket.OPEN) ws.ping();
  }, PING_INTERVAL_MS);
  pinger.unref();
  ws.once('close', () => clearInterval(pinger));
  stream.once('close', () => clearInterval(pinger));
  return stream;
}

/**
 * virt-api answers 400 while the VMI is not running yet, or moments after it started before the
 * launcher's socket is there; those are worth a few more tries, like overloads.
 */
function worthRetrying(err: unknown): boolean {
  return isTransient(err) || (err instanceof KubeApiError && err.status === 400 && /not running|not ready|no .*socket|connection refused/i.test(err.detail));
}

async function openVmiStream(api: KubeApi, req: VmiStreamRequest, subresource: string, query: Record<string, string> = {}): Promise<Duplex> {
  const path = kubevirtSubresourcePath(req.namespace, 'virtualmachineinstances', req.vmi, subresource);
  const ws = await withRetries(() => api.webSocket(path, { protocols: [KUBEVIRT_STREAM_PROTOCOL], query, signal: req.signal }), {
    signal: req.signal,
    attempts: 8,
    retryable: worthRetrying,
  });
  return webSocketDuplex(ws);
}

/**
 * The VMI's display as an RFB byte stream. preserveSession=false takes over a session left by an
 * earlier connection (KubeVirt allows one VNC client at a time).
 */
export function openVmiVnc(api: KubeApi, req: VmiStreamRequest): Promise<Duplex> {
  return openVmiStream(api, req, 'vnc', { preserveSession: 'false' });
}

/** A TCP connection to `port` of the VMI's first interface, through virt-api. */
export function openVmiPortForward(api: KubeApi, req: VmiStreamRequest & { port: number }): Promise<Duplex> {
  return openVmiStream(api, req, `portforward/${req.port}/tcp`);
}
