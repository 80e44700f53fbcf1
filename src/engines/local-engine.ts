/**
 * The local engine as the engine factory makes it, for callers on the local path that should not
 * load the kubevirt engine (and its Kubernetes client) just to get QEMU: the stage actions and the
 * whole-build action import this directly and reach ./index.js only for kubevirt.
 */
import type { DetachedVm, Engine } from '../core/engine.js';
import { containerDiskSettingsFromEnv, createContainerDiskSource } from '../core/oci/pull/container-disk-source.js';
import { AttachedMachine, checkDetachedRecord } from './local/attach.js';
import { LocalEngine, type LocalEngineOptions } from './local/engine.js';

export function createLocalEngine(options: LocalEngineOptions): Engine {
  // containerDisk sources are pulled on this machine with the registry client publish uses.
  return new LocalEngine({ containerDisks: createContainerDiskSource(containerDiskSettingsFromEnv(options.env)), ...options });
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
