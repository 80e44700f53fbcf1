/**
 * Why a layer is rebuilt or reused, in words a person reviewing a scheduled refresh can act on:
 * "tag quay.io/containerdisks/debian:12 moved to sha256:…", "older than maxAge", "forced",
 * "build file changed", "reused". The layer cache keeps, per build and layer, what went into the
 * key the last time the layer was built or reused (layer-key.ts's parts); a new key is explained
 * by the parts that differ from that record.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatGoDuration } from '../duration.js';
import type { LayerKeyParts } from './layer-key.js';

export interface LayerHistoryRecord {
  key: string;
  parts: LayerKeyParts;
  /** When the layer was last built or reused with this key. */
  at: string;
}

/** What a build did with one layer, and why (the summary, the manifest and the actions' job summary show it). */
export interface LayerDecision {
  layer: string;
  /** The content key, when the layer cache is on. */
  key?: string;
  action: 'built' | 'reused';
  reason: string;
}

/** `<cache>/layer-history/<build>/<layer>.json`: small records beside the layer entries, never read as entries. */
export class LayerHistory {
  constructor(readonly root: string) {}

  file(build: string, layer: string): string {
    return path.join(this.root, 'layer-history', build, `${layer}.json`);
  }

  async read(build: string, layer: string): Promise<LayerHistoryRecord | undefined> {
    try {
      const r = JSON.parse(await readFile(this.file(build, layer), 'utf8')) as LayerHistoryRecord;
      return typeof r.key === 'string' && r.parts && typeof r.parts === 'object' ? r : undefined;
    } catch {
      return undefined;
    }
  }

  async write(build: string, layer: string, record: LayerHistoryRecord): Promise<void> {
    const file = this.file(build, layer);
    await mkdir(path.dirname(file), { recursive: true });
    // Aside, then renamed: two builds of one file never leave half a record.
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, JSON.stringify(record, null, 2) + '\n');
    await rename(partial, file);
  }
}

/** Why a layer whose key is not cached must be built, from what differs since `previous`. */
export function changeReason(previous: LayerHistoryRecord | undefined, key: string, parts: LayerKeyParts): string {
  if (!previous) return 'not built before';
  if (previous.key === key) return 'not in the layer cache';
  const reasons: string[] = [];
  for (const [vm, now] of Object.entries(parts.sources)) {
    const before = previous.parts.sources?.[vm];
    if (before && before.reference === now.reference && before.digest !== now.digest) reasons.push(`tag ${now.reference} moved to ${now.digest}`);
    else if (!before || before.reference !== now.reference) reasons.push(`source of ${vm} changed to ${now.reference} (${now.digest})`);
  }
  const rebuiltParents = new Set<string>();
  for (const [parent, digest] of Object.entries(parts.parents)) {
    if (previous.parts.parents?.[parent] !== undefined && previous.parts.parents[parent] !== digest) rebuiltParents.add(parent.split('/')[0]!);
  }
  for (const layer of rebuiltParents) reasons.push(`layer ${layer} was rebuilt`);
  if (previous.parts.config !== parts.config) reasons.push('build file changed');
  if (previous.parts.files !== parts.files) reasons.push('local files changed');
  return reasons.length > 0 ? reasons.join('; ') : 'build file changed';
}

/** "older than maxAge (7d): built 2026-…", or undefined while the entry is young enough. */
export function tooOld(createdAt: string | undefined, maxAgeMs: number | undefined, now = Date.now()): string | undefined {
  if (maxAgeMs === undefined) return undefined;
  const built = createdAt ? Date.parse(createdAt) : NaN;
  const limit = `older than maxAge (${formatGoDuration(maxAgeMs)})`;
  if (Number.isNaN(built)) return `${limit}: its build time is unknown`;
  return now - built > maxAgeMs ? `${limit}: built ${createdAt}` : undefined;
}
