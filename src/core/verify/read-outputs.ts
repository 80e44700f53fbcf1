/** The images a finished build left in its output folder, as its manifest.json lists them. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { BuildManifest, VmOutput } from '../pipeline/manifest.js';

export async function readOutputs(outputDir: string): Promise<VmOutput[]> {
  const file = path.join(outputDir, 'manifest.json');
  let manifest: BuildManifest;
  try {
    manifest = JSON.parse(await readFile(file, 'utf8')) as BuildManifest;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT' ? `${file}: no build manifest here; build first (ruddervirt build), or give the build's folder with --output` : `${file}: not a build manifest (${code ?? (err as Error).message})`,
    );
  }
  if (!Array.isArray(manifest.outputs)) throw new UserError(`${file}: not a build manifest (no outputs list)`);
  // Paths in the manifest are absolute where the build ran; the folder may have moved since.
  return manifest.outputs.map((o) => ({ ...o, image: path.join(outputDir, path.basename(o.image)), ...(o.sbom ? { sbom: path.join(outputDir, path.basename(o.sbom)) } : {}) }));
}
