import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  readOutputs
} from "./chunk-TKDPPNR4.js";
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
  loadBuild
} from "./chunk-23LGHYNR.js";
import "./chunk-Z6CMOLZR.js";
import "./chunk-WBMFEUYZ.js";
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
import {
  SecretMasker
} from "./chunk-PXB3LWWR.js";
import "./chunk-YBXMTZXO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import "./chunk-7EO2G6ZH.js";
import "./chunk-G4VXAHVF.js";
import "./chunk-YB6FBBBD.js";
import "./chunk-YQXKSN3H.js";
import "./chunk-U4LSYZ75.js";

// src/cli/commands/verify.ts
import path from "node:path";
var usage = `Usage: ruddervirt verify FILE [options]

Boots each image a build of FILE left in its output folder (listed in manifest.json) as a new VM,
when the image's VM has a verify: block, and runs the block's checks over SSH: where the VM had a
cidata cdrom the image gets a fresh cloud-init seed (new instance-id, a throw-away SSH key for the
communicator's user), else the communicator settings are used as they are. The VM is stopped and
removed afterwards; the images are not changed. Prints one line per check.

Options:
  --output DIR               The build's output folder (default: output/<build name>).
  --vm LAYER/VM              Verify only this VM's image (repeatable).
  --var-file FILE            Variable values from a YAML or JSON file (repeatable, before --var),
                             as for build.
  --var k=v                  Set a build variable (repeatable), as for build.
  --on-error cleanup|abort   abort leaves a failed verify VM running for debugging (ruddervirt
                             cleanup DIR removes it); default cleanup.
  --engine local|kubevirt    Where the verify VM runs (default local).
  --kubeconfig FILE          kubevirt: the cluster and credentials.
  --namespace NS             kubevirt: where the verify VM's objects go.
  --verbose                  Debug lines too.

${KUBEVIRT_FLAGS_USAGE.replace(/^Cluster settings/, "kubevirt: cluster settings, as for build")}${KUBEVIRT_ENGINE_FLAGS_USAGE}
Exit status: 0 every check passed (or nothing to verify), 1 a check failed or the image did not
boot to SSH (or a bad build file or output folder), 130 cancelled.
`;
var verifyCommand = {
  name: "verify",
  summary: "Boot a build's images as new VMs and run their verify checks over SSH",
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      var: { type: "string", multiple: true },
      "var-file": { type: "string", multiple: true },
      output: { type: "string" },
      vm: { type: "string", multiple: true },
      "on-error": { type: "string", default: "cleanup" },
      engine: { type: "string", default: "local" },
      kubeconfig: { type: "string" },
      namespace: { type: "string" },
      ...KUBEVIRT_FLAGS,
      ...KUBEVIRT_ENGINE_FLAGS,
      verbose: { type: "boolean", default: false }
    });
    if (positionals.length !== 1) throw new UsageError("expects exactly one build file");
    const onError = values["on-error"];
    if (onError !== "cleanup" && onError !== "abort") throw new UsageError(`--on-error must be cleanup or abort, got '${onError}'`);
    if (values.engine !== "local" && values.engine !== "kubevirt") throw new UsageError(`--engine must be local or kubevirt, got '${values.engine}'`);
    if (values.engine === "local") {
      for (const flag of ["kubeconfig", "namespace"]) if (values[flag] !== void 0) throw new UsageError(`--${flag} is for --engine kubevirt`);
      const cluster = givenKubevirtFlags(values);
      if (cluster.length > 0) throw new UsageError(`--${cluster[0]} is for --engine kubevirt (the local engine runs QEMU here)`);
    }
    const kubevirt = kubevirtSettingsFromFlags(values);
    const engineFlags = kubevirtEngineFlagOptions(values);
    const build = loadBuild(positionals[0], { ...variableOptions(values), env: io.env, cwd: io.cwd });
    const masker = new SecretMasker();
    for (const s of build.secrets) masker.add(s);
    const logger = terminalLogger(io.stderr, masker, values.verbose);
    for (const w of build.warnings ?? []) logger.warn(formatProblem(w));
    const outputDir = path.resolve(io.cwd, values.output ?? path.join("output", build.name));
    let outputs = await readOutputs(outputDir);
    for (const wanted of values.vm ?? []) {
      if (!outputs.some((o) => `${o.layer}/${o.vm}` === wanted)) throw new UsageError(`--vm ${wanted}: no such image in ${outputDir} (images: ${outputs.map((o) => `${o.layer}/${o.vm}`).join(", ") || "none"})`);
    }
    if (values.vm?.length) outputs = outputs.filter((o) => values.vm.includes(`${o.layer}/${o.vm}`));
    if (outputsToVerify(build, outputs).length === 0) {
      io.stderr.write(`verify: nothing to verify: no VM of ${outputs.map((o) => `${o.layer}/${o.vm}`).join(", ") || "(no images)"} has a verify block
`);
      return 0;
    }
    const engine = values.engine === "kubevirt" ? createEngine("kubevirt", {
      env: io.env,
      logger,
      ...values.kubeconfig !== void 0 ? { kubeconfig: path.resolve(io.cwd, values.kubeconfig) } : {},
      ...values.namespace !== void 0 ? { namespace: values.namespace } : {},
      kubevirt,
      ...engineFlags
    }) : createEngine("local", { env: io.env, detachable: onError === "abort" });
    let result;
    try {
      result = await runVerify({ build, outputs, engine, outputDir, logger, masker, signal: io.signal, onError });
    } finally {
      await engine.close();
    }
    io.stderr.write(masker.mask(formatVerifyResult(result)));
    if (result.abandoned.length > 0) {
      await recordAbandoned(outputDir, result.abandoned);
      io.stderr.write(masker.mask(describeAbandoned(build, result.abandoned, outputDir)));
    }
    if (result.status === "cancelled") throw new UserError("Verify was cancelled.", 130);
    if (result.status === "failed")
      throw new UserError(
        `verify failed: ${result.vms.filter((v) => v.status === "failed").map((v) => `${v.vm}: ${masker.mask(v.error ?? "failed")}`).join("; ")}`,
        1
      );
    return 0;
  }
};
export {
  verifyCommand
};
