/**
 * The one place engines are made. The CLI, the whole-build action and the stage actions ask for an
 * engine by name with their settings and get the core Engine seam back (src/core/engine.ts), so no
 * caller names a concrete engine or machine class, and a VM one process detached is attached
 * again by the engine its record names.
 */
import type { DetachedVm, Engine, EngineName } from '../core/engine.js';
import { containerDiskSettingsFromEnv, createContainerDiskSource } from '../core/oci/pull/container-disk-source.js';
import { AttachedMachine, checkDetachedRecord } from './local/attach.js';
import { KubevirtEngine, type KubevirtEngineOptions } from './kubevirt/engine.js';
import { LocalEngine, type LocalEngineOptions } from './local/engine.js';
import { runKeeper } from './local/keeper.js';
import { isKeeperProcess } from './local/keeper-protocol.js';

export type { KubevirtEngineOptions } from './kubevirt/engine.js';
export type { LocalEngineOptions } from './local/engine.js';

export interface EngineSettings {
  local: LocalEngineOptions;
  kubevirt: KubevirtEngineOptions;
}

export const ENGINE_NAMES: readonly EngineName[] = ['local', 'kubevirt'];

export function createEngine<N extends EngineName>(name: N, settings: EngineSettings[N]): Engine {
  switch (name) {
    case 'local': {
      const local = settings as LocalEngineOptions;
      // containerDisk sources are pulled on this machine with the registry client publish uses.
      return new LocalEngine({ containerDisks: createContainerDiskSource(containerDiskSettingsFromEnv(local.env)), ...local });
    }
    case 'kubevirt':
      return new KubevirtEngine({ containerDisks: createContainerDiskSource(containerDiskSettingsFromEnv((settings as KubevirtEngineOptions).env)), ...(settings as KubevirtEngineOptions) });
    default:
      throw new Error(`unknown engine '${String(name)}'`);
  }
}

/**
 * Stops a detached VM from its record alone, for post steps and cleanup commands that have no
 * build at hand. Resolves true when something was running and was stopped. KubeVirt VMs are not
 * stopped one by one: they go with their build run, removed by its label.
 */
export async function stopDetachedVm(record: DetachedVm, stopping?: () => void): Promise<boolean> {
  if (record.engine !== 'local') return false;
  const machine = new AttachedMachine(checkDetachedRecord(record.state));
  if (!machine.running && !machine.keeperRunning) return false;
  stopping?.();
  await machine.stop();
  return true;
}

/**
 * Some engines run helper processes from the same entry script (the local engine's VM keeper, which
 * owns a detached VM): every entry point calls this first; true means this process is such a
 * helper, has taken over, and the entry must do nothing else.
 */
export function runEngineHelperIfAsked(argv: readonly string[] = process.argv): boolean {
  if (!isKeeperProcess(argv)) return false;
  runKeeper();
  return true;
}
