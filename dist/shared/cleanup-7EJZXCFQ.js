import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  forgetAbandoned,
  readAbandoned
} from "./chunk-OMPUPXH3.js";
import "./chunk-AIFBTII2.js";
import "./chunk-DG6KHQHA.js";
import {
  parseCommandArgs
} from "./chunk-FY4OBH6A.js";
import "./chunk-AFV5RQRF.js";
import {
  stopDetachedVm
} from "./chunk-R4AC3DXL.js";
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
import "./chunk-Z6CMOLZR.js";
import "./chunk-M2E66S6E.js";
import "./chunk-MF7EYUNN.js";
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
import "./chunk-7EO2G6ZH.js";
import "./chunk-G4VXAHVF.js";
import "./chunk-YB6FBBBD.js";
import "./chunk-YQXKSN3H.js";
import "./chunk-U4LSYZ75.js";

// src/cli/commands/cleanup.ts
import { rm } from "node:fs/promises";
import path from "node:path";
var usage = `Usage: ruddervirt cleanup OUTPUT_DIR
       ruddervirt cleanup --build NAME

After \`ruddervirt build --on-error abort\` failed, its VMs are left running for debugging and
recorded in OUTPUT_DIR/abandoned/. This stops each of them and removes its work folder.
--build NAME means the default output folder of that build (output/NAME).

Exit status: 0 done (or nothing left), 2 bad arguments.
`;
var cleanupCommand = {
  name: "cleanup",
  summary: "Stop and remove the VMs a build left for debugging (--on-error abort)",
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { build: { type: "string" } });
    if (positionals.length > 1 || positionals.length === 1 === (values.build !== void 0)) throw new UsageError("expects an output folder or --build NAME");
    const outputDir = path.resolve(io.cwd, positionals[0] ?? path.join("output", values.build));
    const left = await readAbandoned(outputDir);
    if (left.length === 0) {
      io.stderr.write(`nothing left by an aborted build in ${outputDir}
`);
      return 0;
    }
    for (const { file, vm } of left) {
      const stopped = vm.detached ? await stopDetachedVm(vm.detached) : false;
      if (vm.detached?.engine === "kubevirt") {
        const state = vm.detached.state;
        io.stderr.write(`vm ${vm.vm}: remove its build run with: kubectl delete vm,dv,cm -n ${state.namespace} -l ruddervirt.io/run=${state.runId}
`);
      }
      if (vm.workDir) await rm(vm.workDir, { recursive: true, force: true });
      await forgetAbandoned(file);
      io.stderr.write(`vm ${vm.vm}: ${stopped ? "stopped" : "was not running"}${vm.workDir ? `; removed ${vm.workDir}` : ""}
`);
    }
    return 0;
  }
};
export {
  cleanupCommand
};
