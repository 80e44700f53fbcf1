/**
 * What provisioners need from a connection to the guest. The SSH communicator implements it;
 * so could WinRM later. Kept small so provisioners are testable against any implementation.
 */
import type { Readable } from 'node:stream';

export interface ExecOptions {
  /** Called with output chunks as they arrive. */
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  stdin?: Readable | Buffer | string;
  pty?: boolean;
  signal?: AbortSignal;
}

export interface ExecResult {
  /** The remote exit status; undefined with `disconnected` when the connection dropped. */
  exitCode?: number;
  exitSignal?: string;
  /** The connection went away before an exit status arrived (a reboot, a shutdown). */
  disconnected: boolean;
}

export interface RemoteCommunicator {
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  upload(remotePath: string, data: Readable | Buffer | string, mode?: number, signal?: AbortSignal): Promise<void>;
  /** Uploads a local file or directory; for a directory, `contentsOnly` mirrors a trailing slash. */
  uploadPath(localPath: string, remotePath: string, signal?: AbortSignal): Promise<void>;
  downloadPath(remotePath: string, localPath: string, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** Packer's exit status for "the command's connection dropped" (valid_exit_codes may list it). */
export const CMD_DISCONNECT = 2300218;
