/**
 * The layer cache on a GitHub runner. A hosted runner starts every job with an empty disk, so the
 * local layer cache (core/pipeline/layer-cache.ts) alone would never reuse anything there: each
 * lookup that misses locally asks the Actions cache for the entry folder under the layer's content
 * key, and each layer this job built is saved back afterwards. The keys are the pipeline's own
 * (layer-key.ts, computed by runBuild as it goes), so a layer started from an earlier one is looked
 * up only once its parent's digest is known — restored or built.
 *
 * An entry folder holds the layer's finished images (qcow2 outputs are compressed already) and
 * entry.json, never the VM's work files; @actions/cache archives it as one tar.zst.
 *
 * Actions cache entries cannot be replaced, so a layer rebuilt under a key that is saved already
 * (forced, or older than its maxAge) is saved again under the key plus a time suffix, and lookups
 * take the newest entry whose key starts with the layer's key. The small records that say why a
 * layer changed (layer-history.ts) travel the same way, newest first, so a hosted runner's summary
 * can say "tag … moved" too.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes, type Logger } from '../../core/log.js';
import { LayerHistory } from '../../core/pipeline/layer-history.js';
import { LayerCache, type LayerCacheEntry } from '../../core/pipeline/layer-cache.js';
import type { VmOutput } from '../../core/pipeline/manifest.js';
import { actionsCacheAvailable, restoreFromActionsCache, saveToActionsCache } from './actions-cache.js';

/** How a layer's outputs came to be in this build. */
export type LayerOrigin = 'built' | 'actions-cache' | 'local';

export interface LayerRecord {
  layer: string;
  /** The layer's content key (sha256 hex). */
  key: string;
  origin: LayerOrigin;
  /** For built layers: whether saveBuiltLayers put the entry into the Actions cache. */
  saved?: boolean;
}

/** The Actions cache key of a layer entry: readable in the repository's cache list, unique by content. */
export function layerActionsCacheKey(layer: string, key: string): string {
  return `ruddervirt-layer-${layer}-${key}`;
}

export class ActionsLayerCache extends LayerCache {
  /** Per layer name, in the order the build reached them. */
  readonly layers = new Map<string, LayerRecord>();
  private readonly foundIn = new Map<string, Exclude<LayerOrigin, 'built'>>();
  /** Per layer, the key its history record held before the build: an unchanged record is not saved again. */
  private readonly historyBefore = new Map<string, string>();

  constructor(
    root: string,
    private readonly logger: Logger,
    /** The `cache` input: false keeps the Actions cache out of it (local entries are still reused). */
    private readonly useActionsCache: boolean,
  ) {
    super(root);
  }

  override async lookup(key: string, layer = 'layer'): Promise<LayerCacheEntry | undefined> {
    const local = await super.lookup(key, layer);
    if (local) {
      this.foundIn.set(key, 'local');
      return local;
    }
    const what = `layer ${layer}`;
    const cacheKey = layerActionsCacheKey(layer, key);
    let matched = cacheKey;
    // A key never saved, so the newest entry of this content key is the one taken (see above).
    if (!(await restoreFromActionsCache(this.entryDir(key), `${cacheKey}-newest`, what, this.logger, this.useActionsCache, [cacheKey], (k) => (matched = k)))) return undefined;
    // An entry is only trusted whole: one whose entry.json does not match its key is ignored.
    const restored = await super.lookup(key, layer);
    if (restored) {
      this.foundIn.set(key, 'actions-cache');
      this.logger.info(`${what}: restored from the Actions cache (key ${matched}); not rebuilt`);
    }
    return restored;
  }

  override async restore(entry: LayerCacheEntry, outputDir: string): Promise<VmOutput[]> {
    const outputs = await super.restore(entry, outputDir);
    this.layers.set(entry.layer, { layer: entry.layer, key: entry.key, origin: this.foundIn.get(entry.key) ?? 'local' });
    return outputs;
  }

  override async store(key: string, layer: string, outputs: readonly VmOutput[]): Promise<void> {
    await super.store(key, layer, outputs);
    this.layers.set(layer, { layer, key, origin: 'built' });
  }

  /** Where the outputs of `layer` came from, for the summary (undefined: the build never finished it). */
  originOf(layer: string): LayerOrigin | undefined {
    return this.layers.get(layer)?.origin;
  }

  /**
   * Saves every layer this job built into the Actions cache. Layers that finished before a later
   * layer failed are saved too: they are complete, and the next run then resumes after them.
   */
  async saveBuiltLayers(): Promise<void> {
    if (!(await actionsCacheAvailable(this.useActionsCache))) return;
    for (const record of this.layers.values()) {
      if (record.origin !== 'built') continue;
      const dir = this.entryDir(record.key);
      const what = `layer ${record.layer}`;
      this.logger.info(`${what}: saving ${formatBytes(await folderBytes(dir))} to the Actions cache`);
      const cacheKey = layerActionsCacheKey(record.layer, record.key);
      // Taken already (by the entry this rebuild replaces, or a parallel job): the newer one goes beside it.
      record.saved = (await saveToActionsCache(dir, cacheKey, what, this.logger, this.useActionsCache)) || (await saveToActionsCache(dir, `${cacheKey}-${Date.now()}`, what, this.logger, this.useActionsCache));
    }
  }

  /** The Actions cache key prefix of a layer's history record (why it changed since). */
  private historyKey(build: string, layer: string): string {
    return `ruddervirt-layer-history-${build}-${layer}-`;
  }

  /** Before the build: the newest history record of each layer, where this runner has none. */
  async restoreHistory(build: string, layers: readonly string[]): Promise<void> {
    if (!(await actionsCacheAvailable(this.useActionsCache))) return;
    const history = new LayerHistory(this.root);
    for (const layer of layers) {
      if (!(await history.read(build, layer))) {
        const prefix = this.historyKey(build, layer);
        await restoreFromActionsCache(history.file(build, layer), `${prefix}newest`, `layer ${layer} history`, this.logger, true, [prefix]);
      }
      const before = await history.read(build, layer);
      if (before) this.historyBefore.set(layer, before.key);
    }
  }

  /** After the build: each layer's history record that changed, under a new key (entries cannot be replaced). */
  async saveHistory(build: string, layers: readonly string[]): Promise<void> {
    if (!(await actionsCacheAvailable(this.useActionsCache))) return;
    const history = new LayerHistory(this.root);
    for (const layer of layers) {
      const record = await history.read(build, layer);
      if (!record || this.historyBefore.get(layer) === record.key) continue;
      await saveToActionsCache(history.file(build, layer), `${this.historyKey(build, layer)}${Date.now()}`, `layer ${layer} history`, this.logger, true);
    }
  }
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const f of await readdir(dir).catch(() => [] as string[])) total += (await stat(path.join(dir, f)).catch(() => ({ size: 0 }))).size;
  return total;
}
