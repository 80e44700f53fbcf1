/**
 * The three PATCH formats kube-apiserver takes besides apply: JSON merge patch (RFC 7386), JSON
 * patch (RFC 6902), and strategic merge patch for built-in kinds, whose lists merge by a key
 * (containers by name, volumeMounts by mountPath …) and which understands the `$patch`,
 * `$retainKeys` and `$deleteFromPrimitiveList` directives. Custom resources have no strategic
 * merge (the API server answers 415), so this table covers the built-in kinds the harness serves.
 */
import { ApiError, badRequest } from './api-errors.js';
import { copy } from './object-store.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonMap = { [key: string]: Json };

export function isMap(v: unknown): v is JsonMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 7386: maps merge, null deletes, everything else (lists too) replaces. */
export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isMap(patch)) return copy(patch);
  const out: JsonMap = isMap(target) ? copy(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

export interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  from?: string;
  value?: Json;
}

function patchFailed(message: string): ApiError {
  return new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${message}`);
}

function pointer(path: string): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw patchFailed(`invalid JSON pointer "${path}"`);
  return path
    .slice(1)
    .split('/')
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function parentOf(doc: Json, parts: string[], path: string): { parent: JsonMap | Json[]; last: string } {
  let node: Json = doc;
  for (const part of parts.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(node) ? node[Number(part)] : isMap(node) ? node[part] : undefined;
    if (next === undefined) throw patchFailed(`doc is missing path: "${path}"`);
    node = next;
  }
  if (!Array.isArray(node) && !isMap(node)) throw patchFailed(`doc is missing path: "${path}"`);
  return { parent: node, last: parts[parts.length - 1]! };
}

function getAt(doc: Json, path: string): Json {
  let node: Json | undefined = doc;
  for (const part of pointer(path)) {
    node = Array.isArray(node) ? node[Number(part)] : isMap(node) ? node[part] : undefined;
    if (node === undefined) throw patchFailed(`doc is missing path: "${path}"`);
  }
  return node;
}

function arrayIndex(list: Json[], part: string, path: string, forInsert: boolean): number {
  if (forInsert && part === '-') return list.length;
  if (!/^(0|[1-9]\d*)$/.test(part)) throw patchFailed(`invalid array index "${part}" in "${path}"`);
  const i = Number(part);
  if (i > list.length || (!forInsert && i === list.length)) throw patchFailed(`index ${i} out of bounds in "${path}"`);
  return i;
}

function addAt(doc: Json, path: string, value: Json): Json {
  const parts = pointer(path);
  if (parts.length === 0) return value;
  const { parent, last } = parentOf(doc, parts, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, path, true), 0, value);
  else parent[last] = value;
  return doc;
}

function removeAt(doc: Json, path: string): Json {
  const parts = pointer(path);
  const { parent, last } = parentOf(doc, parts, path);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, path, false), 1);
  else {
    if (!Object.hasOwn(parent, last)) throw patchFailed(`unable to remove nonexistent key: ${last}: missing value`);
    delete parent[last];
  }
  return doc;
}

export function jsonPatch(target: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc = copy(target);
  for (const raw of ops as JsonPatchOp[]) {
    if (!isMap(raw as unknown) || typeof raw.path !== 'string') throw badRequest('json patch operations need an op and a path');
    switch (raw.op) {
      case 'add':
        doc = addAt(doc, raw.path, copy(raw.value ?? null));
        break;
      case 'remove':
        doc = removeAt(doc, raw.path);
        break;
      case 'replace':
        getAt(doc, raw.path);
        doc = addAt(removeAt(doc, raw.path), raw.path, copy(raw.value ?? null));
        break;
      case 'move': {
        const value = getAt(doc, raw.from ?? '');
        doc = addAt(removeAt(doc, raw.from ?? ''), raw.path, value);
        break;
      }
      case 'copy':
        doc = addAt(doc, raw.path, copy(getAt(doc, raw.from ?? '')));
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, raw.path)) !== JSON.stringify(raw.value ?? null)) throw patchFailed(`testing value ${raw.path} failed: test failed`);
        break;
      default:
        throw badRequest(`Unexpected kind: ${String((raw as { op?: unknown }).op)}`);
    }
  }
  return doc;
}

/** Merge keys of the built-in kinds' lists (patchMergeKey in the Go types), by field name. */
export function mergeKeyFor(field: string, parentPath: readonly string[]): string | undefined {
  switch (field) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'volumes':
    case 'env':
    case 'imagePullSecrets':
    case 'resourceClaims':
      return 'name';
    case 'volumeMounts':
      return 'mountPath';
    case 'volumeDevices':
      return 'devicePath';
    case 'ports':
      return parentPath.some((p) => p === 'containers' || p === 'initContainers' || p === 'ephemeralContainers') ? 'containerPort' : 'port';
    case 'ownerReferences':
      return 'uid';
    case 'conditions':
      return 'type';
    case 'hostAliases':
      return 'ip';
    case 'topologySpreadConstraints':
      return 'topologyKey';
    default:
      return undefined;
  }
}

/** Lists of strings that merge as sets. */
const PRIMITIVE_MERGE_LISTS = new Set(['finalizers']);

export function strategicMergePatch(target: Json | undefined, patch: Json, path: readonly string[] = []): Json | undefined {
  if (!isMap(patch)) return copy(patch);
  const directive = patch.$patch;
  if (directive === 'delete') return undefined;
  const body: JsonMap = {};
  for (const [k, v] of Object.entries(patch)) if (k !== '$patch') body[k] = v;
  if (directive === 'replace') return stripDirectives(body);
  const out: JsonMap = isMap(target) ? copy(target) : {};
  for (const [key, value] of Object.entries(body)) {
    if (key === '$retainKeys' || key.startsWith('$setElementOrder/')) continue;
    if (key.startsWith('$deleteFromPrimitiveList/')) {
      const field = key.slice('$deleteFromPrimitiveList/'.length);
      const current = out[field];
      if (Array.isArray(current) && Array.isArray(value)) out[field] = current.filter((c) => !value.some((v) => JSON.stringify(v) === JSON.stringify(c)));
      continue;
    }
    if (value === null) {
      delete out[key];
      continue;
    }
    if (Array.isArray(value)) {
      const merged = mergeList(out[key], value, key, path);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
      continue;
    }
    if (isMap(value)) {
      const merged = strategicMergePatch(out[key], value, [...path, key]);
      if (merged === undefined) delete out[key];
      else out[key] = merged;
      continue;
    }
    out[key] = value;
  }
  const retain = body.$retainKeys;
  if (Array.isArray(retain)) for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  return out;
}

function stripDirectives(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isMap(value)) return value;
  const out: JsonMap = {};
  for (const [k, v] of Object.entries(value)) if (!k.startsWith('$')) out[k] = stripDirectives(v);
  return out;
}

function mergeList(current: Json | undefined, patch: Json[], field: string, path: readonly string[]): Json[] | undefined {
  const existing = Array.isArray(current) ? copy(current) : [];
  if (PRIMITIVE_MERGE_LISTS.has(field)) {
    const out = [...existing];
    for (const v of patch) if (!out.some((e) => JSON.stringify(e) === JSON.stringify(v))) out.push(v);
    return out;
  }
  const key = mergeKeyFor(field, path);
  if (!key || !patch.every(isMap)) return stripDirectives(patch) as Json[];
  if (patch.some((p) => isMap(p) && p.$patch === 'replace')) return patch.filter((p) => !(isMap(p) && p.$patch === 'replace')).map(stripDirectives);
  const out = existing;
  for (const element of patch as JsonMap[]) {
    const id = element[key];
    const index = out.findIndex((e) => isMap(e) && JSON.stringify(e[key]) === JSON.stringify(id));
    if (element.$patch === 'delete') {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    if (index >= 0) {
      const merged = strategicMergePatch(out[index], element, [...path, field]);
      if (merged === undefined) out.splice(index, 1);
      else out[index] = merged;
    } else out.push(stripDirectives(element));
  }
  return out;
}
