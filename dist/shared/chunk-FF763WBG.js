import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  STATE
} from "./chunk-7N4MW5J4.js";
import {
  engineInputNames,
  kubeconfigInput,
  kubevirtEngineInput,
  kubevirtSettingsInput,
  removalHint
} from "./chunk-CNXIYP7B.js";
import {
  optionalInput,
  readHandoff
} from "./chunk-QMTQOFVL.js";
import {
  saveState
} from "./chunk-U4TFD2UW.js";
import {
  outputsToVerify,
  runVerify
} from "./chunk-34BIVQMA.js";
import {
  createLocalEngine
} from "./chunk-R4AC3DXL.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/actions/toolkit/build-engine.ts
async function wholeBuildEngine(ctx, name, buildTemp, opts = {}) {
  saveState(STATE.engine, name);
  const given = kubevirtSettingsInput();
  const engineInputs = kubevirtEngineInput();
  const keptPerVm = keepLayersInput();
  if (name === "local") {
    if (Object.keys(given).length > 0) ctx.logger.warn(`the cluster-setting inputs (${Object.keys(given).join(", ")}) are for engine kubevirt; the local engine ignores them`);
    const engineNames = engineInputNames(engineInputs);
    if (engineNames.length > 0) ctx.logger.warn(`the inputs ${engineNames.join(", ")} are for engine kubevirt; the local engine ignores them`);
    if (keptPerVm !== void 0)
      ctx.logger.warn(
        `input 'keep-layers' is for engine kubevirt (layer outputs kept in the cluster); the local engine ignores it: it keeps every built layer in its layer cache already (and in the Actions cache with 'cache: true')`
      );
    const engine2 = createLocalEngine({ env: ctx.env });
    return { engine: engine2, release: () => engine2.close() };
  }
  const setup = await readHandoff();
  const jobRun = opts.jobRun ? setup?.kubevirtRun : void 0;
  const kubevirt = { ...jobRun?.settings, ...given };
  if (jobRun?.settings && Object.keys(jobRun.settings).length > 0) {
    const inherited = Object.keys(jobRun.settings).filter((k) => !(k in given));
    if (inherited.length > 0) ctx.logger.info(`kubevirt: cluster settings of this job's build run ${jobRun.id}: ${inherited.join(", ")}`);
  }
  const kubeconfig = (await kubeconfigInput(ctx, buildTemp))?.path ?? jobRun?.kubeconfig ?? setup?.kubeconfig;
  const { loadKubeTarget } = await import("./kube-target-WZPWKETT.js");
  const { newRunId } = await import("./manifests-W33W63ZQ.js");
  const { createEngine } = await import("./engines-XSYK5STC.js");
  const namespace = optionalInput("namespace") ?? jobRun?.namespace ?? setup?.namespace ?? loadKubeTarget({ env: ctx.env, ...kubeconfig ? { kubeconfig } : {} }).namespace;
  const run = { id: newRunId(), namespace, ...kubeconfig ? { kubeconfig } : {} };
  saveState(STATE.runId, run.id);
  saveState(STATE.namespace, namespace);
  saveState(STATE.kubeconfig, kubeconfig ?? "");
  const engine = createEngine("kubevirt", {
    env: ctx.env,
    logger: ctx.logger,
    runId: run.id,
    namespace,
    ...kubeconfig ? { kubeconfig } : {},
    ...keptPerVm ? { keepLayers: true, keptPerVm } : {},
    kubevirt,
    ...jobRun?.engineInputs,
    ...engineInputs
  });
  return {
    engine,
    release: async (status, keepOnFailure) => {
      if (keepOnFailure && status === "failed") {
        ctx.logger.warn(`keep-on-failure: build run ${run.id} is left in namespace ${namespace} for debugging; remove it afterwards with: ${removalHint(run)}`);
        return;
      }
      await engine.close();
    }
  };
}
function keepLayersInput() {
  const value = optionalInput("keep-layers");
  if (value === void 0) return void 0;
  if (!/^[1-9]\d{0,5}$/.test(value)) throw new UserError(`input 'keep-layers' must be a whole number of at least 1 (how many kept outputs per layer and VM), got '${value}'`);
  return Number(value);
}

// src/actions/toolkit/verify-report.ts
async function verifyOutputs(ctx, req) {
  if (outputsToVerify(req.build, req.outputs).length === 0) return void 0;
  ctx.logger.info(`verify: booting ${outputsToVerify(req.build, req.outputs).length} image(s) as new VMs to run their checks`);
  return runVerify({ build: req.build, outputs: req.outputs, engine: req.engine, outputDir: req.outputDir, logger: ctx.logger, masker: ctx.masker, signal: ctx.signal, onError: req.onError });
}
var cell = (text) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
function verifySection(result) {
  let out = `#### Verify: ${result.status === "passed" ? "\u2705 passed" : result.status === "failed" ? "\u274C failed" : result.status}

`;
  out += "| VM | Check | Result |\n|---|---|---|\n";
  for (const v of result.vms) {
    if (v.checks.length === 0) out += `| ${v.vm} | (boot to SSH) | ${v.status === "passed" ? "\u2705 ok" : `\u274C ${cell(v.error ?? v.status)}`} |
`;
    for (const c of v.checks) out += `| ${v.vm} | \`${cell(c.name)}\` | ${c.passed ? "\u2705 ok" : `\u274C ${cell(c.reason ?? "failed")}`} |
`;
  }
  const failed = result.vms.flatMap((v) => v.checks.filter((c) => !c.passed).map((c) => ({ vm: v.vm, c })));
  for (const { vm, c } of failed) {
    if (c.tail.length > 0) out += `
<details><summary>${vm}: output of \`${cell(c.name)}\`</summary>

\`\`\`
${c.tail.join("\n").replace(/```/g, "'''")}
\`\`\`
</details>
`;
  }
  return out + "\n";
}

export {
  wholeBuildEngine,
  verifyOutputs,
  verifySection
};
