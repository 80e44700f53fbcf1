/**
 * Layers an engine keeps between builds itself (Engine.findKeptLayer / keepLayer; KubeVirt keeps
 * them in the cluster), beside the local layer cache (layer-cache.ts): a kept layer is reused
 * without booting its VMs, and the next layer's `from:` disks start from it where it is kept
 * (on KubeVirt a clone inside the cluster instead of an upload from this machine).
 *
 * The images still land in the output folder, as for any reused layer: copied from the local layer
 * cache when it holds the same key, else fetched from where the engine keeps them.
 */
import { rm, stat, writeFile } from 'node:fs/promises';
import type { Build, Layer } from '../config/model.js';
import type { Engine } from '../engine.js';
import type { Logger } from '../log.js';
import { writeSha256File } from './checksum-file.js';
import type { LayerCache } from './layer-cache.js';
import { tooOld } from './layer-history.js';
import type { VmOutput } from './manifest.js';
import type { PhaseRecord } from './phase.js';
import { outputImagePath } from './steps/export-output.js';
import { sbomBeside } from '../sbom/sbom-referrer.js';

export interface KeptLayerReuseRequest {
  engine: Engine;
  build: Build;
  layer: Layer;
  key: string;
  outputDir: string;
  layerCache?: LayerCache;
  logger: Logger;
  signal: AbortSignal;
  /** The layer's maxAge: kept outputs older than this (or of unknown age) are not reused; onTooOld says why. */
  maxAge?: number;
  onTooOld?: (reason: string) => void;
}

export interface ReusedLayer {
  outputs: VmOutput[];
  phases: PhaseRecord[];
}

/** The layer's outputs from the engine's kept ones, or undefined when the engine keeps none for this key. */
export async function reuseKeptLayer(req: KeptLayerReuseRequest): Promise<ReusedLayer | undefined> {
  const { engine, build, layer, key, logger, signal } = req;
  const kept = await engine.findKeptLayer?.({ build, layer, key, logger, signal });
  if (!kept) return undefined;
  if (req.maxAge !== undefined) {
    // The oldest output decides: the layer's VMs were built together.
    const oldest = kept.map((k) => k.createdAt).sort((a, b) => (a === undefined ? -1 : b === undefined ? 1 : Date.parse(a) - Date.parse(b)))[0];
    const why = tooOld(oldest, req.maxAge);
    if (why) {
      req.onTooOld?.(why);
      return undefined;
    }
  }
  const entry = await req.layerCache?.lookup(key, layer.name);
  const local = entry ? await req.layerCache!.restore(entry, req.outputDir) : [];
  const outputs: VmOutput[] = [];
  const phases: PhaseRecord[] = [];
  for (const k of kept) {
    const startedAt = new Date();
    let output = local.find((o) => o.vm === k.vm);
    if (!output) {
      const vm = layer.vms.find((v) => v.name === k.vm);
      if (!vm) throw new Error(`internal: the engine kept an output of ${layer.name}/${k.vm}, which is not a VM of the layer`);
      const image = outputImagePath(req.outputDir, layer, vm);
      logger.info(`layer ${layer.name}: fetching the kept output of ${k.vm} from ${k.where} (not in the local layer cache)`);
      await k.download(image, logger, signal);
      // The digest of the file written here, which a different conversion could change: a later
      // layer's key then changes too and it is rebuilt, never wrongly reused.
      const { sha256, checksumFile } = await writeSha256File(image, signal);
      const { size } = await stat(image);
      output = { layer: layer.name, vm: k.vm, image, format: k.format, compressed: k.compressed, bytes: size, sha256, checksumFile };
      // Its SBOM, when the engine kept one: an SBOM beside an image always describes that image.
      const sbomFile = sbomBeside(image);
      await rm(sbomFile, { force: true });
      // (It describes the kept disk, checked by the kept sha256; a different conversion here changes bytes, not packages.)
      if (k.readSbom) {
        try {
          await writeFile(sbomFile, await k.readSbom(signal));
          output.sbom = sbomFile;
          logger.info(`layer ${layer.name}: the SBOM of ${k.vm} kept with it → ${sbomFile}`);
        } catch (err) {
          if (signal.aborted) throw err;
          logger.warn(`layer ${layer.name}: the SBOM kept with ${k.where} cannot be read (${err instanceof Error ? err.message : String(err)}); ${k.vm}'s image has none this time`);
        }
      }
    }
    outputs.push({ ...output, reused: true, keptAs: k.where });
    phases.push({
      vm: `${layer.name}/${k.vm}`,
      phase: 'layer',
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      status: 'reused',
      detail: `kept by the ${engine.name} engine as ${k.where}, key ${key.slice(0, 12)}`,
    });
  }
  logger.info(`layer ${layer.name}: reused (unchanged, key ${key.slice(0, 12)}) from ${kept.map((k) => k.where).join(', ')}`);
  return { outputs, phases };
}

/** After a layer was built: the engine keeps its outputs; a failure to keep costs a rebuild later, not this build. */
export async function keepBuiltLayer(req: Omit<KeptLayerReuseRequest, 'outputDir' | 'layerCache'> & { outputs: VmOutput[] }): Promise<void> {
  const { engine, build, layer, key, logger, signal, outputs } = req;
  if (!engine.keepLayer) return;
  try {
    const where = await engine.keepLayer({ build, layer, key, logger, signal, outputs });
    for (const o of outputs) {
      const at = where.get(o.vm);
      if (at) o.keptAs = at;
    }
  } catch (err) {
    if (signal.aborted) throw err;
    logger.warn(`layer ${layer.name}: its outputs are not kept for later builds: ${err instanceof Error ? err.message : String(err)}`);
  }
}
