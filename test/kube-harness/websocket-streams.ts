/**
 * Websocket upgrades of the API server:
 * - KubeVirt's VMI streams (vnc, console, portforward/<port>[/<protocol>], and the VM-level
 *   portforward): subprotocol `plain.kubevirt.io`, raw bytes in binary frames, text frames
 *   dropped, pings every second on port-forwards as virt-api sends them (kubevirt/kubevirt
 *   staging/src/kubevirt.io/client-go/subresources/constants.go, pkg/virt-api/rest, v1.9.0);
 * - pods/portforward with the Kubernetes channel protocol (`v4.channel.k8s.io` or `channel.k8s.io`,
 *   binary): two channels per port (data 2i, error 2i+1), each opened with the port number as two
 *   little-endian bytes, then frames of one channel byte and the payload (kubelet's websocket
 *   port-forward, which client-node's PortForward speaks).
 * Refusals before the upgrade are Status objects with the HTTP code, as the real servers answer.
 */
import type http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from '../../src/core/log.js';
import type { AccessPolicy } from './access-policy.js';
import { asApiError, badRequest, pageNotFound, unauthorized } from './api-errors.js';
import type { FaultSwitch, ResponseInjector } from './faults.js';
import type { RequestLog } from './request-log.js';
import { parseRequestPath } from './request-path.js';
import { ServedResources } from './resources.js';

export const KUBEVIRT_PROTOCOL = 'plain.kubevirt.io';
const CHANNEL_PROTOCOLS = ['v4.channel.k8s.io', 'channel.k8s.io'];
const PORTFORWARD_PING_MS = 1000;

/** Where the streams go; implemented by the VMI and pod runtimes. */
export interface StreamTargets {
  vmiVnc(namespace: string, name: string, preserveSession: boolean): Promise<Duplex>;
  vmiConsole(namespace: string, name: string): Promise<Duplex>;
  vmiPortForward(namespace: string, name: string, port: number, protocol: string): Promise<Duplex>;
  /** The VMI of a VM (for virtualmachines/<name>/portforward). */
  vmiOfVm(namespace: string, name: string): string;
  /** A loopback address serving `port` of a pod; throws the API error when there is none. */
  podPort(namespace: string, name: string, port: number): Promise<{ host: string; port: number }>;
}

function refuse(socket: Duplex, err: unknown): void {
  const e = asApiError(err);
  const body = JSON.stringify(e.toStatus());
  socket.end(`HTTP/1.1 ${e.code} ${e.reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}

/** An answer a test chose for this upgrade, written as the server's HTTP response. */
function answer(socket: Duplex, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  const reason = (body as { reason?: unknown } | undefined)?.reason;
  socket.end(`HTTP/1.1 ${status} ${typeof reason === 'string' ? reason : 'Injected'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`);
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function offered(req: http.IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  return (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

export class WebSocketStreams {
  private readonly server = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: (protocols) => this.pickProtocol(protocols) });
  private readonly sockets = new Set<WebSocket>();
  private readonly bridges = new Set<Duplex | net.Socket>();

  constructor(
    private readonly targets: StreamTargets,
    private readonly authenticated: (req: http.IncomingMessage) => boolean,
    private readonly access: AccessPolicy,
    private readonly faults: FaultSwitch,
    private readonly logger: Logger,
    private readonly responses: ResponseInjector,
    private readonly requestLog: RequestLog,
    private readonly served: ServedResources = ServedResources.all(),
  ) {}

  private pickProtocol(protocols: Set<string>): string | false {
    if (protocols.has(KUBEVIRT_PROTOCOL)) return KUBEVIRT_PROTOCOL;
    for (const p of CHANNEL_PROTOCOLS) if (protocols.has(p)) return p;
    return false;
  }

  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    void this.upgrade(req, socket, head).catch((err: unknown) => refuse(socket, err));
  }

  private async upgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (!this.authenticated(req)) throw unauthorized();
    const url = new URL(req.url ?? '/', 'https://harness');
    const chosen = this.responses.take(req.method ?? 'GET', url.pathname, true);
    // A lost answer to an upgrade is a connection that never upgrades.
    if (chosen) return chosen.lostAnswer ? undefined : answer(socket, chosen.status, chosen.body);
    const parsed = parseRequestPath(url.pathname, this.served);
    const protocols = offered(req);
    if (parsed.type === 'kubevirt') {
      const [what, portText, protocol = 'tcp'] = parsed.subresource;
      const sub = what === 'portforward' ? 'portforward' : parsed.subresource.join('/');
      this.access.authorize({ verb: 'get', group: 'subresources.kubevirt.io', resource: parsed.kind, subresource: sub, namespace: parsed.namespace, name: parsed.name });
      const fault = this.faults.check({ verb: 'get', path: url.pathname, group: 'subresources.kubevirt.io', resource: parsed.kind, name: parsed.name });
      if (fault) throw fault;
      if (protocols.length > 0 && !protocols.includes(KUBEVIRT_PROTOCOL)) throw badRequest(`websocket subprotocol ${KUBEVIRT_PROTOCOL} is required, offered: ${protocols.join(', ')}`);
      let stream: Duplex;
      const vmi = parsed.kind === 'virtualmachines' ? this.targets.vmiOfVm(parsed.namespace, parsed.name) : parsed.name;
      if (what === 'vnc' && parsed.subresource.length === 1 && parsed.kind === 'virtualmachineinstances') {
        stream = await this.targets.vmiVnc(parsed.namespace, vmi, url.searchParams.get('preserveSession') === 'true');
      } else if (what === 'console' && parsed.kind === 'virtualmachineinstances') {
        stream = await this.targets.vmiConsole(parsed.namespace, vmi);
      } else if (what === 'portforward' && portText !== undefined) {
        const port = Number(portText);
        if (!Number.isInteger(port) || port < 1 || port > 65535) throw badRequest(`invalid port ${portText}`);
        if (protocol !== 'tcp') throw badRequest(`protocol ${protocol} is not supported by the kube harness (tcp only)`);
        stream = await this.targets.vmiPortForward(parsed.namespace, vmi, port, protocol);
      } else throw pageNotFound();
      this.server.handleUpgrade(req, socket, head, (ws) => {
        ws.on('message', (_data, isBinary) => this.requestLog.frame(req, isBinary));
        this.bridgeRaw(ws, stream, what === 'portforward');
      });
      return;
    }
    if (parsed.type === 'resource' && parsed.resource.kind === 'Pod' && parsed.name && parsed.subresource.join('/') === 'portforward') {
      this.access.authorize({ verb: 'get', group: '', resource: 'pods', subresource: 'portforward', namespace: parsed.namespace!, name: parsed.name });
      if (!protocols.some((p) => CHANNEL_PROTOCOLS.includes(p))) throw badRequest(`pod port-forward needs one of the websocket subprotocols ${CHANNEL_PROTOCOLS.join(', ')}`);
      const ports = url.searchParams
        .getAll('ports')
        .flatMap((p) => p.split(','))
        .map(Number);
      if (ports.length === 0 || ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) throw badRequest('query parameter "port" is required');
      const targets = await Promise.all(ports.map((p) => this.targets.podPort(parsed.namespace!, parsed.name!, p)));
      this.server.handleUpgrade(req, socket, head, (ws) => {
        ws.on('message', (_data, isBinary) => this.requestLog.frame(req, isBinary));
        this.bridgeChannels(ws, ports, targets);
      });
      return;
    }
    if (parsed.type === 'resource' && parsed.resource.kind === 'Pod' && ['exec', 'attach'].includes(parsed.subresource[0] ?? '')) {
      throw badRequest('pods/exec and pods/attach are not served by the kube harness');
    }
    throw pageNotFound();
  }

  private track(ws: WebSocket, ...streams: (Duplex | net.Socket)[]): void {
    this.sockets.add(ws);
    for (const s of streams) this.bridges.add(s);
    ws.once('close', () => {
      this.sockets.delete(ws);
      for (const s of streams) {
        this.bridges.delete(s);
        s.destroy();
      }
    });
  }

  private bridgeRaw(ws: WebSocket, stream: Duplex, ping: boolean): void {
    this.track(ws, stream);
    stream.on('data', (chunk: Buffer) => {
      if (ws.readyState === ws.OPEN) ws.send(chunk, { binary: true });
    });
    stream.resume(); // a dialled guest port is handed over paused, with what the guest already sent
    stream.on('error', (err) => this.logger.debug(`kube harness: stream: ${err.message}`));
    stream.once('close', () => ws.close(1000));
    ws.on('message', (data, isBinary) => {
      // virt-api reads binary frames only; text frames are dropped, as there.
      if (!isBinary) return;
      stream.write(toBuffer(data));
    });
    if (ping) {
      const timer = setInterval(() => ws.readyState === ws.OPEN && ws.ping(), PORTFORWARD_PING_MS);
      timer.unref();
      ws.once('close', () => clearInterval(timer));
    }
  }

  private bridgeChannels(ws: WebSocket, ports: number[], targets: { host: string; port: number }[]): void {
    const frame = (channel: number, payload: Buffer) => Buffer.concat([Buffer.from([channel]), payload]);
    const portBytes = (port: number) => Buffer.from([port & 0xff, (port >> 8) & 0xff]);
    const connections = targets.map((t) => net.connect(t.port, t.host));
    this.track(ws, ...connections);
    ports.forEach((port, i) => {
      ws.send(frame(2 * i, portBytes(port)));
      ws.send(frame(2 * i + 1, portBytes(port)));
      const conn = connections[i]!;
      conn.on('data', (chunk: Buffer) => ws.readyState === ws.OPEN && ws.send(frame(2 * i, chunk)));
      conn.on('error', (err) => {
        if (ws.readyState === ws.OPEN) ws.send(frame(2 * i + 1, Buffer.from(`error forwarding port ${port}: ${err.message}`)));
      });
      conn.once('close', () => ws.close(1000));
    });
    ws.on('message', (data, isBinary) => {
      const buf = toBuffer(data);
      if (!isBinary || buf.length === 0) return;
      const channel = buf[0]!;
      if (channel % 2 !== 0) return;
      connections[channel / 2]?.write(buf.subarray(1));
    });
  }

  /** Closes every stream (the harness is stopping). */
  close(): void {
    for (const ws of this.sockets) ws.terminate();
    for (const s of this.bridges) s.destroy();
    this.server.close();
  }
}
