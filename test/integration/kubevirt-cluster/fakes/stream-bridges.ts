/**
 * Server ends of the websocket streams, for the fake API server: the Kubernetes channel
 * port-forward (v4.channel.k8s.io) and KubeVirt's plain byte streams (plain.kubevirt.io), each
 * bridged to a local TCP server. Plus a TCP echo server to bridge to.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { RawData, WebSocket } from 'ws';

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Kubelet's websocket port-forward for one port: channel 0 data, channel 1 errors. */
export function bridgeChannelPortForward(ws: WebSocket, port: number, target: { host: string; port: number } | { error: string }): void {
  const header = Buffer.alloc(2);
  header.writeUInt16LE(port);
  ws.send(Buffer.concat([Buffer.of(0), header]));
  ws.send(Buffer.concat([Buffer.of(1), header]));
  if ('error' in target) {
    ws.send(Buffer.concat([Buffer.of(1), Buffer.from(target.error)]), () => ws.close());
    return;
  }
  const socket = net.connect(target.port, target.host);
  socket.on('data', (d) => ws.send(Buffer.concat([Buffer.of(0), d])));
  socket.on('end', () => ws.close());
  socket.on('error', (err) => {
    ws.send(Buffer.concat([Buffer.of(1), Buffer.from(err.message)]), () => ws.close());
  });
  ws.on('message', (data) => {
    const frame = toBuffer(data);
    if (frame[0] === 0) socket.write(frame.subarray(1));
  });
  ws.on('close', () => socket.destroy());
}

export interface PlainBridgeLog {
  textFrames: number;
  binaryFrames: number;
}

/** virt-handler's raw stream: binary frames both ways, text frames dropped (and counted). */
export function bridgePlainStream(ws: WebSocket, target: { host: string; port: number }, log: PlainBridgeLog): void {
  const socket = net.connect(target.port, target.host);
  socket.on('data', (d) => ws.send(d, { binary: true }));
  socket.on('end', () => ws.close());
  socket.on('error', () => ws.terminate());
  ws.on('message', (data, isBinary) => {
    if (!isBinary) {
      log.textFrames++;
      return;
    }
    log.binaryFrames++;
    socket.write(toBuffer(data));
  });
  ws.on('close', () => socket.destroy());
}

export interface EchoServer {
  host: string;
  port: number;
  connections(): number;
  close(): Promise<void>;
}

/** Echoes bytes back, prefixed by a greeting line (as an SSH or RFB server speaks first). */
export async function startEchoServer(greeting = 'hello\n'): Promise<EchoServer> {
  const live = new Set<net.Socket>();
  const server = net.createServer((s) => {
    live.add(s);
    s.on('close', () => live.delete(s));
    s.on('error', () => undefined);
    s.write(greeting);
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    connections: () => live.size,
    close: () =>
      new Promise<void>((r) => {
        for (const s of live) s.destroy();
        server.close(() => r());
      }),
  };
}
