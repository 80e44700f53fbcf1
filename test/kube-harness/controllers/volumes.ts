/**
 * Where the data of PersistentVolumeClaims and VolumeSnapshots lives: one raw `disk.img` per
 * claim, as KubeVirt expects on a Filesystem-mode PVC (user-guide: disks_and_volumes), under the
 * harness's work folder. Copies use cp with a reflink when the filesystem has them and keep holes
 * otherwise (a 10Gi blank disk stays a few blocks).
 */
import { mkdir, open, rename, rm, stat, truncate } from 'node:fs/promises';
import path from 'node:path';
import { runTool } from '../../../src/core/run-tool.js';

export class VolumeFiles {
  constructor(private readonly root: string) {}

  claimFile(namespace: string, claim: string): string {
    return path.join(this.root, 'volumes', namespace, claim, 'disk.img');
  }

  snapshotFile(namespace: string, snapshot: string): string {
    return path.join(this.root, 'snapshots', namespace, snapshot, 'disk.img');
  }

  async exists(file: string): Promise<boolean> {
    try {
      return (await stat(file)).isFile();
    } catch {
      return false;
    }
  }

  async size(file: string): Promise<number> {
    return (await stat(file)).size;
  }

  /** A sparse file of `bytes` (a blank disk); an existing file is only grown. */
  async ensureBlank(file: string, bytes: number): Promise<void> {
    await mkdir(path.dirname(file), { recursive: true });
    const handle = await open(file, 'a');
    await handle.close();
    if ((await stat(file)).size < bytes) await truncate(file, bytes);
  }

  async copy(from: string, to: string): Promise<void> {
    await mkdir(path.dirname(to), { recursive: true });
    const partial = `${to}.partial`;
    try {
      await runTool('cp', ['--reflink=auto', '--sparse=always', from, partial]);
      await rename(partial, to);
    } finally {
      await rm(partial, { force: true });
    }
  }

  async removeDirOf(file: string): Promise<void> {
    await rm(path.dirname(file), { recursive: true, force: true, maxRetries: 3 });
  }
}
