import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  convertDisk,
  missingToolError
} from "./chunk-LAWJDJJ5.js";
import {
  abortReason
} from "./chunk-Q75WJYVF.js";

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

// src/engines/local/machine.ts
import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { mkdir, open, rm } from "node:fs/promises";
import path from "node:path";

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
      return new QemuStartError(
        `QEMU for vm ${this.name} exited during start-up (${describeExit(this.exitInfo)})` + (this.stderrTail() ? `:
${this.stderrTail()}` : "")
      );
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
      const timer = setTimeout(() => done(() => resolve(false)), Math.max(0, timeoutMs));
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
        await Promise.race([this.qmp.quit().then(() => this.exited).then(() => true), timer]).catch(() => void 0);
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
  async exportDisk(req) {
    if (this.running) throw new Error(`vm ${this.name} is still running; shut it down before exporting its disk`);
    await mkdir(path.dirname(req.destination), { recursive: true });
    await convertDisk({
      source: this.options.rootDisk,
      destination: req.destination,
      format: req.format,
      compress: req.compress,
      ...req.compressionType ? { compressionType: req.compressionType } : {},
      logger: req.logger,
      signal: req.signal
    });
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
function cleanConsoleText(text) {
  return text.replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, "").replace(/\u001b[()][0-9A-Za-z]|\u001b[=>78cDEHM]/g, "").replace(/\r\n?/g, "\n").replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "").replace(/\n+$/, "");
}

export {
  openSocket,
  startMachine,
  QemuMachine,
  readSerialTail
};
