/**
 * The handful of remote file operations that uploads and downloads are built from. Two
 * implementations: SFTP (preferred) and plain commands over exec for servers without an sftp
 * subsystem. The tree walking and Packer's path rules live once, in transfer.ts, above this.
 */
import type { Readable, Writable } from 'node:stream';

export type RemoteEntryType = 'file' | 'directory' | 'other';

export interface RemoteEntry {
  name: string;
  type: RemoteEntryType;
  /** Permission bits (0o7777), when the implementation knows them. */
  mode?: number;
}

export interface RemoteStat {
  type: RemoteEntryType;
  mode?: number;
  size?: number;
}

export interface RemoteFs {
  /** "sftp" or "exec", for log lines. */
  readonly kind: string;
  /** Creates `dir` and its missing parents; an existing directory is fine. */
  mkdirp(dir: string, signal?: AbortSignal): Promise<void>;
  /** Replaces `file` with `data`, then sets `mode`; creates missing parent directories. */
  writeFile(file: string, data: Readable, mode: number, signal?: AbortSignal): Promise<void>;
  /** Streams `file` into `out` (which is ended). */
  readFile(file: string, out: Writable, signal?: AbortSignal): Promise<void>;
  /** undefined when nothing exists at `path`. Symbolic links are followed. */
  stat(path: string, signal?: AbortSignal): Promise<RemoteStat | undefined>;
  /** The entries of `dir`, without "." and "..". */
  list(dir: string, signal?: AbortSignal): Promise<RemoteEntry[]>;
  /** Removes the file `file`; nothing at `file` is fine, as with `rm -f`. */
  remove(file: string, signal?: AbortSignal): Promise<void>;
}
