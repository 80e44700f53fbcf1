/**
 * `ruddervirt build FILE` — runs a whole build file on the local engine (QEMU) or on KubeVirt,
 * then, when a VM has a `verify:` block, the verify gate on its image (src/core/verify) before the
 * build counts as done: the image paths go to stdout only after every check passed, so a script
 * that publishes what the last stdout line names never publishes an image that failed its checks.
 */
import { applyDataSourceOption, parseDataSourceOption } from '../../core/config/data-source-output.js';
import path from 'node:path';
import { loadBuild } from '../../core/config/load.js';
import { formatProblem } from '../../core/config/problems.js';
import type { OnError } from '../../core/config/model.js';
import { formatBytes, SecretMasker } from '../../core/log.js';
import { runBuild, type BuildResult } from '../../core/pipeline/build-runner.js';
import { defaultCacheRoot, LayerCache } from '../../core/pipeline/layer-cache.js';
import { formatBuildSummary } from '../../core/pipeline/summary.js';
import { formatVerifyResult, outputsToVerify, runVerify, type VerifyResult } from '../../core/verify/run-verify.js';
import type { Engine } from '../../core/engine.js';
import { createEngine } from '../../engines/index.js';
import { lockOutputFolder, prepareOutputFolder } from '../../core/output-folder.js';
import { describeAbandoned, recordAbandoned } from '../abandoned.js';
import { terminalAsker } from '../ask-on-error.js';
import { parseCommandArgs, variableOptions } from '../args.js';
import { UsageError, UserError, type CliIo, type Command } from '../command.js';
import { givenKubevirtFlags, KUBEVIRT_ENGINE_FLAGS, KUBEVIRT_ENGINE_FLAGS_USAGE, KUBEVIRT_FLAGS, KUBEVIRT_FLAGS_USAGE, kubevirtEngineFlagOptions, kubevirtSettingsFromFlags } from '../kubevirt-flags.js';
import { terminalLogger } from '../terminal-logger.js';

const usage = `Usage: ruddervirt build FILE [options]

Builds every layer and VM of the build file in Packer's order of operations: source, disks, HTTP
server, VM, boot wait, boot command over VNC, SSH, provisioners, shutdown, disk export. When a VM
has a verify: block, its image is then booted as a new VM (as \`ruddervirt verify\` does) and the
checks run; a failed check fails the build (exit 1) and no image path is printed. Progress goes
to stderr; the last line on stdout is the output image's path.

Options:
  --var-file FILE            Variable values from a YAML or JSON file of name: value pairs
                             (repeatable, applied in order): the way to pass a sensitive variable
                             without it showing in ps and the shell history.
  --var k=v                  Set a build variable (repeatable, applied after the var files); it
                             must be declared under variables.
  --on-error cleanup|abort|ask
                             On failure, clean up everything (default) or leave the VM running with
                             its files for debugging (Packer's -on-error=abort): the build says how to
                             reach it (ssh, VNC, serial log) and exits; \`ruddervirt cleanup DIR\`
                             removes it afterwards. ask (a terminal only): choose cleanup, abort or
                             retry the failed step each time.
  --vnc-port                 local: serve each VM's display on a free 127.0.0.1 TCP port (printed)
                             so a person can watch with any VNC viewer (Packer's vnc_bind_address /
                             vnc_port_min); default a private unix socket.
  --output DIR               Where images, checksums, logs and manifest.json go
                             (default: output/<build name> beside the current directory).
  --force                    Rebuild every layer even if an identical one is cached.
  --force-layer LAYER        Rebuild this layer (repeatable) even if cached; the layers after it
                             follow, as their parent changed.
  --only LAYER               Build only this layer (earlier layers come from the layer cache).
  --until LAYER              Stop after this layer.
  --no-verify                Do not run the verify: blocks after the build (the action's
                             verify: false); \`ruddervirt verify FILE\` runs them later.
  --no-layer-cache           Neither reuse nor store layers (default: reuse unchanged layers from
                             RUDDERVIRT_CACHE_DIR or ~/.cache/ruddervirt/layers, and on kubevirt
                             from the outputs earlier builds kept in the namespace).
  --engine local|kubevirt    Where VMs run: QEMU on this machine (default), or KubeVirt VirtualMachines
                             on a Kubernetes cluster (needs KubeVirt and CDI; see docs/kubevirt.md).
  --kubeconfig FILE          kubevirt: the cluster and credentials (default: KUBECONFIG,
                             ~/.kube/config, or the pod's service account inside a cluster).
  --namespace NS             kubevirt: where the build's objects go (default: the context's
                             namespace, else default). Everything the build creates there is
                             removed when it ends, but the layer outputs it keeps for reuse.
  --keep-layers N            kubevirt: each layer's outputs stay in the namespace, labelled with
                             the layer's content key, so a later build of the unchanged layer
                             clones them instead of booting its VMs; keep the newest N per layer
                             and VM (default 2). ruddervirt prune removes them.
  --data-source NAME[,instancetype=X][,preference=Y][,instancetypeKind=K][,preferenceKind=K]
                             kubevirt: keep the image of the last layer's VM in the cluster as a
                             golden image: its DataVolume or VolumeSnapshot, with a CDI DataSource
                             NAME pointing at it, labelled instancetype.kubevirt.io/default-
                             instancetype and -preference (virtctl create vm --volume-import
                             type:ds,src:NS/NAME). A later build replaces it. The same as
                             output.dataSource in the build file.
  --verbose                  Debug lines too.

${KUBEVIRT_FLAGS_USAGE.replace(/^Cluster settings/, 'kubevirt: cluster settings')}${KUBEVIRT_ENGINE_FLAGS_USAGE}
Exit status: 0 built (and verified), 1 failed (bad build file, a failed step or a failed verify
check), 130 cancelled (SIGINT/SIGTERM).
`;

export const buildCommand: Command = {
  name: 'build',
  summary: 'Build the images a build file describes (QEMU here, or KubeVirt)',
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, {
      var: { type: 'string', multiple: true },
      'var-file': { type: 'string', multiple: true },
      'on-error': { type: 'string', default: 'cleanup' },
      'vnc-port': { type: 'boolean', default: false },
      output: { type: 'string' },
      engine: { type: 'string', default: 'local' },
      verbose: { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
      'force-layer': { type: 'string', multiple: true },
      only: { type: 'string' },
      until: { type: 'string' },
      'no-layer-cache': { type: 'boolean', default: false },
      'no-verify': { type: 'boolean', default: false },
      kubeconfig: { type: 'string' },
      namespace: { type: 'string' },
      'keep-layers': { type: 'string' },
      ...KUBEVIRT_FLAGS,
      ...KUBEVIRT_ENGINE_FLAGS,
      'data-source': { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('expects exactly one build file');
    const onError = values['on-error'];
    if (onError !== 'cleanup' && onError !== 'abort' && onError !== 'ask') throw new UsageError(`--on-error must be cleanup, abort or ask, got '${onError}'`);
    if (onError === 'ask' && !(io.stdin ?? process.stdin).isTTY) throw new UsageError('--on-error ask needs a terminal to ask on (stdin is not one); use cleanup or abort');
    if (values.engine !== 'local' && values.engine !== 'kubevirt') throw new UsageError(`--engine must be local or kubevirt, got '${values.engine}'`);
    if (values.engine === 'local') {
      for (const flag of ['kubeconfig', 'namespace', 'keep-layers', 'data-source'] as const) if (values[flag] !== undefined) throw new UsageError(`--${flag} is for --engine kubevirt`);
      const cluster = givenKubevirtFlags(values);
      if (cluster.length > 0) throw new UsageError(`--${cluster[0]} is for --engine kubevirt (the local engine runs QEMU here)`);
    } else if (values['vnc-port']) {
      throw new UsageError('--vnc-port is for --engine local (on kubevirt: virtctl vnc)');
    }
    const keepLayers = values['keep-layers'];
    if (keepLayers !== undefined && !/^[1-9]\d{0,5}$/.test(keepLayers)) throw new UsageError(`--keep-layers must be a whole number of at least 1, got '${keepLayers}'`);
    const kubevirt = kubevirtSettingsFromFlags(values);
    const engineFlags = kubevirtEngineFlagOptions(values);

    const variables = variableOptions(values);
    const dataSource = values['data-source'] !== undefined ? parseDataSourceOption(values['data-source'], '--data-source') : undefined;
    const build = loadBuild(positionals[0]!, { ...variables, env: io.env, cwd: io.cwd });
    if (dataSource) applyDataSourceOption(build, dataSource, '--data-source');
    const masker = new SecretMasker();
    for (const s of build.secrets) masker.add(s);
    const logger = terminalLogger(io.stderr, masker, values.verbose);
    for (const w of build.warnings ?? []) logger.warn(formatProblem(w));
    for (const name of Object.keys(variables.vars).filter((n) => build.sensitiveVariables?.includes(n))) {
      logger.warn(`--var ${name}: a sensitive variable on the command line is masked in the build's output, but ps and the shell history show it; use --var-file FILE or {{ env \`NAME\` }} instead`);
    }
    const outputDir = path.resolve(io.cwd, values.output ?? path.join('output', build.name));
    // Before any VM starts: a file or an unwritable folder as --output, or another build writing there.
    await prepareOutputFolder(outputDir);
    const outputLock = await lockOutputFolder(outputDir);
    logger.info(`build ${build.name}: ${build.layers.length} layer(s), ${build.layers.reduce((n, l) => n + l.vms.length, 0)} VM(s) → ${outputDir}`);

    // One engine per run: a kubevirt engine holds one build's session (its run, root object and
    // cleanup), so the verify gate boots the images on an engine of its own.
    const makeEngine = (): Engine =>
      values.engine === 'kubevirt'
        ? createEngine('kubevirt', {
            env: io.env,
            logger,
            ...(values.kubeconfig !== undefined ? { kubeconfig: path.resolve(io.cwd, values.kubeconfig) } : {}),
            ...(values.namespace !== undefined ? { namespace: values.namespace } : {}),
            keepLayers: true,
            kubevirt,
            ...engineFlags,
            ...(keepLayers !== undefined ? { keptPerVm: Number(keepLayers) } : {}),
          })
        : // With --on-error abort a failed VM must outlive this process: each VM runs in a keeper.
          createEngine('local', { env: io.env, detachable: onError !== 'cleanup', ...(values['vnc-port'] ? { vncListen: 'port' as const } : {}) });
    const engine = makeEngine();
    let result: BuildResult;
    let verified: VerifyResult | undefined;
    try {
      try {
        result = await runBuild({
          build,
          engine,
          outputDir,
          onError: onError as OnError,
          masker,
          ...(onError === 'ask' ? { ask: terminalAsker(io.stdin ?? process.stdin, io.stderr, io.signal, (s) => masker.mask(s)) } : {}),
          logger,
          signal: io.signal,
          force: values.force,
          ...(values['force-layer'] ? { forceLayers: values['force-layer'] } : {}),
          ...(values['no-layer-cache'] ? {} : { layerCache: new LayerCache(defaultCacheRoot(io.env)) }),
          ...(values.only !== undefined ? { only: values.only } : {}),
          ...(values.until !== undefined ? { until: values.until } : {}),
        });
      } finally {
        await engine.close();
      }
      // The gate, under the same output lock: the images boot as new VMs.
      if (result.status === 'succeeded' && !values['no-verify'] && outputsToVerify(build, result.outputs).length > 0) {
        logger.info(`verify: booting ${outputsToVerify(build, result.outputs).length} image(s) as new VMs to run their checks`);
        const verifyEngine = makeEngine();
        try {
          verified = await runVerify({ build, outputs: result.outputs, engine: verifyEngine, outputDir, logger, masker, signal: io.signal, onError: onError === 'abort' ? 'abort' : 'cleanup' });
        } finally {
          await verifyEngine.close();
        }
      }
    } finally {
      await outputLock.release();
    }

    io.stderr.write(masker.mask(formatBuildSummary(result, formatBytes)));
    if (verified) io.stderr.write(masker.mask(formatVerifyResult(verified)));
    const abandoned = [...result.abandoned, ...(verified?.abandoned ?? [])];
    if (abandoned.length > 0) {
      await recordAbandoned(outputDir, abandoned);
      io.stderr.write(masker.mask(describeAbandoned(build, abandoned, outputDir)));
    }
    if (result.status === 'cancelled' || verified?.status === 'cancelled') throw new UserError('Build was cancelled.', 130);
    if (result.status === 'failed') throw new UserError(`build failed: ${masker.mask(result.error?.message ?? 'unknown error')}`, 1);
    if (verified?.status === 'failed') {
      const failed = verified.vms.filter((v) => v.status !== 'passed').map((v) => `${v.vm}: ${v.error ?? v.status}`);
      // The images stay where the build put them (nothing is lost), but are not named as its result.
      throw new UserError(masker.mask(`verify failed, so the build did not finish: ${failed.join('; ')}; the images are in ${outputDir} (ruddervirt verify FILE re-runs the checks; --no-verify skips them)`), 1);
    }
    for (const o of result.outputs) io.stdout.write(`${o.image}\n`);
    return 0;
  },
};
