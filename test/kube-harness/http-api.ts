/**
 * The REST front end: authentication (bearer token), discovery, authorization (the access
 * policy), the fault switch, then the verbs on resources and their subresources, with answers in
 * kube-apiserver's shapes (objects, `<Kind>List`s, Status objects, Warning headers).
 */
import type http from 'node:http';
import { parse as parseYaml } from 'yaml';
import type { Logger } from '../../src/core/log.js';
import type { AccessPolicy } from './access-policy.js';
import { ApiError, asApiError, badRequest, methodNotAllowed, notFound, pageNotFound, unauthorized } from './api-errors.js';
import { PATCH_TYPES, type ClusterApi, type PropagationPolicy, type WriteResult } from './cluster-api.js';
import { coreVersions, group, groupList, resourceList, versionInfo } from './discovery.js';
import type { FaultSwitch, FaultVerb, ResponseInjector } from './faults.js';
import { copy, type KubeObject } from './object-store.js';
import { isMap, jsonPatch, mergePatch, type Json } from './patches.js';
import type { RequestLog } from './request-log.js';
import { parseRequestPath, type ParsedPath } from './request-path.js';
import { ServedResources, apiVersionOf, type ResourceType } from './resources.js';
import type { FieldValidation } from './validation.js';
import type { WatchHub } from './watch-hub.js';

/** What the front end delegates to the parts that run things (pods, VMs). */
export interface RuntimeHooks {
  podLog(namespace: string, name: string, container: string | undefined, follow: boolean, res: http.ServerResponse): Promise<void>;
  /** PUT on virtualmachines/<name>/start|stop|restart, virtualmachineinstances/<name>/softreboot|pause|unpause. */
  kubevirtAction(namespace: string, kind: 'virtualmachines' | 'virtualmachineinstances', name: string, action: string, body: unknown): Promise<void>;
  /** GET virtualmachineinstances/<name>/vnc/screenshot: a PNG. */
  screenshot(namespace: string, name: string): Promise<Buffer>;
  /** Fills the status of a created object of a kind that is answered, not stored (UploadTokenRequest). */
  answerVirtual(resource: ResourceType, object: KubeObject): KubeObject;
}

const MAX_BODY = 64 * 1024 * 1024;

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError(413, 'RequestEntityTooLarge', 'the request entity is too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseBody(raw: Buffer, contentType: string): unknown {
  const text = raw.toString('utf8');
  if (text.trim() === '') return undefined;
  const type = contentType.split(';')[0]!.trim();
  if (type.includes('protobuf') || type.includes('cbor')) throw new ApiError(415, 'UnsupportedMediaType', `the kube harness speaks JSON and YAML only, not ${type}`);
  try {
    return type.endsWith('yaml') ? parseYaml(text) : JSON.parse(text);
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, warnings: readonly string[] = []): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-cache, private' };
  if (warnings.length > 0) headers.warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ');
  const retry = body && typeof body === 'object' && (body as { details?: { retryAfterSeconds?: number } }).details?.retryAfterSeconds;
  if (retry) headers['retry-after'] = String(retry);
  res.writeHead(status, headers);
  res.end(text);
}

/** The request is still served, but nothing of the answer reaches the client. */
function muteAnswer(res: http.ServerResponse): void {
  res.writeHead = (() => res) as typeof res.writeHead;
  res.write = (() => true) as typeof res.write;
  res.end = (() => res) as typeof res.end;
}

export function sendError(res: http.ServerResponse, err: unknown): void {
  const e = asApiError(err);
  sendJson(res, e.code, e.toStatus());
}

function verbOf(method: string, parsed: Extract<ParsedPath, { type: 'resource' }>, query: URLSearchParams): FaultVerb | 'deletecollection' {
  const watch = query.get('watch');
  switch (method) {
    case 'GET':
      if (parsed.name === undefined) return watch === 'true' || watch === '1' ? 'watch' : 'list';
      return watch === 'true' || watch === '1' ? 'watch' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return parsed.name === undefined ? 'deletecollection' : 'delete';
    default:
      throw methodNotAllowed();
  }
}

function fieldValidationOf(query: URLSearchParams): FieldValidation | undefined {
  const v = query.get('fieldValidation');
  if (v === null || v === '') return undefined;
  if (v !== 'Strict' && v !== 'Warn' && v !== 'Ignore') throw badRequest(`fieldValidation must be one of Ignore, Warn, Strict, not "${v}"`);
  return v;
}

export class HttpApi {
  constructor(
    private readonly api: ClusterApi,
    private readonly watches: WatchHub,
    private readonly faults: FaultSwitch,
    private readonly access: AccessPolicy,
    private readonly token: string,
    private readonly hooks: RuntimeHooks,
    private readonly logger: Logger,
    private readonly responses: ResponseInjector,
    private readonly requestLog: RequestLog,
    private readonly served: ServedResources = ServedResources.all(),
  ) {}

  private async readBody(req: http.IncomingMessage): Promise<Buffer> {
    const raw = await readBody(req);
    this.requestLog.body(req, raw);
    return raw;
  }

  /** Is this request from the harness's user? */
  authenticated(req: http.IncomingMessage): boolean {
    return req.headers.authorization === `Bearer ${this.token}`;
  }

  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (err) {
      if (!(err instanceof ApiError)) this.logger.warn(`kube harness: ${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      sendError(res, err);
    }
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://harness');
    const method = req.method ?? 'GET';
    if (['/healthz', '/readyz', '/livez'].includes(url.pathname)) {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (!this.authenticated(req)) throw unauthorized();
    const chosen = this.responses.take(method, url.pathname, false);
    if (chosen && !chosen.lostAnswer) {
      // Read first, as the real handler would have: the request log then has the body.
      await this.readBody(req).catch(() => undefined);
      if (typeof chosen.body !== 'string') return sendJson(res, chosen.status, chosen.body);
      res.writeHead(chosen.status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(chosen.body) });
      res.end(chosen.body);
      return;
    }
    if (chosen) muteAnswer(res);
    if (url.pathname === '/version') return sendJson(res, 200, versionInfo());
    const parsed = parseRequestPath(url.pathname, this.served);
    switch (parsed.type) {
      case 'core-versions':
        return sendJson(res, 200, coreVersions());
      case 'groups':
        return sendJson(res, 200, groupList(this.served));
      case 'group': {
        const doc = group(parsed.group, this.served);
        if (!doc) throw pageNotFound();
        return sendJson(res, 200, doc);
      }
      case 'resource-list': {
        const doc = resourceList(parsed.group, parsed.version, this.served);
        if (!doc) throw pageNotFound();
        return sendJson(res, 200, doc);
      }
      case 'kubevirt':
        return this.kubevirt(req, res, method, parsed, url);
      case 'unknown':
        throw pageNotFound();
      case 'resource':
        return this.resource(req, res, method, parsed, url);
    }
  }

  private async kubevirt(req: http.IncomingMessage, res: http.ServerResponse, method: string, p: Extract<ParsedPath, { type: 'kubevirt' }>, url: URL): Promise<void> {
    const sub = p.subresource.join('/');
    const verb = method === 'GET' ? 'get' : method === 'PUT' ? 'update' : method === 'POST' ? 'create' : method.toLowerCase();
    const rbacSub = p.subresource[0] === 'portforward' ? 'portforward' : sub;
    this.access.authorize({ verb, group: 'subresources.kubevirt.io', resource: p.kind, subresource: rbacSub, namespace: p.namespace, name: p.name });
    const fault = this.faults.check({ verb: method === 'GET' ? 'get' : 'update', path: url.pathname, group: 'subresources.kubevirt.io', resource: p.kind, name: p.name });
    if (fault) throw fault;
    if (method === 'PUT') {
      const body = parseBody(await this.readBody(req), req.headers['content-type'] ?? 'application/json');
      await this.hooks.kubevirtAction(p.namespace, p.kind, p.name, sub, body);
      res.writeHead(202, { 'content-length': 0 });
      res.end();
      return;
    }
    if (method === 'GET' && sub === 'vnc/screenshot' && p.kind === 'virtualmachineinstances') {
      const png = await this.hooks.screenshot(p.namespace, p.name);
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
      res.end(png);
      return;
    }
    if (method === 'GET' && ['vnc', 'console', 'portforward', 'usbredir'].includes(p.subresource[0]!)) {
      throw badRequest('Upgrade request required: this endpoint is a websocket (subprotocol plain.kubevirt.io)');
    }
    throw methodNotAllowed();
  }

  private async resource(req: http.IncomingMessage, res: http.ServerResponse, method: string, p: Extract<ParsedPath, { type: 'resource' }>, url: URL): Promise<void> {
    const { resource, namespace, name } = p;
    const query = url.searchParams;
    const verb = verbOf(method, p, query);
    const sub = p.subresource.join('/');
    if (!resource.verbs.includes(verb) && !(sub && resource.status)) throw methodNotAllowed();
    if (resource.kind !== 'SelfSubjectAccessReview') {
      this.access.authorize({ verb, group: resource.group, resource: resource.plural, ...(sub ? { subresource: sub } : {}), ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) });
      if (verb !== 'deletecollection') {
        const fault = this.faults.check({ verb, path: url.pathname, group: resource.group, resource: resource.plural, ...(name ? { name } : {}) });
        if (fault) throw fault;
      }
    }
    if (query.get('dryRun')) throw badRequest('dry-run is not supported by the kube harness');
    const version = p.version;
    const view = (o: KubeObject) => this.api.view(resource, o, version);

    if (sub) return this.subresource(req, res, method, p, query);

    switch (verb) {
      case 'get':
        return sendJson(res, 200, view(this.api.get(resource, namespace, name!)));
      case 'list':
        return this.list(res, resource, version, namespace, query);
      case 'watch':
        return this.watches.serve(
          {
            resource,
            version,
            ...(namespace ? { namespace } : {}),
            ...(query.get('labelSelector') ? { labelSelector: query.get('labelSelector')! } : {}),
            fieldSelector: name ? [`metadata.name=${name}`, query.get('fieldSelector')].filter(Boolean).join(',') : (query.get('fieldSelector') ?? ''),
            ...(query.get('resourceVersion') !== null ? { resourceVersion: query.get('resourceVersion')! } : {}),
            ...(query.get('resourceVersionMatch') ? { resourceVersionMatch: query.get('resourceVersionMatch')! } : {}),
            allowWatchBookmarks: query.get('allowWatchBookmarks') === 'true' || query.get('allowWatchBookmarks') === '1',
            ...(query.get('sendInitialEvents') !== null ? { sendInitialEvents: query.get('sendInitialEvents') === 'true' } : {}),
            ...(query.get('timeoutSeconds') ? { timeoutSeconds: Number(query.get('timeoutSeconds')) } : {}),
          },
          res,
          url.pathname,
        );
      case 'create': {
        const body = parseBody(await this.readBody(req), req.headers['content-type'] ?? 'application/json');
        const result = this.api.create(resource, namespace, body, this.writeOptions(query));
        if (resource.kind === 'SelfSubjectAccessReview') return this.accessReview(res, result);
        if (resource.virtual) return sendJson(res, 201, this.hooks.answerVirtual(resource, result.object), result.warnings);
        return sendJson(res, 201, result.object, result.warnings);
      }
      case 'update': {
        const body = parseBody(await this.readBody(req), req.headers['content-type'] ?? 'application/json');
        const result = this.api.replace(resource, namespace, name!, body, this.writeOptions(query));
        return sendJson(res, 200, view(result.object), result.warnings);
      }
      case 'patch': {
        const contentType = req.headers['content-type'] ?? '';
        const body = parseBody(await this.readBody(req), contentType);
        const existed = this.api.tryGet(resource, namespace, name!) !== undefined;
        const result = this.patchWithOptions(resource, namespace, name!, contentType, body, query);
        return sendJson(res, existed ? 200 : 201, view(result.object), result.warnings);
      }
      case 'delete': {
        const body = parseBody(await this.readBody(req), req.headers['content-type'] ?? 'application/json');
        const { object, gone } = this.api.delete(resource, namespace, name!, this.deleteOptions(query, body));
        if (gone && !resource.deleteReturnsObject) {
          return sendJson(res, 200, {
            kind: 'Status',
            apiVersion: 'v1',
            metadata: {},
            status: 'Success',
            details: { name, ...(resource.group ? { group: resource.group } : {}), kind: resource.plural, uid: object.metadata.uid },
          });
        }
        return sendJson(res, gone ? 200 : 202, view(object));
      }
      case 'deletecollection': {
        const body = parseBody(await this.readBody(req), req.headers['content-type'] ?? 'application/json');
        const options = this.deleteOptions(query, body);
        const items: KubeObject[] = [];
        for (const o of this.api.list(resource, namespace, { ...this.selectors(query) })) {
          try {
            items.push(view(this.api.delete(resource, o.metadata.namespace, o.metadata.name!, options).object));
          } catch (err) {
            if (!(err instanceof ApiError && err.code === 404)) throw err;
          }
        }
        return sendJson(res, 200, { kind: `${resource.kind}List`, apiVersion: apiVersionOf(resource.group, version), metadata: { resourceVersion: String(this.api.store.currentRevision) }, items });
      }
    }
  }

  private accessReview(res: http.ServerResponse, result: WriteResult): void {
    const review = copy(result.object) as KubeObject & { spec?: Parameters<AccessPolicy['review']>[0] };
    review.status = this.access.review(review.spec ?? {});
    sendJson(res, 201, review);
  }

  private selectors(query: URLSearchParams): { labelSelector?: string; fieldSelector?: string } {
    return {
      ...(query.get('labelSelector') ? { labelSelector: query.get('labelSelector')! } : {}),
      ...(query.get('fieldSelector') ? { fieldSelector: query.get('fieldSelector')! } : {}),
    };
  }

  private writeOptions(query: URLSearchParams): { fieldValidation?: FieldValidation; fieldManager?: string } {
    const fieldValidation = fieldValidationOf(query);
    const fieldManager = query.get('fieldManager');
    return { ...(fieldValidation ? { fieldValidation } : {}), ...(fieldManager ? { fieldManager } : {}) };
  }

  private patchWithOptions(resource: ResourceType, namespace: string | undefined, name: string, contentType: string, body: unknown, query: URLSearchParams, subresource?: 'status'): WriteResult {
    const force = query.get('force') === 'true';
    if (force && !contentType.startsWith(PATCH_TYPES.apply)) throw badRequest('force is only allowed with apply patches');
    return this.api.patch(resource, namespace, name, contentType, body, { ...this.writeOptions(query), force, ...(subresource ? { subresource } : {}) });
  }

  private deleteOptions(query: URLSearchParams, body: unknown): { propagationPolicy?: PropagationPolicy; preconditions?: { uid?: string; resourceVersion?: string } } {
    const b = isMap(body) ? (body as { propagationPolicy?: string; preconditions?: { uid?: string; resourceVersion?: string }; orphanDependents?: boolean }) : {};
    const policy = query.get('propagationPolicy') ?? b.propagationPolicy ?? (b.orphanDependents === true || query.get('orphanDependents') === 'true' ? 'Orphan' : undefined);
    if (policy !== undefined && policy !== 'Background' && policy !== 'Foreground' && policy !== 'Orphan') {
      throw badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
    }
    return { ...(policy ? { propagationPolicy: policy as PropagationPolicy } : {}), ...(b.preconditions ? { preconditions: b.preconditions } : {}) };
  }

  private list(res: http.ServerResponse, resource: ResourceType, version: string, namespace: string | undefined, query: URLSearchParams): void {
    let items = this.api.list(resource, namespace, this.selectors(query));
    items.sort((a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`));
    const limit = Number(query.get('limit') ?? 0);
    const token = query.get('continue');
    if (token) {
      let after: string;
      try {
        after = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after: string }).after;
      } catch {
        throw badRequest('continue key is not valid: illegal base64 data');
      }
      items = items.filter((o) => `${o.metadata.namespace ?? ''}/${o.metadata.name}` > after);
    }
    const metadata: Record<string, unknown> = { resourceVersion: String(this.api.store.currentRevision) };
    if (limit > 0 && items.length > limit) {
      const last = items[limit - 1]!;
      metadata.continue = Buffer.from(JSON.stringify({ after: `${last.metadata.namespace ?? ''}/${last.metadata.name}` })).toString('base64url');
      metadata.remainingItemCount = items.length - limit;
      items = items.slice(0, limit);
    }
    sendJson(res, 200, { kind: `${resource.kind}List`, apiVersion: apiVersionOf(resource.group, version), metadata, items: items.map((o) => this.api.view(resource, o, version)) });
  }

  private async subresource(req: http.IncomingMessage, res: http.ServerResponse, method: string, p: Extract<ParsedPath, { type: 'resource' }>, query: URLSearchParams): Promise<void> {
    const { resource, namespace, name, version } = p;
    const sub = p.subresource.join('/');
    if (name === undefined) throw notFound({ group: resource.group, resource: resource.plural });
    const view = (o: KubeObject) => this.api.view(resource, o, version);
    if (sub === 'status' && resource.status) {
      if (method === 'GET') return sendJson(res, 200, view(this.api.get(resource, namespace, name)));
      const contentType = req.headers['content-type'] ?? 'application/json';
      const body = parseBody(await this.readBody(req), contentType);
      if (method === 'PUT') {
        const r = this.api.replace(resource, namespace, name, body, { ...this.writeOptions(query), subresource: 'status' });
        return sendJson(res, 200, view(r.object), r.warnings);
      }
      if (method === 'PATCH') {
        const r = this.patchWithOptions(resource, namespace, name, contentType, body, query, 'status');
        return sendJson(res, 200, view(r.object), r.warnings);
      }
      throw methodNotAllowed();
    }
    if (sub === 'scale' && resource.scale) return this.scale(req, res, method, resource, namespace!, name, query);
    if (sub === 'finalize' && resource.kind === 'Namespace' && method === 'PUT') {
      const body = parseBody(await this.readBody(req), req.headers['content-type'] ?? 'application/json') as KubeObject;
      const updated = this.api.mutate(resource, undefined, name, (o) => {
        (o as { spec?: unknown }).spec = (body as { spec?: unknown }).spec ?? {};
      });
      return sendJson(res, 200, updated ?? body);
    }
    if (resource.kind === 'Pod' && sub === 'log' && method === 'GET') {
      this.api.get(resource, namespace, name);
      return this.hooks.podLog(namespace!, name, query.get('container') ?? undefined, query.get('follow') === 'true', res);
    }
    if (resource.kind === 'Pod' && sub === 'portforward') throw badRequest('Upgrade request required: pod port-forward is served over websockets (v4.channel.k8s.io); SPDY is not supported by the kube harness');
    throw pageNotFound();
  }

  private async scale(req: http.IncomingMessage, res: http.ServerResponse, method: string, resource: ResourceType, namespace: string, name: string, query: URLSearchParams): Promise<void> {
    const toScale = (o: KubeObject) => {
      const spec = (o as { spec?: { replicas?: number } }).spec;
      const status = (o as { status?: { replicas?: number; labelSelector?: string } }).status;
      return {
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        metadata: { name: o.metadata.name, namespace: o.metadata.namespace, uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion, creationTimestamp: o.metadata.creationTimestamp },
        spec: { replicas: spec?.replicas ?? 1 },
        status: { replicas: status?.replicas ?? 0, ...(status?.labelSelector ? { selector: status.labelSelector } : {}) },
      };
    };
    const current = this.api.get(resource, namespace, name);
    if (method === 'GET') return sendJson(res, 200, toScale(current));
    const contentType = req.headers['content-type'] ?? 'application/json';
    const body = parseBody(await this.readBody(req), contentType);
    let wanted: unknown;
    if (method === 'PUT') wanted = (body as { spec?: { replicas?: unknown } } | undefined)?.spec?.replicas;
    else if (method === 'PATCH') {
      const before = toScale(current) as unknown as Json;
      const after = contentType.startsWith(PATCH_TYPES.json) ? jsonPatch(before, body) : mergePatch(before, body as Json);
      wanted = (after as { spec?: { replicas?: unknown } }).spec?.replicas;
    } else throw methodNotAllowed();
    if (typeof wanted !== 'number' || !Number.isInteger(wanted) || wanted < 0) {
      throw badRequest(`Scale in version "v1" cannot be handled as a Scale: spec.replicas must be a whole number ≥ 0`);
    }
    const updated = this.api.patch(resource, namespace, name, PATCH_TYPES.merge, { spec: { replicas: wanted } }, this.writeOptions(query));
    return sendJson(res, 200, toScale(updated.object));
  }
}
