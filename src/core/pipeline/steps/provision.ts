/**
 * Packer's StepProvision: the provisioners in order over one SSH session, each its own phase.
 * A provisioner may replace the session (windows-restart, a reboot): the current one is returned
 * so shutdown can run shutdownCommand over it.
 */
import type { Build, Vm } from '../../config/model.js';
import type { RemoteCommunicator } from '../../communicator/types.js';
import type { VmHandle } from '../../engine.js';
import type { Logger } from '../../log.js';
import { peerEnvironment, type PeerAddress } from '../../peers.js';
import { provisionerLabel, runProvisioner } from '../../provisioners/run-provisioner.js';
import type { PhaseRunner } from '../phase.js';
import { bootCommandFields } from './boot-command.js';

export interface ProvisionRequest {
  build: Build;
  vm: Vm;
  handle: VmHandle;
  comm: RemoteCommunicator;
  phases: PhaseRunner;
  logger: Logger;
  signal: AbortSignal;
  provisionTimeoutMs: number;
  /** Peers of this VM on the layer's subnets: RUDDERVIRT_PEER_<NAME> and RUDDERVIRT_PEER_HOSTS for shell provisioners. */
  peers?: readonly PeerAddress[];
  /** A fresh session after the guest rebooted. */
  reconnect(signal: AbortSignal): Promise<RemoteCommunicator>;
}

export async function runProvisioners(req: ProvisionRequest): Promise<RemoteCommunicator> {
  const { build, vm, handle, phases, logger } = req;
  let comm = req.comm;
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
          reconnect: () => req.reconnect(s),
          vmName: vm.name,
          buildName: build.name,
          builderType: 'ruddervirt',
        }),
      { timeoutMs: req.provisionTimeoutMs },
    );
  }
  return comm;
}
