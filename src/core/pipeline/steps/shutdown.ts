/**
 * Stopping the guest so its disk is consistent: shutdownCommand over the communicator when given,
 * else the ACPI power button (or, with no communicator, the guest powering itself off); if the VM
 * is still up after shutdownTimeout it is forced off, with a warning, because a forced stop can
 * leave an unclean filesystem in the image.
 */
import type { Vm } from '../../config/model.js';
import type { RemoteCommunicator } from '../../communicator/types.js';
import { formatGoDuration } from '../../duration.js';
import type { VmHandle } from '../../engine.js';
import type { Logger } from '../../log.js';
import { LineSplitter } from '../../provisioners/output-lines.js';

export interface ShutdownRequest {
  vm: Vm;
  handle: VmHandle;
  comm?: RemoteCommunicator;
  logger: Logger;
  signal: AbortSignal;
}

export async function shutdownVm({ vm, handle, comm, logger, signal }: ShutdownRequest): Promise<void> {
  if (vm.shutdownCommand && comm) {
    logger.info(`shutdown: running shutdownCommand`);
    // The command usually ends the connection (or never returns): do not wait for it, only for the VM.
    const out = new LineSplitter((line) => logger.info(line));
    const err = new LineSplitter((line) => logger.info(line));
    void comm
      .exec(vm.shutdownCommand, { signal, onStdout: (c) => out.push(c), onStderr: (c) => err.push(c) })
      .finally(() => {
        out.end();
        err.end();
      })
      .then((r) => {
        if (r.exitCode !== undefined && r.exitCode !== 0) logger.warn(`shutdownCommand exited with status ${r.exitCode}`);
      })
      .catch(() => undefined);
  } else if (vm.communicator.type === 'none') {
    logger.info(`shutdown: waiting up to ${formatGoDuration(vm.shutdownTimeout)} for the guest to power off`);
  } else {
    logger.info('shutdown: pressing the ACPI power button');
    await handle.powerOff();
  }
  if (await handle.waitForShutdown(vm.shutdownTimeout, signal)) {
    logger.info('shutdown: the VM stopped');
    return;
  }
  logger.warn(`shutdown: the VM did not stop within shutdownTimeout (${formatGoDuration(vm.shutdownTimeout)}); forcing it off — the image may hold an unclean filesystem`);
  await handle.stop();
}
