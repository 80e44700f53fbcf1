/**
 * A handle on a build VM that another process started: in a split workflow build-vm starts the
 * VM and exits, the cluster keeps it running, and provision and snapshot — each its own process —
 * reconnect to it by name (VNC, port-forward and stop all go through the API server, so nothing
 * of the first process is needed). Nothing is created; the VM must still exist.
 */
import { UserError } from '../../../core/errors.js';
import type { Layer, Vm } from '../../../core/config/model.js';
import type { Logger } from '../../../core/log.js';
import type { RunSession } from './session.js';
import { KubevirtVmHandle } from './vm-handle.js';
import { vmiRef, vmRef, type VmiObject, type VmObject } from './vmi-wait.js';

export interface AttachVmRequest {
  layer: Layer;
  vm: Vm;
  /** For the export's download (snapshot). */
  workDir: string;
  logger: Logger;
  signal: AbortSignal;
}

export interface AttachedKubevirtVm {
  handle: KubevirtVmHandle;
  /** Its VirtualMachineInstance runs (false: the guest powered off, or it failed). */
  running: boolean;
}

export async function attachVm(session: RunSession, req: AttachVmRequest): Promise<AttachedKubevirtVm> {
  const { layer, vm, signal } = req;
  const key = `${layer.name}/${vm.name}`;
  const rendered = session.run.rendered.vms.find((v) => v.layer === layer.name && v.vm === vm.name);
  if (!rendered) throw new Error(`internal: ${key} was not rendered`);
  const name = rendered.names.vm;
  const found = await session.objects.get<VmObject>(vmRef(session.namespace, name), signal);
  if (!found || found.metadata.deletionTimestamp) {
    throw new UserError(`vm ${key}: its VirtualMachine ${session.namespace}/${name} ${found ? 'is being deleted' : 'does not exist'}; start it with build-vm first (a failed stage removes it)`);
  }
  const vmi = await session.objects.get<VmiObject>(vmiRef(session.namespace, name), signal);
  const running = vmi?.status?.phase === 'Running' && !vmi.metadata.deletionTimestamp;
  req.logger.info(`vm ${key}: attached to VirtualMachine ${session.namespace}/${name} (${running ? 'running' : `not running: ${vmi?.status?.phase ?? 'no VirtualMachineInstance'}`})`);
  return { handle: new KubevirtVmHandle({ session, vm, rendered, workDir: req.workDir, logger: req.logger, running }), running };
}
