/**
 * The accelerator probe's verdict, remembered until the machine reboots. The probe boots a tiny
 * guest (about 0.6 s on a host where KVM hangs), and every `ruddervirt build` process would pay
 * for it again. The verdict holds while nothing it depends on changes, so it is keyed by the boot
 * id, the QEMU binary (path, size, mtime), the KVM device (node, mode, owner) and this process's
 * user and groups (which decide whether the device opens). Anything unreadable means no reuse.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { findOnPath } from '../../core/find-on-path.js';
import type { AcceleratorChoice } from './accelerator.js';

interface StoredVerdict {
  key: string;
  choice: Pick<AcceleratorChoice, 'accelerator' | 'reason'>;
}

/** What the verdict depends on, hashed; undefined when any part cannot be read. */
export function verdictKey(qemuBinary: string, kvmDevice: string, env: NodeJS.ProcessEnv): string | undefined {
  try {
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const binary = findOnPath(qemuBinary, env);
    if (!binary) return undefined;
    const q = statSync(binary);
    const d = statSync(kvmDevice);
    const who = [process.getuid?.(), process.getgid?.(), ...(process.getgroups?.() ?? [])].join(',');
    return createHash('sha256').update([bootId, binary, q.size, q.mtimeMs, kvmDevice, d.rdev, d.mode, d.uid, d.gid, who].join('\n')).digest('hex');
  } catch {
    return undefined;
  }
}

export async function readVerdict(file: string, key: string): Promise<StoredVerdict['choice'] | undefined> {
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as StoredVerdict;
    if (stored.key !== key) return undefined;
    if (stored.choice?.accelerator !== 'kvm' && stored.choice?.accelerator !== 'tcg') return undefined;
    return stored.choice;
  } catch {
    return undefined;
  }
}

/** Best effort: a cache that cannot be written only costs the next build a probe. */
export async function writeVerdict(file: string, key: string, choice: AcceleratorChoice): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    const stored: StoredVerdict = { key, choice: { accelerator: choice.accelerator, reason: choice.reason } };
    await writeFile(temp, JSON.stringify(stored) + '\n');
    await rename(temp, file);
  } catch {
    // ignored on purpose
  }
}
