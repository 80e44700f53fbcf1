/**
 * Packer's StepConnect + StepProvision: wait for SSH (a completed handshake, not an open port),
 * then the provisioners in order, each its own phase. Returns the live connection so shutdown
 * can run shutdownCommand over it.
 */
import type { Build, Vm } from '../../config/model.js';
import { connectSsh } from '../../communicator/ssh-connect.js';
import type { RemoteCommunicator } from '../../communicator/types.js';
import type { VmHandle } from '../../engine.js';
import type { Logger, SecretMasker } from '../../log.js';
import { peerEnvironment, type PeerAddress } from '../../peers.js';
import { provisionerLabel, runProvisioner } from '../../provisioners/run-provisioner.js';
import type { CleanupStack } from '../cleanup-stack.js';
import type { PhaseRunner } from '../phase.js';
import { bootCommandFields } from './boot-command.js';

export interface ProvisionRequest {
  build: Build;
  vm: Vm;
  handle: VmHandle;
  phases: PhaseRunner;
  cleanup: CleanupStack;
  logger: Logger;
  masker?: SecretMasker;
  signal: AbortSignal;
  provisionTimeoutMs: number;
  /** Peers of this VM on the layer's subnets: RUDDERVIRT_PEER_<NAME> and RUDDERVIRT_PEER_HOSTS for shell provisioners. */
  peers?: readonly PeerAddress[];
}

export async function provisionOverSsh(req: ProvisionRequest): Promise<RemoteCommunicator> {
  const { build, vm, handle, phases, cleanup, logger } = req;
  // connectSsh applies pauseBeforeConnecting itself, on the first connection only.
  const connect = async (s: AbortSignal, reconnect: boolean): Promise<RemoteCommunicator> => {
    const address = await handle.sshAddress(s);
    return connectSsh(vm.communicator, address, { logger, signal: s, reconnect, ...(req.masker ? { masker: req.masker } : {}) });
  };

  let comm = await phases.run('wait for ssh', (s) => connect(s, false));
  // Provisioners may replace the connection (reboots); the cleanup closes whichever is current.
  cleanup.push('ssh connection', () => comm.close());

  const vars = bootCommandFields(vm, handle);
  const peerEnv = peerEnvironment(req.peers ?? []);
  for (const [i, declared] of vm.provisioners.entries()) {
    // The build file's own env wins over the peer variables.
    const p = declared.type === 'shell' && Object.keys(peerEnv).length > 0 ? { ...declared, env: { ...peerEnv, ...declared.env } } : declared;
    comm = await phases.run(
      `provision ${i + 1}/${vm.provisioners.length}: ${provisionerLabel(p)}`,
      (s) =>
        runProvisioner(p, {
          comm,
          logger,
          vars,
          buildDir: build.dir,
          signal: s,
          reconnect: () => connect(s, true),
          vmName: vm.name,
          buildName: build.name,
          builderType: 'ruddervirt',
        }),
      { timeoutMs: req.provisionTimeoutMs },
    );
  }
  if (vm.provisioners.length === 0) phases.skip('provision', 'no provisioners');
  return comm;
}
