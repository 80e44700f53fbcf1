/**
 * `ruddervirt verify FILE` — the verify gate on a built output folder: every image in its
 * manifest.json whose VM has a `verify:` block boots as a new VM (fresh cloud-init seed where the
 * image uses cloud-init) and its checks run over SSH (src/core/verify). Nothing is rebuilt and the
 * images are not changed.
 */
import path from 'node:path';
import { loadBuild } from '../../core/config/load.js';
import { formatProblem } from '../../core/config/problems.js';
import type { Engine } from '../../core/engine.js';
import { SecretMasker } from '../../core/log.js';
import { readOutputs } from '../../core/verify/read-outputs.js';
import { formatVerifyResult, outputsToVerify, runVerify } from '../../core/verify/run-verify.js';
import { createEngine } from '../../engines/index.js';
import { describeAbandoned, recordAbandoned } from '../abandoned.js';
import { parseCommandArgs, variableOptions } from '../args.js';
import { UsageError, UserError, type CliIo, type Command } from '../command.js';
import { terminalLogger } from '../terminal-logger.js';
import { givenKubevirtFlags, KUBEVIRT_ENGINE_FLAGS, KUBEVIRT_ENGINE_FLAGS_USAGE, KUBEVIRT_FLAGS, KUBEVIRT_FLAGS_USAGE, kubevirtEngineFlagOptions, kubevirtSettingsFromFlags } from '../kubevirt-flags.js';

const usage = `Usage: ruddervirt verify FILE [options]

Boots each image a build of FILE left in its output folder (listed in manifest.json) as a new VM,
when the image's VM has a verify: block, and runs the block's checks over SSH: where the VM had a
cidata cdrom the image gets a fresh cloud-init seed (new instance-id, a throw-away SSH key for the
communicator's user), else the communicator settings are used as they are. The VM is stopped and
removed afterwards; the images are not changed. Prints one line per check.

Options:
  --output DIR               The build's output folder (default: output/<build name>).
  --vm LAYER/VM              Verify only this VM's image (repeatable).
  --var-file FILE            Variable values from a YAML or JSON file (repeatable, before --var),
                             as for build.
  --var k=v                  Set a build variable (repeatable), as for build.
  --on-error cleanup|abort   abort leaves a failed verify VM running for debugging (ruddervirt
                             cleanup DIR removes it); default cleanup.
  --engine local|kubevirt    Where the verify VM runs (default local).
  --kubeconfig FILE          kubevirt: the cluster and credentials.
  --namespace NS             kubevirt: where the verify VM's objects go.
  --verbose                  Debug lines too.

${KUBEVIRT_FLAGS_USAGE.replace(/^Cluster settings/, 'kubevirt: cluster settings, as for build')}${KUBEVIRT_ENGINE_FLAGS_USAGE}
Exit status: 0 every check passed (or nothing to verify), 1 a check failed or the image did not
boot to SSH (or a bad build file or output folder), 130 cancelled.
`;

export const verifyCommand: Command = {
  name: 'verify',
  summary: "Boot a build's images as new VMs and run their verify checks over SSH",
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, {
      var: { type: 'string', multiple: true },
      'var-file': { type: 'string', multiple: true },
      output: { type: 'string' },
      vm: { type: 'string', multiple: true },
      'on-error': { type: 'string', default: 'cleanup' },
      engine: { type: 'string', default: 'local' },
      kubeconfig: { type: 'string' },
      namespace: { type: 'string' },
      ...KUBEVIRT_FLAGS,
      ...KUBEVIRT_ENGINE_FLAGS,
      verbose: { type: 'boolean', default: false },
    });
    if (positionals.length !== 1) throw new UsageError('expects exactly one build file');
    const onError = values['on-error'];
    if (onError !== 'cleanup' && onError !== 'abort') throw new UsageError(`--on-error must be cleanup or abort, got '${onError}'`);
    if (values.engine !== 'local' && values.engine !== 'kubevirt') throw new UsageError(`--engine must be local or kubevirt, got '${values.engine}'`);
    if (values.engine === 'local') {
      for (const flag of ['kubeconfig', 'namespace'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag} is for --engine kubevirt`);
      const cluster = givenKubevirtFlags(values);
      if (cluster.length > 0) throw new UsageError(`--${cluster[0]} is for --engine kubevirt (the local engine runs QEMU here)`);
    }
    // The verify VMs are rendered like the build's: the same flags give them the same storage, placement and images.
    const kubevirt = kubevirtSettingsFromFlags(values);
    const engineFlags = kubevirtEngineFlagOptions(values);

    const build = loadBuild(positionals[0]!, { ...variableOptions(values), env: io.env, cwd: io.cwd });
    const masker = new SecretMasker();
    for (const s of build.secrets) masker.add(s);
    const logger = terminalLogger(io.stderr, masker, values.verbose);
    for (const w of build.warnings ?? []) logger.warn(formatProblem(w));
    const outputDir = path.resolve(io.cwd, values.output ?? path.join('output', build.name));
    let outputs = await readOutputs(outputDir);
    for (const wanted of values.vm ?? []) {
      if (!outputs.some((o) => `${o.layer}/${o.vm}` === wanted)) throw new UsageError(`--vm ${wanted}: no such image in ${outputDir} (images: ${outputs.map((o) => `${o.layer}/${o.vm}`).join(', ') || 'none'})`);
    }
    if (values.vm?.length) outputs = outputs.filter((o) => values.vm!.includes(`${o.layer}/${o.vm}`));
    if (outputsToVerify(build, outputs).length === 0) {
      io.stderr.write(`verify: nothing to verify: no VM of ${outputs.map((o) => `${o.layer}/${o.vm}`).join(', ') || '(no images)'} has a verify block\n`);
      return 0;
    }
    const engine: Engine =
      values.engine === 'kubevirt'
        ? createEngine('kubevirt', {
            env: io.env,
            logger,
            ...(values.kubeconfig !== undefined ? { kubeconfig: path.resolve(io.cwd, values.kubeconfig) } : {}),
            ...(values.namespace !== undefined ? { namespace: values.namespace } : {}),
            kubevirt,
            ...engineFlags,
          })
        : createEngine('local', { env: io.env, detachable: onError === 'abort' });
    let result;
    try {
      result = await runVerify({ build, outputs, engine, outputDir, logger, masker, signal: io.signal, onError });
    } finally {
      await engine.close();
    }
    io.stderr.write(masker.mask(formatVerifyResult(result)));
    if (result.abandoned.length > 0) {
      await recordAbandoned(outputDir, result.abandoned);
      io.stderr.write(masker.mask(describeAbandoned(build, result.abandoned, outputDir)));
    }
    if (result.status === 'cancelled') throw new UserError('Verify was cancelled.', 130);
    if (result.status === 'failed')
      throw new UserError(
        `verify failed: ${result.vms
          .filter((v) => v.status === 'failed')
          .map((v) => `${v.vm}: ${masker.mask(v.error ?? 'failed')}`)
          .join('; ')}`,
        1,
      );
    return 0;
  },
};
