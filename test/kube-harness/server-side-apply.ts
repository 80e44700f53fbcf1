/**
 * Server-side apply (PATCH with application/apply-patch+yaml): the applied configuration is merged
 * into the live object, each field manager owns the fields it applied (recorded in
 * metadata.managedFields in the FieldsV1 format), fields a manager stops applying are removed
 * unless another manager owns them, and applying a value another manager owns is a 409 conflict
 * unless `force` is set. Lists merge by key where the built-in kinds declare one (and for
 * metadata.ownerReferences / finalizers); other lists are atomic, as for CRDs without list-type
 * markers. Ownership from ordinary updates is not tracked: conflicts arise between appliers only.
 */
import { ApiError } from './api-errors.js';
import type { KubeObject } from './object-store.js';
import { copy } from './object-store.js';
import { isMap, mergeKeyFor, type Json } from './patches.js';

type JsonMap = { [key: string]: Json };
/** One owned field: ["f:spec", "f:containers", "k:{\"name\":\"a\"}", "f:image"]. */
type FieldPath = string[];

interface ManagedEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonMap;
  subresource?: string;
}

const PRIMITIVE_SET_LISTS = new Set(['finalizers']);

function listKey(field: string, path: readonly string[], builtIn: boolean): string | undefined {
  if (field === 'ownerReferences') return 'uid';
  if (!builtIn) return undefined;
  return mergeKeyFor(field, path);
}

function plainName(segment: string): string {
  return segment.startsWith('f:') ? segment.slice(2) : segment;
}

/** The fields an applied configuration sets. */
export function fieldSet(config: JsonMap, builtIn: boolean, prefix: FieldPath = []): FieldPath[] {
  const out: FieldPath[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (prefix.length === 0 && (key === 'apiVersion' || key === 'kind')) continue;
    if (prefix.length === 1 && prefix[0] === 'f:metadata' && ['name', 'namespace', 'resourceVersion', 'uid', 'managedFields', 'creationTimestamp', 'generation'].includes(key)) continue;
    const here = [...prefix, `f:${key}`];
    if (isMap(value) && Object.keys(value).length > 0) {
      out.push(...fieldSet(value, builtIn, here));
    } else if (Array.isArray(value)) {
      const keyName = listKey(key, prefix.map(plainName), builtIn);
      if (PRIMITIVE_SET_LISTS.has(key) && value.every((v) => typeof v === 'string')) {
        for (const v of value) out.push([...here, `v:${JSON.stringify(v)}`]);
      } else if (keyName && value.every(isMap)) {
        for (const element of value as JsonMap[]) {
          const elementPath = [...here, `k:${JSON.stringify({ [keyName]: element[keyName] ?? null })}`];
          out.push([...elementPath, '.']);
          out.push(...fieldSet(element, builtIn, elementPath));
        }
      } else out.push(here);
    } else out.push(here);
  }
  return out;
}

function toTree(paths: readonly FieldPath[]): JsonMap {
  const root: JsonMap = {};
  for (const p of paths) {
    let node = root;
    for (const segment of p) {
      const next = node[segment];
      if (isMap(next)) node = next;
      else {
        const created: JsonMap = {};
        node[segment] = created;
        node = created;
      }
    }
  }
  return root;
}

function fromTree(tree: JsonMap, prefix: FieldPath = []): FieldPath[] {
  const out: FieldPath[] = [];
  for (const [segment, child] of Object.entries(tree)) {
    const here = [...prefix, segment];
    if (isMap(child) && Object.keys(child).length > 0) out.push(...fromTree(child, here));
    else out.push(here);
  }
  return out;
}

const pathId = (p: FieldPath): string => JSON.stringify(p);

/** The live value a field path points at, or undefined when absent. */
function valueAt(object: Json, path: FieldPath): Json | undefined {
  let node: Json | undefined = object;
  for (const segment of path) {
    if (segment === '.') return node;
    if (node === undefined) return undefined;
    if (segment.startsWith('f:')) node = isMap(node) ? node[segment.slice(2)] : undefined;
    else if (segment.startsWith('k:')) {
      const key = JSON.parse(segment.slice(2)) as JsonMap;
      node = Array.isArray(node) ? node.find((e) => isMap(e) && Object.entries(key).every(([k, v]) => JSON.stringify(e[k] ?? null) === JSON.stringify(v))) : undefined;
    } else if (segment.startsWith('v:')) {
      const v = JSON.parse(segment.slice(2)) as Json;
      node = Array.isArray(node) && node.some((e) => JSON.stringify(e) === JSON.stringify(v)) ? v : undefined;
    }
  }
  return node;
}

function removeAt(object: JsonMap, path: FieldPath): void {
  const last = path[path.length - 1]!;
  const elementRemoval = last === '.';
  const parentPath = elementRemoval ? path.slice(0, -2) : path.slice(0, -1);
  const target = elementRemoval ? path[path.length - 2]! : last;
  const parent = parentPath.length === 0 ? object : valueAt(object, parentPath);
  if (target.startsWith('f:')) {
    if (isMap(parent)) delete parent[target.slice(2)];
  } else if (target.startsWith('k:') || target.startsWith('v:')) {
    if (!Array.isArray(parent)) return;
    const element = valueAt(object, [...parentPath, target]);
    const index = parent.findIndex((e) => JSON.stringify(e) === JSON.stringify(element));
    if (index >= 0) parent.splice(index, 1);
  }
}

/** Merges an applied configuration into the live object: maps merge, keyed lists merge by key. */
function applyMerge(live: Json | undefined, applied: Json, builtIn: boolean, path: readonly string[]): Json {
  if (!isMap(applied)) return copy(applied);
  const out: JsonMap = isMap(live) ? copy(live) : {};
  for (const [key, value] of Object.entries(applied)) {
    if (Array.isArray(value)) {
      const keyName = listKey(key, path, builtIn);
      const current = out[key];
      if (PRIMITIVE_SET_LISTS.has(key) && Array.isArray(current)) {
        const merged = [...current];
        for (const v of value) if (!merged.some((m) => JSON.stringify(m) === JSON.stringify(v))) merged.push(v);
        out[key] = merged;
      } else if (keyName && value.every(isMap) && Array.isArray(current)) {
        const merged = copy(current);
        for (const element of value as JsonMap[]) {
          const index = merged.findIndex((m) => isMap(m) && JSON.stringify(m[keyName] ?? null) === JSON.stringify(element[keyName] ?? null));
          if (index >= 0) merged[index] = applyMerge(merged[index], element, builtIn, [...path, key]);
          else merged.push(copy(element));
        }
        out[key] = merged;
      } else out[key] = copy(value);
    } else if (isMap(value)) out[key] = applyMerge(out[key], value, builtIn, [...path, key]);
    else out[key] = value;
  }
  return out;
}

export interface ApplyRequest {
  live: KubeObject | undefined;
  applied: KubeObject;
  manager: string;
  force: boolean;
  builtIn: boolean;
  /** For messages. */
  qualifiedName: string;
  now: string;
}

/** The object after applying, with managedFields updated; throws a 409 on conflicts. */
export function serverSideApply(req: ApplyRequest): KubeObject {
  const { live, applied, manager } = req;
  const entries: ManagedEntry[] = live ? ((copy(live.metadata.managedFields ?? []) as ManagedEntry[]).filter((e) => isMap(e as unknown as Json)) as ManagedEntry[]) : [];
  const newFields = fieldSet(applied as unknown as JsonMap, req.builtIn);
  const newIds = new Set(newFields.map(pathId));
  const mine = entries.find((e) => e.manager === manager && e.operation === 'Apply');
  const previous = mine ? fromTree(mine.fieldsV1) : [];
  const others = entries.filter((e) => e !== mine);

  // Conflicts: another applier owns a field we set to a different value.
  const conflicts: { manager: string; path: FieldPath }[] = [];
  for (const other of others.filter((e) => e.operation === 'Apply')) {
    for (const p of fromTree(other.fieldsV1)) {
      if (!newIds.has(pathId(p)) || p[p.length - 1] === '.') continue;
      const liveValue = live ? valueAt(live as unknown as Json, p) : undefined;
      const appliedValue = valueAt(applied as unknown as Json, p);
      // An (empty) map owned as a whole holds fields others may own: only values conflict.
      if (isMap(liveValue) && isMap(appliedValue)) continue;
      if (JSON.stringify(liveValue) !== JSON.stringify(appliedValue)) conflicts.push({ manager: other.manager, path: p });
    }
  }
  if (conflicts.length > 0 && !req.force) {
    const lines = conflicts.map((c) => `conflict with "${c.manager}": .${c.path.map((s) => (s.startsWith('f:') ? s.slice(2) : `[${s.slice(2)}]`)).join('.')}`);
    throw new ApiError(409, 'Conflict', `Apply failed with ${conflicts.length} conflict${conflicts.length === 1 ? '' : 's'}: ${lines.join('\n')}`, {
      name: applied.metadata.name ?? '',
      kind: req.qualifiedName,
      causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}"`, field: c.path.join('.') })),
    });
  }

  let merged = applyMerge(live ? (copy(live) as unknown as Json) : {}, applied as unknown as Json, req.builtIn, []) as JsonMap;
  // Fields this manager applied before and dropped now go, unless someone else still owns them.
  const ownedByOthers = new Set(others.flatMap((e) => fromTree(e.fieldsV1)).map(pathId));
  const dropped = previous.filter((p) => !newIds.has(pathId(p)) && !ownedByOthers.has(pathId(p)));
  // Deepest first, so removing a list element does not shift a sibling's path.
  for (const p of dropped.sort((a, b) => b.length - a.length)) removeAt(merged, p);

  const forcedAway = new Set(conflicts.map((c) => pathId(c.path)));
  const updated: ManagedEntry[] = [];
  for (const e of others) {
    if (forcedAway.size === 0) {
      updated.push(e);
      continue;
    }
    const kept = fromTree(e.fieldsV1).filter((p) => !forcedAway.has(pathId(p)));
    if (kept.length > 0) updated.push({ ...e, fieldsV1: toTree(kept) });
  }
  updated.push({ manager, operation: 'Apply', apiVersion: applied.apiVersion, time: req.now, fieldsType: 'FieldsV1', fieldsV1: toTree(newFields) });
  merged = merged as JsonMap;
  const result = merged as unknown as KubeObject;
  result.metadata = { ...(result.metadata ?? {}), managedFields: updated };
  return result;
}
