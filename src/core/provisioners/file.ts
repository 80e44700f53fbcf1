/**
 * Packer's file provisioner (packer.md §3.2): upload local files/directories (or inline
 * `content`) to the guest, or download from it. The trailing-slash rules live in the
 * communicator, so every transfer follows them.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FileProvisioner } from '../config/model.js';
import type { Logger } from '../log.js';
import { ConnectionLostError } from '../communicator/types.js';
import { ProvisionerError, type ProvisionerContext } from './context.js';
import type { RemoteSession } from './remote-session.js';

/** Resolves a local path against the build folder, keeping a trailing slash (it means "contents"). */
export function resolveLocal(buildDir: string, p: string): string {
  const abs = path.resolve(buildDir, p);
  return /[/\\]$/.test(p) && !abs.endsWith(path.sep) ? abs + path.sep : abs;
}

/** One reconnect when the connection is gone before the transfer (a reboot by the previous step). */
async function transfer(session: RemoteSession, what: string, fn: (comm: RemoteSession['current']) => Promise<void>): Promise<void> {
  try {
    await session.use(fn);
  } catch (err) {
    if (!(err instanceof ConnectionLostError)) throw new ProvisionerError(`${what}: ${(err as Error).message}`);
    await session.use(fn).catch((e: unknown) => {
      throw new ProvisionerError(`${what}: ${(e as Error).message}`);
    });
  }
}

export async function runFile(p: FileProvisioner, ctx: ProvisionerContext, session: RemoteSession, logger: Logger, signal: AbortSignal): Promise<void> {
  if (!p.destination) throw new ProvisionerError('file: destination is required');
  if (p.direction === 'download') {
    const dest = resolveLocal(ctx.buildDir, p.destination);
    for (const source of p.sources) {
      logger.info(`Downloading ${source} => ${dest}`);
      await transfer(session, `downloading ${source}`, (comm) => comm.downloadPath(source, dest, signal));
    }
    return;
  }
  let tempDir: string | undefined;
  try {
    const sources = p.sources.map((s) => resolveLocal(ctx.buildDir, s));
    if (p.content !== undefined) {
      // Packer writes content to a temp file named pkr-file-content and uploads that.
      tempDir = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-file-'));
      const file = path.join(tempDir, 'pkr-file-content');
      await writeFile(file, p.content, { mode: 0o644 });
      sources.push(file);
    }
    if (sources.length === 0) throw new ProvisionerError('file: nothing to upload (set source, sources or content)');
    for (const source of sources) {
      logger.info(`Uploading ${p.content !== undefined && source.endsWith('pkr-file-content') ? 'content' : source} => ${p.destination}`);
      const hint = p.destination.endsWith('/') ? '' : ` (if ${p.destination} is a folder, end destination with '/')`;
      await transfer(session, `uploading ${source}`, (comm) => comm.uploadPath(source, p.destination, signal)).catch((err: unknown) => {
        throw err instanceof ProvisionerError && hint ? new ProvisionerError(err.message + hint) : err;
      });
    }
  } finally {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  }
}
