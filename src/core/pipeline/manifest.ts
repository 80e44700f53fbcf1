/**
 * The build manifest (`<output>/manifest.json`): what went in, how long each phase took, what came
 * out — Packer's manifest post-processor, always on. Nothing secret goes in: variables are listed
 * by name only when they were marked secret while loading.
 */
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Build } from '../config/model.js';
import { SecretMasker } from '../log.js';
import type { LayerDecision } from './layer-history.js';
import type { PhaseRecord } from './phase.js';

export interface VmOutput {
  layer: string;
  vm: string;
  image: string;
  format: 'qcow2' | 'raw';
  compressed: boolean;
  bytes: number;
  sha256: string;
  checksumFile: string;
  /** The SPDX document of the guest's packages beside the image (<image>.spdx.json), when one was read. */
  sbom?: string;
  /** Set when the layer's output came from the cache instead of a build. */
  reused?: boolean;
  /** Where the engine keeps this output for later builds (KubeVirt: the cluster object). */
  keptAs?: string;
}

/** A VM's source as the build read it: a containerDisk tag and the digest it named then. */
export interface SourceRecord {
  /** layer/vm */
  vm: string;
  reference: string;
  digest: string;
  indexDigest?: string;
  platform?: string;
}

export interface BuildManifest {
  manifestVersion: 1;
  tool: { name: 'ruddervirt'; version: string };
  build: { name: string; file: string; engine: string; variables: Record<string, string> };
  startedAt: string;
  finishedAt: string;
  status: 'succeeded' | 'failed' | 'cancelled';
  error?: string;
  /** Sources pinned to a digest when the build started their layer. */
  sources?: SourceRecord[];
  /** What the build did with each layer it reached, and why: "reused", "forced", "tag … moved to sha256:…", "older than maxAge …". */
  layers?: LayerDecision[];
  phases: PhaseRecord[];
  outputs: VmOutput[];
}

/** Variables with every secret in them masked, not only the ones that equal a secret whole. */
export function redactedVariables(build: Build): Record<string, string> {
  const masker = new SecretMasker();
  for (const s of build.secrets) masker.add(s);
  return Object.fromEntries(Object.entries(build.variables).map(([k, v]) => [k, masker.mask(v)]));
}

/** Writes the manifest with every secret `masker` knows masked, wherever it landed (an error message, a reference). */
export async function writeManifest(outputDir: string, manifest: BuildManifest, masker?: SecretMasker): Promise<string> {
  const file = path.join(outputDir, 'manifest.json');
  const text = JSON.stringify(manifest, null, 2) + '\n';
  // Aside, then renamed: a build killed while writing leaves the previous manifest whole.
  await writeFile(`${file}.partial`, masker ? masker.mask(text) : text);
  await rename(`${file}.partial`, file);
  return file;
}
