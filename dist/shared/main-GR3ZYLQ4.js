import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  runStage,
  sshHint,
  stageEngine
} from "./chunk-4DCJW62V.js";
import {
  logArtifactInputs,
  startBuildLog
} from "./chunk-6WJNFXZH.js";
import {
  selectVm
} from "./chunk-ZZVCVOQK.js";
import {
  loadBuildForAction
} from "./chunk-USVA4TUM.js";
import {
  phasesTable,
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
  handoffPath,
  optionalInput,
  readHandoff,
  runAction,
  updateHandoff
} from "./chunk-QMTQOFVL.js";
import {
  saveState
} from "./chunk-U4TFD2UW.js";
import "./chunk-7JDLV63C.js";
import {
  resolveSourceChecksums
} from "./chunk-IS5JQAUT.js";
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

// src/actions/build-vm/main.ts
import { mkdir, mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
function importedSource(source, file) {
  if (source.kind === "iso") return { kind: "iso", url: pathToFileURL(file).href, checksum: source.checksum };
  return { kind: "path", path: file };
}
var run = () => runAction(async (ctx) => {
  const { logger } = ctx;
  const handoff = await readHandoff();
  const engineName = enumInput("engine", ["local", "kubevirt"], handoff?.engine ?? "local");
  const loaded = loadBuildForAction(ctx, handoff);
  const { build } = loaded;
  await resolveSourceChecksums(build, { logger, signal: ctx.signal, env: ctx.env });
  const selected = selectVm(build, optionalInput("vm"));
  const { vm, key } = selected;
  if (handoff?.vms[key]?.state === "running") throw new UserError(`build-vm: vm ${key} is already running in this job`);
  const tempRoot = ctx.env.RUNNER_TEMP || os.tmpdir();
  await mkdir(tempRoot, { recursive: true });
  const workDir = await mkdtemp(path.join(tempRoot, `ruddervirt-${build.name}-${vm.name}-`));
  const logDir = path.join(tempRoot, "ruddervirt", "logs", `${selected.layer.name}-${vm.name}`);
  await mkdir(logDir, { recursive: true });
  const logArtifact = logArtifactInputs([build.name, selected.layer.name, vm.name]);
  await startBuildLog(logger, logDir, "build-vm.log");
  saveState(STATE.handoff, handoffPath());
  saveState(STATE.vm, key);
  saveState(STATE.workDir, workDir);
  saveState(STATE.keepOnFailure, String(booleanInput("keep-on-failure", false)));
  await updateHandoff(engineName, (h) => {
    h.build = loaded.handoff;
    h.vms[key] = { state: "starting", workDir, logDir, phases: [], logs: logArtifact };
  });
  setOutputs({ "log-dir": logDir }, ctx.masker);
  const { engine, run: run2 } = await stageEngine(ctx, engineName, handoff, "build-vm", true);
  if (run2) {
    saveState(STATE.engine, "kubevirt");
    saveState(STATE.runId, run2.id);
    saveState(STATE.namespace, run2.namespace);
    saveState(STATE.kubeconfig, run2.kubeconfig ?? "");
    saveState(STATE.writtenKubeconfig, run2.writtenKubeconfig ?? "");
  }
  const imported = engineName === "local" ? handoff?.sources[key]?.reference : void 0;
  if (imported) logger.info(`source: ${imported} (from import-source)`);
  const parentDisk = vm.source.kind === "from" ? handoff?.snapshots[`${vm.source.layer}/${vm.source.vm}`]?.path : void 0;
  const startVm = imported ? { ...vm, source: importedSource(vm.source, imported) } : vm;
  const startBuild = startVm === vm ? build : { ...build, layers: build.layers.map((l) => ({ ...l, vms: l.vms.map((v) => v === vm ? startVm : v) })) };
  const { state, phases } = await runStage(ctx, {
    build: startBuild,
    selected: { ...selected, vm: startVm },
    stage: "build-vm",
    engine,
    workDir,
    logDir,
    outputDir: workDir,
    failureTitle: `${key} failed to boot`,
    ...parentDisk ? { parentDisk } : {},
    ...run2 ? { run: run2 } : {}
  });
  const detached = state.detached;
  await updateHandoff(engineName, (h) => {
    const entry = h.vms[key];
    if (!entry) return;
    entry.state = "running";
    entry.detached = detached;
    entry.phases.push(...phases);
  });
  const ssh = detached.sshEndpoint;
  setOutputs({ "vm-name": vm.name, vm: key, "ssh-endpoint": ssh?.display ?? "", "ssh-host": ssh?.host, "ssh-port": ssh?.port }, ctx.masker);
  logger.info(`vm ${key} is running (${sshHint(detached)}) \u2014 it keeps running for provision and snapshot`);
  await writeSummary(`### RudderVirt: ${key} booted

${phasesTable(phases)}`, ctx.masker);
});
export {
  importedSource,
  run
};
