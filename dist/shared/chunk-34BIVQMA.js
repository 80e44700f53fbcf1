import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  VM_STAGES,
  VerifyFailedError,
  createPhaseRunner,
  maskSecretsInFile,
  runVmSteps
} from "./chunk-Y3BLDN7D.js";
import {
  ownerAlive,
  processStartTime
} from "./chunk-XHUVLOPP.js";
import {
  CancelledError
} from "./chunk-BHXEFIUH.js";
import {
  formatGoDuration
} from "./chunk-YBXMTZXO.js";

// src/core/verify/run-verify.ts
import { mkdir as mkdir2, rm as rm2 } from "node:fs/promises";
import path3 from "node:path";

// src/core/work-folder.ts
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
var OWNER_FILE = ".ruddervirt-owner";
var KEPT_FILE = ".ruddervirt-kept";
var PREFIX = "ruddervirt-";
async function createWorkFolder(name, root = os.tmpdir()) {
  const dir = await mkdtemp(path.join(root, `${PREFIX}${name}-`));
  await writeFile(path.join(dir, OWNER_FILE), JSON.stringify({ pid: process.pid, startTime: processStartTime(process.pid) }) + "\n");
  return dir;
}
async function keepWorkFolder(dir) {
  await writeFile(path.join(dir, KEPT_FILE), `${(/* @__PURE__ */ new Date()).toISOString()}
`);
}
async function sweepStaleWorkFolders(root = os.tmpdir()) {
  let names;
  try {
    names = (await readdir(root)).filter((n) => n.startsWith(PREFIX));
  } catch {
    return [];
  }
  const removed = [];
  for (const name of names) {
    const dir = path.join(root, name);
    let owner;
    try {
      owner = JSON.parse(await readFile(path.join(dir, OWNER_FILE), "utf8"));
    } catch {
      continue;
    }
    if (typeof owner.pid !== "number") continue;
    if (ownerAlive({ pid: owner.pid, ...typeof owner.startTime === "string" ? { startTime: owner.startTime } : {} })) continue;
    if (await readFile(path.join(dir, KEPT_FILE)).then(
      () => true,
      () => false
    ))
      continue;
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

// src/core/verify/verify-vm.ts
import { randomUUID } from "node:crypto";
import { mkdir, writeFile as writeFile2 } from "node:fs/promises";
import path2 from "node:path";

// src/core/communicator/throwaway-key.ts
var MAX_DRAWS = 16;
async function generateEd25519KeyPair(comment) {
  const { default: ssh2 } = await import("./lib-SBGG34I4.js");
  for (let draw = 0; draw < MAX_DRAWS; draw++) {
    const keys = ssh2.utils.generateKeyPairSync("ed25519", { comment });
    if (!(ssh2.utils.parseKey(keys.private) instanceof Error) && !(ssh2.utils.parseKey(keys.public) instanceof Error)) return keys;
  }
  throw new Error(`ssh2 generated ${MAX_DRAWS} unreadable ed25519 key pairs in a row`);
}

// src/core/verify/verify-vm.ts
function cloudInitSeedOf(vm) {
  return vm.cdroms.find((c) => c.files && c.label?.toLowerCase() === "cidata");
}
function seedUserData(user, publicKey) {
  const key = JSON.stringify(publicKey.trim());
  if (user === "root") return `#cloud-config
disable_root: false
ssh_authorized_keys:
  - ${key}
`;
  return `#cloud-config
users:
  - default
  - name: ${JSON.stringify(user)}
    sudo: "ALL=(ALL) NOPASSWD:ALL"
    lock_passwd: false
    ssh_authorized_keys:
      - ${key}
`;
}
async function verifyVm(vm, image, workDir) {
  const verify = vm.verify;
  if (!verify) throw new Error(`internal: vm ${vm.name} has no verify block`);
  const derived = {
    ...vm,
    source: { kind: "path", path: image },
    cdroms: [],
    bootCommand: verify.bootCommand,
    bootWait: verify.bootWait,
    provisioners: [],
    dependsOn: [],
    output: { ...vm.output, sbom: false }
  };
  delete derived.output.dataSource;
  delete derived.bootWaitText;
  delete derived.shutdownCommand;
  if (verify.bootWaitText) derived.bootWaitText = verify.bootWaitText;
  const seed = cloudInitSeedOf(vm);
  if (!seed || !vm.communicator.sshUsername) return { vm: derived };
  const instanceId = `ruddervirt-verify-${randomUUID()}`;
  const keys = await generateEd25519KeyPair(`ruddervirt verify ${vm.name}`);
  const dir = path2.join(workDir, "verify-seed");
  await mkdir(dir, { recursive: true, mode: 448 });
  const keyFile = path2.join(workDir, "verify-key");
  await writeFile2(keyFile, keys.private, { mode: 384 });
  await writeFile2(path2.join(dir, "user-data"), seedUserData(vm.communicator.sshUsername, keys.public));
  await writeFile2(path2.join(dir, "meta-data"), `instance-id: ${instanceId}
local-hostname: ${vm.name}
`);
  derived.cdroms = [{ ...seed, files: [path2.join(dir, "user-data"), path2.join(dir, "meta-data")], label: "cidata" }];
  derived.communicator = { ...vm.communicator, sshPrivateKeyFile: keyFile, sshAgentAuth: false };
  return { vm: derived, instanceId };
}

// src/core/verify/run-verify.ts
function findVm(build, output) {
  const layer = build.layers.find((l) => l.name === output.layer);
  const vm = layer?.vms.find((v) => v.name === output.vm);
  return layer && vm ? { layer, vm } : void 0;
}
function outputsToVerify(build, outputs) {
  return outputs.filter((o) => findVm(build, o)?.vm.verify);
}
async function runVerify(options) {
  const { build, logger, signal } = options;
  const phases = [];
  const vms = [];
  const abandoned = [];
  const wanted = outputsToVerify(build, options.outputs);
  if (wanted.length === 0) return { status: "skipped", vms, phases, abandoned };
  const prepared = [];
  try {
    for (const output of wanted) {
      const { layer, vm } = findVm(build, output);
      const workDir = await createWorkFolder(`${build.name}-${vm.name}-verify`);
      prepared.push({ layer, output, workDir, keep: false, ...await verifyVm(vm, output.image, workDir) });
    }
    const verifyBuild = {
      ...build,
      layers: build.layers.flatMap((l) => {
        const own = prepared.filter((p) => p.layer === l).map((p) => p.vm);
        return own.length > 0 ? [{ name: l.name, vms: own }] : [];
      })
    };
    for (const p of prepared) {
      if (signal.aborted) break;
      const key = `${p.layer.name}/${p.vm.name}`;
      const child = wanted.length > 1 || build.layers.length > 1 ? logger.child(`${key} verify`) : logger.child(`${p.vm.name} verify`);
      const layer = verifyBuild.layers.find((l) => l.name === p.layer.name);
      vms.push(await verifyOne(options, verifyBuild, layer, p, child, phases, abandoned));
    }
  } finally {
    for (const p of prepared) if (!p.keep) await rm2(p.workDir, { recursive: true, force: true });
  }
  const status = signal.aborted || vms.some((v) => v.status === "cancelled") ? "cancelled" : vms.every((v) => v.status === "passed") ? "passed" : "failed";
  return { status, vms, phases, abandoned };
}
async function verifyOne(options, build, layer, p, logger, phases, abandoned) {
  const { vm, output, workDir } = p;
  const key = `${layer.name}/${vm.name}`;
  const limit = vm.verify.timeout;
  const timeout = AbortSignal.timeout(limit);
  const signal = AbortSignal.any([options.signal, timeout]);
  const runner = createPhaseRunner(`${key} verify`, logger, signal);
  const logDir = path3.join(options.outputDir, "logs", `${layer.name}-${vm.name}-verify`);
  await mkdir2(logDir, { recursive: true });
  const result = { vm: key, image: output.image, status: "failed", checks: [], logDir };
  try {
    if (p.instanceId) {
      result.instanceId = p.instanceId;
      logger.info(`cloud-init: a fresh seed (instance-id ${p.instanceId}) with a throw-away SSH key for ${vm.communicator.sshUsername}`);
    }
    logger.info(`verifying ${output.image}: ${vm.verify.checks.length} check(s), at most ${formatGoDuration(limit)}`);
    const state = await runVmSteps({
      ctx: { build, layer, vm, engine: options.engine, workDir, logDir, outputDir: options.outputDir, logger, phases: runner, timeouts: {}, ...options.masker ? { masker: options.masker } : {} },
      steps: VM_STAGES.verify,
      onError: options.onError === "abort" ? "abort" : "cleanup",
      vmAfter: "stop",
      onAbandoned: (a) => {
        p.keep = true;
        void keepWorkFolder(workDir).catch(() => void 0);
        abandoned.push({ ...a, vm: `${key} verify`, workDir, left: [...a.left, `work directory ${workDir}`] });
      }
    });
    result.checks = state.verify?.checks ?? [];
    result.status = "passed";
    logger.info(`verify ${key}: passed (${result.checks.length} check(s))`);
  } catch (err) {
    if (err instanceof VerifyFailedError) {
      result.checks = err.report.checks;
      result.error = err.message;
    } else if (err instanceof CancelledError && timeout.aborted && !options.signal.aborted) {
      result.error = `verify timed out after ${formatGoDuration(limit)} (verify.timeout)`;
    } else if (err instanceof CancelledError || options.signal.aborted) {
      result.status = "cancelled";
      result.error = "cancelled";
    } else {
      result.error = err instanceof Error ? err.message : String(err);
    }
    if (result.status === "failed") logger.error(`verify ${key}: failed: ${result.error}`);
  } finally {
    phases.push(...runner.records);
    if (!p.keep && options.masker) await maskSecretsInFile(path3.join(logDir, "serial.log"), options.masker).catch(() => false);
  }
  return result;
}
function formatVerifyResult(result) {
  if (result.status === "skipped") return "verify: nothing to verify (no VM has a verify block)\n";
  let out = "";
  for (const v of result.vms) {
    out += `verify ${v.vm}: ${v.status}${v.error && v.checks.length === 0 ? ` \u2014 ${v.error}` : ""}
`;
    for (const c of v.checks) {
      out += `  ${c.passed ? "ok  " : "FAIL"} ${c.name}${c.passed ? "" : ` \u2014 ${c.reason ?? "failed"}`}
`;
      if (!c.passed) for (const line of c.tail.slice(-5)) out += `       | ${line}
`;
    }
  }
  return out;
}

export {
  createWorkFolder,
  keepWorkFolder,
  sweepStaleWorkFolders,
  outputsToVerify,
  runVerify,
  formatVerifyResult
};
