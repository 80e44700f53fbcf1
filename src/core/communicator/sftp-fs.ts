/** RemoteFs over an SFTP session (ssh2's SFTPWrapper). */
import { pipeline } from 'node:stream/promises';
import type { Readable, Writable } from 'node:stream';
import type { SFTPWrapper, Stats } from 'ssh2';
import type { RemoteEntry, RemoteEntryType, RemoteFs, RemoteStat } from './remote-fs.js';
import { remoteDirName } from './transfer-paths.js';

const SFTP_NO_SUCH_FILE = 2;
const SFTP_OP_UNSUPPORTED = 8;
/** Bytes of WRITE requests sent but not yet answered: OpenSSH's own sftp client keeps 64 of 32 KiB. */
const WRITE_WINDOW = 2 * 1024 * 1024;

function typeOf(stats: Stats): RemoteEntryType {
  if (stats.isDirectory()) return 'directory';
  if (stats.isFile()) return 'file';
  return 'other';
}

function promised<T>(fn: (cb: (err: Error | undefined | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

function isNoSuchFile(err: unknown): boolean {
  return (err as { code?: unknown }).code === SFTP_NO_SUCH_FILE;
}

export class SftpFs implements RemoteFs {
  readonly kind = 'sftp';
  constructor(private readonly sftp: SFTPWrapper) {}

  async mkdirp(dir: string): Promise<void> {
    const existing = await this.stat(dir);
    if (existing?.type === 'directory') return;
    if (existing) throw new Error(`${dir} exists and is not a directory`);
    const parent = dir.replace(/\/+[^/]*\/*$/, '');
    if (parent && parent !== dir) await this.mkdirp(parent);
    try {
      await promised<void>((cb) => this.sftp.mkdir(dir, (err) => cb(err, undefined)));
    } catch (err) {
      // Another transfer may have created it meanwhile.
      if ((await this.stat(dir))?.type !== 'directory') throw new Error(`cannot create the remote directory ${dir}: ${(err as Error).message}`);
    }
  }

  /**
   * Opens `file` for writing first and creates its parents only if that fails, so an upload into
   * an existing folder costs no extra round trip. Writes are then sent without waiting for each
   * answer (up to WRITE_WINDOW bytes in flight), and the mode and the close go out together: a
   * small file takes two round trips instead of five, a large one is no longer one round trip per
   * chunk. On a TCG guest each round trip waits for sftp-server to be scheduled on a busy vCPU.
   */
  async writeFile(file: string, data: Readable, mode: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    let handle: Buffer;
    try {
      handle = await this.open(file, mode);
    } catch (err) {
      if (!isNoSuchFile(err)) throw err;
      await this.mkdirp(remoteDirName(file));
      handle = await this.open(file, mode);
    }
    try {
      await this.writeAll(handle, data, signal);
    } catch (err) {
      await promised<void>((cb) => this.sftp.close(handle, () => cb(undefined, undefined)));
      throw err;
    }
    // The server applies its umask to the create mode; set the exact bits, as scp -p would.
    // Servers without POSIX modes (Windows' OpenSSH) may not support it: that is fine there.
    const [chmod, close] = await Promise.allSettled([promised<void>((cb) => this.sftp.fchmod(handle, mode, (err) => cb(err, undefined))), promised<void>((cb) => this.sftp.close(handle, (err) => cb(err, undefined)))]);
    if (close.status === 'rejected') throw close.reason;
    if (chmod.status === 'rejected') {
      if ((chmod.reason as { code?: unknown }).code !== SFTP_OP_UNSUPPORTED) throw chmod.reason;
      // fsetstat is optional for a server; setstat on the path may still work.
      await promised<void>((cb) => this.sftp.chmod(file, mode, (err) => cb(err, undefined))).catch((err: unknown) => {
        if ((err as { code?: unknown }).code !== SFTP_OP_UNSUPPORTED) throw err;
      });
    }
  }

  private open(file: string, mode: number): Promise<Buffer> {
    return promised<Buffer>((cb) => this.sftp.open(file, 'w', { mode }, cb));
  }

  /** Writes every chunk of `data` at its offset, keeping up to WRITE_WINDOW bytes unanswered. */
  private async writeAll(handle: Buffer, data: Readable, signal?: AbortSignal): Promise<void> {
    let position = 0;
    let inFlight = 0;
    let failure: unknown;
    let wake: (() => void) | undefined;
    const answered = () => new Promise<void>((resolve) => (wake = resolve));
    try {
      for await (const chunk of data) {
        signal?.throwIfAborted();
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
        while (inFlight >= WRITE_WINDOW && failure === undefined) await answered();
        if (failure !== undefined) break;
        inFlight += buf.length;
        // ssh2 splits a chunk larger than the server's write limit into consecutive requests.
        this.sftp.write(handle, buf, 0, buf.length, position, (err) => {
          inFlight -= buf.length;
          if (err && failure === undefined) failure = err;
          wake?.();
        });
        position += buf.length;
      }
    } finally {
      // Every request is answered, or failed by ssh2 when the channel closes.
      while (inFlight > 0) await answered();
    }
    if (failure !== undefined) throw failure;
    signal?.throwIfAborted();
  }

  async readFile(file: string, out: Writable, signal?: AbortSignal): Promise<void> {
    await pipeline(this.sftp.createReadStream(file), out, ...(signal ? [{ signal }] : []));
  }

  async stat(path: string): Promise<RemoteStat | undefined> {
    try {
      const stats = await promised<Stats>((cb) => this.sftp.stat(path, cb));
      return { type: typeOf(stats), mode: stats.mode & 0o7777, size: stats.size };
    } catch (err) {
      if (isNoSuchFile(err)) return undefined;
      throw err;
    }
  }

  /** One REMOVE request: no shell and no `rm` process on the guest, as a command would start. */
  async remove(file: string): Promise<void> {
    try {
      await promised<void>((cb) => this.sftp.unlink(file, (err) => cb(err, undefined)));
    } catch (err) {
      if (!isNoSuchFile(err)) throw new Error(`cannot remove ${file}: ${(err as Error).message}`);
    }
  }

  async list(dir: string): Promise<RemoteEntry[]> {
    const entries = await promised<Array<{ filename: string; attrs: Stats }>>((cb) => this.sftp.readdir(dir, cb));
    const result: RemoteEntry[] = [];
    for (const e of entries) {
      if (e.filename === '.' || e.filename === '..') continue;
      let attrs: Stats | RemoteStat = e.attrs;
      // readdir reports links themselves; follow them like scp -r does.
      if (e.attrs.isSymbolicLink()) {
        const target = await this.stat(`${dir.replace(/\/+$/, '')}/${e.filename}`);
        if (!target) continue; // a dangling link: nothing to copy
        attrs = target;
      }
      const type = 'type' in attrs ? attrs.type : typeOf(attrs);
      const mode = attrs.mode === undefined ? undefined : attrs.mode & 0o7777;
      result.push({ name: e.filename, type, ...(mode === undefined ? {} : { mode }) });
    }
    return result;
  }
}
