import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  verifyOutputs,
  verifySection,
  wholeBuildEngine
} from "./chunk-FF763WBG.js";
import {
  loadBuildForAction
} from "./chunk-USVA4TUM.js";
import {
  setOutputs,
  writeSummary
} from "./chunk-65WQZR3G.js";
import {
  STATE
} from "./chunk-7N4MW5J4.js";
import "./chunk-CNXIYP7B.js";
import {
  booleanInput,
  enumInput,
  listInput,
  optionalInput,
  readHandoff,
  runAction
} from "./chunk-QMTQOFVL.js";
import {
  saveState
} from "./chunk-U4TFD2UW.js";
import "./chunk-7JDLV63C.js";
import {
  readOutputs
} from "./chunk-TKDPPNR4.js";
import "./chunk-34BIVQMA.js";
import "./chunk-Y3BLDN7D.js";
import "./chunk-K5YCSMLN.js";
import "./chunk-RTG4RYVJ.js";
import "./chunk-ZEOXAAFA.js";
import "./chunk-AIFBTII2.js";
import "./chunk-DG6KHQHA.js";
import "./chunk-R4AC3DXL.js";
import "./chunk-UF5DILBV.js";
import "./chunk-23LGHYNR.js";
import "./chunk-Z6CMOLZR.js";
import "./chunk-WBMFEUYZ.js";
import "./chunk-M2E66S6E.js";
import "./chunk-MF7EYUNN.js";
import "./chunk-H4EHQFTY.js";
import "./chunk-KOBFVAF3.js";
import "./chunk-NHD4EFUK.js";
import "./chunk-UWT5WVQO.js";
import "./chunk-PKIXCSX5.js";
import "./chunk-UWXRMICO.js";
import "./chunk-JIQ45CAP.js";
import "./chunk-FUWAUBDQ.js";
import "./chunk-L2EL4R3K.js";
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
import "./chunk-PXB3LWWR.js";
import "./chunk-YBXMTZXO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import "./chunk-G4VXAHVF.js";
import "./chunk-YQXKSN3H.js";
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
  const engine = await wholeBuildEngine(ctx, engineName, temp, { jobRun: true });
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
