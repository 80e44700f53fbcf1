/**
 * import-source: puts one VM's source where build-vm boots from — on the runner (local engine),
 * verified against its checksum, restored from the Actions cache when an earlier run saved it; or
 * into the cluster (kubevirt) as a DataVolume CDI fills — and records it in the handoff for
 * build-vm. Outputs the source reference (a path, or namespace/name) and its digest.
 */
import { loadBuildForAction } from '../toolkit/build-context.js';
import { readHandoff, updateHandoff } from '../toolkit/handoff.js';
import { importLocalSource } from '../toolkit/import-source.js';
import { importKubevirtSource } from '../toolkit/kubevirt-import-source.js';
import { booleanInput, enumInput, optionalInput } from '../toolkit/inputs.js';
import { setOutputs } from '../toolkit/outputs.js';
import { runAction } from '../toolkit/run-action.js';
import { selectVm } from '../toolkit/select-vm.js';
import { sourcesTable, writeSummary } from '../toolkit/summary.js';

export const run = (): Promise<void> =>
  runAction(async (ctx) => {
    const handoff = await readHandoff();
    const engine = enumInput('engine', ['local', 'kubevirt'] as const, handoff?.engine ?? 'local');
    const loaded = loadBuildForAction(ctx, handoff);
    const selected = selectVm(loaded.build, optionalInput('vm'));
    ctx.logger.startGroup(`import source for ${selected.key}`);
    const imported =
      engine === 'kubevirt'
        ? await importKubevirtSource(ctx, loaded.build, selected, handoff)
        : await importLocalSource({
            build: loaded.build,
            selected,
            ...(handoff ? { handoff } : {}),
            logger: ctx.logger,
            signal: ctx.signal,
            env: ctx.env,
            actionsCache: booleanInput('cache', true),
          });
    ctx.logger.closeGroup();
    await updateHandoff(engine, (h) => {
      h.build = loaded.handoff;
      h.sources[selected.key] = imported;
    });
    setOutputs(
      {
        'source-reference': imported.reference,
        digest: imported.digest,
        'cache-hit': imported.origin === 'actions-cache' || imported.origin === 'local-cache',
        vm: selected.key,
      },
      ctx.masker,
    );
    await writeSummary(
      `### RudderVirt: source for ${selected.key}\n\n` +
        sourcesTable([{ vm: selected.key, reference: imported.reference, digest: imported.digest, ...(imported.bytes !== undefined ? { bytes: imported.bytes } : {}), origin: imported.origin }]),
      ctx.masker,
    );
  });
