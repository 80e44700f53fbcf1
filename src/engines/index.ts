/**
 * The one place engines are made. The CLI, the whole-build action and the stage actions ask for an
 * engine by name with their settings and get the core Engine seam back (src/core/engine.ts), so no
 * caller names a concrete engine or machine class, and a VM one process detached is attached
 * again by the engine its record names.
 */
import type { Engine, EngineName } from '../core/engine.js';
import { containerDiskSettingsFromEnv, createContainerDiskSource } from '../core/oci/pull/container-disk-source.js';
import { KubevirtEngine, type KubevirtEngineOptions } from './kubevirt/engine.js';
import type { LocalEngineOptions } from './local/engine.js';
import { createLocalEngine } from './local-engine.js';

export type { KubevirtEngineOptions } from './kubevirt/engine.js';
export type { LocalEngineOptions } from './local/engine.js';
export { stopDetachedVm } from './local-engine.js';
export { runEngineHelperIfAsked } from './helper-process.js';

export interface EngineSettings {
  local: LocalEngineOptions;
  kubevirt: KubevirtEngineOptions;
}

export const ENGINE_NAMES: readonly EngineName[] = ['local', 'kubevirt'];

export function createEngine<N extends EngineName>(name: N, settings: EngineSettings[N]): Engine {
  switch (name) {
    case 'local':
      return createLocalEngine(settings as LocalEngineOptions);
    case 'kubevirt':
      return new KubevirtEngine({ containerDisks: createContainerDiskSource(containerDiskSettingsFromEnv((settings as KubevirtEngineOptions).env)), ...(settings as KubevirtEngineOptions) });
    default:
      throw new Error(`unknown engine '${String(name)}'`);
  }
}
