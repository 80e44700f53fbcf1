/**
 * After a layer's outputs are final (built, or reused from the layer cache or the engine's kept
 * layers): the engine publishes those the build file keeps as the engine's own images
 * (Engine.publishLayer; on KubeVirt output.dataSource, a golden image behind a CDI DataSource).
 * Unlike keeping a layer for reuse, this is something the user asked for: a failure fails the build.
 */
import type { Build, Layer } from '../config/model.js';
import type { Engine } from '../engine.js';
import type { Logger } from '../log.js';
import type { VmOutput } from './manifest.js';

export async function publishLayer(req: { engine: Engine; build: Build; layer: Layer; outputs: readonly VmOutput[]; logger: Logger; signal: AbortSignal }): Promise<void> {
  const { engine, layer } = req;
  if (!engine.publishLayer || !layer.vms.some((v) => v.output.dataSource)) return;
  const outputs = req.outputs.filter((o) => o.layer === layer.name);
  await engine.publishLayer({ build: req.build, layer, outputs, logger: req.logger, signal: req.signal });
}
