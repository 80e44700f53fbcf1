/**
 * import-source on the kubevirt engine: the VM's source goes into the cluster, not onto the
 * runner — CDI imports a URL or registry image itself (so the Actions cache has nothing to
 * save), a local disk or a `from:` parent's snapshot is uploaded through CDI's upload proxy —
 * as a DataVolume of the job's build run, which build-vm then boots from. The reference is
 * `namespace/name` of the DataVolume and its PersistentVolumeClaim.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import type { Build, Source } from '../../core/config/model.js';
import { checksumText, knownChecksum } from '../../core/sources/known-checksum.js';
import { resolveSourceChecksums } from '../../core/sources/resolve-checksums.js';
import { sha256OfFile } from '../../core/pipeline/checksum-file.js';
import type { Handoff, HandoffSource } from './handoff.js';
import { jobEngine, jobRun } from './kubevirt-run.js';
import type { ActionContext } from './run-action.js';
import type { SelectedVm } from './select-vm.js';

/** What is known of the source's bytes before CDI reads them, and the local file to upload, if any. */
async function describeSource(build: Build, selected: SelectedVm, handoff: Handoff | undefined, signal: AbortSignal): Promise<{ digest: string; bytes?: number; parentDisk?: string }> {
  const source: Source = selected.vm.source;
  switch (source.kind) {
    case 'url':
    case 'iso':
      // CDI checks the checksum while importing; the build file's value is the digest.
      return { digest: checksumText(knownChecksum(source.checksum, source.url)) };
    case 'path': {
      const file = path.resolve(build.dir, source.path);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) throw new UserError(`vm ${selected.key}: source.path '${source.path}' does not exist (looked for ${file})`);
      return { digest: `sha256:${await sha256OfFile(file, signal)}`, bytes: info.size };
    }
    case 'from': {
      const parent = `${source.layer}/${source.vm}`;
      const snap = handoff?.snapshots[parent];
      if (!snap) throw new UserError(`vm ${selected.key} starts from ${parent}, which has no snapshot in this job yet: run snapshot for ${parent} first`);
      return { digest: `sha256:${snap.sha256}`, bytes: snap.bytes, parentDisk: snap.path };
    }
    case 'containerDisk': {
      // Only a pinned image says what it is before CDI pulls it.
      const pinned = /@(sha256:[0-9a-f]{64})$/.exec(source.image);
      return { digest: pinned?.[1] ?? '' };
    }
  }
}

export async function importKubevirtSource(ctx: ActionContext, build: Build, selected: SelectedVm, handoff: Handoff | undefined): Promise<HandoffSource> {
  // checksum: file:… names its digest in a checksum file: read (and its signature checked) first.
  await resolveSourceChecksums(build, { logger: ctx.logger, signal: ctx.signal, env: ctx.env });
  const known = await describeSource(build, selected, handoff, ctx.signal);
  const run = await jobRun(ctx, handoff);
  const engine = await jobEngine(ctx, run);
  try {
    if (!engine.importSource) throw new Error('internal: the kubevirt engine imports sources itself');
    const volume = await engine.importSource({
      build,
      vm: selected.vm,
      logger: ctx.logger,
      signal: ctx.signal,
      ...(known.parentDisk ? { parentDisk: known.parentDisk } : {}),
    });
    ctx.logger.info(`source: DataVolume ${volume.reference} is ready (${volume.how === 'upload' ? 'uploaded from this runner' : 'imported by CDI'}); build-vm boots from it`);
    return {
      reference: volume.reference,
      digest: known.digest,
      ...(known.bytes !== undefined ? { bytes: known.bytes } : {}),
      origin: volume.how === 'upload' ? 'cdi-upload' : 'cdi-import',
    };
  } catch (err) {
    // A half-made run is of no use to anyone: remove it (the step fails with the original error).
    await engine.close();
    throw err;
  }
}
