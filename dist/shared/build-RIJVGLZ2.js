import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  runBuild
} from "./chunk-QLKOIMWT.js";
import "./chunk-7JDLV63C.js";
import "./chunk-IS5JQAUT.js";
import {
  formatVerifyResult,
  outputsToVerify,
  runVerify
} from "./chunk-34BIVQMA.js";
import "./chunk-Y3BLDN7D.js";
import "./chunk-K5YCSMLN.js";
import "./chunk-RTG4RYVJ.js";
import {
  KUBEVIRT_ENGINE_FLAGS,
  KUBEVIRT_ENGINE_FLAGS_USAGE,
  KUBEVIRT_FLAGS,
  KUBEVIRT_FLAGS_USAGE,
  givenKubevirtFlags,
  kubevirtEngineFlagOptions,
  kubevirtSettingsFromFlags
} from "./chunk-44XAABR6.js";
import "./chunk-ZEOXAAFA.js";
import {
  terminalLogger
} from "./chunk-2CFR3PXE.js";
import {
  describeAbandoned,
  recordAbandoned
} from "./chunk-OMPUPXH3.js";
import "./chunk-AIFBTII2.js";
import "./chunk-DG6KHQHA.js";
import {
  parseCommandArgs,
  variableOptions
} from "./chunk-FY4OBH6A.js";
import {
  createEngine
} from "./chunk-AFV5RQRF.js";
import "./chunk-R4AC3DXL.js";
import "./chunk-V4RHYLAH.js";
import "./chunk-4QA2NAVJ.js";
import "./chunk-N2UXHEZV.js";
import "./chunk-LHQMOHGF.js";
import "./chunk-ZDQUUEWG.js";
import "./chunk-4J23RLGN.js";
import "./chunk-WBGPXQT6.js";
import "./chunk-5FQMJUXF.js";
import "./chunk-LI624AP2.js";
import "./chunk-CFYWBAR4.js";
import "./chunk-KL2LFKXQ.js";
import "./chunk-MQCLEGTP.js";
import "./chunk-RDPLCPIX.js";
import "./chunk-UF5DILBV.js";
import "./chunk-FARCU6DL.js";
import {
  loadBuild,
  lockOutputFolder,
  prepareOutputFolder
} from "./chunk-23LGHYNR.js";
import "./chunk-Z6CMOLZR.js";
import {
  applyDataSourceOption,
  parseDataSourceOption
} from "./chunk-WBMFEUYZ.js";
import "./chunk-M2E66S6E.js";
import {
  formatProblem
} from "./chunk-MF7EYUNN.js";
import "./chunk-H4EHQFTY.js";
import "./chunk-KOBFVAF3.js";
import "./chunk-NHD4EFUK.js";
import "./chunk-UWT5WVQO.js";
import {
  UsageError
} from "./chunk-K4LUY5QM.js";
import "./chunk-PKIXCSX5.js";
import "./chunk-UWXRMICO.js";
import "./chunk-JIQ45CAP.js";
import "./chunk-FUWAUBDQ.js";
import {
  LayerCache,
  defaultCacheRoot
} from "./chunk-L2EL4R3K.js";
import "./chunk-U2YEPGJA.js";
import "./chunk-Q2MXJOS2.js";
import "./chunk-W76QTMHQ.js";
import "./chunk-5Q37UMAS.js";
import "./chunk-JKYMEDOZ.js";
import "./chunk-MFL4LHWY.js";
import "./chunk-CTLLT6VU.js";
import "./chunk-IGBDJUBW.js";
import "./chunk-XMRDQH4D.js";
import "./chunk-GKBTVNDX.js";
import "./chunk-XHUVLOPP.js";
import "./chunk-BHXEFIUH.js";
import "./chunk-CRBZ5IG5.js";
import {
  SecretMasker,
  formatBytes
} from "./chunk-PXB3LWWR.js";
import {
  formatGoDuration
} from "./chunk-YBXMTZXO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import "./chunk-7EO2G6ZH.js";
import "./chunk-G4VXAHVF.js";
import "./chunk-YB6FBBBD.js";
import "./chunk-YQXKSN3H.js";
import "./chunk-U4LSYZ75.js";

// src/cli/commands/build.ts
import path from "node:path";

// src/core/pipeline/summary.ts
function formatBuildSummary(result, formatBytes2) {
  const lines = ["", `Build ${result.status}.`, ""];
  const byVm = /* @__PURE__ */ new Map();
  for (const p of result.phases) byVm.set(p.vm, [...byVm.get(p.vm) ?? [], p]);
  for (const [vm, phases] of byVm) {
    lines.push(`  ${vm}`);
    const width = Math.max(...phases.map((p) => p.phase.length));
    for (const p of phases) {
      const took = p.status === "skipped" ? "" : formatGoDuration(Math.round(p.durationMs / 100) * 100);
      lines.push(`    ${p.phase.padEnd(width)}  ${p.status.padEnd(9)} ${took}${p.status === "failed" && p.detail ? `  ${p.detail}` : ""}`);
    }
  }
  if (result.layers.length > 0) {
    lines.push("", "  layers:");
    const width = Math.max(...result.layers.map((l) => l.layer.length));
    for (const l of result.layers) lines.push(`    ${l.layer.padEnd(width)}  ${l.action === "reused" ? "reused" : "built "}  ${l.action === "reused" ? `cache key ${l.key?.slice(0, 12) ?? ""}` : l.reason}`);
  }
  if (result.outputs.length > 0) {
    lines.push("", "  outputs:");
    for (const o of result.outputs) lines.push(`    ${o.image}  ${formatBytes2(o.bytes)}  sha256:${o.sha256}${outputNote(o)}`);
  }
  lines.push(`  manifest: ${result.manifest}`, "");
  return lines.join("\n");
}
function outputNote(o) {
  if (o.reused) return o.keptAs ? `  (reused from ${o.keptAs})` : "  (reused)";
  return o.keptAs ? `  (kept as ${o.keptAs})` : "";
}

// src/cli/ask-on-error.ts
import { createInterface } from "node:readline/promises";
var CHOICES = { c: "cleanup", cleanup: "cleanup", a: "abort", abort: "abort", r: "retry", retry: "retry" };
function terminalAsker(input, output, signal, mask) {
  let queue = Promise.resolve();
  return (failure) => {
    const asked = queue.then(async () => {
      const rl = createInterface({ input, output, terminal: false });
      try {
        const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
        output.write(mask(`
vm ${failure.vm}: step '${failure.phase}' failed: ${message}
`));
        for (; ; ) {
          const answer = (await rl.question("[c] clean up and fail, [a] abort and leave the VM for debugging, [r] retry the step? ", { signal })).trim().toLowerCase();
          const choice = CHOICES[answer];
          if (choice) return choice;
          output.write(`please answer c, a or r
`);
        }
      } catch {
        return "cleanup";
      } finally {
        rl.close();
      }
    });
    queue = asked.catch(() => void 0);
    return asked;
  };
}

// src/cli/commands/build.ts
var usage = `Usage: ruddervirt build FILE [options]

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

${KUBEVIRT_FLAGS_USAGE.replace(/^Cluster settings/, "kubevirt: cluster settings")}${KUBEVIRT_ENGINE_FLAGS_USAGE}
Exit status: 0 built (and verified), 1 failed (bad build file, a failed step or a failed verify
check), 130 cancelled (SIGINT/SIGTERM).
`;
var buildCommand = {
  name: "build",
  summary: "Build the images a build file describes (QEMU here, or KubeVirt)",
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      var: { type: "string", multiple: true },
      "var-file": { type: "string", multiple: true },
      "on-error": { type: "string", default: "cleanup" },
      "vnc-port": { type: "boolean", default: false },
      output: { type: "string" },
      engine: { type: "string", default: "local" },
      verbose: { type: "boolean", default: false },
      force: { type: "boolean", default: false },
      "force-layer": { type: "string", multiple: true },
      only: { type: "string" },
      until: { type: "string" },
      "no-layer-cache": { type: "boolean", default: false },
      "no-verify": { type: "boolean", default: false },
      kubeconfig: { type: "string" },
      namespace: { type: "string" },
      "keep-layers": { type: "string" },
      ...KUBEVIRT_FLAGS,
      ...KUBEVIRT_ENGINE_FLAGS,
      "data-source": { type: "string" }
    });
    if (positionals.length !== 1) throw new UsageError("expects exactly one build file");
    const onError = values["on-error"];
    if (onError !== "cleanup" && onError !== "abort" && onError !== "ask") throw new UsageError(`--on-error must be cleanup, abort or ask, got '${onError}'`);
    if (onError === "ask" && !(io.stdin ?? process.stdin).isTTY) throw new UsageError("--on-error ask needs a terminal to ask on (stdin is not one); use cleanup or abort");
    if (values.engine !== "local" && values.engine !== "kubevirt") throw new UsageError(`--engine must be local or kubevirt, got '${values.engine}'`);
    if (values.engine === "local") {
      for (const flag of ["kubeconfig", "namespace", "keep-layers", "data-source"]) if (values[flag] !== void 0) throw new UsageError(`--${flag} is for --engine kubevirt`);
      const cluster = givenKubevirtFlags(values);
      if (cluster.length > 0) throw new UsageError(`--${cluster[0]} is for --engine kubevirt (the local engine runs QEMU here)`);
    } else if (values["vnc-port"]) {
      throw new UsageError("--vnc-port is for --engine local (on kubevirt: virtctl vnc)");
    }
    const keepLayers = values["keep-layers"];
    if (keepLayers !== void 0 && !/^[1-9]\d{0,5}$/.test(keepLayers)) throw new UsageError(`--keep-layers must be a whole number of at least 1, got '${keepLayers}'`);
    const kubevirt = kubevirtSettingsFromFlags(values);
    const engineFlags = kubevirtEngineFlagOptions(values);
    const variables = variableOptions(values);
    const dataSource = values["data-source"] !== void 0 ? parseDataSourceOption(values["data-source"], "--data-source") : void 0;
    const build = loadBuild(positionals[0], { ...variables, env: io.env, cwd: io.cwd });
    if (dataSource) applyDataSourceOption(build, dataSource, "--data-source");
    const masker = new SecretMasker();
    for (const s of build.secrets) masker.add(s);
    const logger = terminalLogger(io.stderr, masker, values.verbose);
    for (const w of build.warnings ?? []) logger.warn(formatProblem(w));
    for (const name of Object.keys(variables.vars).filter((n) => build.sensitiveVariables?.includes(n))) {
      logger.warn(`--var ${name}: a sensitive variable on the command line is masked in the build's output, but ps and the shell history show it; use --var-file FILE or {{ env \`NAME\` }} instead`);
    }
    const outputDir = path.resolve(io.cwd, values.output ?? path.join("output", build.name));
    await prepareOutputFolder(outputDir);
    const outputLock = await lockOutputFolder(outputDir);
    logger.info(`build ${build.name}: ${build.layers.length} layer(s), ${build.layers.reduce((n, l) => n + l.vms.length, 0)} VM(s) \u2192 ${outputDir}`);
    const makeEngine = () => values.engine === "kubevirt" ? createEngine("kubevirt", {
      env: io.env,
      logger,
      ...values.kubeconfig !== void 0 ? { kubeconfig: path.resolve(io.cwd, values.kubeconfig) } : {},
      ...values.namespace !== void 0 ? { namespace: values.namespace } : {},
      keepLayers: true,
      kubevirt,
      ...engineFlags,
      ...keepLayers !== void 0 ? { keptPerVm: Number(keepLayers) } : {}
    }) : (
      // With --on-error abort a failed VM must outlive this process: each VM runs in a keeper.
      createEngine("local", { env: io.env, detachable: onError !== "cleanup", ...values["vnc-port"] ? { vncListen: "port" } : {} })
    );
    const engine = makeEngine();
    let result;
    let verified;
    try {
      try {
        result = await runBuild({
          build,
          engine,
          outputDir,
          onError,
          masker,
          ...onError === "ask" ? { ask: terminalAsker(io.stdin ?? process.stdin, io.stderr, io.signal, (s) => masker.mask(s)) } : {},
          logger,
          signal: io.signal,
          force: values.force,
          ...values["force-layer"] ? { forceLayers: values["force-layer"] } : {},
          ...values["no-layer-cache"] ? {} : { layerCache: new LayerCache(defaultCacheRoot(io.env)) },
          ...values.only !== void 0 ? { only: values.only } : {},
          ...values.until !== void 0 ? { until: values.until } : {}
        });
      } finally {
        await engine.close();
      }
      if (result.status === "succeeded" && !values["no-verify"] && outputsToVerify(build, result.outputs).length > 0) {
        logger.info(`verify: booting ${outputsToVerify(build, result.outputs).length} image(s) as new VMs to run their checks`);
        const verifyEngine = makeEngine();
        try {
          verified = await runVerify({ build, outputs: result.outputs, engine: verifyEngine, outputDir, logger, masker, signal: io.signal, onError: onError === "abort" ? "abort" : "cleanup" });
        } finally {
          await verifyEngine.close();
        }
      }
    } finally {
      await outputLock.release();
    }
    io.stderr.write(masker.mask(formatBuildSummary(result, formatBytes)));
    if (verified) io.stderr.write(masker.mask(formatVerifyResult(verified)));
    const abandoned = [...result.abandoned, ...verified?.abandoned ?? []];
    if (abandoned.length > 0) {
      await recordAbandoned(outputDir, abandoned);
      io.stderr.write(masker.mask(describeAbandoned(build, abandoned, outputDir)));
    }
    if (result.status === "cancelled" || verified?.status === "cancelled") throw new UserError("Build was cancelled.", 130);
    if (result.status === "failed") throw new UserError(`build failed: ${masker.mask(result.error?.message ?? "unknown error")}`, 1);
    if (verified?.status === "failed") {
      const failed = verified.vms.filter((v) => v.status !== "passed").map((v) => `${v.vm}: ${v.error ?? v.status}`);
      throw new UserError(masker.mask(`verify failed, so the build did not finish: ${failed.join("; ")}; the images are in ${outputDir} (ruddervirt verify FILE re-runs the checks; --no-verify skips them)`), 1);
    }
    for (const o of result.outputs) io.stdout.write(`${o.image}
`);
    return 0;
  }
};
export {
  buildCommand
};
