/**
 * Stage entry point "provision": connect to a running VM over SSH and run its provisioners in
 * order, each its own phase; the connection is closed afterwards whatever happens.
 */
import type { Build, Vm } from '../../config/model.js';
import type { VmHandle } from '../../engine.js';
import type { Logger, SecretMasker } from '../../log.js';
import { CleanupStack } from '../cleanup-stack.js';
import type { PhaseRunner } from '../phase.js';
import { provisionOverSsh } from '../steps/provision.js';

export interface ProvisionStageRequest {
  build: Build;
  vm: Vm;
  handle: VmHandle;
  phases: PhaseRunner;
  logger: Logger;
  masker?: SecretMasker;
  signal: AbortSignal;
  provisionTimeoutMs?: number;
}

export async function provisionStage(req: ProvisionStageRequest): Promise<void> {
  if (req.vm.communicator.type !== 'ssh') {
    req.phases.skip('provision', 'communicator none');
    return;
  }
  const cleanup = new CleanupStack();
  try {
    await provisionOverSsh({
      build: req.build,
      vm: req.vm,
      handle: req.handle,
      phases: req.phases,
      cleanup,
      logger: req.logger,
      signal: req.signal,
      provisionTimeoutMs: req.provisionTimeoutMs ?? 0,
      ...(req.masker ? { masker: req.masker } : {}),
    });
  } finally {
    await cleanup.unwind(req.logger);
  }
}
