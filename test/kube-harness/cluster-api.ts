/**
 * The API server's object semantics over the store, shared by the HTTP front end and the
 * in-process controllers: create (generateName, system metadata, defaults), get/list with
 * selectors, update with resourceVersion preconditions and the status subresource split, the
 * four patch types, and delete with finalizers, deletionTimestamp and propagation policies.
 * Garbage collection of dependents runs in garbage-collector.ts, driven by the store's events.
 */
import { randomUUID } from 'node:crypto';
import { ApiError, alreadyExists, badRequest, conflict, invalid, notFound, unsupportedMediaType } from './api-errors.js';
import { admit } from './admission.js';
import { featureGateDenial } from './feature-gates.js';
import { type KubeObject, type ObjectStore, copy } from './object-store.js';
import { isMap, jsonPatch, mergePatch, strategicMergePatch, type Json } from './patches.js';
import { apiVersionOf, mustResource, splitApiVersion, type ResourceType } from './resources.js';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { serverSideApply } from './server-side-apply.js';
import { validateBody, type FieldValidation } from './validation.js';

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;
export type PatchType = (typeof PATCH_TYPES)[keyof typeof PATCH_TYPES];

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';
export const NAMESPACE_FINALIZER = 'kubernetes';

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface WriteOptions {
  fieldValidation?: FieldValidation;
  fieldManager?: string;
  /** Controllers create objects with their status (pods they run, answers of virtual kinds). */
  keepStatus?: boolean;
  /**
   * The harness's own objects at start, written valid: not schema-checked, since compiling the
   * KubeVirt CR's schema alone costs a start half a second, for tests that never write one.
   */
  trusted?: boolean;
}

export interface WriteResult {
  object: KubeObject;
  warnings: string[];
}

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface DeleteOptions {
  propagationPolicy?: PropagationPolicy;
  preconditions?: { uid?: string; resourceVersion?: string };
}

const GENERATE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function generateSuffix(): string {
  let out = '';
  for (let i = 0; i < 5; i++) out += GENERATE_ALPHABET[Math.floor(Math.random() * GENERATE_ALPHABET.length)];
  return out;
}

/** RFC 3339 with whole seconds, as metav1.Time serializes. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function subject(resource: ResourceType, name?: string) {
  return { group: resource.group, resource: resource.plural, ...(name !== undefined ? { name } : {}) };
}

/** Everything but metadata and status: what a spec change means for metadata.generation. */
function specPart(object: KubeObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = object;
  return JSON.stringify(rest);
}

function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined, managedFields: undefined } });
  return JSON.stringify(strip(a)) === JSON.stringify(strip(b));
}

export class ClusterApi {
  constructor(
    readonly store: ObjectStore,
    private readonly defaultFieldValidation: FieldValidation = 'Strict',
  ) {}

  /** The object as a client asked for it: the requested version of its kind. */
  view(resource: ResourceType, object: KubeObject, version = resource.versions[0]!): KubeObject {
    const out = copy(object);
    out.apiVersion = apiVersionOf(resource.group, version);
    out.kind = resource.kind;
    return out;
  }

  tryGet(resource: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.store.get(resource, namespace, name);
  }

  get(resource: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const found = this.tryGet(resource, namespace, name);
    if (!found) throw notFound(subject(resource, name));
    return found;
  }

  list(resource: ResourceType, namespace: string | undefined, options: ListOptions = {}): KubeObject[] {
    const labels = parseLabelSelector(options.labelSelector);
    const fields = parseFieldSelector(options.fieldSelector, resource.kind);
    return this.store.list(resource, namespace).filter((o) => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o));
  }

  private checkNamespace(resource: ResourceType, namespace: string | undefined, name: string): void {
    if (!resource.namespaced) return;
    if (!namespace) throw badRequest('the server could not find the requested resource: a namespace is required');
    const ns = this.store.get(mustResource('', 'namespaces'), undefined, namespace);
    if (!ns) throw notFound({ group: '', resource: 'namespaces', name: namespace });
    if (ns.metadata.deletionTimestamp) {
      throw new ApiError(
        403,
        'Forbidden',
        `${resource.group ? `${resource.plural}.${resource.group}` : resource.plural} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        {
          name: namespace,
          kind: 'namespaces',
          causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
        },
      );
    }
  }

  /** Checks what the body says about itself against the URL it was sent to. */
  private checkIdentity(resource: ResourceType, body: unknown, namespace: string | undefined, name?: string): KubeObject {
    if (!isMap(body)) throw badRequest(`the body of the request must be a ${resource.kind} object`);
    const object = body as unknown as KubeObject;
    if (object.kind !== undefined && object.kind !== resource.kind) {
      throw badRequest(
        `the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${apiVersionOf(resource.group, resource.versions[0]!)}) or kind ${String(object.kind)} is not ${resource.kind}`,
      );
    }
    if (object.apiVersion !== undefined) {
      const [group, version] = splitApiVersion(String(object.apiVersion));
      if (group !== resource.group || !resource.versions.includes(version)) {
        throw badRequest(`the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${apiVersionOf(resource.group, resource.versions[0]!)})`);
      }
    } else object.apiVersion = apiVersionOf(resource.group, resource.versions[0]!);
    object.kind = resource.kind;
    if (object.metadata === undefined) object.metadata = {};
    if (!isMap(object.metadata as unknown)) throw badRequest(`${resource.kind} in version "${resource.versions[0]}" cannot be handled as a ${resource.kind}: metadata must be an object`);
    if (resource.namespaced) {
      if (object.metadata.namespace !== undefined && object.metadata.namespace !== '' && object.metadata.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      object.metadata.namespace = namespace;
    } else delete object.metadata.namespace;
    if (name !== undefined && object.metadata.name !== undefined && object.metadata.name !== name) {
      throw badRequest(`the name of the object (${String(object.metadata.name)}) does not match the name on the URL (${name})`);
    }
    if (name !== undefined) object.metadata.name = name;
    return object;
  }

  create(resource: ResourceType, namespace: string | undefined, body: unknown, options: WriteOptions = {}): WriteResult {
    const object = this.checkIdentity(resource, copy(body), namespace);
    const { warnings } = options.trusted ? { warnings: [] } : validateBody(resource, object, options.fieldValidation ?? this.defaultFieldValidation);
    const meta = object.metadata;
    if (!meta.name && !resource.virtual) {
      if (!meta.generateName) throw invalid(resource.kind, resource.group, '', [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
      // generateName collisions are retried, as the API server's name generator does.
      for (let attempt = 0; attempt < 8 && !meta.name; attempt++) {
        const candidate = `${meta.generateName}${generateSuffix()}`.slice(0, 253);
        if (!this.store.get(resource, namespace, candidate)) meta.name = candidate;
      }
      if (!meta.name) throw alreadyExists(subject(resource, meta.generateName));
    }
    if (resource.virtual) return { object: this.view(resource, this.stamp(resource, object)), warnings };
    const name = meta.name ?? '';
    this.checkNamespace(resource, namespace, name);
    if (this.store.get(resource, namespace, name)) throw alreadyExists(subject(resource, name));
    if (resource.status && !options.keepStatus) delete object.status;
    this.stamp(resource, object);
    defaultOnCreate(resource, object);
    admit(object);
    const gateDenial = featureGateDenial(object, this.store.list(mustResource('kubevirt.io', 'kubevirts'))[0]);
    if (gateDenial) throw gateDenial;
    return { object: this.view(resource, this.store.put(resource, this.toStorage(resource, object))), warnings };
  }

  private stamp(resource: ResourceType, object: KubeObject): KubeObject {
    const meta = object.metadata;
    meta.uid = randomUUID();
    meta.creationTimestamp = timestamp();
    meta.generation = 1;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.resourceVersion;
    delete meta.selfLink;
    if (resource.virtual) delete meta.uid;
    return object;
  }

  private toStorage(resource: ResourceType, object: KubeObject): KubeObject {
    return { ...object, apiVersion: apiVersionOf(resource.group, resource.versions[0]!) };
  }

  /**
   * PUT: replaces the object (or only its status on the status subresource). A resourceVersion in
   * the body must match the stored one.
   */
  replace(resource: ResourceType, namespace: string | undefined, name: string, body: unknown, options: WriteOptions & { subresource?: 'status' } = {}): WriteResult {
    const existing = this.get(resource, namespace, name);
    const object = this.checkIdentity(resource, copy(body), namespace, name);
    const wanted = object.metadata.resourceVersion;
    if (wanted !== undefined && wanted !== '' && wanted !== existing.metadata.resourceVersion) throw conflict(subject(resource, name));
    const { warnings } = validateBody(resource, object, options.fieldValidation ?? this.defaultFieldValidation);
    return { object: this.commitUpdate(resource, existing, object, options.subresource), warnings };
  }

  /** Writes an update whose body was already checked; shared by PUT, PATCH and controllers. */
  private commitUpdate(resource: ResourceType, existing: KubeObject, incoming: KubeObject, subresource?: 'status'): KubeObject {
    let next: KubeObject;
    if (subresource === 'status') {
      next = copy(existing);
      if (incoming.status === undefined) delete next.status;
      else next.status = incoming.status;
    } else {
      next = copy(incoming);
      if (resource.status) {
        if (existing.status === undefined) delete next.status;
        else next.status = copy(existing.status);
      }
      const keep = ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation'] as const;
      for (const k of keep) {
        if (existing.metadata[k] === undefined) delete next.metadata[k];
        else (next.metadata as Record<string, unknown>)[k] = existing.metadata[k];
      }
      next.metadata.name = existing.metadata.name;
      if (resource.namespaced) next.metadata.namespace = existing.metadata.namespace;
      if (existing.metadata.deletionTimestamp && next.metadata.finalizers !== undefined) {
        // Finalizers can only be removed from an object being deleted, never added.
        next.metadata.finalizers = next.metadata.finalizers.filter((f) => existing.metadata.finalizers?.includes(f));
      }
      if (specPart(next) !== specPart(existing)) next.metadata.generation = (existing.metadata.generation ?? 1) + 1;
      defaultOnUpdate(resource, next, existing);
      admit(next, existing);
    }
    next.metadata.resourceVersion = existing.metadata.resourceVersion;
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) {
      this.store.remove(resource, existing.metadata.namespace, existing.metadata.name!);
      const gone = copy(next);
      return this.view(resource, gone);
    }
    if (sameContent(next, existing)) return this.view(resource, existing);
    return this.view(resource, this.store.put(resource, this.toStorage(resource, next)));
  }

  patch(resource: ResourceType, namespace: string | undefined, name: string, patchType: string, body: unknown, options: WriteOptions & { subresource?: 'status'; force?: boolean } = {}): WriteResult {
    const type = patchType.split(';')[0]!.trim();
    const accepted = resource.builtIn ? Object.values(PATCH_TYPES) : [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply];
    if (!(accepted as string[]).includes(type)) throw unsupportedMediaType(type, accepted);
    if (type === PATCH_TYPES.apply) return this.apply(resource, namespace, name, body, options);
    const existing = this.get(resource, namespace, name);
    let patched: Json | undefined;
    const current = existing as unknown as Json;
    if (type === PATCH_TYPES.json) patched = jsonPatch(current, body);
    else if (type === PATCH_TYPES.merge) patched = mergePatch(current, body as Json);
    else patched = strategicMergePatch(current, body as Json);
    if (!isMap(patched)) throw badRequest('the patch turned the object into something that is not an object');
    const object = this.checkIdentity(resource, patched, namespace, name);
    const wanted = isMap(body) && isMap(body.metadata) ? body.metadata.resourceVersion : undefined;
    if (typeof wanted === 'string' && wanted !== existing.metadata.resourceVersion) throw conflict(subject(resource, name));
    object.metadata.resourceVersion = existing.metadata.resourceVersion;
    const { warnings } = validateBody(resource, object, options.fieldValidation ?? this.defaultFieldValidation);
    return { object: this.commitUpdate(resource, existing, object, options.subresource), warnings };
  }

  private apply(resource: ResourceType, namespace: string | undefined, name: string, body: unknown, options: WriteOptions & { subresource?: 'status'; force?: boolean }): WriteResult {
    if (!options.fieldManager) {
      throw invalid('PatchOptions', 'meta.k8s.io', '', [{ reason: 'FieldValueRequired', field: 'fieldManager', message: 'Required value: is required for apply patch' }]);
    }
    const applied = this.checkIdentity(resource, copy(body), namespace, name);
    if (applied.apiVersion === undefined || applied.kind === undefined) throw badRequest('apply patches need apiVersion and kind');
    const validation = options.fieldValidation ?? this.defaultFieldValidation;
    validateBody(resource, copy(applied), validation);
    const live = this.tryGet(resource, namespace, name);
    const qualifiedName = resource.group ? `${resource.plural}.${resource.group}` : resource.plural;
    const merged = serverSideApply({ live, applied, manager: options.fieldManager, force: options.force === true, builtIn: resource.builtIn, qualifiedName, now: timestamp() });
    merged.apiVersion = applied.apiVersion;
    merged.kind = resource.kind;
    if (!live) {
      const created = this.create(resource, namespace, merged, { ...options, keepStatus: false });
      return created;
    }
    const { warnings } = validateBody(resource, merged, validation);
    return { object: this.commitUpdate(resource, live, merged, options.subresource), warnings };
  }

  /**
   * DELETE: objects with finalizers (or a Foreground/Orphan propagation) get a deletionTimestamp
   * and stay until their finalizers are gone; the others go at once and the garbage collector
   * takes care of their dependents. Returns the object and whether it is gone.
   */
  delete(resource: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions = {}): { object: KubeObject; gone: boolean } {
    const existing = this.get(resource, namespace, name);
    const pre = options.preconditions;
    if (pre?.uid !== undefined && pre.uid !== existing.metadata.uid) {
      throw conflict(subject(resource, name), `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${existing.metadata.uid}`);
    }
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== existing.metadata.resourceVersion) {
      throw conflict(subject(resource, name), `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.metadata.resourceVersion}`);
    }
    const finalizers = [...(existing.metadata.finalizers ?? [])];
    const policy = options.propagationPolicy ?? 'Background';
    if (resource.kind === 'Namespace') {
      if (existing.metadata.deletionTimestamp) return { object: this.view(resource, existing), gone: false };
      const next = copy(existing);
      next.metadata.deletionTimestamp = timestamp();
      next.metadata.deletionGracePeriodSeconds = 0;
      next.status = { ...(isMap(next.status) ? next.status : {}), phase: 'Terminating' };
      return { object: this.view(resource, this.store.put(resource, next)), gone: false };
    }
    if (policy === 'Foreground' && !finalizers.includes(FOREGROUND_FINALIZER)) finalizers.push(FOREGROUND_FINALIZER);
    if (policy === 'Orphan' && !finalizers.includes(ORPHAN_FINALIZER)) finalizers.push(ORPHAN_FINALIZER);
    if (finalizers.length === 0) {
      const gone = this.store.remove(resource, namespace, name)!;
      return { object: this.view(resource, gone), gone: true };
    }
    if (existing.metadata.deletionTimestamp && JSON.stringify(finalizers) === JSON.stringify(existing.metadata.finalizers ?? [])) {
      return { object: this.view(resource, existing), gone: false };
    }
    const next = copy(existing);
    next.metadata.deletionTimestamp ??= timestamp();
    next.metadata.deletionGracePeriodSeconds ??= 0;
    next.metadata.finalizers = finalizers;
    return { object: this.view(resource, this.store.put(resource, next)), gone: false };
  }

  /** Finalizer bookkeeping for controllers: removes one; the object goes once none is left. */
  removeFinalizer(resource: ResourceType, namespace: string | undefined, name: string, finalizer: string): void {
    const existing = this.tryGet(resource, namespace, name);
    if (!existing || !(existing.metadata.finalizers ?? []).includes(finalizer)) return;
    const next = copy(existing);
    next.metadata.finalizers = (next.metadata.finalizers ?? []).filter((f) => f !== finalizer);
    if (next.metadata.finalizers.length === 0) delete next.metadata.finalizers;
    this.commitUpdate(resource, existing, next);
  }

  /**
   * Controllers' read-modify-write: `change` edits a copy (status included, one write, as a
   * controller that owns both would make); returning false skips the write. Validated like any
   * write. Returns the stored object, or undefined if it does not exist.
   */
  mutate(resource: ResourceType, namespace: string | undefined, name: string, change: (object: KubeObject) => boolean | void): KubeObject | undefined {
    const existing = this.tryGet(resource, namespace, name);
    if (!existing) return undefined;
    const next = copy(existing);
    if (change(next) === false) return this.view(resource, existing);
    validateBody(resource, next, 'Strict');
    for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
      if (existing.metadata[k] === undefined) delete next.metadata[k];
      else (next.metadata as Record<string, unknown>)[k] = existing.metadata[k];
    }
    next.metadata.name = existing.metadata.name;
    next.metadata.namespace = existing.metadata.namespace;
    next.metadata.generation = existing.metadata.generation;
    if (specPart(next) !== specPart(existing)) next.metadata.generation = (existing.metadata.generation ?? 1) + 1;
    next.metadata.resourceVersion = existing.metadata.resourceVersion;
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) {
      this.store.remove(resource, existing.metadata.namespace, existing.metadata.name!);
      return undefined;
    }
    if (sameContent(next, existing)) return this.view(resource, existing);
    return this.view(resource, this.store.put(resource, this.toStorage(resource, next)));
  }

  /** A controller's create: like a client's, but its status is kept. */
  createInternal(resource: ResourceType, namespace: string | undefined, object: KubeObject, trusted = false): KubeObject {
    return this.create(resource, namespace, object, { keepStatus: true, fieldValidation: 'Strict', trusted }).object;
  }
}

function defaultOnCreate(resource: ResourceType, object: KubeObject): void {
  const o = object as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  switch (resource.kind) {
    case 'Namespace':
      o.spec = { finalizers: [NAMESPACE_FINALIZER], ...(o.spec ?? {}) };
      o.status = { phase: 'Active' };
      o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name };
      break;
    case 'Secret':
      normalizeSecret(object);
      break;
    case 'ConfigMap': {
      const size = Object.entries((o.data ?? {}) as Record<string, string>).reduce((n, [k, v]) => n + k.length + v.length, 0);
      if (size > 1024 * 1024) throw invalid('ConfigMap', '', o.metadata.name, [{ reason: 'FieldValueTooLong', field: '', message: 'Too long: must have at most 1048576 bytes' }]);
      break;
    }
    case 'Pod':
      o.status ??= { phase: 'Pending', qosClass: 'Burstable' };
      o.spec.restartPolicy ??= 'Always';
      o.spec.terminationGracePeriodSeconds ??= 30;
      o.spec.dnsPolicy ??= 'ClusterFirst';
      break;
    case 'Service':
      o.spec ??= {};
      o.spec.type ??= 'ClusterIP';
      o.spec.clusterIP ??= `10.96.${Math.floor(Math.random() * 250) + 1}.${Math.floor(Math.random() * 250) + 1}`;
      o.spec.clusterIPs ??= [o.spec.clusterIP];
      for (const p of (o.spec.ports ?? []) as Record<string, unknown>[]) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
      o.status ??= { loadBalancer: {} };
      break;
    case 'PersistentVolumeClaim':
      o.status ??= { phase: 'Pending' };
      o.spec.volumeMode ??= 'Filesystem';
      break;
    default:
      break;
  }
}

function defaultOnUpdate(resource: ResourceType, next: KubeObject, existing: KubeObject): void {
  if (resource.kind === 'Secret') normalizeSecret(next);
  if (resource.kind === 'Namespace') (next as Record<string, unknown>).spec = (existing as Record<string, unknown>).spec;
}

/** stringData is write-only: merged into data (base64) and dropped, as the API server does. */
function normalizeSecret(object: KubeObject): void {
  const o = object as { data?: Record<string, string>; stringData?: Record<string, string>; type?: string; metadata: { name?: string } };
  o.type ??= 'Opaque';
  if (o.stringData) {
    o.data = { ...(o.data ?? {}) };
    for (const [k, v] of Object.entries(o.stringData)) o.data[k] = Buffer.from(v, 'utf8').toString('base64');
    delete o.stringData;
  }
  let size = 0;
  for (const [k, v] of Object.entries(o.data ?? {})) {
    if (!/^[-._a-zA-Z0-9]+$/.test(k)) {
      throw invalid('Secret', '', o.metadata.name ?? '', [{ field: `data[${k}]`, message: `Invalid value: "${k}": a valid config key must consist of alphanumeric characters, '-', '_' or '.'` }]);
    }
    size += Buffer.from(v, 'base64').length;
  }
  if (size > 1024 * 1024) throw invalid('Secret', '', o.metadata.name ?? '', [{ reason: 'FieldValueTooLong', field: 'data', message: 'Too long: must have at most 1048576 bytes' }]);
}
