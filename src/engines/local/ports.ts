/**
 * Free loopback ports that parallel builds on one machine never share. A port is ours while we
 * hold its lock file in os.tmpdir()/ruddervirt-ports (created with O_EXCL, holding our pid), the
 * way Packer locks ports under its cache; a bind test then checks nobody else uses it. The lock
 * is kept until release(), because QEMU binds the port only later, when it starts.
 *
 * A lock whose pid is no longer alive was left by a crashed process and is taken over.
 */
import { randomInt } from 'node:crypto';
import { mkdirSync, unlinkSync } from 'node:fs';
import { link, open, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { isProcessAlive } from './pid-alive.js';

export interface PortRange {
  /** Inclusive. */
  min: number;
  /** Exclusive, as in Packer (min + rand(max - min)); when min === max the port is exactly min. */
  max: number;
}

/** Packer's host_port_min/max for the forwarded SSH port. */
export const SSH_HOST_PORTS: PortRange = { min: 2222, max: 4444 };
/** Packer's vnc_port_min/max; QEMU's -vnc display numbers start at 5900. */
export const VNC_PORTS: PortRange = { min: 5900, max: 6000 };

export interface PortLease {
  readonly port: number;
  release(): Promise<void>;
}

export interface AllocatePortOptions {
  range: PortRange;
  /** Defaults to os.tmpdir()/ruddervirt-ports. */
  lockDir?: string;
  signal?: AbortSignal;
}

export function defaultLockDir(): string {
  return path.join(os.tmpdir(), 'ruddervirt-ports');
}

/** Lock files this process holds, removed synchronously if the process exits without releasing. */
const heldLocks = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const file of heldLocks) {
      try {
        unlinkSync(file);
      } catch {
        // already gone
      }
    }
  });
}

export async function allocatePort(options: AllocatePortOptions): Promise<PortLease> {
  const { range } = options;
  if (!Number.isInteger(range.min) || !Number.isInteger(range.max) || range.min < 1 || range.max > 65535 || range.min > range.max) {
    throw new Error(`invalid port range ${range.min}-${range.max}`);
  }
  const lockDir = options.lockDir ?? defaultLockDir();
  mkdirSync(lockDir, { recursive: true, mode: 0o1777 });
  installExitHook();
  const span = Math.max(1, range.max - range.min);
  // Random tries first (parallel builds then rarely contend), then a full sweep so a nearly
  // full range still finds its last free port.
  const candidates = [...Array.from({ length: Math.min(span, 32) }, () => range.min + randomInt(span))];
  const start = randomInt(span);
  for (let i = 0; i < span; i++) candidates.push(range.min + ((start + i) % span));
  const tried = new Set<number>();
  for (const port of candidates) {
    if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error('aborted');
    if (tried.has(port)) continue;
    tried.add(port);
    const lockFile = path.join(lockDir, String(port));
    if (!(await takeLock(lockFile))) continue;
    if (await canBind(port)) {
      heldLocks.add(lockFile);
      let released = false;
      return {
        port,
        async release() {
          if (released) return;
          released = true;
          heldLocks.delete(lockFile);
          await unlink(lockFile).catch(() => undefined);
        },
      };
    }
    await unlink(lockFile).catch(() => undefined);
  }
  throw new Error(`no free port in ${range.min}-${range.max} on 127.0.0.1 (locks in ${lockDir})`);
}

/** Creates `lockFile` atomically; takes over a lock whose owner died. */
async function takeLock(lockFile: string): Promise<boolean> {
  // Write our pid to a private file first and hard-link it into place: the lock appears
  // atomically and never holds a half-written pid.
  const mine = `${lockFile}.${process.pid}.${randomInt(1e9)}`;
  await writeFile(mine, `${process.pid}\n`);
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await link(mine, lockFile);
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      if (attempt === 0 && !(await removeIfStale(lockFile))) return false;
    }
    return false;
  } finally {
    await unlink(mine).catch(() => undefined);
  }
}

async function removeIfStale(lockFile: string): Promise<boolean> {
  let owner: number;
  let inode: number;
  try {
    const handle = await open(lockFile, 'r');
    try {
      inode = (await handle.stat()).ino;
      owner = Number.parseInt((await handle.readFile('utf8')).trim(), 10);
    } finally {
      await handle.close();
    }
  } catch {
    return true; // vanished meanwhile: free again
  }
  if (Number.isInteger(owner) && owner > 0 && isProcessAlive(owner)) return false;
  // Move it aside and check we moved the stale file we read, not a fresh lock created since.
  const aside = `${lockFile}.stale.${process.pid}.${randomInt(1e9)}`;
  try {
    await rename(lockFile, aside);
  } catch {
    return true;
  }
  const moved = await stat(aside).catch(() => undefined);
  if (moved && moved.ino !== inode) {
    await link(aside, lockFile).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
    return false;
  }
  await unlink(aside).catch(() => undefined);
  return true;
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** The pid recorded in a port's lock file, if any (for diagnostics and tests). */
export async function lockOwner(port: number, lockDir = defaultLockDir()): Promise<number | undefined> {
  try {
    const n = Number.parseInt((await readFile(path.join(lockDir, String(port)), 'utf8')).trim(), 10);
    return Number.isInteger(n) ? n : undefined;
  } catch {
    return undefined;
  }
}
