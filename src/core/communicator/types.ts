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
  /**
   * Uploads a local file or directory, with Packer's rules: a directory given with a trailing
   * slash uploads its contents, without one the directory itself lands inside `remotePath`; a
   * file sent to a path ending in "/" keeps its name there.
   */
  uploadPath(localPath: string, remotePath: string, signal?: AbortSignal): Promise<void>;
  /**
   * Downloads a remote file, directory (recursively) or glob. A source ending in "/" gives the
   * directory's contents; a destination ending in "/" (or an existing local folder) receives the
   * source under its own name.
   */
  downloadPath(remotePath: string, localPath: string, signal?: AbortSignal): Promise<void>;
  /** Removes a remote file; a file that is not there is fine (`rm -f`). */
  remove(remotePath: string, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/**
 * The connection was gone before (or while) an operation could start: not a command failure. A
 * fresh connection may succeed (after a reboot, for instance); provisioners reconnect on it.
 * Implementations (and test fakes) throw this class so callers can tell the two apart.
 */
export class ConnectionLostError extends Error {
  override name = 'ConnectionLostError';
}

/** Packer's exit status for "the command's connection dropped" (valid_exit_codes may list it). */
export const CMD_DISCONNECT = 2300218;
