/**
 * A live SSH connection to the guest: commands with streamed output and their exit status, file
 * and directory transfers (SFTP when the server offers it, plain commands otherwise), and the
 * knowledge of whether the connection is still there — provisioners need that to tell "the
 * command failed" from "the guest went away" (a reboot, which expectDisconnect allows).
 */
import { constants as osConstants } from 'node:os';
import { Readable } from 'node:stream';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import type { Logger } from '../log.js';
import { ExecFs } from './exec-fs.js';
import type { RemoteFs } from './remote-fs.js';
import type { DialedConnection } from './ssh-dial.js';
import { SftpFs } from './sftp-fs.js';
import { downloadRemotePath, uploadData, uploadLocalPath } from './transfer.js';
import { ConnectionLostError, type ExecOptions, type ExecResult, type RemoteCommunicator } from './types.js';

export { ConnectionLostError };

export interface SshCommunicatorOptions {
  /** Request a pseudo-terminal for every command (sshPty). */
  pty: boolean;
  logger: Logger;
  /** "sftp" tries SFTP first and falls back to commands; "exec" never tries SFTP. */
  fileTransfer?: 'sftp' | 'exec';
}

function toReadable(data: Readable | Buffer | string): Readable {
  return typeof data === 'string' || Buffer.isBuffer(data) ? Readable.from([Buffer.from(data)]) : data;
}

/**
 * Asks the server to kill the command's process group (OpenSSH's "signal" request), then closes
 * the channel. ssh2 only sends signals while our side of the channel is open, but we half-close
 * it at once for commands without stdin (so they see EOF), hence the protocol call.
 */
function killRemote(channel: ClientChannel): void {
  const internals = channel as unknown as { _client?: { _protocol?: { signal(id: number, name: string): void } }; outgoing?: { id?: number; state?: string } };
  try {
    const id = internals.outgoing?.id;
    if (id !== undefined && internals.outgoing?.state !== 'closed' && internals.outgoing?.state !== 'closing') internals._client?._protocol?.signal(id, 'KILL');
    channel.close();
  } catch {
    // The channel or the connection is already gone.
  }
}

function signalNumber(name: string): number | undefined {
  return (osConstants.signals as Record<string, number | undefined>)[`SIG${name}`];
}

export class SshCommunicator implements RemoteCommunicator {
  private closed = false;
  private fs: Promise<RemoteFs> | undefined;
  private readonly closeListeners = new Set<() => void>();
  readonly hostKeyFingerprint: string | undefined;

  constructor(
    private readonly conn: DialedConnection,
    private readonly options: SshCommunicatorOptions,
  ) {
    this.hostKeyFingerprint = conn.hostKeyFingerprint;
    conn.client.on('error', (err: Error) => options.logger.debug(`ssh: ${err.message}`));
    conn.client.once('close', () => {
      this.closed = true;
      for (const l of this.closeListeners) l();
      this.closeListeners.clear();
    });
  }

  /** False once the connection has dropped or been closed. */
  get connected(): boolean {
    return !this.closed;
  }

  /** Calls `listener` once when the connection goes away; returns an unsubscribe function. */
  onClose(listener: () => void): () => void {
    if (this.closed) {
      listener();
      return () => {};
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  private get client(): Client {
    if (this.closed) throw new ConnectionLostError('the SSH connection is closed');
    return this.conn.client;
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const { signal } = options;
    signal?.throwIfAborted();
    const client = this.client;
    const pty = options.pty ?? this.options.pty;
    return new Promise<ExecResult>((resolve, reject) => {
      let exitCode: number | undefined;
      let exitSignal: string | undefined;
      let channel: ClientChannel | undefined;
      let done = false;
      const finish = (err?: unknown) => {
        if (done) return;
        done = true;
        signal?.removeEventListener('abort', onAbort);
        if (err) return reject(err);
        if (exitCode === undefined && exitSignal === undefined) return resolve({ disconnected: true });
        // Like Go's ssh package (and so Packer): death by signal N reports status 128+N.
        const code = exitCode ?? 128 + (signalNumber(exitSignal ?? '') ?? 0);
        resolve({ exitCode: code, ...(exitSignal ? { exitSignal } : {}), disconnected: false });
      };
      const onAbort = () => {
        if (channel) killRemote(channel);
        finish(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const lost = (message: string) => new ConnectionLostError(`the SSH connection dropped: ${message}`);
      try {
        client.exec(command, pty ? { pty: { term: 'xterm', rows: 40, cols: 80 } } : {}, (err, ch) => {
          if (err) return finish(this.closed ? lost(err.message) : err);
          channel = ch;
          if (done) return killRemote(ch); // aborted while the channel was opening
          // Listeners go on synchronously: ssh2 may parse the exit status of a quick command in
          // the same socket read that opened the channel, and an 'exit' without a listener is lost.
          ch.on('exit', (code: number | null, sig?: string) => {
            if (typeof code === 'number') exitCode = code;
            else if (sig) exitSignal = sig.replace(/^SIG/, '');
          });
          ch.on('data', (chunk: Buffer) => options.onStdout?.(chunk));
          ch.stderr.on('data', (chunk: Buffer) => options.onStderr?.(chunk));
          ch.on('error', (e: Error) => this.options.logger.debug(`ssh channel: ${e.message}`));
          ch.once('close', () => finish());
          if (options.stdin === undefined) {
            ch.end();
          } else {
            const input = toReadable(options.stdin);
            input.on('error', (e) => {
              killRemote(ch);
              finish(e);
            });
            input.pipe(ch);
          }
        });
      } catch (err) {
        finish(this.closed || /not connected/i.test((err as Error).message) ? lost((err as Error).message) : err);
      }
    });
  }

  /** The file-transfer backend, chosen once per connection. */
  private remoteFs(): Promise<RemoteFs> {
    this.fs ??= this.chooseFs();
    return this.fs;
  }

  private async chooseFs(): Promise<RemoteFs> {
    const execFs = new ExecFs((cmd, opts) => this.exec(cmd, { ...opts, pty: false }));
    if (this.options.fileTransfer === 'exec') return execFs;
    try {
      const sftp = await new Promise<SFTPWrapper>((resolve, reject) => {
        try {
          this.client.sftp((err, s) => (err ? reject(err) : resolve(s)));
        } catch (err) {
          reject(err);
        }
      });
      return new SftpFs(sftp);
    } catch (err) {
      if (this.closed) {
        this.fs = undefined;
        throw new ConnectionLostError(`the SSH connection dropped: ${(err as Error).message}`);
      }
      this.options.logger.debug(`SFTP is not available (${(err as Error).message}); transferring files with remote commands`);
      return execFs;
    }
  }

  private async transfer<T>(what: string, fn: (fs: RemoteFs) => Promise<T>): Promise<T> {
    const fs = await this.remoteFs();
    try {
      return await fn(fs);
    } catch (err) {
      if (this.closed && !(err instanceof ConnectionLostError)) throw new ConnectionLostError(`the SSH connection dropped while ${what}: ${(err as Error).message}`);
      throw err;
    }
  }

  private progress = (p: Parameters<Logger['progress']>[0]) => this.options.logger.progress(p);

  async upload(remotePath: string, data: Readable | Buffer | string, mode = 0o644, signal?: AbortSignal): Promise<void> {
    await this.transfer(`uploading ${remotePath}`, (fs) => uploadData(fs, remotePath, toReadable(data), mode, signal ? { signal } : {}));
  }

  async uploadPath(localPath: string, remotePath: string, signal?: AbortSignal): Promise<void> {
    await this.transfer(`uploading ${localPath}`, (fs) => uploadLocalPath(fs, localPath, remotePath, { onProgress: this.progress, ...(signal ? { signal } : {}) }));
  }

  async downloadPath(remotePath: string, localPath: string, signal?: AbortSignal): Promise<void> {
    await this.transfer(`downloading ${remotePath}`, (fs) => downloadRemotePath(fs, remotePath, localPath, { onProgress: this.progress, ...(signal ? { signal } : {}) }));
  }

  async remove(remotePath: string, signal?: AbortSignal): Promise<void> {
    await this.transfer(`removing ${remotePath}`, (fs) => fs.remove(remotePath, signal));
  }

  /** Which transfer backend this connection uses ("sftp" or "exec"); opens it if needed. */
  async fileTransferKind(): Promise<string> {
    return (await this.remoteFs()).kind;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await new Promise<void>((resolve) => {
      this.conn.client.once('close', () => resolve());
      this.conn.client.end();
      // A peer that never answers our close must not hang the build.
      setTimeout(() => {
        this.conn.client.destroy();
        resolve();
      }, 2000).unref();
    });
    this.conn.bastion?.end();
  }
}
