/**
 * import-source on the local engine: puts a VM's source on this runner, verified, and says where
 * it is and what it is (sha256 digest). Sources with a URL go through the Actions cache first
 * (source-cache.ts); local paths are used in place; `from: layer/vm` takes the earlier VM's
 * snapshot from the handoff; a containerDisk is pulled and extracted (core/oci/pull) through the
 * Actions cache keyed by its manifest digest, which is the digest it reports.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import type { Build } from '../../core/config/model.js';
import type { Logger } from '../../core/log.js';
import { knownChecksum } from '../../core/sources/known-checksum.js';
import { resolveSourceChecksums } from '../../core/sources/resolve-checksums.js';
import { sha256OfFile } from '../../core/pipeline/checksum-file.js';
import { containerDiskSettingsFromEnv, secretsOf } from '../../core/oci/pull/container-disk-source.js';
import { defaultContainerDiskCacheDir } from '../../core/oci/pull/disk-cache.js';
import { pullContainerDisk, resolveContainerDisk } from '../../core/oci/pull/pull.js';
import { defaultSourceCacheDir, fetchSource } from '../../engines/local/download.js';
import type { Handoff, HandoffSource } from './handoff.js';
import type { SelectedVm } from './select-vm.js';
import { restoreContainerDisk, restoreSource, saveSource, type SourceOrigin } from './source-cache.js';

export type ImportedSource = HandoffSource;

export interface ImportSourceOptions {
  build: Build;
  selected: SelectedVm;
  handoff?: Handoff;
  logger: Logger;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  /** Use the GitHub Actions cache (default true). */
  actionsCache?: boolean;
}

export async function importLocalSource(options: ImportSourceOptions): Promise<ImportedSource> {
  const { build, selected, logger, signal, env } = options;
  const source = selected.vm.source;
  switch (source.kind) {
    case 'url':
    case 'iso': {
      // checksum: file:… names its digest in a checksum file: read (and its signature checked) first.
      await resolveSourceChecksums(build, { logger, signal, env });
      const checksum = knownChecksum(source.checksum, source.url);
      const cacheDir = defaultSourceCacheDir(env);
      const cached = await restoreSource(source.url, checksum, cacheDir, logger, options.actionsCache !== false, signal);
      const file = await fetchSource({ url: source.url, ...(source.mirrors ? { mirrors: source.mirrors } : {}), checksum, logger, signal, cacheDir, env });
      const isLocalUrl = source.url.startsWith('file:');
      let origin: SourceOrigin = isLocalUrl ? 'local-file' : cached.origin === 'missing' ? 'downloaded' : cached.origin;
      if (origin === 'downloaded') await saveSource(cached, logger, options.actionsCache !== false);
      if (isLocalUrl) origin = 'local-file';
      const digest = checksum.algorithm === 'sha256' ? checksum.hex.toLowerCase() : await sha256OfFile(file, signal);
      return describe(file, digest, origin);
    }
    case 'path': {
      const file = path.resolve(build.dir, source.path);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) throw new UserError(`vm ${selected.key}: source.path '${source.path}' does not exist (looked for ${file})`);
      logger.info(`source: ${file} (a local file; hashing it for the digest)`);
      return describe(file, await sha256OfFile(file, signal), 'local-file');
    }
    case 'from': {
      const parentKey = `${source.layer}/${source.vm}`;
      const snap = options.handoff?.snapshots[parentKey];
      if (!snap) throw new UserError(`vm ${selected.key} starts from ${parentKey}, which has no snapshot in this job yet: run snapshot for ${parentKey} first`);
      return describe(snap.path, snap.sha256, 'local-file');
    }
    case 'containerDisk': {
      // Resolved first: the digest is the Actions cache key, so a moved tag is pulled anew.
      const cacheDir = defaultContainerDiskCacheDir(env);
      const masker = secretsOf(logger);
      const pullOptions = { ...containerDiskSettingsFromEnv(env), image: source.image, cacheDir, logger, signal, ...(masker ? { masker } : {}) };
      const resolved = await resolveContainerDisk(pullOptions);
      const cached = await restoreContainerDisk(resolved.digest, cacheDir, logger, options.actionsCache !== false, signal);
      const pulled = await pullContainerDisk({ ...pullOptions, resolved });
      const origin: SourceOrigin = pulled.fromCache ? (cached.origin === 'actions-cache' ? 'actions-cache' : 'local-cache') : 'downloaded';
      if (origin === 'downloaded') await saveSource(cached, logger, options.actionsCache !== false);
      const { size } = await stat(pulled.path);
      return { reference: pulled.path, digest: pulled.digest, bytes: size, origin };
    }
  }
}

async function describe(file: string, sha256: string, origin: SourceOrigin): Promise<ImportedSource> {
  const { size } = await stat(file);
  return {
    reference: file,
    digest: `sha256:${sha256}`,
    bytes: size,
    origin,
  };
}
