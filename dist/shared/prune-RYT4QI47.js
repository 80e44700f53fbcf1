import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  terminalLogger
} from "./chunk-2CFR3PXE.js";
import {
  parseCommandArgs,
  variableOptions
} from "./chunk-FY4OBH6A.js";
import {
  KEPT_KINDS,
  pruneKept
} from "./chunk-LHQMOHGF.js";
import {
  DEFAULT_TIMEOUTS,
  ObjectClient
} from "./chunk-ZDQUUEWG.js";
import {
  KubeApi
} from "./chunk-4J23RLGN.js";
import {
  loadKubeTarget
} from "./chunk-WBGPXQT6.js";
import "./chunk-5FQMJUXF.js";
import "./chunk-LI624AP2.js";
import "./chunk-KL2LFKXQ.js";
import "./chunk-FARCU6DL.js";
import {
  loadBuild
} from "./chunk-23LGHYNR.js";
import "./chunk-Z6CMOLZR.js";
import "./chunk-WBMFEUYZ.js";
import "./chunk-M2E66S6E.js";
import "./chunk-MF7EYUNN.js";
import "./chunk-H4EHQFTY.js";
import "./chunk-KOBFVAF3.js";
import "./chunk-NHD4EFUK.js";
import "./chunk-UWT5WVQO.js";
import {
  UsageError
} from "./chunk-K4LUY5QM.js";
import "./chunk-UWXRMICO.js";
import {
  ContainerDiskCache,
  defaultContainerDiskCacheDir
} from "./chunk-MFL4LHWY.js";
import "./chunk-CTLLT6VU.js";
import "./chunk-XHUVLOPP.js";
import "./chunk-BHXEFIUH.js";
import "./chunk-CRBZ5IG5.js";
import {
  SecretMasker,
  formatBytes
} from "./chunk-PXB3LWWR.js";
import "./chunk-YBXMTZXO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import "./chunk-YB6FBBBD.js";
import "./chunk-YQXKSN3H.js";
import "./chunk-U4LSYZ75.js";

// src/cli/commands/prune.ts
import path from "node:path";

// src/engines/kubevirt/prune-layers.ts
async function pruneKubevirtLayers(req) {
  const target = loadKubeTarget({ env: req.env, ...req.namespace ? { namespace: req.namespace } : {}, ...req.kubeconfig ? { kubeconfig: req.kubeconfig } : {} });
  const objects = new ObjectClient(new KubeApi(target.kc), req.logger);
  const result = await pruneKept({
    objects,
    namespace: target.namespace,
    kinds: KEPT_KINDS,
    scope: { build: req.build, ...req.layer !== void 0 ? { layer: req.layer } : {} },
    keep: req.keep,
    signal: req.signal,
    timeoutMs: req.timeoutMs ?? DEFAULT_TIMEOUTS.cleanup
  });
  return { ...result, namespace: target.namespace };
}

// src/cli/commands/prune.ts
var usage = `Usage: ruddervirt prune FILE [options]
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
var pruneCommand = {
  name: "prune",
  summary: "Remove the layer outputs kubevirt builds keep in the cluster, or the cached containerDisks",
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      build: { type: "string" },
      layer: { type: "string" },
      keep: { type: "string", default: "0" },
      var: { type: "string", multiple: true },
      "var-file": { type: "string", multiple: true },
      kubeconfig: { type: "string" },
      namespace: { type: "string" },
      verbose: { type: "boolean", default: false },
      containerdisks: { type: "boolean", default: false },
      "older-than": { type: "string" }
    });
    if (values.containerdisks) return pruneContainerDiskCache(values["older-than"], positionals, io, values.verbose);
    if (values["older-than"] !== void 0) throw new UsageError("--older-than goes with --containerdisks");
    if (positionals.length === 1 === (values.build !== void 0) || positionals.length > 1) throw new UsageError("expects a build file or --build NAME (one of them)");
    const keep = Number(values.keep);
    if (!/^\d+$/.test(values.keep) || !Number.isSafeInteger(keep)) throw new UsageError(`--keep must be a whole number, got '${values.keep}'`);
    const name = values.build ?? loadBuild(positionals[0], { ...variableOptions(values), env: io.env, cwd: io.cwd }).name;
    const logger = terminalLogger(io.stderr, new SecretMasker(), values.verbose);
    const result = await pruneKubevirtLayers({
      build: name,
      keep,
      env: io.env,
      logger,
      signal: io.signal,
      ...values.layer !== void 0 ? { layer: values.layer } : {},
      ...values.namespace !== void 0 ? { namespace: values.namespace } : {},
      ...values.kubeconfig !== void 0 ? { kubeconfig: path.resolve(io.cwd, values.kubeconfig) } : {}
    });
    for (const r of result.removed) logger.info(`removed ${r}`);
    const what = `kept layer outputs of build ${name}${values.layer !== void 0 ? `, layer ${values.layer}` : ""} in namespace ${result.namespace}`;
    if (result.left.length > 0) throw new UserError(`could not remove every one of the ${what}:
${result.left.map((l) => `  - ${l}`).join("\n")}`, 1);
    logger.info(result.removed.length > 0 ? `removed ${result.removed.length} ${what}${keep > 0 ? ` (kept the newest ${keep} per VM)` : ""}` : `no ${what} to remove`);
    return 0;
  }
};
async function pruneContainerDiskCache(olderThan, positionals, io, verbose) {
  if (positionals.length > 0) throw new UsageError("--containerdisks takes no build file");
  let before;
  if (olderThan !== void 0) {
    if (!/^\d+$/.test(olderThan)) throw new UsageError(`--older-than must be a whole number of days, got '${olderThan}'`);
    before = new Date(Date.now() - Number(olderThan) * 864e5);
  }
  const logger = terminalLogger(io.stderr, new SecretMasker(), verbose);
  const cache = new ContainerDiskCache(defaultContainerDiskCacheDir(io.env));
  const { removed, bytes } = await cache.prune(before);
  for (const e of removed) logger.info(`removed ${e.image} (${e.digest}, ${formatBytes(e.size)})`);
  logger.info(removed.length > 0 ? `removed ${removed.length} cached containerDisk(s) from ${cache.dir}, ${formatBytes(bytes)} freed` : `no cached containerDisks to remove in ${cache.dir}`);
  return 0;
}
export {
  pruneCommand
};
