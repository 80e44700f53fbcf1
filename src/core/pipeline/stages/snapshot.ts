/**
 * Stage entry point "snapshot": stop a provisioned VM cleanly (shutdownCommand over SSH when the
 * build file has one, else the ACPI power button; forced after shutdownTimeout) and export its
 * root disk in the output format, with a sha256 file beside it — the tail of buildVm.
 */
import { stat } from 'node:fs/promises';
import { connectSsh } from '../../communicator/ssh-connect.js';
import type { RemoteCommunicator } from '../../communicator/types.js';
import type { Layer, Vm } from '../../config/model.js';
import type { VmHandle } from '../../engine.js';
import type { Logger, SecretMasker } from '../../log.js';
import { writeSha256File } from '../checksum-file.js';
import type { VmOutput } from '../manifest.js';
import type { PhaseRunner } from '../phase.js';
import { shutdownVm } from '../steps/shutdown.js';
import { outputImagePath, type PhaseTimeouts } from '../vm-build.js';

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
  const image = outputImagePath(req.outputDir, layer, vm);
  await phases.run(
    'export disk',
    (s) => handle.exportDisk({ destination: image, format: vm.output.format, compress: vm.output.compress, logger, signal: s }),
    { timeoutMs: req.timeouts?.export ?? 0 },
  );
  const { sha256, checksumFile } = await phases.run('checksum', (s) => writeSha256File(image, s));
  const { size } = await stat(image);
  logger.info(`output: ${image} (${vm.output.format}${vm.output.compress ? ', compressed' : ''}, sha256 ${sha256})`);
  return { layer: layer.name, vm: vm.name, image, format: vm.output.format, compressed: vm.output.compress, bytes: size, sha256, checksumFile };
}
