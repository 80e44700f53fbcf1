/**
 * Finished layers kept by content key (layer-key.ts), so an unchanged layer is copied instead of
 * rebuilt: `<cache>/layers/<key>/` holds each VM's image and an entry.json describing them. An
 * entry is written last and atomically, so a half-copied layer is never mistaken for a whole one.
 */
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { copySparse } from '../disk/sparse-copy.js';
import { withLock } from '../file-lock.js';
import { DigestMemo } from './digest-memo.js';
import type { VmOutput } from './manifest.js';

export interface LayerCacheEntry {
  key: string;
  layer: string;
  createdAt: string;
  /** `sbom`: the image's SPDX document, kept beside it in the entry (<file>.spdx.json). */
  outputs: { vm: string; file: string; format: 'qcow2' | 'raw'; compressed: boolean; bytes: number; sha256: string; sbom?: string }[];
}

export function defaultCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.RUDDERVIRT_CACHE_DIR ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'ruddervirt');
}

export class LayerCache {
  constructor(readonly root: string) {}

  /** The folder holding one entry: everything a layer's reuse needs, and nothing else. */
  entryDir(key: string): string {
    return path.join(this.root, 'layers', key);
  }

  /** Digests of big local inputs (source disks) by path, size, mtime and inode, kept beside the layers. */
  digestMemo(): DigestMemo {
    return new DigestMemo(path.join(this.root, 'source-digests'));
  }

  /** `layer` names the layer the key was computed for (for log lines and remote cache keys). */
  async lookup(key: string, _layer?: string): Promise<LayerCacheEntry | undefined> {
    try {
      const entry = JSON.parse(await readFile(path.join(this.entryDir(key), 'entry.json'), 'utf8')) as LayerCacheEntry;
      return entry.key === key ? entry : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Held while an entry is written or read, so two builds sharing the cache never read an entry
   * another is replacing (file-lock.ts: a lock left by a killed build is taken over).
   */
  lockFile(key: string): string {
    return `${this.entryDir(key)}.lock`;
  }

  /** Copies a cached layer's images into `outputDir`; returns them as build outputs. */
  async restore(entry: LayerCacheEntry, outputDir: string): Promise<VmOutput[]> {
    await mkdir(path.dirname(this.entryDir(entry.key)), { recursive: true });
    return withLock(this.lockFile(entry.key), async () => {
      const outputs: VmOutput[] = [];
      for (const o of entry.outputs) {
        const image = path.join(outputDir, o.file);
        const checksumFile = `${image}.sha256`;
        const sbomFile = `${image}.spdx.json`;
        // Aside, then renamed together (as a fresh export is): never a new image beside an old checksum or SBOM.
        try {
          // A reflink where the filesystem can, else a copy that keeps a raw image's holes.
          await copySparse(path.join(this.entryDir(entry.key), o.file), `${image}.new.partial`);
          await writeFile(`${checksumFile}.new.partial`, `${o.sha256}  ${o.file}\n`);
          if (o.sbom) await copyFile(path.join(this.entryDir(entry.key), o.sbom), `${sbomFile}.new.partial`);
          await rm(checksumFile, { force: true });
          await rm(sbomFile, { force: true });
          await rename(`${image}.new.partial`, image);
          await rename(`${checksumFile}.new.partial`, checksumFile);
          if (o.sbom) await rename(`${sbomFile}.new.partial`, sbomFile);
        } finally {
          await rm(`${image}.new.partial`, { force: true });
          await rm(`${checksumFile}.new.partial`, { force: true });
          await rm(`${sbomFile}.new.partial`, { force: true });
        }
        outputs.push({ layer: entry.layer, vm: o.vm, image, format: o.format, compressed: o.compressed, bytes: o.bytes, sha256: o.sha256, checksumFile, ...(o.sbom ? { sbom: sbomFile } : {}), reused: true });
      }
      return outputs;
    });
  }

  async store(key: string, layer: string, outputs: readonly VmOutput[]): Promise<void> {
    await mkdir(path.dirname(this.entryDir(key)), { recursive: true });
    await withLock(this.lockFile(key), () => this.storeLocked(key, layer, outputs));
  }

  private async storeLocked(key: string, layer: string, outputs: readonly VmOutput[]): Promise<void> {
    const dir = this.entryDir(key);
    const staging = `${dir}.tmp-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    try {
      const entry: LayerCacheEntry = { key, layer, createdAt: new Date().toISOString(), outputs: [] };
      for (const o of outputs) {
        const file = path.basename(o.image);
        await copySparse(o.image, path.join(staging, file));
        if (o.sbom) await copyFile(o.sbom, path.join(staging, `${file}.spdx.json`));
        entry.outputs.push({ vm: o.vm, file, format: o.format, compressed: o.compressed, bytes: o.bytes, sha256: o.sha256, ...(o.sbom ? { sbom: `${file}.spdx.json` } : {}) });
      }
      await writeFile(path.join(staging, 'entry.json'), JSON.stringify(entry, null, 2) + '\n');
      await rm(dir, { recursive: true, force: true });
      await rename(staging, dir);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
}
