/**
 * Every HTTP request and websocket upgrade the API server received, in order, with its query and
 * (once read) its decoded body: what tests assert on when the point is how a client talks to the
 * server — how often it lists, whether it watched, what it sent in a DeleteOptions.
 */
import type http from 'node:http';
import { parse as parseYaml } from 'yaml';

const MAX_LOGGED_BODY = 1024 * 1024;

export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The Content-Type without parameters ("application/apply-patch+yaml"); '' when none was sent. */
  contentType: string;
  /** A websocket upgrade (its method is GET). */
  upgrade: boolean;
  /** The websocket subprotocols offered, in the client's order. */
  protocols: string[];
  /** The body, decoded from JSON or YAML (the raw text if neither), once the server read it. */
  body?: unknown;
  /** Websocket frames the client sent on an upgraded stream, by type. */
  frames: { text: number; binary: number };
}

export class RequestLog {
  private list: LoggedRequest[] = [];
  private readonly byRequest = new WeakMap<http.IncomingMessage, LoggedRequest>();

  record(req: http.IncomingMessage, upgrade: boolean): LoggedRequest {
    const url = new URL(req.url ?? '/', 'https://harness');
    const header = req.headers['sec-websocket-protocol'];
    const protocols = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    const entry: LoggedRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, contentType, upgrade, protocols, frames: { text: 0, binary: 0 } };
    this.list.push(entry);
    this.byRequest.set(req, entry);
    return entry;
  }

  /** The server read the body of `req`. */
  body(req: http.IncomingMessage, raw: Buffer): void {
    const entry = this.byRequest.get(req);
    if (!entry || raw.length === 0) return;
    // A disk sent through the API (a DataVolume source) is not worth keeping for an assertion.
    if (raw.length > MAX_LOGGED_BODY) {
      entry.body = `<${raw.length} bytes>`;
      return;
    }
    const text = raw.toString('utf8');
    if (text.trim() === '') return;
    try {
      entry.body = (req.headers['content-type'] ?? '').includes('yaml') ? parseYaml(text) : JSON.parse(text);
    } catch {
      entry.body = text;
    }
  }

  /** The client of upgraded request `req` sent a frame. */
  frame(req: http.IncomingMessage, binary: boolean): void {
    const entry = this.byRequest.get(req);
    if (entry) entry.frames[binary ? 'binary' : 'text']++;
  }

  entries(): LoggedRequest[] {
    return [...this.list];
  }

  clear(): void {
    this.list = [];
  }
}
