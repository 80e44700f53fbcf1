import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  verifyOutputs,
  verifySection,
  wholeBuildEngine
} from "./chunk-TYM5BI2X.js";
import {
  STATE
} from "./chunk-7N4MW5J4.js";
import {
  loadBuildForAction
} from "./chunk-MIIYUV4D.js";
import {
  setOutputs,
  writeSummary
} from "./chunk-ZZYRERCH.js";
import "./chunk-KFPQJ56K.js";
import {
  booleanInput,
  enumInput,
  listInput,
  optionalInput,
  readHandoff,
  runAction
} from "./chunk-RQA2JCLS.js";
import {
  readOutputs
} from "./chunk-TKDPPNR4.js";
import "./chunk-4IZ22AST.js";
import "./chunk-P4SCJD3S.js";
import "./chunk-ZEOXAAFA.js";
import "./chunk-ZLWIX3WT.js";
import "./chunk-RTG4RYVJ.js";
import "./chunk-R7SMCTLD.js";
import "./chunk-HHXSYYSA.js";
import {
  saveState
} from "./chunk-6WMOBZZP.js";
import "./chunk-C64J5OXG.js";
import "./chunk-DTNLR76P.js";
import "./chunk-6MTTQTM5.js";
import "./chunk-LCMYYKZB.js";
import "./chunk-ACYOBTGQ.js";
import "./chunk-JKYMEDOZ.js";
import "./chunk-IGBDJUBW.js";
import "./chunk-CTLLT6VU.js";
import "./chunk-2AERMIAP.js";
import "./chunk-G4VXAHVF.js";
import "./chunk-73YVM7AR.js";
import "./chunk-PFWN22NF.js";
import "./chunk-S7VYGFYM.js";
import "./chunk-ZTKUTTM7.js";
import "./chunk-6QKVNAOZ.js";
import "./chunk-BZJSZD3X.js";
import "./chunk-BTHCCTGH.js";
import "./chunk-GKBTVNDX.js";
import "./chunk-CRBZ5IG5.js";
import "./chunk-PXB3LWWR.js";
import "./chunk-BHXEFIUH.js";
import "./chunk-YBXMTZXO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import "./chunk-U4LSYZ75.js";

// src/actions/verify/main.ts
import { existsSync } from "node:fs";
import { mkdir, mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
var run = () => runAction(async (ctx) => {
  const { logger } = ctx;
  const handoff = await readHandoff();
  const { build } = loadBuildForAction(ctx, handoff);
  const outputDir = path.resolve(ctx.workspace, optionalInput("output-directory") ?? path.join("output", build.name));
  let outputs;
  if (existsSync(path.join(outputDir, "manifest.json"))) {
    outputs = await readOutputs(outputDir);
  } else {
    const snapshots = Object.entries(handoff?.snapshots ?? {});
    if (snapshots.length === 0) throw new UserError(`nothing to verify: no manifest.json in ${outputDir} and no snapshot ran earlier in this job; run the build (or the snapshot action) first`);
    outputs = snapshots.map(([key, s]) => {
      const [layer = "", vm = ""] = key.split("/");
      return { layer, vm, image: s.path, format: s.format, compressed: s.compressed, bytes: s.bytes, sha256: s.sha256, checksumFile: `${s.path}.sha256` };
    });
  }
  const wanted = listInput("vms");
  for (const w of wanted) if (!outputs.some((o) => `${o.layer}/${o.vm}` === w)) throw new UserError(`input 'vms': no image of ${w} (images: ${outputs.map((o) => `${o.layer}/${o.vm}`).join(", ")})`);
  if (wanted.length > 0) outputs = outputs.filter((o) => wanted.includes(`${o.layer}/${o.vm}`));
  const engineName = enumInput("engine", ["local", "kubevirt"], handoff?.engine ?? "local");
  const keep = booleanInput("keep-on-failure", false);
  saveState(STATE.keepOnFailure, String(keep));
  const tempRoot = ctx.env.RUNNER_TEMP || os.tmpdir();
  await mkdir(tempRoot, { recursive: true });
  const temp = await mkdtemp(path.join(tempRoot, "ruddervirt-verify-"));
  saveState(STATE.buildTemp, temp);
  process.env.TMPDIR = temp;
  const engine = await wholeBuildEngine(ctx, engineName, temp);
  let result;
  try {
    result = await verifyOutputs(ctx, { build, outputs, engine: engine.engine, outputDir, onError: keep ? "abort" : "cleanup" });
  } finally {
    await engine.release(result?.status === "failed" ? "failed" : "succeeded", keep);
  }
  saveState(STATE.status, result === void 0 || result.status === "passed" ? "succeeded" : "failed");
  if (!result) {
    logger.info(`verify: nothing to verify: no VM of ${outputs.map((o) => `${o.layer}/${o.vm}`).join(", ")} has a verify block`);
    setOutputs({ status: "skipped", report: "[]" }, ctx.masker);
    return;
  }
  await writeSummary(`### RudderVirt verify \`${build.name}\`

${verifySection(result)}`, ctx.masker);
  setOutputs(
    {
      status: result.status,
      report: JSON.stringify(
        result.vms.map((v) => ({
          vm: v.vm,
          status: v.status,
          ...v.error ? { error: v.error } : {},
          checks: v.checks.map((c) => ({ name: c.name, passed: c.passed, exitCode: c.exitCode, ...c.reason ? { reason: c.reason } : {} }))
        }))
      )
    },
    ctx.masker
  );
  if (result.status !== "passed")
    throw new UserError(
      `verify ${result.status}: ${result.vms.filter((v) => v.status !== "passed").map((v) => `${v.vm}: ${v.error ?? v.status}`).join("; ")}`
    );
});
export {
  run
};
