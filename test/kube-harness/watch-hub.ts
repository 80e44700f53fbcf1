/**
 * Watches as kube-apiserver streams them: a chunked response of JSON events, one per line
 * (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR). Starting points follow the API conventions:
 * no resourceVersion (or "0") sends the current objects as ADDED first; a resourceVersion resumes
 * after it, or answers an ERROR event with a 410 Expired Status when that point was compacted
 * away; sendInitialEvents=true ends the initial objects with a bookmark annotated
 * "k8s.io/initial-events-end". Selector changes turn MODIFIED into ADDED/DELETED as seen through
 * the selector. Bookmarks come every `bookmarkIntervalMs` when asked for.
 */
import type http from 'node:http';
import { gone } from './api-errors.js';
import type { ClusterApi } from './cluster-api.js';
import type { FaultSwitch } from './faults.js';
import type { KubeObject, StoreEvent } from './object-store.js';
import { apiVersionOf, resourceKey, type ResourceType } from './resources.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';

export interface WatchRequest {
  resource: ResourceType;
  version: string;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  allowWatchBookmarks: boolean;
  sendInitialEvents?: boolean;
  timeoutSeconds?: number;
}

interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: unknown;
}

class WatchStream {
  private sent = 0;
  private ended = false;
  private readonly timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly hub: WatchHub,
    private readonly req: WatchRequest,
    private readonly res: http.ServerResponse,
    private readonly eventLimit: number | undefined,
  ) {}

  start(): void {
    const { req, res } = this;
    const labels = parseLabelSelector(req.labelSelector);
    const fields = parseFieldSelector(req.fieldSelector, req.resource.kind);
    const matches = (o: KubeObject | undefined): boolean =>
      o !== undefined && (req.namespace === undefined || !req.resource.namespaced || o.metadata.namespace === req.namespace) && matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o);

    const store = this.hub.api.store;
    const rvText = req.resourceVersion ?? '';
    let backlog: StoreEvent[] | undefined;
    const initial: KubeObject[] = [];
    if (req.sendInitialEvents || rvText === '' || rvText === '0') {
      initial.push(...store.list(req.resource, req.resource.namespaced ? req.namespace : undefined).filter(matches));
    } else {
      const rv = Number(rvText);
      if (!Number.isInteger(rv) || rv < 0) {
        this.head();
        this.send({ type: 'ERROR', object: gone(`too old resource version: ${rvText} (${store.currentRevision})`).toStatus() });
        return this.end();
      }
      backlog = store.changesSince(rv);
      if (!backlog) {
        this.head();
        this.send({ type: 'ERROR', object: gone(`too old resource version: ${rv} (${store.oldestRevision + 1})`).toStatus() });
        return this.end();
      }
    }
    this.head();
    // Subscribing in the same tick as reading the state: no change can fall in between.
    const key = resourceKey(req.resource);
    this.unsubscribe = store.subscribe((e) => {
      if (resourceKey(e.resource) === key) this.forward(e, matches);
    });
    res.on('close', () => this.end());
    for (const o of initial) if (!this.send({ type: 'ADDED', object: this.view(o) })) return;
    if (req.sendInitialEvents && req.allowWatchBookmarks) {
      if (!this.bookmark({ 'k8s.io/initial-events-end': 'true' })) return;
    }
    for (const e of backlog ?? []) if (resourceKey(e.resource) === key && !this.forward(e, matches)) return;
    if (req.allowWatchBookmarks) {
      const timer = setInterval(() => this.bookmark(), this.hub.bookmarkIntervalMs);
      timer.unref();
      this.timers.push(timer);
    }
    if (req.timeoutSeconds !== undefined && req.timeoutSeconds > 0) {
      const timer = setTimeout(() => this.end(), req.timeoutSeconds * 1000);
      timer.unref();
      this.timers.push(timer);
    }
  }

  private head(): void {
    this.res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private', 'transfer-encoding': 'chunked' });
    this.res.flushHeaders();
  }

  private view(o: KubeObject): KubeObject {
    return this.hub.api.view(this.req.resource, o, this.req.version);
  }

  private forward(e: StoreEvent, matches: (o: KubeObject | undefined) => boolean): boolean {
    const now = matches(e.object);
    const before = matches(e.previous);
    if (e.type === 'ADDED') return now ? this.send({ type: 'ADDED', object: this.view(e.object) }) : true;
    if (e.type === 'DELETED') return now || before ? this.send({ type: 'DELETED', object: this.view(e.object) }) : true;
    if (now && before) return this.send({ type: 'MODIFIED', object: this.view(e.object) });
    if (now) return this.send({ type: 'ADDED', object: this.view(e.object) });
    if (before) return this.send({ type: 'DELETED', object: this.view(e.object) });
    return true;
  }

  private bookmark(annotations?: Record<string, string>): boolean {
    return this.send({
      type: 'BOOKMARK',
      object: {
        kind: this.req.resource.kind,
        apiVersion: apiVersionOf(this.req.resource.group, this.req.version),
        metadata: { resourceVersion: String(this.hub.api.store.currentRevision), ...(annotations ? { annotations } : {}) },
      },
    });
  }

  /** Writes one event; false when the stream has ended (closed, or the fault switch dropped it). */
  private send(event: WatchEvent): boolean {
    if (this.ended) return false;
    this.res.write(`${JSON.stringify(event)}\n`);
    this.sent++;
    if (this.eventLimit !== undefined && this.sent >= this.eventLimit && event.type !== 'ERROR') {
      this.end();
      return false;
    }
    return true;
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.unsubscribe?.();
    for (const t of this.timers) clearInterval(t);
    this.hub.forget(this);
    if (!this.res.writableEnded) this.res.end();
  }
}

export class WatchHub {
  private readonly streams = new Set<WatchStream>();

  constructor(
    readonly api: ClusterApi,
    private readonly faults: FaultSwitch,
    readonly bookmarkIntervalMs: number,
  ) {}

  serve(req: WatchRequest, res: http.ServerResponse, path: string): void {
    const limit = this.faults.appliesToPath(path) ? this.faults.watchEventLimit : undefined;
    const stream = new WatchStream(this, req, res, limit);
    this.streams.add(stream);
    stream.start();
  }

  forget(stream: WatchStream): void {
    this.streams.delete(stream);
  }

  get open(): number {
    return this.streams.size;
  }

  /** Ends every open watch, as an API server restart does. */
  dropAll(): void {
    for (const s of [...this.streams]) s.end();
  }
}
