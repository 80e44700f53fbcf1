/** `ruddervirt prune FILE` — removes the layer outputs kubevirt builds keep in the cluster for reuse; `--containerdisks`, the local cache of pulled containerDisks. */
import path from 'node:path';
import { loadBuild } from '../../core/config/load.js';
import { formatBytes, SecretMasker } from '../../core/log.js';
import { ContainerDiskCache, defaultContainerDiskCacheDir } from '../../core/oci/pull/disk-cache.js';
import { pruneKubevirtLayers } from '../../engines/kubevirt/prune-layers.js';
import { parseCommandArgs, variableOptions } from '../args.js';
import { UsageError, UserError, type CliIo, type Command } from '../command.js';
import { terminalLogger } from '../terminal-logger.js';

const usage = `Usage: ruddervirt prune FILE [options]
       ruddervirt prune --build NAME [options]
       ruddervirt prune --containerdisks [--older-than DAYS]

A kubevirt build keeps each layer's outputs in its namespace (CDI DataVolumes or CSI
VolumeSnapshots labelled ruddervirt.io/layer-key), so a later build of an unchanged layer clones
them instead of booting its VMs; each successful layer keeps the newest 2 per VM (build
--keep-layers). This removes them: all of the build's, or those beyond the newest --keep per
layer and VM. The build file only gives the build's name.

With --containerdisks it empties this machine's cache of containerDisk sources instead: the disks
local builds extracted from registries, kept by manifest digest under RUDDERVIRT_CACHE_DIR/
containerdisks (default ~/.cache/ruddervirt/containerdisks) so a rebuild needs no registry.

Options:
  --containerdisks     Remove the cached containerDisk sources (no build file needed).
  --older-than DAYS    With --containerdisks: only those pulled more than DAYS days ago.
  --build NAME         The build's name, instead of a build file.
  --layer LAYER        Only this layer's outputs.
  --keep N             Keep the newest N per layer and VM (default 0: remove all).
  --var-file FILE      Variable values from a YAML or JSON file (repeatable).
  --var k=v            Set a build variable, if the file needs one to load (repeatable).
  --kubeconfig FILE    The cluster and credentials (default: KUBECONFIG, ~/.kube/config, or the
                       pod's service account inside a cluster).
  --namespace NS       Where the builds ran (default: the context's namespace, else default).
  --verbose            Debug lines too.

The local engine's layer cache is a folder: remove RUDDERVIRT_CACHE_DIR/layers (default
~/.cache/ruddervirt/layers) to empty it.

Exit status: 0 removed (or nothing to remove), 1 something could not be removed.
`;

export const pruneCommand: Command = {
  name: 'prune',
  summary: 'Remove the layer outputs kubevirt builds keep in the cluster, or the cached containerDisks',
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, {
      build: { type: 'string' },
      layer: { type: 'string' },
      keep: { type: 'string', default: '0' },
      var: { type: 'string', multiple: true },
      'var-file': { type: 'string', multiple: true },
      kubeconfig: { type: 'string' },
      namespace: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      containerdisks: { type: 'boolean', default: false },
      'older-than': { type: 'string' },
    });
    if (values.containerdisks) return pruneContainerDiskCache(values['older-than'], positionals, io, values.verbose);
    if (values['older-than'] !== undefined) throw new UsageError('--older-than goes with --containerdisks');
    if ((positionals.length === 1) === (values.build !== undefined) || positionals.length > 1) throw new UsageError('expects a build file or --build NAME (one of them)');
    const keep = Number(values.keep);
    if (!/^\d+$/.test(values.keep) || !Number.isSafeInteger(keep)) throw new UsageError(`--keep must be a whole number, got '${values.keep}'`);
    const name = values.build ?? loadBuild(positionals[0]!, { ...variableOptions(values), env: io.env, cwd: io.cwd }).name;
    const logger = terminalLogger(io.stderr, new SecretMasker(), values.verbose);
    const result = await pruneKubevirtLayers({
      build: name,
      keep,
      env: io.env,
      logger,
      signal: io.signal,
      ...(values.layer !== undefined ? { layer: values.layer } : {}),
      ...(values.namespace !== undefined ? { namespace: values.namespace } : {}),
      ...(values.kubeconfig !== undefined ? { kubeconfig: path.resolve(io.cwd, values.kubeconfig) } : {}),
    });
    for (const r of result.removed) logger.info(`removed ${r}`);
    const what = `kept layer outputs of build ${name}${values.layer !== undefined ? `, layer ${values.layer}` : ''} in namespace ${result.namespace}`;
    if (result.left.length > 0) throw new UserError(`could not remove every one of the ${what}:\n${result.left.map((l) => `  - ${l}`).join('\n')}`, 1);
    logger.info(result.removed.length > 0 ? `removed ${result.removed.length} ${what}${keep > 0 ? ` (kept the newest ${keep} per VM)` : ''}` : `no ${what} to remove`);
    return 0;
  },
};

async function pruneContainerDiskCache(olderThan: string | undefined, positionals: string[], io: CliIo, verbose: boolean): Promise<number> {
  if (positionals.length > 0) throw new UsageError('--containerdisks takes no build file');
  let before: Date | undefined;
  if (olderThan !== undefined) {
    if (!/^\d+$/.test(olderThan)) throw new UsageError(`--older-than must be a whole number of days, got '${olderThan}'`);
    before = new Date(Date.now() - Number(olderThan) * 86_400_000);
  }
  const logger = terminalLogger(io.stderr, new SecretMasker(), verbose);
  const cache = new ContainerDiskCache(defaultContainerDiskCacheDir(io.env));
  const { removed, bytes } = await cache.prune(before);
  for (const e of removed) logger.info(`removed ${e.image} (${e.digest}, ${formatBytes(e.size)})`);
  logger.info(removed.length > 0 ? `removed ${removed.length} cached containerDisk(s) from ${cache.dir}, ${formatBytes(bytes)} freed` : `no cached containerDisks to remove in ${cache.dir}`);
  return 0;
}
