/** RemoteFs over an SFTP session (ssh2's SFTPWrapper). */
import { pipeline } from 'node:stream/promises';
import type { Readable, Writable } from 'node:stream';
import type { SFTPWrapper, Stats } from 'ssh2';
import type { RemoteEntry, RemoteEntryType, RemoteFs, RemoteStat } from './remote-fs.js';

const SFTP_NO_SUCH_FILE = 2;
const SFTP_OP_UNSUPPORTED = 8;

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

  async writeFile(file: string, data: Readable, mode: number, signal?: AbortSignal): Promise<void> {
    const out = this.sftp.createWriteStream(file, { mode });
    await pipeline(data, out, ...(signal ? [{ signal }] : []));
    // The server applies its umask to the create mode; set the exact bits, as scp -p would.
    // Servers without POSIX modes (Windows' OpenSSH) may not support it: that is fine there.
    await promised<void>((cb) => this.sftp.chmod(file, mode, (err) => cb(err, undefined))).catch((err: unknown) => {
      if ((err as { code?: unknown }).code !== SFTP_OP_UNSUPPORTED) throw err;
    });
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
