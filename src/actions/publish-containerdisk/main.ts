/**
 * publish-containerdisk: pushes a disk (the `disk` input, else this job's snapshot) to a registry
 * as a KubeVirt containerDisk. Outputs the image name and digest in the form
 * actions/attest-build-provenance takes (subject-name, subject-digest).
 */
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { leanV8FromNowOn } from '../../core/oci/lean-v8.js';
import { readHandoff, updateHandoff } from '../toolkit/handoff.js';
import { optionalInput } from '../toolkit/inputs.js';
import { setOutputs } from '../toolkit/outputs.js';
import { imageName, publishDisk, publishInputs } from '../toolkit/publish.js';
import { runAction } from '../toolkit/run-action.js';
import { imagesTable, writeSummary } from '../toolkit/summary.js';

export const run = (): Promise<void> =>
  runAction(async (ctx) => {
    // This process only publishes: see lean-v8.ts.
    leanV8FromNowOn();
    const inputs = publishInputs(ctx);
    if (!inputs) throw new UserError(`input 'image': missing; name the repository to push to (e.g. ghcr.io/acme/debian-web)`);
    const handoff = await readHandoff();
    const diskInput = optionalInput('disk');
    let disk: string;
    let key = optionalInput('vm');
    if (diskInput) {
      disk = path.resolve(ctx.workspace, diskInput);
    } else {
      const snapshots = Object.entries(handoff?.snapshots ?? {});
      const chosen = key ? snapshots.find(([k]) => k === key || k.endsWith(`/${key}`)) : snapshots.length === 1 ? snapshots[0] : undefined;
      if (!chosen) {
        throw new UserError(
          snapshots.length === 0 ? `input 'disk': missing, and no snapshot ran earlier in this job` : `several snapshots in this job (${snapshots.map(([k]) => k).join(', ')}): say which with 'vm' or give 'disk'`,
        );
      }
      [key, { path: disk }] = chosen;
    }
    ctx.logger.startGroup(`publish ${disk}`);
    const result = await publishDisk(ctx, disk, inputs, key);
    ctx.logger.closeGroup();
    const name = imageName(result.refs[0] ?? inputs.refs[0]!);
    if (handoff && key) {
      await updateHandoff(handoff.engine, (h) => {
        h.publications[key!] = { image: name, digest: result.digest, refs: result.refs };
      });
    }
    setOutputs({ image: name, digest: result.digest, 'image-ref': `${name}@${result.digest}`, refs: result.refs.join('\n'), 'uploaded-bytes': result.uploadedBytes }, ctx.masker);
    await writeSummary(`### RudderVirt: containerDisk published\n\n${imagesTable([{ image: name, digest: result.digest, refs: result.refs }])}`, ctx.masker);
  });
