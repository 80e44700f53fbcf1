/**
 * Runs a whole build file: layers in order, the VMs of a layer together, each VM through Packer's
 * order of operations (vm-build.ts). Writes the manifest whatever the outcome, so a failed build
 * still says how far it got.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pkg from '../../../package.json' with { type: 'json' };
import type { Build, OnError } from '../config/model.js';
import type { Engine } from '../engine.js';
import { SecretMasker, type Logger } from '../log.js';
import { UserError } from '../errors.js';
import { CancelledError } from '../abort.js';
import type { LayerCache } from './layer-cache.js';
import { secretsOf } from '../oci/pull/container-disk-source.js';
import { keepBuiltLayer, reuseKeptLayer } from './kept-layers.js';
import { changeReason, LayerHistory, tooOld, type LayerDecision } from './layer-history.js';
import { layerKeyWithParts } from './layer-key.js';
import { publishLayer } from './publish-layer.js';
import { resolveSourceChecksums } from '../sources/resolve-checksums.js';
import { LayerSync } from './layer-sync.js';
import { redactedVariables, writeManifest, type BuildManifest, type SourceRecord, type VmOutput } from './manifest.js';
import type { PhaseRecord } from './phase.js';
import { buildVm } from './vm-build.js';
import type { AbandonedVm, PhaseTimeouts, RunVmStepsOptions } from './vm-steps.js';

export interface BuildOptions {
  build: Build;
  engine: Engine;
  outputDir: string;
  onError: OnError;
  logger: Logger;
  signal: AbortSignal;
  phaseTimeouts?: PhaseTimeouts;
  /**
   * Where finished layers are kept by content key; without it every layer is built, and the
   * engine neither reuses nor keeps layers of its own (Engine.findKeptLayer) either.
   */
  layerCache?: LayerCache;
  /** Rebuild every layer even when its key is cached (the result still refreshes the cache). */
  force?: boolean;
  /** Rebuild these layers even when their keys are cached (--force-layer); the layers after them follow when their parents' digests change. */
  forceLayers?: readonly string[];
  /** Build only this layer; earlier layers must come from the cache. */
  only?: string;
  /** Stop after this layer. */
  until?: string;
  masker?: SecretMasker;
  /** onError ask: a person decides about each failed step. */
  ask?: RunVmStepsOptions['ask'];
}

export interface BuildResult {
  status: 'succeeded' | 'failed' | 'cancelled';
  error?: Error;
  outputs: VmOutput[];
  phases: PhaseRecord[];
  manifest: string;
  /** onError abort: the VMs left for debugging (running, where the engine could detach them). */
  abandoned: AbandonedVm[];
  /** Each layer the build reached: built or reused, and why. */
  layers: LayerDecision[];
}

export async function runBuild(options: BuildOptions): Promise<BuildResult> {
  const { build, engine, logger, signal } = options;
  // checksum: file:… → the digest it names, its signature checked: before any VM starts or key is made.
  await resolveSourceChecksums(build, { logger, signal });
  // One masker for everything the build writes besides log lines (manifest, log folder files):
  // the host's, which also learns the secrets found while the build runs (registry tokens).
  const hostMasker = secretsOf(logger);
  const masker = options.masker ?? (hostMasker instanceof SecretMasker ? hostMasker : new SecretMasker());
  for (const s of build.secrets) {
    masker.add(s);
    hostMasker?.add(s);
  }
  const outputDir = path.resolve(options.outputDir);
  await mkdir(outputDir, { recursive: true });
  const startedAt = new Date().toISOString();
  const outputs: VmOutput[] = [];
  const phases: PhaseRecord[] = [];
  const abandoned: AbandonedVm[] = [];
  let error: Error | undefined;

  const names = build.layers.map((l) => l.name);
  for (const [flag, value] of [['--only', options.only], ['--until', options.until], ...(options.forceLayers ?? []).map((l) => ['--force-layer', l] as const)] as const) {
    if (value !== undefined && !names.includes(value)) throw new UserError(`${flag} ${value}: no such layer (layers: ${names.join(', ')})`);
  }
  const lastIndex = options.until !== undefined ? names.indexOf(options.until) : options.only !== undefined ? names.indexOf(options.only) : names.length - 1;
  const parents = new Map<string, string>();
  const sources: SourceRecord[] = [];
  const decisions: LayerDecision[] = [];
  const history = options.layerCache ? new LayerHistory(options.layerCache.root) : undefined;

  try {
    for (const layer of build.layers.slice(0, lastIndex + 1)) {
      // Sources a tag names (containerDisks) are pinned to a digest first: the key records it, so a moved tag rebuilds the layer.
      const sourceDigests = new Map<string, string>();
      for (const vm of layer.vms) {
        const pinned = await engine.sourceDigest?.(vm, logger, signal);
        if (!pinned) continue;
        sourceDigests.set(vm.name, pinned.digest);
        sources.push({ vm: `${layer.name}/${vm.name}`, ...pinned });
      }
      const keyed = options.layerCache ? await layerKeyWithParts(build, layer, parents, sourceDigests, options.layerCache.digestMemo()) : undefined;
      const key = keyed?.key;
      const previous = keyed ? await history!.read(build.name, layer.name) : undefined;
      const remember = async () => {
        if (keyed) await history!.write(build.name, layer.name, { key: keyed.key, parts: keyed.parts, at: new Date().toISOString() });
      };
      const mustBuild = options.only === undefined || options.only === layer.name;
      const forced = mustBuild && (options.force === true || (options.forceLayers ?? []).includes(layer.name));
      let found = key && options.layerCache && !forced ? await options.layerCache.lookup(key, layer.name) : undefined;
      // A layer that pulls updates (maxAge) is rebuilt once its cached output is that old, whatever its key says.
      let stale = found ? tooOld(found.createdAt, layer.maxAge) : undefined;
      if (stale && mustBuild) found = undefined;
      else stale = undefined;
      const kept =
        key && !forced && !stale
          ? await reuseKeptLayer({
              engine,
              build,
              layer,
              key,
              outputDir,
              logger,
              signal,
              ...(options.layerCache ? { layerCache: options.layerCache } : {}),
              ...(layer.maxAge !== undefined && mustBuild ? { maxAge: layer.maxAge, onTooOld: (why: string) => (stale = why) } : {}),
            })
          : undefined;
      const cached = found;
      if (kept) {
        decisions.push({ layer: layer.name, key: key!, action: 'reused', reason: 'reused' });
        await remember();
        for (const o of kept.outputs) {
          outputs.push(o);
          parents.set(`${o.layer}/${o.vm}`, o.sha256);
        }
        phases.push(...kept.phases);
        await publishLayer({ engine, build, layer, outputs: kept.outputs, logger, signal });
        continue;
      }
      if (cached) {
        decisions.push({ layer: layer.name, key: key!, action: 'reused', reason: 'reused' });
        await remember();
        const restored = await options.layerCache!.restore(cached, outputDir);
        for (const o of restored) {
          outputs.push(o);
          parents.set(`${o.layer}/${o.vm}`, o.sha256);
          phases.push({ vm: `${layer.name}/${o.vm}`, phase: 'layer', startedAt: new Date().toISOString(), durationMs: 0, status: 'reused', detail: `cache key ${key!.slice(0, 12)}` });
        }
        logger.info(`layer ${layer.name}: reused (unchanged, cache key ${key!.slice(0, 12)})`);
        await publishLayer({ engine, build, layer, outputs: restored, logger, signal });
        continue;
      }
      if (!mustBuild) throw new UserError(`layer ${layer.name} is not in the layer cache; build it first (run without --only)`);
      const reason = !keyed ? 'layer cache off' : forced ? 'forced' : (stale ?? changeReason(previous, keyed.key, keyed.parts));
      decisions.push({ layer: layer.name, ...(key ? { key } : {}), action: 'built', reason });
      logger.info(`layer ${layer.name}: building (${reason})`);
      // One failing VM stops its siblings: they share networks and a half-built layer is useless.
      const layerAbort = new AbortController();
      const layerSignal = AbortSignal.any([signal, layerAbort.signal]);
      const layerSync = new LayerSync(layer.vms);
      const results = await Promise.allSettled(
        layer.vms.map(async (vm) => {
          try {
            const parent = vm.source.kind === 'from' ? outputs.find((o) => o.layer === (vm.source as { layer: string }).layer && o.vm === (vm.source as { vm: string }).vm) : undefined;
            return await buildVm({
              build,
              layer,
              vm,
              engine,
              outputDir,
              onError: options.onError,
              logger: logger.child(layer.vms.length > 1 || build.layers.length > 1 ? `${layer.name}/${vm.name}` : vm.name),
              signal: layerSignal,
              phases,
              layerSync,
              ...(parent ? { parentDisk: parent.image } : {}),
              ...(options.phaseTimeouts ? { phaseTimeouts: options.phaseTimeouts } : {}),
              masker,
              onAbandoned: (a) => abandoned.push(a),
              ...(options.ask ? { ask: options.ask } : {}),
            });
          } catch (err) {
            layerAbort.abort(err);
            throw err;
          }
        }),
      );
      const built: VmOutput[] = [];
      for (const r of results) if (r.status === 'fulfilled') built.push(r.value);
      outputs.push(...built);
      // Report the VM that failed first, not a sibling that was stopped because of it.
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason as Error);
      const first = failures.find((e) => !(e instanceof CancelledError)) ?? failures[0];
      if (first) throw first;
      for (const o of built) parents.set(`${o.layer}/${o.vm}`, o.sha256);
      if (key && options.layerCache) await options.layerCache.store(key, layer.name, built);
      await remember();
      if (key) await keepBuiltLayer({ engine, build, layer, key, logger, signal, outputs: built });
      await publishLayer({ engine, build, layer, outputs: built, logger, signal });
    }
  } catch (err) {
    error = signal.aborted ? new CancelledError() : err instanceof Error ? err : new Error(String(err));
  }

  const status = error ? (error instanceof CancelledError ? 'cancelled' : 'failed') : 'succeeded';
  const manifest: BuildManifest = {
    manifestVersion: 1,
    tool: { name: 'ruddervirt', version: pkg.version },
    build: { name: build.name, file: build.file, engine: engine.name, variables: redactedVariables(build) },
    startedAt,
    finishedAt: new Date().toISOString(),
    status,
    ...(error ? { error: error.message } : {}),
    ...(sources.length > 0 ? { sources } : {}),
    layers: decisions,
    phases,
    outputs,
  };
  // The build's own secrets and every one found while it ran (registry tokens), in any field.
  const manifestFile = await writeManifest(outputDir, manifest, masker);
  return { status, ...(error ? { error } : {}), outputs, phases, manifest: manifestFile, abandoned, layers: decisions };
}
