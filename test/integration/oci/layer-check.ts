/**
 * Checks a pushed containerDisk with tools we did not write: skopeo copies the image to a `dir:`
 * folder, GNU tar lists and extracts the layer (it detects gzip and zstd itself), and the extracted
 * disk is compared byte for byte with the input.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { skopeo } from '../../helpers/registry.js';

/** A raw disk: `randomMiB` of random bytes, then zeros up to `totalMiB` (sparse). */
export async function makeRawDisk(file: string, randomMiB: number, totalMiB: number): Promise<void> {
  await writeFile(file, randomBytes(randomMiB * 1024 * 1024));
  await truncate(file, totalMiB * 1024 * 1024);
}

/** A qcow2 made by qemu-img from a raw disk like makeRawDisk's. */
export async function makeQcow2Disk(file: string, randomMiB: number, totalMiB: number): Promise<void> {
  const raw = `${file}.raw`;
  await makeRawDisk(raw, randomMiB, totalMiB);
  execFileSync('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, file]);
  execFileSync('rm', ['-f', raw]);
}

export async function sha256OfFile(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

export interface CopiedImage {
  manifest: { mediaType?: string; config: { digest: string }; layers: { mediaType: string; digest: string; size: number }[] };
  config: { architecture: string; os: string; config: { Labels: Record<string, string> }; rootfs: { diff_ids: string[] } };
  layerFile: string;
}

/** skopeo copy docker://… dir:… and the parsed manifest, config and the layer's path. */
export function copyWithSkopeo(source: string, into: string, extraArgs: string[] = []): CopiedImage {
  skopeo(['copy', '-q', ...extraArgs, source, `dir:${into}`]);
  const manifest = JSON.parse(execFileSync('cat', [path.join(into, 'manifest.json')], { encoding: 'utf8' })) as CopiedImage['manifest'];
  const blob = (digest: string) => path.join(into, digest.replace(/^sha256:/, ''));
  const config = JSON.parse(execFileSync('cat', [blob(manifest.config.digest)], { encoding: 'utf8' })) as CopiedImage['config'];
  expect(manifest.layers).toHaveLength(1);
  return { manifest, config, layerFile: blob(manifest.layers[0]!.digest) };
}

/**
 * The layer holds exactly disk/ and disk/<fileName>, both 107:107 and read-only, and the file is
 * the input disk byte for byte.
 */
export async function expectContainerDiskLayer(layerFile: string, fileName: string, diskFile: string, workDir: string): Promise<void> {
  const listing = execFileSync('tar', ['--numeric-owner', '-tvf', layerFile], { encoding: 'utf8' }).trim().split('\n');
  expect(listing).toHaveLength(2);
  expect(listing[0]).toMatch(/^dr-xr-xr-x 107\/107 +0 .* disk\/$/);
  const size = (await stat(diskFile)).size;
  expect(listing[1]).toMatch(new RegExp(`^-r--r--r-- 107/107 +${size} .* disk/${fileName.replace('.', '\\.')}$`));
  const out = path.join(workDir, `extract-${randomBytes(4).toString('hex')}`);
  await mkdir(out);
  execFileSync('tar', ['--same-owner', '-xf', layerFile, '-C', out]);
  const extracted = path.join(out, 'disk', fileName);
  if (process.getuid?.() === 0) {
    const st = await stat(extracted);
    expect([st.uid, st.gid]).toEqual([107, 107]);
  }
  expect(await sha256OfFile(extracted)).toBe(await sha256OfFile(diskFile));
}
