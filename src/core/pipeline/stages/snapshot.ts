/**
 * Stage entry point "snapshot": stop a provisioned VM cleanly (shutdownCommand over SSH when the
 * build file has one, else the ACPI power button; forced after shutdownTimeout) and export its
 * root disk in the output format, with a sha256 file beside it — the tail of buildVm.
 */
import { connectSsh } from '../../communicator/ssh-connect.js';
import type { RemoteCommunicator } from '../../communicator/types.js';
import type { Layer, Vm } from '../../config/model.js';
import type { VmHandle } from '../../engine.js';
import type { Logger, SecretMasker } from '../../log.js';
import type { VmOutput } from '../manifest.js';
import type { PhaseRunner } from '../phase.js';
import { shutdownVm } from '../steps/shutdown.js';
import { exportOutput } from '../steps/export-output.js';
import type { PhaseTimeouts } from '../vm-build.js';

export interface SnapshotStageRequest {
  layer: Layer;
  vm: Vm;
  handle: VmHandle;
  phases: PhaseRunner;
  outputDir: string;
  logger: Logger;
  masker?: SecretMasker;
  signal: AbortSignal;
  timeouts?: PhaseTimeouts;
  /** True when the VM already stopped (e.g. it powered itself off): skip the shutdown. */
  alreadyStopped?: boolean;
}

export async function snapshotStage(req: SnapshotStageRequest): Promise<VmOutput> {
  const { layer, vm, handle, phases, logger } = req;
  if (req.alreadyStopped) {
    phases.skip('shutdown', 'the VM had already stopped');
  } else {
    await phases.run(
      'shutdown',
      async (s) => {
        let comm: RemoteCommunicator | undefined;
        if (vm.shutdownCommand && vm.communicator.type === 'ssh') {
          const address = await handle.sshAddress(s);
          comm = await connectSsh(vm.communicator, address, { logger, signal: s, ...(req.masker ? { masker: req.masker } : {}) });
        }
        try {
          await shutdownVm({ vm, handle, logger, signal: s, ...(comm ? { comm } : {}) });
        } finally {
          await comm?.close().catch(() => undefined);
        }
      },
      { timeoutMs: req.timeouts?.shutdown ?? 0 },
    );
  }
  return exportOutput({ layer, vm, handle, phases, outputDir: req.outputDir, logger, timeoutMs: req.timeouts?.export ?? 0 });
}
