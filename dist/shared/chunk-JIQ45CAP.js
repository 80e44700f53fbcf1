import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  fetchSource
} from "./chunk-FUWAUBDQ.js";
import {
  chooseAccelerator
} from "./chunk-L2EL4R3K.js";
import {
  convertDisk,
  imageInfo,
  peerAddresses
} from "./chunk-U2YEPGJA.js";
import {
  containerDiskDigest
} from "./chunk-Q2MXJOS2.js";
import {
  missingToolError,
  runTool
} from "./chunk-JKYMEDOZ.js";
import {
  knownChecksum
} from "./chunk-IGBDJUBW.js";
import {
  LocalNetworks,
  createRuntimeDir,
  isProcessAlive,
  sweepStaleRuntimeDirs
} from "./chunk-XMRDQH4D.js";
import {
  userNetwork
} from "./chunk-GKBTVNDX.js";
import {
  CancelledError,
  abortReason
} from "./chunk-BHXEFIUH.js";
import {
  cdromBus
} from "./chunk-CRBZ5IG5.js";
import {
  formatBytes
} from "./chunk-PXB3LWWR.js";
import {
  timerDelay
} from "./chunk-YBXMTZXO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import {
  KEEPER_FLAG
} from "./chunk-G4VXAHVF.js";

// src/engines/local/machine.ts
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { open, rm } from "node:fs/promises";

// src/core/vnc/open-socket.ts
import net from "node:net";
var describe = (a) => "socketPath" in a ? a.socketPath : `${a.host}:${a.port}`;
function openSocket(address, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const socket = "socketPath" in address ? net.connect(address.socketPath) : net.connect({ host: address.host, port: address.port });
    const onAbort = () => {
      socket.destroy();
      reject(signal.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    socket.once("connect", () => {
      signal?.removeEventListener("abort", onAbort);
      resolve(socket);
    });
    socket.once("error", (err) => {
      signal?.removeEventListener("abort", onAbort);
      reject(new Error(`cannot connect to the VNC server at ${describe(address)}: ${err.message}`, { cause: err }));
    });
  });
}

// src/engines/local/qmp.ts
import { EventEmitter } from "node:events";
import net2 from "node:net";
var QmpError = class extends Error {
  constructor(command, errorClass, description) {
    super(`QMP ${command}: ${errorClass}: ${description}`);
    this.command = command;
    this.errorClass = errorClass;
  }
  command;
  errorClass;
  name = "QmpError";
};
function parseQmpLine(line) {
  const raw = JSON.parse(line);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error(`QMP: not a JSON object: ${line.slice(0, 200)}`);
  const o = raw;
  if ("QMP" in o) return { kind: "greeting", version: o.QMP?.version };
  if ("return" in o) return { kind: "return", id: o.id, value: o.return };
  if ("error" in o) {
    const err = o.error ?? {};
    return { kind: "error", id: o.id, errorClass: String(err.class ?? "GenericError"), description: String(err.desc ?? "") };
  }
  if (typeof o.event === "string") return { kind: "event", event: o };
  return { kind: "unknown", raw };
}
var QmpClient = class _QmpClient extends EventEmitter {
  constructor(socket) {
    super();
    this.socket = socket;
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => this.onData(chunk));
    socket.on("error", () => void 0);
    socket.on("close", () => this.onClose());
  }
  socket;
  buffer = "";
  nextId = 1;
  pending = /* @__PURE__ */ new Map();
  closed = false;
  greeted;
  greeting = new Promise((resolve) => this.greeted = resolve);
  /** Connects, waits for the greeting and enables commands. */
  static async connect(socketPath, signal) {
    const socket = await new Promise((resolve, reject) => {
      const s = net2.connect(socketPath);
      const onAbort2 = () => {
        s.destroy();
        reject(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
      };
      signal?.addEventListener("abort", onAbort2, { once: true });
      s.once("connect", () => {
        signal?.removeEventListener("abort", onAbort2);
        resolve(s);
      });
      s.once("error", (err) => {
        signal?.removeEventListener("abort", onAbort2);
        reject(err);
      });
    });
    const client = new _QmpClient(socket);
    const onAbort = () => client.close();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const closedEarly = new Promise((_, reject) => client.once("close", () => reject(new Error("QMP connection closed before the greeting"))));
      await Promise.race([client.greeting, closedEarly]);
      await client.execute("qmp_capabilities");
    } catch (err) {
      client.close();
      throw signal?.aborted ? signal.reason instanceof Error ? signal.reason : new Error("aborted") : err;
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
    return client;
  }
  get isClosed() {
    return this.closed;
  }
  execute(command, args) {
    if (this.closed) return Promise.reject(new Error(`QMP ${command}: the connection is closed (QEMU has exited)`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { command, resolve, reject });
      this.socket.write(JSON.stringify({ execute: command, ...args ? { arguments: args } : {}, id }) + "\n");
    });
  }
  /** Sends `quit`; resolves once QEMU has closed the connection (it exits right after). */
  async quit() {
    if (this.closed) return;
    const closed = new Promise((resolve) => this.once("close", () => resolve()));
    await this.execute("quit").catch(() => void 0);
    await closed;
  }
  close() {
    this.socket.destroy();
  }
  onData(chunk) {
    this.buffer += chunk;
    let nl;
    while ((nl = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (line) this.onLine(line);
    }
  }
  onLine(line) {
    let msg;
    try {
      msg = parseQmpLine(line);
    } catch {
      return;
    }
    switch (msg.kind) {
      case "greeting":
        this.greeted();
        break;
      case "event":
        this.emit("event", msg.event);
        break;
      case "return":
      case "error": {
        const id = typeof msg.id === "number" ? msg.id : void 0;
        const p = id !== void 0 ? this.pending.get(id) : void 0;
        if (!p || id === void 0) return;
        this.pending.delete(id);
        if (msg.kind === "return") p.resolve(msg.value);
        else p.reject(new QmpError(p.command, msg.errorClass, msg.description));
        break;
      }
      case "unknown":
        break;
    }
  }
  onClose() {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) {
      if (p.command === "quit") p.resolve(void 0);
      else p.reject(new Error(`QMP ${p.command}: the connection closed (QEMU has exited)`));
    }
    this.pending.clear();
    this.emit("close");
  }
};

// src/engines/local/export-root-disk.ts
import { mkdir } from "node:fs/promises";
import path from "node:path";
async function exportRootDisk(vm, rootDisk, req) {
  if (vm.running) throw new Error(`vm ${vm.name} is still running; shut it down before exporting its disk`);
  await mkdir(path.dirname(req.destination), { recursive: true });
  await convertDisk({
    source: rootDisk,
    destination: req.destination,
    format: req.format,
    compress: req.compress,
    ...req.compressionType ? { compressionType: req.compressionType } : {},
    logger: req.logger,
    signal: req.signal
  });
}

// src/engines/local/machine.ts
var SETPRIV = "/usr/bin/setpriv";
var STDERR_KEEP = 64 * 1024;
var liveProcesses = /* @__PURE__ */ new Map();
var exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const [child, runtimeDir] of liveProcesses) {
      child.kill("SIGKILL");
      rmSync(runtimeDir, { recursive: true, force: true });
    }
  });
}
var QemuStartError = class extends Error {
  name = "QemuStartError";
};
async function startMachine(options) {
  const { logger, signal } = options;
  if (signal.aborted) throw abortReason(signal);
  installExitHook();
  const [command, argv] = existsSync(SETPRIV) ? [SETPRIV, ["--pdeathsig", "KILL", "--", options.qemuBinary, ...options.args]] : [options.qemuBinary, options.args];
  logger.debug(`qemu: ${options.qemuBinary} ${options.args.join(" ")}`);
  const child = spawn(command, argv, { stdio: ["ignore", "ignore", "pipe"] });
  liveProcesses.set(child, options.runtimeDir);
  const machine = new QemuMachine(options, child);
  try {
    await machine.waitUntilStarted(options.startTimeoutMs ?? 3e4, signal);
  } catch (err) {
    await machine.stop();
    throw err;
  }
  return machine;
}
var QemuMachine = class {
  constructor(options, child) {
    this.options = options;
    this.child = child;
    this.name = options.name;
    child.stderr?.setEncoding("utf8").on("data", (chunk) => {
      this.stderr = (this.stderr + chunk).slice(-STDERR_KEEP);
      for (const line of chunk.split("\n")) if (line.trim()) options.logger.debug(`qemu: ${line.trimEnd()}`);
    });
    this.exited = new Promise((resolve) => {
      child.once("error", (err) => {
        this.spawnError = err.code === "ENOENT" ? missingToolError(options.qemuBinary) : err;
      });
      let settled = false;
      const settle = (code, sig) => {
        if (settled) return;
        settled = true;
        liveProcesses.delete(child);
        this.exitInfo = { code, signal: sig };
        resolve(this.exitInfo);
        if (!this.stopping) {
          if (code !== 0) options.logger.warn(`qemu exited with ${describeExit(this.exitInfo)}${this.stderrTail() ? `: ${this.stderrTail()}` : ""}`);
          void this.release();
        }
      };
      child.once("close", settle);
      child.once("exit", (code, sig) => setTimeout(() => settle(code, sig), 200).unref());
    });
  }
  options;
  child;
  name;
  stderr = "";
  qmp;
  exitInfo;
  spawnError;
  exited;
  stopping;
  released;
  get running() {
    return this.exitInfo === void 0;
  }
  isRunning() {
    return this.running;
  }
  get pid() {
    return this.child.pid;
  }
  /** How QEMU ended; undefined while it runs. */
  get exit() {
    return this.exitInfo;
  }
  /** Waits for QMP to answer; fails with QEMU's own words when it exits first. */
  async waitUntilStarted(timeoutMs, signal) {
    const deadline = Date.now() + timeoutMs;
    const exitedDuringStart = async () => {
      await this.exited;
      if (this.spawnError) return this.spawnError;
      if (this.exitInfo?.code === 127 && /failed to execute/.test(this.stderr)) return missingToolError(this.options.qemuBinary);
      return new QemuStartError(`QEMU for vm ${this.name} exited during start-up (${describeExit(this.exitInfo)})` + (this.stderrTail() ? `:
${this.stderrTail()}` : ""));
    };
    for (; ; ) {
      if (signal.aborted) throw abortReason(signal);
      if (this.exitInfo || this.spawnError) throw await exitedDuringStart();
      try {
        const attempt = AbortSignal.any([signal, AbortSignal.timeout(Math.max(1, deadline - Date.now()))]);
        this.qmp = await QmpClient.connect(this.options.qmpSocket, attempt);
        const status = await this.qmp.execute("query-status");
        this.options.logger.debug(`qemu: started (pid ${this.child.pid}, status ${status.status})`);
        return;
      } catch (err) {
        this.qmp?.close();
        this.qmp = void 0;
        if (signal.aborted) throw abortReason(signal);
        const code = err.code;
        const notListeningYet = code === "ENOENT" || code === "ECONNREFUSED";
        if (!notListeningYet) {
          const exiting = await Promise.race([this.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 1e3).unref())]);
          if (exiting || this.spawnError) throw await exitedDuringStart();
          if (Date.now() <= deadline) throw err;
        }
      }
      if (Date.now() > deadline) throw new QemuStartError(`QEMU for vm ${this.name} did not open its QMP socket within ${timeoutMs}ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  /** QEMU's run state from QMP query-status (e.g. "running", "paused", "shutdown"). */
  async status() {
    if (!this.qmp || !this.running) return "stopped";
    const s = await this.qmp.execute("query-status");
    return s.status;
  }
  /** Runs any QMP command (for diagnostics: query-block, query-pci …). */
  async qmpExecute(command, args) {
    if (!this.qmp || !this.running) throw new Error(`vm ${this.name} is not running`);
    return this.qmp.execute(command, args);
  }
  httpEndpoint() {
    return this.options.http;
  }
  openVnc(signal) {
    if (!this.running) return Promise.reject(new Error(`vm ${this.name} is not running; no VNC display`));
    const vnc = this.options.vnc;
    return openSocket("socket" in vnc ? { socketPath: vnc.socket } : { host: "127.0.0.1", port: vnc.port }, signal);
  }
  async sshAddress(_signal) {
    if (!this.options.ssh) throw new Error(`vm ${this.name} has no SSH port forward (its communicator is 'none')`);
    return this.options.ssh;
  }
  async powerOff() {
    if (!this.running || !this.qmp) return;
    await this.qmp.execute("system_powerdown").catch((err) => {
      if (this.running) throw err;
    });
  }
  async waitForShutdown(timeoutMs, signal) {
    if (!this.running) return true;
    return new Promise((resolve, reject) => {
      const done = (fn) => {
        clearTimeout(timer);
        signal.removeEventListener("abort", onAbort);
        fn();
      };
      const onAbort = () => done(() => reject(abortReason(signal)));
      const timer = setTimeout(() => done(() => resolve(false)), timerDelay(timeoutMs));
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      void this.exited.then(() => done(() => resolve(true)));
    });
  }
  stop() {
    this.stopping ??= this.doStop();
    return this.stopping;
  }
  async doStop() {
    if (this.running) {
      const grace = this.options.stopGraceMs ?? 5e3;
      if (this.qmp && !this.qmp.isClosed) {
        const timer = new Promise((r) => setTimeout(() => r(false), grace).unref());
        await Promise.race([
          this.qmp.quit().then(() => this.exited).then(() => true),
          timer
        ]).catch(() => void 0);
      }
      if (this.running) this.child.kill("SIGKILL");
      await this.exited;
    }
    await this.release();
  }
  release() {
    this.released ??= (async () => {
      this.qmp?.close();
      await Promise.all(this.options.leases.map((l) => l.release()));
      await rm(this.options.runtimeDir, { recursive: true, force: true });
    })();
    return this.released;
  }
  async serialTail(lines) {
    return readSerialTail(this.options.serialLog, lines);
  }
  readSerial(from) {
    return readSerialFrom(this.options.serialLog, from);
  }
  exportDisk(req) {
    return exportRootDisk(this, this.options.rootDisk, req);
  }
  stderrTail() {
    return this.stderr.trim().split("\n").slice(-10).join("\n");
  }
};
function describeExit(exit) {
  return exit.signal ? `signal ${exit.signal}` : `status ${exit.code}`;
}
async function readSerialTail(file, lines, maxBytes = 64 * 1024) {
  if (lines <= 0) return [];
  let handle;
  try {
    handle = await open(file, "r");
  } catch {
    return [];
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, size - length);
    const all = cleanConsoleText(buf.toString("utf8")).split("\n");
    if (length < size) all.shift();
    return all.slice(-lines);
  } finally {
    await handle.close();
  }
}
var SERIAL_READ_MAX_BYTES = 4 * 1024 * 1024;
async function readSerialFrom(file, from, maxBytes = SERIAL_READ_MAX_BYTES) {
  let handle;
  try {
    handle = await open(file, "r");
  } catch {
    return Buffer.alloc(0);
  }
  try {
    const { size } = await handle.stat();
    const length = Math.max(0, Math.min(size - from, maxBytes));
    const buf = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buf, 0, length, from);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
function cleanConsoleText(text) {
  return text.replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, "").replace(/\u001b[()][0-9A-Za-z]|\u001b[=>78cDEHM]/g, "").replace(/\r+\n|\r+/g, "\n").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "").replace(/\n+$/, "");
}

// src/engines/local/engine.ts
import { access as access2, mkdir as mkdir2, rm as rm2 } from "node:fs/promises";
import path7 from "node:path";

// src/engines/local/attach.ts
import { readFileSync } from "node:fs";
function checkDetachedRecord(value) {
  const r = value;
  const ok = typeof r === "object" && r !== null && typeof r.name === "string" && Number.isInteger(r.keeperPid) && typeof r.keeperMarker === "string" && r.keeperMarker.length > 0 && Number.isInteger(r.qemuPid) && typeof r.qemuMarker === "string" && r.qemuMarker.length > 0 && typeof r.vnc === "object" && r.vnc !== null && typeof r.serialLog === "string" && typeof r.rootDisk === "string";
  if (!ok) throw new Error(`not a local VM record (name, keeper and qemu pids and markers, vnc, serial log, root disk): ${JSON.stringify(value)}`);
  return r;
}
function processMatches(pid, marker) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").includes(marker);
  } catch {
    return false;
  }
}
function signalIfOurs(pid, marker, signal) {
  if (!processMatches(pid, marker)) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}
var POLL_MS = 200;
var AttachedMachine = class {
  constructor(record) {
    this.record = record;
    this.name = record.name;
  }
  record;
  name;
  /** QEMU still runs. */
  get running() {
    return processMatches(this.record.qemuPid, this.record.qemuMarker);
  }
  isRunning() {
    return this.running;
  }
  /** The keeper still runs (it outlives QEMU by the moment it takes to release ports and sockets). */
  get keeperRunning() {
    return processMatches(this.record.keeperPid, this.record.keeperMarker);
  }
  httpEndpoint() {
    return this.record.http;
  }
  openVnc(signal) {
    if (!this.running) return Promise.reject(new Error(`vm ${this.name} is not running; no VNC display`));
    const vnc = this.record.vnc;
    return openSocket("socket" in vnc ? { socketPath: vnc.socket } : { host: vnc.host, port: vnc.port }, signal);
  }
  async sshAddress(_signal) {
    if (!this.record.ssh) throw new Error(`vm ${this.name} has no SSH port forward (its communicator is 'none')`);
    return this.record.ssh;
  }
  async powerOff() {
    if (!this.running) return;
    if (!signalIfOurs(this.record.keeperPid, this.record.keeperMarker, "SIGUSR1")) {
      throw new Error(`vm ${this.name}: its keeper process ${this.record.keeperPid} is gone, so the power button cannot be pressed`);
    }
  }
  async waitForShutdown(timeoutMs, signal) {
    const deadline = Date.now() + Math.max(0, timeoutMs);
    for (; ; ) {
      if (!this.running && !this.keeperRunning) return true;
      if (signal.aborted) throw abortReason(signal);
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, Math.min(POLL_MS, Math.max(1, deadline - Date.now()))));
    }
  }
  /**
   * Asks the keeper to stop the VM (it quits QEMU over QMP so the disk cache is flushed), and
   * kills QEMU itself when the keeper is gone or does not manage within `graceMs`.
   */
  async stop(graceMs = 1e4) {
    if (!this.running && !this.keeperRunning) return;
    signalIfOurs(this.record.keeperPid, this.record.keeperMarker, "SIGTERM");
    const stopped = await this.waitForShutdown(graceMs, AbortSignal.timeout(graceMs + 1e3)).catch(() => false);
    if (stopped) return;
    signalIfOurs(this.record.qemuPid, this.record.qemuMarker, "SIGKILL");
    signalIfOurs(this.record.keeperPid, this.record.keeperMarker, "SIGKILL");
    await this.waitForShutdown(5e3, AbortSignal.timeout(6e3)).catch(() => false);
  }
  async serialTail(lines) {
    return readSerialTail(this.record.serialLog, lines);
  }
  readSerial(from) {
    return readSerialFrom(this.record.serialLog, from);
  }
  exportDisk(req) {
    return exportRootDisk(this, this.record.rootDisk, req);
  }
};

// src/engines/local/firmware.ts
import { copyFile, chmod, readdir, readFile, stat } from "node:fs/promises";
import os from "node:os";
import path2 from "node:path";
var KNOWN_FIRMWARE = [
  { code: "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd", vars: "/usr/share/OVMF/OVMF_VARS_4M.ms.fd", secureBoot: true },
  { code: "/usr/share/OVMF/OVMF_CODE.secboot.fd", vars: "/usr/share/OVMF/OVMF_VARS.ms.fd", secureBoot: true },
  { code: "/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd", vars: "/usr/share/edk2/ovmf/OVMF_VARS.secboot.fd", secureBoot: true },
  { code: "/usr/share/OVMF/OVMF_CODE_4M.fd", vars: "/usr/share/OVMF/OVMF_VARS_4M.fd", secureBoot: false },
  { code: "/usr/share/OVMF/OVMF_CODE.fd", vars: "/usr/share/OVMF/OVMF_VARS.fd", secureBoot: false },
  { code: "/usr/share/edk2/ovmf/OVMF_CODE.fd", vars: "/usr/share/edk2/ovmf/OVMF_VARS.fd", secureBoot: false },
  { code: "/usr/share/edk2/x64/OVMF_CODE.fd", vars: "/usr/share/edk2/x64/OVMF_VARS.fd", secureBoot: false }
];
function defaultDescriptorDirs(env = process.env) {
  const config = env.XDG_CONFIG_HOME || path2.join(os.homedir(), ".config");
  return [path2.join(config, "qemu", "firmware"), "/etc/qemu/firmware", "/usr/share/qemu/firmware"];
}
async function findUefiFirmware(options) {
  const env = options.env ?? process.env;
  if (options.secureBoot && options.machine !== "q35") throw new Error("Secure Boot firmware needs the q35 machine");
  if (env.RUDDERVIRT_OVMF_CODE || env.RUDDERVIRT_OVMF_VARS) {
    if (!env.RUDDERVIRT_OVMF_CODE || !env.RUDDERVIRT_OVMF_VARS) {
      throw new UserError("set both RUDDERVIRT_OVMF_CODE and RUDDERVIRT_OVMF_VARS, or neither");
    }
    for (const f of [env.RUDDERVIRT_OVMF_CODE, env.RUDDERVIRT_OVMF_VARS]) {
      if (!await isFile(f)) throw new UserError(`OVMF file ${f} (from RUDDERVIRT_OVMF_*) does not exist`);
    }
    return {
      code: env.RUDDERVIRT_OVMF_CODE,
      codeFormat: "raw",
      varsTemplate: env.RUDDERVIRT_OVMF_VARS,
      varsFormat: "raw",
      secureBoot: options.secureBoot,
      requiresSmm: options.secureBoot,
      origin: "RUDDERVIRT_OVMF_CODE/RUDDERVIRT_OVMF_VARS"
    };
  }
  for (const [file, d] of await readDescriptors(options.descriptorDirs ?? defaultDescriptorDirs(env))) {
    const fw = await fromDescriptor(d, options);
    if (fw) return { ...fw, origin: file };
  }
  for (const k of options.knownPaths ?? KNOWN_FIRMWARE) {
    if (k.secureBoot !== options.secureBoot) continue;
    if (await isFile(k.code) && await isFile(k.vars)) {
      return {
        code: k.code,
        codeFormat: "raw",
        varsTemplate: k.vars,
        varsFormat: "raw",
        secureBoot: k.secureBoot,
        requiresSmm: k.secureBoot,
        origin: "well-known path"
      };
    }
  }
  throw new UserError(
    `efiFirmware${options.secureBoot ? " with secureBoot" : ""} needs OVMF UEFI firmware, and none was found (Debian/Ubuntu: sudo apt-get install -y ovmf; or set RUDDERVIRT_OVMF_CODE and RUDDERVIRT_OVMF_VARS)`
  );
}
async function prepareUefiVars(firmware, destination) {
  await copyFile(firmware.varsTemplate, destination);
  await chmod(destination, 384);
  return destination;
}
async function readDescriptors(dirs) {
  const byName = /* @__PURE__ */ new Map();
  for (const dir of [...dirs].reverse()) {
    let names;
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const n of names) if (n.endsWith(".json")) byName.set(n, path2.join(dir, n));
  }
  const out = [];
  for (const name of [...byName.keys()].sort()) {
    const file = byName.get(name);
    try {
      out.push([file, JSON.parse(await readFile(file, "utf8"))]);
    } catch {
    }
  }
  return out;
}
async function fromDescriptor(d, options) {
  if (!d["interface-types"]?.includes("uefi") || d.mapping?.device !== "flash") return void 0;
  const code = d.mapping.executable?.filename;
  const vars = d.mapping["nvram-template"]?.filename;
  if (!code || !vars) return void 0;
  const representative = options.machine === "q35" ? "pc-q35-99.0" : "pc-i440fx-99.0";
  const fitsMachine = (d.targets ?? []).some((t) => t.architecture === "x86_64" && (t.machines ?? []).some((glob) => globMatch(glob, representative)));
  if (!fitsMachine) return void 0;
  const features = new Set(d.features ?? []);
  if (features.has("amd-sev-es") || features.has("amd-sev-snp") || features.has("intel-tdx")) return void 0;
  if (options.secureBoot) {
    if (!features.has("secure-boot") || !features.has("enrolled-keys")) return void 0;
  } else if (features.has("secure-boot")) {
    return void 0;
  }
  if (!await isFile(code) || !await isFile(vars)) return void 0;
  return {
    code,
    codeFormat: d.mapping.executable?.format === "qcow2" ? "qcow2" : "raw",
    varsTemplate: vars,
    varsFormat: d.mapping["nvram-template"]?.format === "qcow2" ? "qcow2" : "raw",
    secureBoot: options.secureBoot,
    requiresSmm: features.has("requires-smm")
  };
}
function globMatch(glob, text) {
  const re = new RegExp(
    `^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`
  );
  return re.test(text);
}
async function isFile(p) {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}

// src/engines/local/ports.ts
import { randomInt } from "node:crypto";
import { mkdirSync, unlinkSync } from "node:fs";
import { link, open as open2, readFile as readFile2, rename, stat as stat2, unlink, writeFile } from "node:fs/promises";
import net3 from "node:net";
import os2 from "node:os";
import path3 from "node:path";
var SSH_HOST_PORTS = { min: 2222, max: 4444 };
var VNC_PORTS = { min: 5900, max: 6e3 };
function defaultLockDir() {
  return path3.join(os2.tmpdir(), "ruddervirt-ports");
}
var heldLocks = /* @__PURE__ */ new Set();
var exitHookInstalled2 = false;
function installExitHook2() {
  if (exitHookInstalled2) return;
  exitHookInstalled2 = true;
  process.on("exit", () => {
    for (const file of heldLocks) {
      try {
        unlinkSync(file);
      } catch {
      }
    }
  });
}
async function allocatePort(options) {
  const { range } = options;
  if (!Number.isInteger(range.min) || !Number.isInteger(range.max) || range.min < 1 || range.max > 65535 || range.min > range.max) {
    throw new Error(`invalid port range ${range.min}-${range.max}`);
  }
  const lockDir = options.lockDir ?? defaultLockDir();
  mkdirSync(lockDir, { recursive: true, mode: 1023 });
  installExitHook2();
  const span = Math.max(1, range.max - range.min);
  const candidates = [...Array.from({ length: Math.min(span, 32) }, () => range.min + randomInt(span))];
  const start = randomInt(span);
  for (let i = 0; i < span; i++) candidates.push(range.min + (start + i) % span);
  const tried = /* @__PURE__ */ new Set();
  for (const port of candidates) {
    if (options.signal?.aborted) throw options.signal.reason instanceof Error ? options.signal.reason : new Error("aborted");
    if (tried.has(port)) continue;
    tried.add(port);
    const lockFile = path3.join(lockDir, String(port));
    if (!await takeLock(lockFile)) continue;
    if (await canBind(port)) {
      heldLocks.add(lockFile);
      let released = false;
      return {
        port,
        async release() {
          if (released) return;
          released = true;
          heldLocks.delete(lockFile);
          await unlink(lockFile).catch(() => void 0);
        }
      };
    }
    await unlink(lockFile).catch(() => void 0);
  }
  throw new Error(`no free port in ${range.min}-${range.max} on 127.0.0.1 (locks in ${lockDir})`);
}
async function takeLock(lockFile) {
  const mine = `${lockFile}.${process.pid}.${randomInt(1e9)}`;
  await writeFile(mine, `${process.pid}
`);
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await link(mine, lockFile);
        return true;
      } catch (err) {
        if (err.code !== "EEXIST") throw err;
      }
      if (attempt === 0 && !await removeIfStale(lockFile)) return false;
    }
    return false;
  } finally {
    await unlink(mine).catch(() => void 0);
  }
}
async function removeIfStale(lockFile) {
  let owner;
  let inode;
  try {
    const handle = await open2(lockFile, "r");
    try {
      inode = (await handle.stat()).ino;
      owner = Number.parseInt((await handle.readFile("utf8")).trim(), 10);
    } finally {
      await handle.close();
    }
  } catch {
    return true;
  }
  if (Number.isInteger(owner) && owner > 0 && isProcessAlive(owner)) return false;
  const aside = `${lockFile}.stale.${process.pid}.${randomInt(1e9)}`;
  try {
    await rename(lockFile, aside);
  } catch {
    return true;
  }
  const moved = await stat2(aside).catch(() => void 0);
  if (moved && moved.ino !== inode) {
    await link(aside, lockFile).catch(() => void 0);
    await unlink(aside).catch(() => void 0);
    return false;
  }
  await unlink(aside).catch(() => void 0);
  return true;
}
function canBind(port) {
  return new Promise((resolve) => {
    const server = net3.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(true)));
  });
}

// src/engines/local/qemu-args.ts
var TCG_DEFAULT_CPU_MODEL = "qemu64,+ssse3,+sse4.1,+sse4.2,+popcnt,+cx16,+lahf_lm";
var NIC_DEVICE = {
  virtio: "virtio-net-pci",
  e1000: "e1000",
  e1000e: "e1000e",
  rtl8139: "rtl8139"
};
var SATA_PORTS = 6;
function sataCdromOnBoard(machine) {
  return machine === "q35";
}
function escapeOptionValue(value) {
  return value.replaceAll(",", ",,");
}
function shellWords(argv) {
  return argv.map((a) => /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`).join(" ");
}
function qemuArgs(plan) {
  validate(plan);
  const e = escapeOptionValue;
  const args = [];
  const add = (...a) => args.push(...a);
  add("-name", `guest=${e(plan.name)},debug-threads=on`);
  const smm = plan.firmware?.smm ?? false;
  add("-machine", `${plan.machine}${smm ? ",smm=on" : ""}`);
  add("-accel", plan.accelerator);
  const model = plan.cpuModel === "host-passthrough" || plan.cpuModel === "host-model" ? "host" : plan.cpuModel;
  add("-cpu", model ?? (plan.accelerator === "kvm" ? "host" : TCG_DEFAULT_CPU_MODEL));
  add("-smp", String(plan.cpus));
  add("-m", `${plan.memoryMiB}M`);
  add("-nodefaults", "-no-user-config");
  add("-display", "none");
  add("-vga", "std");
  add("-rtc", "base=utc");
  if (plan.firmware) {
    const fw = plan.firmware;
    if (fw.secureBoot) add("-global", "driver=cfi.pflash01,property=secure,value=on");
    add("-drive", `if=pflash,unit=0,format=${fw.codeFormat},readonly=on,file=${e(fw.code)}`);
    add("-drive", `if=pflash,unit=1,format=${fw.varsFormat},file=${e(fw.vars)}`);
  }
  const cdromBusOf = (c) => c.bus ?? "sata";
  const onAddedAhci = (c) => cdromBusOf(c) === "sata" && (c.media === "disk" || !sataCdromOnBoard(plan.machine));
  if (plan.disks.some((d) => d.bus === "sata") || plan.cdroms.some(onAddedAhci)) add("-device", "ahci,id=sata");
  if (plan.disks.some((d) => d.bus === "scsi") || plan.cdroms.some((c) => cdromBusOf(c) === "scsi")) add("-device", "virtio-scsi-pci,id=scsi");
  let sataPort = 0;
  let boardPort = 0;
  let scsiTarget = 0;
  for (const d of plan.disks) {
    add("-drive", `if=none,id=${d.id},file=${e(d.path)},format=${d.format},cache=writeback,discard=unmap`);
    const boot = d.bootIndex !== void 0 ? `,bootindex=${d.bootIndex}` : "";
    switch (d.bus) {
      case "virtio":
        add("-device", `virtio-blk-pci,drive=${d.id}${boot}`);
        break;
      case "sata":
        add("-device", `ide-hd,drive=${d.id},bus=sata.${sataPort++}${boot}`);
        break;
      case "scsi":
        add("-device", `scsi-hd,drive=${d.id},bus=scsi.0,channel=0,scsi-id=${scsiTarget++},lun=0${boot}`);
        break;
    }
  }
  for (const c of plan.cdroms) {
    const boot = c.bootIndex !== void 0 ? `,bootindex=${c.bootIndex}` : "";
    const bus = cdromBusOf(c);
    if (c.media === "disk") {
      const guard = bus === "sata" ? "snapshot=on" : "readonly=on";
      add("-drive", `if=none,id=${c.id},file=${e(c.path)},format=raw,${guard}`);
      if (bus === "virtio") add("-device", `virtio-blk-pci,drive=${c.id}${boot}`);
      else if (bus === "scsi") add("-device", `scsi-hd,drive=${c.id},bus=scsi.0,channel=0,scsi-id=${scsiTarget++},lun=0${boot}`);
      else add("-device", `ide-hd,drive=${c.id},bus=sata.${sataPort++}${boot}`);
      continue;
    }
    add("-drive", `if=none,id=${c.id},file=${e(c.path)},format=raw,media=cdrom,readonly=on`);
    if (bus === "scsi") add("-device", `scsi-cd,drive=${c.id},bus=scsi.0,channel=0,scsi-id=${scsiTarget++},lun=0${boot}`);
    else add("-device", `ide-cd,drive=${c.id},bus=${onAddedAhci(c) ? `sata.${sataPort++}` : `ide.${boardPort++}`}${boot}`);
  }
  plan.nics.forEach((n, i) => {
    if (n.segment) {
      add("-netdev", `stream,id=net${i},server=off,addr.type=unix,addr.path=${e(n.segment.socket)}`);
      add("-device", `${NIC_DEVICE[n.model]},netdev=net${i},mac=${n.segment.mac}`);
      return;
    }
    const { net: net4, host } = userNetwork(i);
    const fwd = n.forwards.map((f) => `,hostfwd=tcp:127.0.0.1:${f.hostPort}-:${f.guestPort}`).join("");
    const restrict = n.restrict ? ",restrict=on" : "";
    const guestFwd = (n.guestForwards ?? []).map((g) => `,guestfwd=tcp:${g.ip}:${g.port}-cmd:${e(shellWords(g.command))}`).join("");
    add("-netdev", `user,id=net${i},net=${net4},host=${host}${restrict}${fwd}${guestFwd}`);
    add("-device", `${NIC_DEVICE[n.model]},netdev=net${i}`);
  });
  add("-device", "virtio-rng-pci");
  add("-vnc", "socket" in plan.vnc ? `unix:${e(plan.vnc.socket)}` : `127.0.0.1:${plan.vnc.port - 5900}`);
  add("-chardev", `socket,id=qmp,path=${e(plan.qmpSocket)},server=on,wait=off`);
  add("-mon", "chardev=qmp,mode=control");
  add("-chardev", `file,id=serial0,path=${e(plan.serialLog)}`);
  add("-serial", "chardev:serial0");
  for (const [flag, ...parts] of plan.extraArgs ?? []) {
    const value = parts.join("");
    add(flag, ...value ? [value] : []);
  }
  return args;
}
function validate(plan) {
  const where = `vm ${plan.name}`;
  if (!Number.isInteger(plan.cpus) || plan.cpus < 1) throw new UserError(`${where}: cpu must be a whole number \u2265 1, got ${plan.cpus}`);
  if (!Number.isInteger(plan.memoryMiB) || plan.memoryMiB < 16) throw new UserError(`${where}: memory must be at least 16Mi, got ${plan.memoryMiB}Mi`);
  if (plan.firmware?.secureBoot && plan.machine !== "q35") throw new UserError(`${where}: Secure Boot needs the q35 machine type`);
  const sataCdroms = plan.cdroms.filter((c) => (c.bus ?? "sata") === "sata");
  const boardCdroms = sataCdroms.filter((c) => c.media !== "disk" && sataCdromOnBoard(plan.machine)).length;
  const sata = plan.disks.filter((d) => d.bus === "sata").length + sataCdroms.length - boardCdroms;
  if (sata > SATA_PORTS) throw new UserError(`${where}: at most ${SATA_PORTS} sata disks${sataCdromOnBoard(plan.machine) ? "" : " and cdroms"} fit one controller, got ${sata}`);
  if (boardCdroms > SATA_PORTS) {
    throw new UserError(`${where}: at most ${SATA_PORTS} sata cdroms fit the q35 board's controller, got ${boardCdroms} (an iso source counts as one)`);
  }
  for (const c of plan.cdroms) if (c.bus === "virtio" && c.media !== "disk") throw new UserError(`${where}: a cdrom cannot be on the virtio bus; attach it as a disk`);
  if (plan.nics.length === 0) throw new UserError(`${where}: needs at least one nic`);
  if (plan.nics.length > 250) throw new UserError(`${where}: too many nics (${plan.nics.length})`);
  for (const n of plan.nics) if (n.segment && !/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(n.segment.mac)) throw new Error(`${where}: invalid MAC address '${n.segment.mac}'`);
  const ids = [...plan.disks.map((d) => d.id), ...plan.cdroms.map((c) => c.id)];
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new Error(`${where}: duplicate drive id '${dup}'`);
  for (const id of ids) if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(id)) throw new Error(`${where}: invalid drive id '${id}'`);
  if ("port" in plan.vnc && (plan.vnc.port < 5900 || plan.vnc.port > 65535)) throw new Error(`${where}: VNC port ${plan.vnc.port} is below 5900`);
}

// src/engines/local/start-detached.ts
import { spawn as spawn2 } from "node:child_process";
import { closeSync, openSync, readFileSync as readFileSync2 } from "node:fs";
function startDetachedVm({ request, keeperLog, logger, signal, entry = process.argv[1], env = process.env }) {
  if (!entry) throw new Error("cannot start the VM keeper: this process has no entry script");
  const out = openSync(keeperLog, "a");
  let child;
  try {
    child = spawn2(process.execPath, [entry, `${KEEPER_FLAG}=${request.workDir}`], {
      detached: true,
      stdio: ["ignore", out, out, "ipc"],
      env
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
          tail = readFileSync2(keeperLog, "utf8").trim().split("\n").slice(-15).join("\n");
        } catch {
        }
        reject(new Error(`the VM keeper exited (${sig ?? `status ${code}`}) before the VM was ready${tail ? `:
${tail}` : ""}`));
      });
    });
    keeper.send(request);
  });
}

// src/engines/local/vm-storage.ts
import { access } from "node:fs/promises";
import path6 from "node:path";

// src/engines/local/cdrom.ts
import { stat as stat3 } from "node:fs/promises";
import path4 from "node:path";
var DEFAULT_CD_LABEL = "packer";
function validateCdLabel(label, what) {
  if (label.length === 0 || label.length > 32) {
    throw new UserError(`${what}: label '${label}' must be 1 to 32 characters long (an ISO 9660 volume identifier)`);
  }
  if (/[\u0000-\u001f\u007f-\uffff]/.test(label)) {
    throw new UserError(`${what}: label '${label}' may only hold printable ASCII characters`);
  }
}
async function buildCdromIso(req) {
  const label = req.label ?? DEFAULT_CD_LABEL;
  validateCdLabel(label, req.what);
  if (req.files.length === 0) throw new UserError(`${req.what}: no files to put on the CD`);
  const grafts = [];
  for (const entry of req.files) {
    const contentsOnly = entry.endsWith("/");
    const source = path4.resolve(req.baseDir, entry);
    let isDir;
    try {
      isDir = (await stat3(source)).isDirectory();
    } catch {
      throw new UserError(`${req.what}: file '${entry}' does not exist (looked for ${source})`);
    }
    const target = isDir && contentsOnly ? "/" : `/${path4.basename(source)}`;
    grafts.push(`${escapeGraft(target)}=${escapeGraft(source)}`);
  }
  await runTool("xorriso", ["-as", "mkisofs", "-quiet", "-o", req.destination, "-V", label, "-iso-level", "3", "-J", "-joliet-long", "-r", "-graft-points", ...grafts], req.signal ? { signal: req.signal } : {});
}
function escapeGraft(p) {
  return p.replace(/[\\=]/g, (c) => `\\${c}`);
}

// src/engines/local/disks.ts
import path5 from "node:path";
async function createOverlay(req) {
  const source = path5.resolve(req.source);
  const info = await imageInfo(source, req.signal);
  if (req.sizeBytes < info.virtualSize) {
    throw new UserError(
      `${req.what}: size ${formatBytes(req.sizeBytes)} is smaller than the source image ${source} (${formatBytes(info.virtualSize)}); a disk can only grow \u2014 set size to at least ${info.virtualSize} bytes`
    );
  }
  await runTool("qemu-img", ["create", "-q", "-f", "qcow2", "-b", source, "-F", info.format, req.destination, String(req.sizeBytes)], opts(req.signal));
  return info;
}
async function createBlankDisk(destination, sizeBytes, signal) {
  await runTool("qemu-img", ["create", "-q", "-f", "qcow2", destination, String(sizeBytes)], opts(signal));
}
function opts(signal) {
  return signal ? { signal } : {};
}

// src/engines/local/vm-storage.ts
async function prepareStorage(r) {
  const { vm, logger, signal } = r;
  const base = fileSafe(vm.name);
  const rootSpec = vm.disks[0];
  if (!rootSpec) throw new UserError(`vm ${vm.name}: needs at least one disk (the first is the root disk)`);
  const rootDisk = path6.join(r.workDir, `${base}-${fileSafe(rootSpec.name)}.qcow2`);
  const disks = [];
  const cdroms = [];
  if (vm.source.kind === "iso") {
    const iso = await r.fetch(vm.source.url, vm.source.checksum, vm.source.mirrors);
    r.made(rootDisk);
    await createBlankDisk(rootDisk, rootSpec.sizeBytes, signal);
    cdroms.push({ id: "cd0", path: iso, bootIndex: 2 });
  } else {
    const image = await r.sourceImage();
    if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("Build was cancelled.");
    r.made(rootDisk);
    const info = await createOverlay({ source: image, destination: rootDisk, sizeBytes: rootSpec.sizeBytes, what: `vm ${vm.name}: disks.${rootSpec.name}`, signal });
    logger.info(`disk ${rootSpec.name}: overlay on ${image} (${info.format}), ${rootSpec.sizeBytes} bytes`);
  }
  disks.push({ id: "disk0", path: rootDisk, format: "qcow2", bus: rootSpec.bus, bootIndex: 1 });
  for (const [i, d] of vm.disks.slice(1).entries()) {
    const file = path6.join(r.workDir, `${base}-${fileSafe(d.name)}.qcow2`);
    r.made(file);
    await createBlankDisk(file, d.sizeBytes, signal);
    disks.push({ id: `disk${i + 1}`, path: file, format: "qcow2", bus: d.bus });
  }
  for (const c of vm.cdroms) {
    const id = `cd${cdroms.length}`;
    const where = `vm ${vm.name}: cdroms.${c.name}`;
    const attachment = { bus: cdromBus(c), media: c.type ?? "cdrom" };
    if (c.iso) {
      const iso = path6.resolve(r.build.dir, c.iso);
      await access(iso).catch(() => {
        throw new UserError(`${where}: iso '${c.iso}' does not exist (looked for ${iso})`);
      });
      cdroms.push({ id, path: iso, ...attachment });
    } else {
      const file = path6.join(r.workDir, `${base}-cdrom-${fileSafe(c.name)}.iso`);
      r.made(file);
      await buildCdromIso({ files: c.files ?? [], baseDir: r.build.dir, ...c.label ? { label: c.label } : {}, destination: file, what: where, signal });
      cdroms.push({ id, path: file, ...attachment });
    }
  }
  return { rootDisk, disks, cdroms };
}
function fileSafe(name) {
  return name.replace(/[^A-Za-z0-9_.-]/g, "_");
}

// src/core/pipeline/cleanup-stack.ts
var CleanupStack = class {
  stack = [];
  push(name, run) {
    this.stack.push({ name, run });
  }
  get size() {
    return this.stack.length;
  }
  /** What would be cleaned up, newest first (printed when `onError: abort` leaves things behind). */
  pending() {
    return this.stack.map((c) => c.name).reverse();
  }
  /** Runs every cleanup newest-first; returns the errors (already logged) instead of throwing. */
  async unwind(logger) {
    const errors = [];
    while (this.stack.length > 0) {
      const c = this.stack.pop();
      try {
        logger.debug(`cleanup: ${c.name}`);
        await c.run();
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        logger.warn(`cleanup of ${c.name} failed: ${e.message}`);
        errors.push(e);
      }
    }
    return errors;
  }
  /** Forgets every cleanup without running it (`onError: abort`). */
  abandon() {
    const left = this.pending();
    this.stack.length = 0;
    return left;
  }
};

// src/engines/local/engine.ts
var MAX_SOCKET_PATH = 100;
var GUEST_UP_PROBE_PORT = 1;
var LocalEngine = class {
  constructor(options = {}) {
    this.options = options;
    this.networks = new LocalNetworks(options.runtimeRoot ? { runtimeRoot: options.runtimeRoot } : {});
  }
  options;
  name = "local";
  machines = /* @__PURE__ */ new Set();
  swept;
  networks;
  async startVm(req) {
    if (this.options.detachable) return this.startInKeeper(req);
    const { vm, logger, signal } = req;
    const made = new CleanupStack();
    const checkpoint = () => {
      if (signal.aborted) throw abortReason(signal);
    };
    try {
      const accelerator = this.options.accelerator ?? (await chooseAccelerator({ logger, env: this.env, ...this.qemuOption() })).accelerator;
      checkpoint();
      await mkdir2(req.workDir, { recursive: true });
      await mkdir2(req.logDir, { recursive: true });
      const madeFile = (file) => made.push(`file ${file}`, () => rm2(file, { force: true }));
      const { rootDisk, disks, cdroms } = await prepareStorage({
        build: req.build,
        vm,
        workDir: req.workDir,
        logger,
        signal,
        fetch: (url, checksum, mirrors) => fetchSource({ url, checksum: knownChecksum(checksum, url), ...mirrors ? { mirrors } : {}, logger, signal, ...this.cacheOption() }),
        sourceImage: () => this.sourceImage(req, signal),
        made: madeFile
      });
      checkpoint();
      const machine = vm.machineType ?? "q35";
      let firmware;
      if (vm.efiFirmware) {
        const fw = await findUefiFirmware({ secureBoot: vm.efiFirmware.secureBoot, machine, env: this.env });
        const vars = path7.join(req.workDir, `${fileSafe(vm.name)}-efivars.fd`);
        madeFile(vars);
        await prepareUefiVars(fw, vars);
        firmware = { code: fw.code, codeFormat: fw.codeFormat, vars, varsFormat: fw.varsFormat, secureBoot: fw.secureBoot, smm: fw.requiresSmm || fw.secureBoot };
        logger.debug(`firmware: ${fw.code} (${fw.origin})`);
      }
      this.swept ??= sweepStaleRuntimeDirs(this.options.runtimeRoot).then(
        (dirs) => dirs.forEach((d) => logger.debug(`removed ${d}, left by a build that was killed`)),
        () => void 0
      );
      await this.swept;
      const runtimeDir = await createRuntimeDir(this.options.runtimeRoot);
      made.push(`runtime folder ${runtimeDir}`, () => rm2(runtimeDir, { recursive: true, force: true }));
      const leases = [];
      const lease = async (range) => {
        const l = await allocatePort({ range, signal, ...this.options.portLockDir ? { lockDir: this.options.portLockDir } : {} });
        made.push(`port ${l.port}`, () => l.release());
        leases.push(l);
        return l.port;
      };
      const sshPort = vm.communicator.type === "ssh" ? await lease(SSH_HOST_PORTS) : void 0;
      const guestUpPort = sshPort !== void 0 ? await lease(SSH_HOST_PORTS) : void 0;
      const vncSocket = path7.join(runtimeDir, "vnc.sock");
      const vnc = this.options.vncListen !== "port" && vncSocket.length <= MAX_SOCKET_PATH ? { socket: vncSocket } : { port: await lease(VNC_PORTS) };
      const qmpSocket = path7.join(runtimeDir, "qmp.sock");
      if (qmpSocket.length > MAX_SOCKET_PATH) throw new UserError(`the temp folder path ${runtimeDir} is too long for a unix socket; set TMPDIR to a shorter path`);
      const network = await this.networks.attach(req.build, vm, logger);
      made.push(`networks of vm ${vm.name}`, () => network.release());
      leases.push({ port: 0, release: () => network.release() });
      const nics = await network.nicPlans({
        runtimeDir,
        ...sshPort !== void 0 ? { ssh: { hostPort: sshPort, guestPort: vm.communicator.sshPort } } : {},
        ...guestUpPort !== void 0 ? { guestUp: { hostPort: guestUpPort, guestPort: GUEST_UP_PROBE_PORT } } : {},
        ...req.http ? { http: { port: req.http.port } } : {}
      });
      if (!network.plan.internet) {
        logger.info(`vm ${vm.name}: no internet (its subnets' VPCs have internet: false); the guest reaches only the build's HTTP server, at ${network.httpGuestIp}`);
      }
      const plan = {
        name: vm.name,
        accelerator,
        machine,
        cpus: vm.cpu,
        ...vm.cpuModel ? { cpuModel: vm.cpuModel } : {},
        memoryMiB: Math.ceil(vm.memoryBytes / (1024 * 1024)),
        ...firmware ? { firmware } : {},
        disks,
        cdroms,
        nics,
        vnc,
        qmpSocket,
        serialLog: path7.join(req.logDir, "serial.log"),
        ...vm.qemuArgs ? { extraArgs: vm.qemuArgs } : {}
      };
      const args = qemuArgs(plan);
      checkpoint();
      logger.info(
        `starting qemu (${accelerator}, ${machine}${firmware ? firmware.secureBoot ? ", UEFI Secure Boot" : ", UEFI" : ", BIOS"}, ${plan.cpus} cpu, ${plan.memoryMiB} MiB${sshPort ? `, ssh on 127.0.0.1:${sshPort}` : ""}, vnc on ${"socket" in vnc ? vnc.socket : `127.0.0.1:${vnc.port}`})`
      );
      const handle = await startMachine({
        name: vm.name,
        qemuBinary: this.options.qemuBinary ?? "qemu-system-x86_64",
        args,
        qmpSocket,
        vnc,
        serialLog: plan.serialLog,
        rootDisk,
        ...sshPort !== void 0 ? { ssh: { host: "127.0.0.1", port: sshPort, ...guestUpPort !== void 0 ? { guestUpPort } : {} } } : {},
        ...req.http ? { http: { ip: network.httpGuestIp, port: req.http.port } } : {},
        leases,
        runtimeDir,
        logger,
        signal
      });
      this.machines.add(handle);
      return handle;
    } catch (err) {
      await made.unwind(logger);
      throw err;
    }
  }
  async startInKeeper(req) {
    const { containerDisks: _containerDisks, detachable: _detachable, keeperEntry, env: _env, ...engine } = this.options;
    let vm = req.vm;
    if (vm.source.kind === "containerDisk") {
      vm = { ...vm, source: { kind: "path", path: await this.sourceImage(req, req.signal) } };
    }
    await mkdir2(req.workDir, { recursive: true });
    const started = await startDetachedVm({
      request: {
        build: req.build,
        vm,
        workDir: req.workDir,
        logDir: req.logDir,
        engine,
        ...req.http ? { httpPort: req.http.port } : {},
        ...req.parentDisk ? { parentDisk: req.parentDisk } : {}
      },
      keeperLog: path7.join(req.workDir, "keeper.log"),
      logger: req.logger,
      signal: req.signal,
      env: this.env,
      ...keeperEntry ? { entry: keeperEntry } : {}
    });
    const machine = new AttachedMachine(started.record);
    this.machines.add(machine);
    return machine;
  }
  async detach(handle) {
    if (!(handle instanceof AttachedMachine)) {
      throw new Error(`vm ${handle.name} runs inside this process and cannot outlive it; create the local engine with detachable: true`);
    }
    this.machines.delete(handle);
    const { record } = handle;
    return {
      engine: "local",
      vm: record.name,
      ...record.ssh ? { sshEndpoint: { ...record.ssh, display: `${record.ssh.host}:${record.ssh.port}` } } : {},
      state: { ...record }
    };
  }
  async attach(record, _req) {
    if (record.engine !== "local") throw new Error(`internal: a ${record.engine} VM record was given to the local engine`);
    const machine = new AttachedMachine(checkDetachedRecord(record.state));
    this.machines.add(machine);
    return machine;
  }
  /** The layer's other VMs that `vm` reaches on its subnets, by name: for provisioner variables and /etc/hosts. */
  peerAddresses(build, layer, vm) {
    return peerAddresses(build, layer, vm.name);
  }
  async close() {
    await Promise.all([...this.machines].map((m) => m.stop()));
    this.machines.clear();
    await this.networks.close();
  }
  get env() {
    return this.options.env ?? process.env;
  }
  qemuOption() {
    return this.options.qemuBinary ? { qemuBinary: this.options.qemuBinary } : {};
  }
  cacheOption() {
    return { env: this.env, ...this.options.cacheDir ? { cacheDir: this.options.cacheDir } : {} };
  }
  containerDisks(vm) {
    if (!this.options.containerDisks) throw new UserError(`vm ${vm.name}: containerDisk sources need a registry client; this local engine was created without one`);
    return this.options.containerDisks;
  }
  /** The digest a containerDisk source names now: what the layer key records, so a moved tag rebuilds the layer. */
  async sourceDigest(vm, logger, signal) {
    if (vm.source.kind !== "containerDisk") return void 0;
    return containerDiskDigest(this.containerDisks(vm), vm, logger, signal);
  }
  /** A local disk image holding the VM's source (url, path, from, containerDisk). */
  async sourceImage(req, signal) {
    const { vm, logger } = req;
    const source = vm.source;
    switch (source.kind) {
      case "url":
        return fetchSource({ url: source.url, checksum: knownChecksum(source.checksum, source.url), ...source.mirrors ? { mirrors: source.mirrors } : {}, logger, signal, ...this.cacheOption() });
      case "path": {
        const file = path7.resolve(req.build.dir, source.path);
        await access2(file).catch(() => {
          throw new UserError(`vm ${vm.name}: source.path '${source.path}' does not exist (looked for ${file})`);
        });
        return file;
      }
      case "from":
        if (!req.parentDisk) throw new Error(`vm ${vm.name}: source from ${source.layer}/${source.vm} needs the parent's disk (parentDisk) from the pipeline`);
        return req.parentDisk;
      case "containerDisk":
        return (await this.containerDisks(vm).pull(source.image, logger, signal)).path;
      case "iso":
        throw new Error("unreachable: iso sources are attached as CD-ROMs");
    }
  }
};

export {
  QemuMachine,
  checkDetachedRecord,
  AttachedMachine,
  CleanupStack,
  LocalEngine
};
