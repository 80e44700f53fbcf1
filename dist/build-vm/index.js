import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  LocalEngine,
  startHttpServer
} from "../shared/chunk-NJU4KRLM.js";
import "../shared/chunk-M7Q5RACF.js";
import "../shared/chunk-L72HRDDD.js";
import {
  captureFailure,
  logArtifactInputs,
  startBuildLog,
  uploadLogsIfWanted
} from "../shared/chunk-E24KSPFH.js";
import {
  connectSsh,
  createPhaseRunner,
  typeBootCommand
} from "../shared/chunk-ADRVOGZQ.js";
import {
  AttachedMachine
} from "../shared/chunk-QSAH345Q.js";
import {
  QemuMachine
} from "../shared/chunk-GIYZDKOS.js";
import {
  loadBuildForAction,
  phaseTimeoutInputs,
  selectVm
} from "../shared/chunk-FPNPFKNV.js";
import {
  loadBuild
} from "../shared/chunk-WAAKVM52.js";
import {
  jobEngine,
  jobRun
} from "../shared/chunk-LERG5APY.js";
import {
  RunNames
} from "../shared/chunk-LAWJDJJ5.js";
import "../shared/chunk-CCRDMKOI.js";
import {
  failureSection,
  logsLine,
  phasesTable,
  setOutputs,
  writeSummary
} from "../shared/chunk-2VB5DMX6.js";
import "../shared/chunk-WVXTUGLW.js";
import {
  booleanInput,
  enumInput,
  handoffPath,
  optionalInput,
  readHandoff,
  runAction,
  saveState,
  updateHandoff
} from "../shared/chunk-X5HIS2MH.js";
import {
  CancelledError,
  LineLogger,
  SecretMasker,
  UserError,
  sleep
} from "../shared/chunk-Q75WJYVF.js";

// src/actions/build-vm/main.ts
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path2 from "node:path";

// src/core/pipeline/stages/boot.ts
async function bootStage(req) {
  const { vm, handle, phases, logger } = req;
  if (vm.bootWait > 0) await phases.run("boot wait", (s) => sleep(vm.bootWait, s));
  if (vm.bootCommand.length > 0) {
    await phases.run("boot command", (s) => typeBootCommand({ vm, handle, logDir: req.logDir, logger, signal: s }), {
      timeoutMs: req.timeouts?.bootCommand ?? 0
    });
  } else {
    phases.skip("boot command", "none given");
  }
  if (vm.communicator.type !== "ssh") {
    phases.skip("wait for ssh", "communicator none");
    return;
  }
  await phases.run("wait for ssh", async (s) => {
    if (vm.communicator.pauseBeforeConnecting > 0) await sleep(vm.communicator.pauseBeforeConnecting, s);
    const address = await handle.sshAddress(s);
    const comm = await connectSsh(vm.communicator, address, { logger, signal: s, ...req.masker ? { masker: req.masker } : {} });
    await comm.close();
    logger.info(`ssh: ${address.host}:${address.port} answers`);
  });
}

// src/actions/toolkit/detached-vm.ts
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";

// src/actions/toolkit/vm-keeper.ts
import path from "node:path";
import { pathToFileURL } from "node:url";
var KEEPER_FLAG = "--ruddervirt-vm-keeper";
function isKeeperProcess(argv = process.argv) {
  return argv.some((a) => a.startsWith(`${KEEPER_FLAG}=`));
}
function send(message) {
  if (process.connected && process.send) process.send(message);
}
function runKeeper() {
  const masker = new SecretMasker();
  const logger = new LineLogger(
    (level, line) => {
      process.stdout.write(`${(/* @__PURE__ */ new Date()).toISOString()} ${level}: ${line}
`);
      send({ type: "log", level, line });
    },
    masker,
    "",
    true
  );
  process.once("message", (request) => {
    void keep(request, logger, masker).then(
      (code) => process.exit(code),
      (err) => {
        const message = err instanceof Error ? err.message : String(err);
        logger.error(`keeper: ${message}`);
        send({ type: "failed", message: masker.mask(message), userError: err instanceof UserError });
        setTimeout(() => process.exit(1), 200);
      }
    );
  });
}
async function keep(request, logger, masker) {
  const abort = new AbortController();
  const stopSignals = ["SIGTERM", "SIGINT", "SIGHUP"];
  for (const sig of stopSignals) process.once(sig, () => abort.abort(new UserError(`keeper: stopped by ${sig} while the VM was starting`)));
  const build = loadBuild(request.buildFile, { vars: request.vars, cwd: request.cwd, env: process.env });
  for (const s of build.secrets) masker.add(s);
  const { vm } = selectVm(build, request.vm);
  const source = request.sourcePath ? importedSource(vm.source, request.sourcePath) : vm.source;
  const engine = new LocalEngine({ env: process.env });
  const handle = await engine.startVm({
    build,
    vm: { ...vm, source },
    workDir: request.workDir,
    logDir: request.logDir,
    logger,
    signal: abort.signal,
    ...request.httpPort !== void 0 ? { http: { port: request.httpPort } } : {}
  });
  if (!(handle instanceof QemuMachine) || handle.pid === void 0) throw new Error("keeper: the local engine returned an unexpected VM handle");
  const machine = handle;
  for (const sig of stopSignals) process.removeAllListeners(sig);
  let stopping = false;
  const stop = (why) => {
    if (stopping) return;
    stopping = true;
    logger.info(`keeper: ${why}; stopping vm ${vm.name}`);
    void machine.stop();
  };
  for (const sig of stopSignals) process.on(sig, () => stop(`got ${sig}`));
  process.on("SIGUSR1", () => {
    logger.info("keeper: pressing the ACPI power button");
    machine.powerOff().catch((err) => logger.warn(`keeper: power button: ${err instanceof Error ? err.message : String(err)}`));
  });
  const record = await describeMachine(machine, vm.name, request);
  send({ type: "ready", record });
  if (process.connected) process.disconnect();
  await machine.waitForShutdown(2 ** 31 - 1, new AbortController().signal);
  await machine.stop();
  logger.info(`keeper: vm ${vm.name} stopped (${machine.exit?.signal ?? `exit ${machine.exit?.code}`})`);
  return 0;
}
function importedSource(source, file) {
  if (source.kind === "iso") return { kind: "iso", url: pathToFileURL(file).href, checksum: source.checksum };
  return { kind: "path", path: file };
}
async function describeMachine(machine, name, request) {
  const vnc = await machine.qmpExecute("query-vnc");
  const blocks = await machine.qmpExecute("query-block");
  const root = blocks.find((b) => b.device === "disk0")?.inserted?.file;
  if (!root) throw new Error(`keeper: QEMU reports no root disk (disk0) for vm ${name}`);
  const ssh = await machine.sshAddress(new AbortController().signal).catch(() => void 0);
  const http = machine.httpEndpoint();
  return {
    name,
    keeperPid: process.pid,
    keeperMarker: `${KEEPER_FLAG}=${request.workDir}`,
    qemuPid: machine.pid,
    qemuMarker: root,
    vnc: vnc.family === "unix" ? { socket: vnc.service } : { host: vnc.host || "127.0.0.1", port: Number(vnc.service) },
    ...ssh ? { ssh } : {},
    ...http ? { http } : {},
    serialLog: path.join(request.logDir, "serial.log"),
    rootDisk: root
  };
}

// src/actions/toolkit/detached-vm.ts
function startDetachedVm({ request, keeperLog, logger, signal, entry = process.argv[1] }) {
  if (!entry) throw new Error("cannot start the VM keeper: this process has no entry script");
  const out = openSync(keeperLog, "a");
  let child;
  try {
    child = spawn(process.execPath, [entry, `${KEEPER_FLAG}=${request.workDir}`], {
      detached: true,
      stdio: ["ignore", out, out, "ipc"],
      env: process.env
    });
  } finally {
    closeSync(out);
  }
  const keeper = child;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      fn();
    };
    const onAbort = () => {
      keeper.kill("SIGTERM");
      keeper.once("exit", () => finish(() => reject(new CancelledError())));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    keeper.on("message", (m) => {
      if (m.type === "log") logger[m.level === "warn" ? "warn" : m.level](m.line);
      else if (m.type === "ready") {
        finish(() => {
          if (keeper.connected) keeper.disconnect();
          keeper.unref();
          resolve({ record: m.record, keeperPid: keeper.pid });
        });
      } else if (m.type === "failed") {
        finish(() => reject(m.userError ? new UserError(m.message) : new Error(m.message)));
      }
    });
    keeper.once("error", (err) => finish(() => reject(err)));
    keeper.once("exit", (code, sig) => {
      finish(() => {
        let tail = "";
        try {
          tail = readFileSync(keeperLog, "utf8").trim().split("\n").slice(-15).join("\n");
        } catch {
        }
        reject(new Error(`the VM keeper exited (${sig ?? `status ${code}`}) before the VM was ready${tail ? `:
${tail}` : ""}`));
      });
    });
    keeper.send(request);
  });
}

// src/actions/toolkit/kubevirt-build-vm.ts
var KubevirtStageMachine = class {
  constructor(handle, engine) {
    this.handle = handle;
    this.engine = engine;
  }
  handle;
  engine;
  stopped = false;
  get name() {
    return this.handle.name;
  }
  get running() {
    return !this.stopped;
  }
  httpEndpoint() {
    return this.handle.httpEndpoint();
  }
  openVnc(signal) {
    return this.handle.openVnc(signal);
  }
  sshAddress(signal) {
    return this.handle.sshAddress(signal);
  }
  powerOff() {
    return this.handle.powerOff();
  }
  waitForShutdown(timeoutMs, signal) {
    return this.handle.waitForShutdown(timeoutMs, signal);
  }
  async stop() {
    this.stopped = true;
    await this.engine.close();
  }
  serialTail(lines) {
    return this.handle.serialTail(lines);
  }
  exportDisk(req) {
    return this.handle.exportDisk(req);
  }
};
async function startOnKubevirt(ctx, req) {
  const { build, selected, workDir, logDir } = req;
  const { vm, key, layer } = selected;
  const run = await jobRun(ctx, req.handoff);
  saveState("engine", "kubevirt");
  saveState("runId", run.id);
  saveState("namespace", run.namespace);
  saveState("kubeconfig", run.kubeconfig ?? "");
  saveState("writtenKubeconfig", run.writtenKubeconfig ?? "");
  const virtualMachine = new RunNames(build.name, run.id).vm(layer.name, vm.name).vm;
  await updateHandoff("kubevirt", (h) => {
    const entry = h.vms[key];
    if (entry) entry.cluster = { virtualMachine, namespace: run.namespace };
  });
  const parent = vm.source.kind === "from" ? req.handoff?.snapshots[`${vm.source.layer}/${vm.source.vm}`]?.path : void 0;
  const engine = jobEngine(ctx, run);
  let handle;
  try {
    handle = await req.phases.run("start vm", (s) => engine.startVm({ build, vm, workDir, logDir, logger: ctx.logger, signal: s, ...parent ? { parentDisk: parent } : {} }), {
      timeoutMs: req.timeouts.boot ?? 0
    });
  } catch (err) {
    await engine.close();
    throw err;
  }
  await updateHandoff("kubevirt", (h) => {
    const entry = h.vms[key];
    if (entry) entry.state = "running";
  });
  const host = `vmi/${virtualMachine}.${run.namespace}`;
  const port = vm.communicator.sshPort;
  return { machine: new KubevirtStageMachine(handle, engine), ssh: { endpoint: `${host}:${port}`, host, port } };
}

// src/actions/build-vm/main.ts
if (isKeeperProcess()) {
  runKeeper();
} else {
  await runAction(async (ctx) => {
    const { logger, signal } = ctx;
    const handoff = await readHandoff();
    const engine = enumInput("engine", ["local", "kubevirt"], handoff?.engine ?? "local");
    const loaded = loadBuildForAction(ctx, handoff);
    const { build } = loaded;
    const selected = selectVm(build, optionalInput("vm"));
    const { vm, key } = selected;
    if (handoff?.vms[key]?.state === "running") throw new UserError(`build-vm: vm ${key} is already running in this job`);
    const timeouts = phaseTimeoutInputs();
    const keepOnFailure = booleanInput("keep-on-failure", false);
    const tempRoot = ctx.env.RUNNER_TEMP || os.tmpdir();
    await mkdir(tempRoot, { recursive: true });
    const workDir = await mkdtemp(path2.join(tempRoot, `ruddervirt-${build.name}-${vm.name}-`));
    const logDir = path2.join(tempRoot, "ruddervirt", "logs", `${selected.layer.name}-${vm.name}`);
    await mkdir(logDir, { recursive: true });
    const logArtifact = logArtifactInputs([build.name, selected.layer.name, vm.name]);
    await startBuildLog(logger, logDir, "build-vm.log");
    saveState("handoff", handoffPath());
    saveState("vm", key);
    saveState("workDir", workDir);
    saveState("keeperMarker", `${KEEPER_FLAG}=${workDir}`);
    saveState("keepOnFailure", String(keepOnFailure));
    await updateHandoff(engine, (h) => {
      h.build = loaded.handoff;
      h.vms[key] = { state: "starting", workDir, logDir, phases: [], logs: logArtifact };
    });
    setOutputs({ "log-dir": logDir }, ctx.masker);
    const phases = createPhaseRunner(key, logger, signal);
    let http;
    let handle;
    try {
      let ssh;
      if (engine === "kubevirt") {
        const started = await startOnKubevirt(ctx, { build, selected, handoff, workDir, logDir, phases, timeouts });
        handle = started.machine;
        ssh = started.ssh;
      } else {
        if (vm.httpDirectory || vm.httpContent) {
          http = await startHttpServer({ source: vm.httpDirectory ? { directory: vm.httpDirectory } : { content: vm.httpContent ?? {} }, logger });
        }
        const sourcePath = handoff?.sources[key]?.reference;
        if (sourcePath) logger.info(`source: ${sourcePath} (from import-source)`);
        const started = await phases.run(
          "start vm",
          (s) => startDetachedVm({
            request: {
              buildFile: loaded.handoff.file,
              cwd: loaded.handoff.cwd,
              vars: loaded.vars,
              vm: key,
              workDir,
              logDir,
              ...sourcePath ? { sourcePath } : {},
              ...http ? { httpPort: http.port } : {}
            },
            keeperLog: path2.join(workDir, "keeper.log"),
            logger,
            signal: s
          }),
          { timeoutMs: timeouts.boot ?? 0 }
        );
        handle = new AttachedMachine(started.record);
        const record = started.record;
        await updateHandoff("local", (h) => {
          const entry = h.vms[key];
          if (entry) Object.assign(entry, { state: "running", detached: record });
        });
        if (record.ssh) ssh = { endpoint: `${record.ssh.host}:${record.ssh.port}`, host: record.ssh.host, port: record.ssh.port };
      }
      await bootStage({ vm, handle, phases, logDir, logger, masker: ctx.masker, signal, timeouts });
      logger.closeGroup();
      setOutputs({ "vm-name": vm.name, vm: key, "ssh-endpoint": ssh?.endpoint ?? "", "ssh-host": ssh?.host, "ssh-port": ssh?.port }, ctx.masker);
      logger.info(`vm ${key} is running${ssh ? `; ssh ${ssh.endpoint}` : ""} \u2014 it keeps running for provision and snapshot`);
      await writeSummary(`### RudderVirt: ${key} booted

${phasesTable(phases.records)}`, ctx.masker);
    } catch (err) {
      logger.closeGroup();
      const failure = await captureFailure(key, handle?.running && !signal.aborted ? handle : void 0, logDir, logger);
      if (keepOnFailure && handle?.running) {
        logger.warn(`keep-on-failure: leaving vm ${key} running for debugging`);
      } else {
        await handle?.stop();
        await rm(workDir, { recursive: true, force: true });
      }
      await updateHandoff(engine, (h) => {
        const entry = h.vms[key];
        if (!entry) return;
        entry.state = keepOnFailure && handle?.running ? entry.state : "failed";
        if (keepOnFailure) entry.keep = true;
      });
      const logs = await uploadLogsIfWanted(logArtifact, signal.aborted ? "cancelled" : "failed", { dir: logDir, masker: ctx.masker, logger, tempRoot });
      if (logs) failure.where = `artifact ${logs.name}`;
      await writeSummary(`### RudderVirt: ${key} failed to boot

${phasesTable(phases.records)}
${failureSection(failure)}
${logsLine(logs, logDir)}`, ctx.masker);
      throw err;
    } finally {
      await http?.close();
      await updateHandoff(engine, (h) => h.vms[key]?.phases.push(...phases.records));
    }
  });
}
