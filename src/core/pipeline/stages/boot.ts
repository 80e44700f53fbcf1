/**
 * Stage entry point "boot": for a VM that has just been started — bootWait, the boot command over
 * VNC, then wait until SSH answers (a completed handshake). The same steps as buildVm, for callers
 * that run the build one stage at a time (the build-vm action), where the VM then keeps running
 * for the provision stage.
 */
import { connectSsh } from '../../communicator/ssh-connect.js';
import type { Vm } from '../../config/model.js';
import type { VmHandle } from '../../engine.js';
import type { Logger, SecretMasker } from '../../log.js';
import { sleep } from '../../abort.js';
import type { PhaseRunner } from '../phase.js';
import { typeBootCommand } from '../steps/boot-command.js';
import type { PhaseTimeouts } from '../vm-build.js';

export interface BootStageRequest {
  vm: Vm;
  handle: VmHandle;
  phases: PhaseRunner;
  logDir: string;
  logger: Logger;
  masker?: SecretMasker;
  signal: AbortSignal;
  timeouts?: PhaseTimeouts;
}

export async function bootStage(req: BootStageRequest): Promise<void> {
  const { vm, handle, phases, logger } = req;
  if (vm.bootWait > 0) await phases.run('boot wait', (s) => sleep(vm.bootWait, s));
  if (vm.bootCommand.length > 0) {
    await phases.run('boot command', (s) => typeBootCommand({ vm, handle, logDir: req.logDir, logger, signal: s }), {
      timeoutMs: req.timeouts?.bootCommand ?? 0,
    });
  } else {
    phases.skip('boot command', 'none given');
  }
  if (vm.communicator.type !== 'ssh') {
    phases.skip('wait for ssh', 'communicator none');
    return;
  }
  await phases.run('wait for ssh', async (s) => {
    if (vm.communicator.pauseBeforeConnecting > 0) await sleep(vm.communicator.pauseBeforeConnecting, s);
    const address = await handle.sshAddress(s);
    const comm = await connectSsh(vm.communicator, address, { logger, signal: s, ...(req.masker ? { masker: req.masker } : {}) });
    await comm.close();
    logger.info(`ssh: ${address.host}:${address.port} answers`);
  });
}
