import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  stopProcessesWithMarker
} from "./chunk-OHQ3NRL2.js";
import {
  STATE
} from "./chunk-7N4MW5J4.js";
import {
  removalHint,
  removeJobRun
} from "./chunk-CNXIYP7B.js";
import {
  readHandoff,
  runAction,
  updateHandoff
} from "./chunk-QMTQOFVL.js";
import {
  getState,
  info,
  warning
} from "./chunk-U4TFD2UW.js";
import "./chunk-RTG4RYVJ.js";
import {
  stopDetachedVm
} from "./chunk-R4AC3DXL.js";
import "./chunk-UF5DILBV.js";
import "./chunk-M2E66S6E.js";
import "./chunk-MF7EYUNN.js";
import "./chunk-H4EHQFTY.js";
import "./chunk-KOBFVAF3.js";
import "./chunk-NHD4EFUK.js";
import "./chunk-UWT5WVQO.js";
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
import "./chunk-OYIX4NJ3.js";
import "./chunk-G4VXAHVF.js";
import "./chunk-U4LSYZ75.js";

// src/actions/build-vm/post.ts
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
var run = () => runAction(async (ctx) => {
  const key = getState(STATE.vm);
  const workDir = getState(STATE.workDir);
  const file = getState(STATE.handoff);
  if (!key || !workDir) return;
  const handoff = file && existsSync(file) ? await readHandoff(file).catch((err) => (warning(String(err)), void 0)) : void 0;
  const vm = handoff?.vms[key];
  const runId = getState(STATE.runId);
  const run2 = runId ? { id: runId, namespace: getState(STATE.namespace), kubeconfig: getState(STATE.kubeconfig) || void 0 } : void 0;
  if (vm?.keep) {
    info(`keep-on-failure: vm ${key} and ${workDir} are left for debugging${run2 ? `; remove them afterwards with: ${removalHint(run2)}` : ""}`);
    return;
  }
  if (run2) {
    await removeJobRun(run2, ctx.logger, ctx.env);
    const written = getState(STATE.writtenKubeconfig);
    if (written && handoff?.kubeconfig !== written) await rm(written, { force: true });
  }
  if (vm?.detached) {
    await stopDetachedVm(vm.detached, () => info(`vm ${key} is still running (the job failed or was cancelled before snapshot): stopping it`));
  }
  const stray = await stopProcessesWithMarker(workDir);
  if (stray.length > 0) info(`stopped ${stray.length} leftover process(es) of vm ${key}`);
  if (existsSync(workDir)) {
    await rm(workDir, { recursive: true, force: true });
    info(`removed ${workDir}`);
  }
  if (vm && file && vm.state !== "snapshotted" && vm.state !== "failed") {
    await updateHandoff(
      "local",
      (h) => {
        const entry = h.vms[key];
        if (entry) entry.state = "stopped";
      },
      file
    );
  }
});
export {
  run
};
