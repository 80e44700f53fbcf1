/** What every provisioner receives, and the error type for a provisioner that failed. */
import { UserError } from '../errors.js';
import type { RemoteCommunicator } from '../communicator/types.js';
import type { Logger } from '../log.js';

/**
 * The template fields of the moment (HTTPIP, HTTPPort, Name — see src/core/template/fields.ts);
 * shell inline lines and executeCommand are rendered with them.
 */
export type TemplateFields = Readonly<Record<string, string | number>>;

/** Pauses the provisioners use; Packer's values by default, shortened by tests. */
export interface ProvisionerDelays {
  /** Between tries of a retried step (shell upload+run, cleanup): Packer 2s. */
  retry: number;
  /** Between attempts after a failed provisioner (maxRetries). */
  provisionerRetry: number;
  /** Windows restart/update polling: Packer 5s. */
  windowsPoll: number;
  /** "A reboot is already in progress" (shutdown exit 1115/1190/1717): Packer 10s. */
  rebootInProgress: number;
  /** windows-restart waits this long after the restart command before checking (Packer 5s). */
  afterRestartCommand: number;
}

export const PACKER_DELAYS: ProvisionerDelays = {
  retry: 2000,
  provisionerRetry: 2000,
  windowsPoll: 5000,
  rebootInProgress: 10_000,
  afterRestartCommand: 5000,
};

export interface ProvisionerContext {
  /** The live connection to the guest. */
  comm: RemoteCommunicator;
  /** Already prefixed by the caller as it likes; runProvisioner adds "[vm/provisioner]". */
  logger: Logger;
  vars: TemplateFields;
  /** Relative local paths resolve against this folder (the build file's). */
  buildDir: string;
  signal: AbortSignal;
  /**
   * A fresh connection after the old one dropped (expectDisconnect, restarts). It waits for SSH
   * as the first connection did (sshTimeout).
   */
  reconnect(): Promise<RemoteCommunicator>;
  /** For the log prefix "[vm/provisioner]". */
  vmName?: string;
  /** PACKER_BUILD_NAME and PACKER_BUILDER_TYPE for shell scripts. */
  buildName?: string;
  builderType?: string;
  delays?: Partial<ProvisionerDelays>;
}

/** A provisioner did not succeed: a build failure the user must look at, printed without a stack. */
export class ProvisionerError extends UserError {
  override name = 'ProvisionerError';
}

/** The provisioner's own time limit (its `timeout`) ran out. */
export class ProvisionerTimeoutError extends ProvisionerError {
  override name = 'ProvisionerTimeoutError';
}
