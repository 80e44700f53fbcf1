/**
 * A TCP connection to a pod's port through the API server's pods/portforward websocket, as a
 * Duplex. Protocol `v4.channel.k8s.io`: every binary frame starts with a channel byte; for one
 * port, channel 0 carries data and channel 1 errors, and the server's first frame on each channel
 * is the port number (2 bytes, little-endian). One websocket carries one connection, so each
 * connection (an HTTPS download, an upload) opens its own. Used for the servers that live behind
 * Services in the cluster: cdi-uploadproxy and the VirtualMachineExport server.
 */
import { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import type { KubeApi } from './kube-api.js';

export const PORT_FORWARD_PROTOCOL = 'v4.channel.k8s.io';
const DATA_CHANNEL = 0;
const ERROR_CHANNEL = 1;

export interface PodPortForwardRequest {
  namespace: string;
  pod: string;
  port: number;
  signal: AbortSignal;
}

export async function openPodPortForward(api: KubeApi, req: PodPortForwardRequest): Promise<Duplex> {
  const path = `/api/v1/namespaces/${encodeURIComponent(req.namespace)}/pods/${encodeURIComponent(req.pod)}/portforward`;
  const ws = await api.webSocket(path, { protocols: [PORT_FORWARD_PROTOCOL], query: { ports: req.port }, signal: req.signal });
  return new PortForwardStream(ws, `${req.namespace}/${req.pod}:${req.port}`);
}

/** The data channel of a v4.channel.k8s.io port-forward websocket. */
export class PortForwardStream extends Duplex {
  private readonly headerSeen = new Set<number>();
  private errorText = '';

  constructor(
    private readonly ws: WebSocket,
    private readonly target: string,
  ) {
    super();
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => this.onFrame(toBuffer(data)));
    ws.once('close', () => {
      if (this.errorText) this.destroy(new Error(`port-forward to ${this.target}: ${this.errorText.trim()}`));
      else this.push(null);
    });
    ws.once('error', (err) => this.destroy(err));
  }

  private onFrame(frame: Buffer): void {
    if (frame.length === 0) return;
    const channel = frame[0]!;
    let payload = frame.subarray(1);
    if (!this.headerSeen.has(channel)) {
      // The first frame of a channel names the port; anything after those 2 bytes is payload.
      this.headerSeen.add(channel);
      payload = payload.subarray(2);
    }
    if (payload.length === 0) return;
    if (channel === DATA_CHANNEL) {
      if (!this.push(payload)) this.ws.pause();
    } else if (channel === ERROR_CHANNEL) {
      this.errorText += payload.toString('utf8');
    }
  }

  override _read(): void {
    this.ws.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.ws.readyState !== this.ws.OPEN) {
      callback(new Error(`port-forward to ${this.target}: the connection is closed`));
      return;
    }
    this.ws.send(Buffer.concat([Buffer.of(DATA_CHANNEL), chunk]), { binary: true }, (err) => callback(err ?? null));
  }

  override _final(callback: (error?: Error | null) => void): void {
    // The protocol has no half-close: ending our side ends the connection.
    this.ws.close(1000);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING) this.ws.terminate();
    callback(error);
  }
}

function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
