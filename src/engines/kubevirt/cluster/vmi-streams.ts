/**
 * KubeVirt's VMI subresource streams: VNC and port-forward over websockets with the
 * `plain.kubevirt.io` subprotocol (kubevirt/kubevirt staging/src/kubevirt.io/client-go/kubecli@v1.5.0). No channel multiplexing: the
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
 * Which refusals of virt-api are worth more tries (kubevirt/kubevirt pkg/virt-api/rest, v1.5.0–v1.9.0):
 * - vnc and console: 400 "VMI is not running" (vnc.go, console.go) until the VMI runs, and
 *   "Unable to connect to VirtualMachineInstance because phase is …" (dialers.go, virt-handler
 *   not reachable yet); overloads, like every call;
 * - portforward: 400 "no network interfaces are present" (dialers.go getTargetInterfaceIP: the
 *   VMI has no address yet) is retried. A 500 "dialing VM: …" is not: virt-api dials the guest
 *   before upgrading (streamer.go Handle), so it means the guest's port is closed right now, and
 *   the caller (SSH, which retries on its own schedule) learns that at once instead of after eight
 *   backed-off tries.
 */
export function vmiStreamRetryable(subresource: string, err: unknown): boolean {
  if (!(err instanceof KubeApiError)) return isTransient(err);
  if (subresource.startsWith('portforward')) {
    if (err.status === 500 && /dialing VM/.test(err.detail)) return false;
    if (err.status === 400) return /no network interfaces are present/.test(err.detail);
  }
  if (err.status === 400) return /VMI is not running|Unable to connect to VirtualMachineInstance because phase is/i.test(err.detail);
  return isTransient(err);
}

async function openVmiStream(api: KubeApi, req: VmiStreamRequest, subresource: string, query: Record<string, string> = {}): Promise<Duplex> {
  const path = kubevirtSubresourcePath(req.namespace, 'virtualmachineinstances', req.vmi, subresource);
  const ws = await withRetries(() => api.webSocket(path, { protocols: [KUBEVIRT_STREAM_PROTOCOL], query, signal: req.signal }), {
    signal: req.signal,
    attempts: 8,
    retryable: (err) => vmiStreamRetryable(subresource, err),
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

/** The VMI's serial console: the bytes the guest writes to its first serial port, from now on. */
export function openVmiConsole(api: KubeApi, req: VmiStreamRequest): Promise<Duplex> {
  return openVmiStream(api, req, 'console');
}

/** A TCP connection to `port` of the VMI's first interface, through virt-api. */
export function openVmiPortForward(api: KubeApi, req: VmiStreamRequest & { port: number }): Promise<Duplex> {
  return openVmiStream(api, req, `portforward/${req.port}/tcp`);
}
