/**
 * Uploads and downloads of files and directory trees over any RemoteFs, with Packer's path rules
 * (transfer-paths.ts) and byte progress.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import type { Progress } from '../log.js';
import type { RemoteFs } from './remote-fs.js';
import { baseName, globToRegExp, isGlob, planDownload, planUpload, remoteDirName, remoteJoin } from './transfer-paths.js';

export interface TransferOptions {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

interface LocalFile {
  local: string;
  remote: string;
  size: number;
  mode: number;
}

/** Counts bytes through a stream for progress, reporting at most every `intervalMs`. */
export class ByteCounter {
  done = 0;
  private last = 0;
  private reported: number | undefined;
  constructor(
    private readonly phase: string,
    private readonly total: number | undefined,
    private readonly report: ((p: Progress) => void) | undefined,
    private readonly intervalMs = 1000,
  ) {}

  through(): Transform {
    return new Transform({
      transform: (chunk: Buffer, _enc, cb) => {
        this.add(chunk.length);
        cb(null, chunk);
      },
    });
  }

  add(n: number): void {
    this.done += n;
    const now = Date.now();
    if (this.report && now - this.last >= this.intervalMs) {
      this.last = now;
      this.emit();
    }
  }

  /** The final count, unless the last report already showed it (a small file's one chunk). */
  finish(): void {
    if (this.reported !== this.done) this.emit();
  }

  private emit(): void {
    this.reported = this.done;
    this.report?.({ phase: this.phase, done: this.done, unit: 'bytes', ...(this.total === undefined ? {} : { total: this.total }) });
  }
}

async function walkLocal(dir: string, remoteDir: string, files: LocalFile[], dirs: string[]): Promise<void> {
  dirs.push(remoteDir);
  const entries = await readdir(dir);
  entries.sort();
  for (const name of entries) {
    const local = path.join(dir, name);
    // stat, not lstat: links are followed, as scp -r and Packer's uploads do.
    const st = await stat(local);
    const remote = remoteJoin(remoteDir, name);
    if (st.isDirectory()) await walkLocal(local, remote, files, dirs);
    else if (st.isFile()) files.push({ local, remote, size: st.size, mode: st.mode & 0o7777 });
  }
}

/** Uploads a local file or directory (see planUpload for where it lands). */
export async function uploadLocalPath(fs: RemoteFs, localPath: string, remotePath: string, options: TransferOptions = {}): Promise<void> {
  let st;
  try {
    st = await stat(localPath);
  } catch (err) {
    throw new Error(`cannot upload ${localPath}: ${(err as Error).message}`);
  }
  const plan = planUpload(localPath, st.isDirectory(), remotePath);
  const files: LocalFile[] = [];
  const dirs: string[] = [];
  if (plan.kind === 'directory') await walkLocal(localPath, plan.target, files, dirs);
  else files.push({ local: localPath, remote: plan.target, size: st.size, mode: st.mode & 0o7777 });

  const total = files.reduce((n, f) => n + f.size, 0);
  const counter = new ByteCounter(`upload ${baseName(localPath) || localPath} → ${plan.target}`, total, options.onProgress);
  // A file's parents are made by writeFile, and only when missing; a tree's folders are made
  // here, so that its empty ones exist too.
  for (const d of dirs) await fs.mkdirp(d, options.signal);
  for (const f of files) {
    const file = createReadStream(f.local);
    try {
      await fs.writeFile(f.remote, file.pipe(counter.through()), f.mode, options.signal);
    } finally {
      // A remote write that fails part way leaves the file unread; pipe() would keep it open.
      file.destroy();
    }
  }
  counter.finish();
}

/** Uploads bytes to a remote file, creating its parent directories. */
export async function uploadData(fs: RemoteFs, remotePath: string, data: Readable, mode: number, options: TransferOptions = {}): Promise<void> {
  await fs.writeFile(remotePath, data, mode, options.signal);
}

async function isLocalDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function downloadFile(fs: RemoteFs, remote: string, local: string, mode: number | undefined, counter: ByteCounter, signal?: AbortSignal): Promise<void> {
  await mkdir(path.dirname(local), { recursive: true, mode: 0o755 });
  const out = createWriteStream(local, { mode: mode ?? 0o644 });
  const counting = counter.through();
  counting.pipe(out);
  const written = new Promise<void>((resolve, reject) => {
    out.once('finish', resolve);
    out.once('error', reject);
  });
  try {
    await fs.readFile(remote, counting, signal);
    await written;
  } catch (err) {
    out.destroy();
    throw err;
  }
}

async function downloadTree(fs: RemoteFs, remoteDir: string, localDir: string, counter: ByteCounter, signal?: AbortSignal): Promise<void> {
  await mkdir(localDir, { recursive: true, mode: 0o755 });
  for (const e of await fs.list(remoteDir, signal)) {
    const remote = remoteJoin(remoteDir, e.name);
    const local = path.join(localDir, e.name);
    if (e.type === 'directory') await downloadTree(fs, remote, local, counter, signal);
    else if (e.type === 'file') await downloadFile(fs, remote, local, e.mode, counter, signal);
  }
}

/** Downloads a remote file, a directory (recursively) or the matches of a glob. */
export async function downloadRemotePath(fs: RemoteFs, remotePath: string, localPath: string, options: TransferOptions = {}): Promise<void> {
  const counter = new ByteCounter(`download ${remotePath} → ${localPath}`, undefined, options.onProgress);
  const { signal } = options;
  if (isGlob(remotePath)) {
    const dir = remoteDirName(remotePath);
    const pattern = globToRegExp(baseName(remotePath));
    const matches = (await fs.list(dir, signal)).filter((e) => pattern.test(e.name));
    if (matches.length === 0) throw new Error(`no remote file matches ${remotePath}`);
    for (const m of matches) {
      const remote = remoteJoin(dir, m.name);
      const local = path.join(localPath, m.name);
      if (m.type === 'directory') await downloadTree(fs, remote, local, counter, signal);
      else if (m.type === 'file') await downloadFile(fs, remote, local, m.mode, counter, signal);
    }
    counter.finish();
    return;
  }
  const st = await fs.stat(remotePath, signal);
  if (!st) throw new Error(`the remote path ${remotePath} does not exist`);
  const target = planDownload(remotePath, localPath, await isLocalDirectory(localPath));
  if (st.type === 'directory') await downloadTree(fs, remotePath, target, counter, signal);
  else if (st.type === 'file') await downloadFile(fs, remotePath, target, st.mode, counter, signal);
  else throw new Error(`the remote path ${remotePath} is neither a file nor a directory`);
  counter.finish();
}
