import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  checksumLine,
  sha256OfFile
} from "./chunk-K5YCSMLN.js";
import {
  package_default
} from "./chunk-RTG4RYVJ.js";
import {
  buildSpdx,
  sbomBeside
} from "./chunk-ZEOXAAFA.js";
import {
  bootCommandFields,
  captureFailure,
  typeBootCommand
} from "./chunk-AIFBTII2.js";
import {
  outputFileName
} from "./chunk-23LGHYNR.js";
import {
  TemplateError,
  renderTemplate
} from "./chunk-Z6CMOLZR.js";
import {
  CleanupStack
} from "./chunk-JIQ45CAP.js";
import {
  peerEnvironment
} from "./chunk-U2YEPGJA.js";
import {
  CancelledError,
  sleep
} from "./chunk-BHXEFIUH.js";
import {
  NotRegularFileError,
  openRegularFile
} from "./chunk-PXB3LWWR.js";
import {
  formatGoDuration,
  timerDelay
} from "./chunk-YBXMTZXO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import {
  require_http
} from "./chunk-YQXKSN3H.js";
import {
  __toESM
} from "./chunk-U4LSYZ75.js";

// src/core/mask-file.ts
import { readdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
var MAX_MASKED_FILE_BYTES = 256 * 1024 * 1024;
async function maskSecretsInFile(file, masker) {
  const st = await stat(file).catch(() => void 0);
  if (!st?.isFile() || st.size === 0 || st.size > MAX_MASKED_FILE_BYTES) return false;
  const bytes = await readFile(file);
  const text = bytes.toString("utf8");
  const masked = masker.mask(text);
  if (masked === text) return false;
  await writeFile(`${file}.partial`, masked);
  await rename(`${file}.partial`, file);
  return true;
}
var BINARY_LOG_FILE = /\.(png|qcow2|raw|img|iso|zst|gz)$/i;
async function maskSecretsInFolder(dir, masker, options = {}) {
  const changed = [];
  const walk = async (d) => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() && !BINARY_LOG_FILE.test(e.name) && !options.skip?.includes(e.name) && await maskSecretsInFile(full, masker).catch(() => false)) changed.push(full);
    }
  };
  await walk(dir);
  return changed;
}

// src/core/pipeline/phase.ts
var PhaseTimeoutError = class extends Error {
  constructor(phase, timeoutMs) {
    super(`phase '${phase}' timed out after ${formatGoDuration(timeoutMs)}`);
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
  phase;
  timeoutMs;
  name = "PhaseTimeoutError";
};
function createPhaseRunner(vm, logger, buildSignal) {
  const records = [];
  return {
    records,
    signal: buildSignal,
    skip(phase, detail) {
      records.push({ vm, phase, startedAt: (/* @__PURE__ */ new Date()).toISOString(), durationMs: 0, status: "skipped", detail });
      logger.info(`==> ${phase}: skipped (${detail})`);
    },
    async run(phase, fn, options = {}) {
      const started = Date.now();
      const startedAt = new Date(started).toISOString();
      const timeout = options.timeoutMs && options.timeoutMs > 0 ? AbortSignal.timeout(options.timeoutMs) : void 0;
      const signal = timeout ? AbortSignal.any([buildSignal, timeout]) : buildSignal;
      logger.phase?.({ type: "start", vm, phase });
      logger.info(`==> ${phase}`);
      try {
        const result = await fn(signal);
        const durationMs = Date.now() - started;
        records.push({ vm, phase, startedAt, durationMs, status: "ok", ...options.detail ? { detail: options.detail } : {} });
        logger.info(`<== ${phase} done in ${formatGoDuration(Math.round(durationMs))}`);
        logger.phase?.({ type: "end", vm, phase, status: "ok" });
        return result;
      } catch (err) {
        const durationMs = Date.now() - started;
        const cancelled = buildSignal.aborted;
        records.push({ vm, phase, startedAt, durationMs, status: cancelled ? "cancelled" : "failed", detail: err instanceof Error ? err.message : String(err) });
        logger.phase?.({ type: "end", vm, phase, status: cancelled ? "cancelled" : "failed" });
        if (cancelled) throw new CancelledError();
        if (timeout?.aborted) throw new PhaseTimeoutError(phase, options.timeoutMs);
        throw err;
      }
    }
  };
}

// src/core/provisioners/output-lines.ts
import { StringDecoder } from "node:string_decoder";
var MAX_PENDING = 64 * 1024;
var HELD_TAIL = 8 * 1024;
var LineSplitter = class {
  constructor(emit) {
    this.emit = emit;
  }
  emit;
  decoder = new StringDecoder("utf8");
  pending = "";
  push(chunk) {
    this.pending += this.decoder.write(chunk);
    let nl;
    while ((nl = this.pending.indexOf("\n")) >= 0) {
      this.emit(this.pending.slice(0, nl).replace(/\r$/, ""));
      this.pending = this.pending.slice(nl + 1);
    }
    if (this.pending.length > MAX_PENDING) {
      let cut = this.pending.length - HELD_TAIL;
      if (/[\ud800-\udbff]/.test(this.pending[cut - 1])) cut -= 1;
      this.emit(this.pending.slice(0, cut));
      this.pending = this.pending.slice(cut);
    }
  }
  end() {
    this.pending += this.decoder.end();
    if (this.pending) this.emit(this.pending.replace(/\r$/, ""));
    this.pending = "";
  }
};

// src/core/pipeline/steps/verify-checks.ts
var VerifyFailedError = class extends Error {
  constructor(report) {
    const failed = report.checks.filter((c) => !c.passed);
    super(`${failed.map((c) => `check '${c.name}' ${c.reason ?? "failed"}`).join("; ")}`);
    this.report = report;
  }
  report;
  name = "VerifyFailedError";
};
var CheckFailed = class extends Error {
  name = "CheckFailed";
};
var TAIL_LINES = 20;
function checkLabel(check) {
  const name = check.name ?? check.run.split("\n")[0];
  return name.length > 60 ? `${name.slice(0, 57)}...` : name;
}
async function runVerifyChecks(req) {
  const { checks, comm, phases, logger } = req;
  const results = [];
  for (const [i, check] of checks.entries()) {
    const name = checkLabel(check);
    const tail = [];
    const keep = (line) => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
    };
    const result = { name, command: check.run, passed: false, expected: check.validExitCodes, tail };
    try {
      await phases.run(
        `check ${i + 1}/${checks.length}: ${name}`,
        async (signal) => {
          const out = new LineSplitter((line) => (logger.info(`    ${line}`), keep(line)));
          const err = new LineSplitter((line) => (logger.info(`    ${line}`), keep(line)));
          const r = await comm.exec(check.run, { signal, onStdout: (c) => out.push(c), onStderr: (c) => err.push(c) });
          out.end();
          err.end();
          if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error("aborted");
          if (r.disconnected || r.exitCode === void 0) throw new CheckFailed(`lost the SSH connection${r.exitSignal ? ` (signal ${r.exitSignal})` : ""}`);
          result.exitCode = r.exitCode;
          if (!check.validExitCodes.includes(r.exitCode)) throw new CheckFailed(`exited ${r.exitCode}, expected ${check.validExitCodes.join(" or ")}`);
        },
        { timeoutMs: check.timeout }
      );
      result.passed = true;
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      result.reason = err instanceof Error ? err.message.replace(/^phase '[^']*' /, "") : String(err);
      logger.error(`check '${name}' failed: ${result.reason}`);
    }
    results.push(result);
  }
  const report = { checks: results, passed: results.every((r) => r.passed) };
  if (!report.passed) throw new VerifyFailedError(report);
  return report;
}

// src/core/communicator/ssh-connect.ts
import { Socket } from "node:net";

// src/core/communicator/host-key.ts
import { createHash } from "node:crypto";
function sshFingerprint(rawKey) {
  return "SHA256:" + createHash("sha256").update(rawKey).digest("base64").replace(/=+$/, "");
}
function normaliseFingerprint(text) {
  const trimmed = text.trim();
  const body = trimmed.replace(/^SHA256:/i, "").replace(/=+$/, "");
  if (!/^[A-Za-z0-9+/]{43}$/.test(body)) return void 0;
  return `SHA256:${body}`;
}
var HostKeyMismatchError = class extends Error {
  constructor(expected, actual) {
    super(`the SSH host key is ${actual}, but ${expected} was pinned; refusing to authenticate`);
    this.expected = expected;
    this.actual = actual;
  }
  expected;
  actual;
  name = "HostKeyMismatchError";
};
function hostKeyCheck(pinned) {
  let seen;
  let mismatch;
  return {
    verify(rawKey) {
      seen = sshFingerprint(rawKey);
      if (pinned === void 0 || seen === pinned) return true;
      mismatch = new HostKeyMismatchError(pinned, seen);
      return false;
    },
    get seen() {
      return seen;
    },
    get mismatch() {
      return mismatch;
    }
  };
}

// src/core/communicator/ssh-auth.ts
import { readFile as readFile2 } from "node:fs/promises";
import os from "node:os";
import path2 from "node:path";
function expandHome(file) {
  if (file === "~") return os.homedir();
  if (file.startsWith("~/")) return path2.join(os.homedir(), file.slice(2));
  return file;
}
async function readPrivateKey(file, field) {
  const resolved = expandHome(file);
  let data;
  try {
    data = await readFile2(resolved);
  } catch (err) {
    throw new UserError(`${field}: cannot read the private key file ${resolved}: ${err.message}`);
  }
  const ssh2 = (await import("./lib-SBGG34I4.js")).default;
  const parsed = ssh2.utils.parseKey(data);
  if (parsed instanceof Error) {
    const encrypted = /encrypted|passphrase/i.test(parsed.message);
    throw new UserError(`${field}: ${resolved} is not a usable private key (${parsed.message})` + (encrypted ? "; passphrase-protected keys are not supported, use sshAgentAuth instead" : ""));
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key?.isPrivateKey()) throw new UserError(`${field}: ${resolved} holds a public key, not a private key`);
  return data;
}
async function authMethods(creds, fieldPrefix, env = process.env) {
  const { username } = creds;
  const methods = [];
  if (creds.agentAuth) {
    const sock = env.SSH_AUTH_SOCK;
    if (!sock) throw new UserError(`${fieldPrefix}AgentAuth is true but SSH_AUTH_SOCK is not set: start an ssh-agent or give a key or password`);
    methods.push({ type: "agent", username, agent: sock });
  }
  if (creds.privateKeyFile) {
    methods.push({ type: "publickey", username, key: await readPrivateKey(creds.privateKeyFile, `${fieldPrefix}PrivateKeyFile`) });
  }
  if (creds.password !== void 0) {
    const password = creds.password;
    methods.push({ type: "password", username, password });
    methods.push({
      type: "keyboard-interactive",
      username,
      // Every prompt gets the password: that is what a password prompt wants, and Packer does the same.
      prompt: (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => password))
    });
  }
  if (methods.length === 0) {
    throw new UserError(`no SSH credentials: set ${fieldPrefix}Password, ${fieldPrefix}PrivateKeyFile or ${fieldPrefix}AgentAuth`);
  }
  return methods;
}

// src/core/communicator/ssh-banner.ts
import net from "node:net";

// src/core/communicator/ssh-dial.ts
var DialError = class extends Error {
  constructor(kind, endpoint, message, options) {
    super(message, options);
    this.kind = kind;
    this.endpoint = endpoint;
  }
  kind;
  endpoint;
  name = "DialError";
};
var SOCKET_CODE_KIND = {
  ECONNREFUSED: "refused",
  ECONNRESET: "handshake",
  EPIPE: "handshake",
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
  ETIMEDOUT: "unreachable",
  ENOTFOUND: "unreachable",
  EAI_AGAIN: "unreachable"
};
function classify(err, check, endpoint, auth) {
  if (err instanceof DialError) return err;
  if (check.mismatch) return new DialError("host-key", endpoint, check.mismatch.message, { cause: err });
  const level = err.level ?? "";
  if (level === "client-authentication") {
    const user = auth[0]?.username ?? "";
    const tried = [...new Set(auth.map((m) => m.type))].join(", ");
    return new DialError("auth", endpoint, `unable to authenticate as "${user}" (tried ${tried}): the server rejected the credentials`, { cause: err });
  }
  if (level === "client-timeout") return new DialError("handshake-timeout", endpoint, "timeout during the SSH handshake", { cause: err });
  if (level === "client-dns") return new DialError("unreachable", endpoint, err.message, { cause: err });
  if (level === "client-socket" && err.code) {
    const kind = SOCKET_CODE_KIND[err.code] ?? "unreachable";
    const text = kind === "refused" ? "connection refused" : kind === "handshake" ? `connection reset during the SSH handshake (${err.code})` : err.message;
    return new DialError(kind, endpoint, text, { cause: err });
  }
  return new DialError("handshake", endpoint, `SSH handshake failed: ${err.message}`, { cause: err });
}
var loadSsh2 = () => import("./lib-SBGG34I4.js");
var ssh2Module;
async function connectClient(config, auth, check, endpoint, signal) {
  const ssh2 = (await (ssh2Module ??= loadSsh2())).default;
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let settled = false;
    const settle = (err) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      if (err) {
        client.destroy();
        reject(err);
      } else {
        resolve(client);
      }
    };
    const onAbort = () => settle(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    client.on("error", (err) => settle(classify(err, check, endpoint, auth)));
    client.once("close", () => settle(new DialError("handshake", endpoint, "the server closed the connection during the SSH handshake")));
    client.once("ready", () => settle());
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      client.connect({ ...config, username: auth[0]?.username ?? "", authHandler: auth, hostVerifier: (key) => check.verify(key) });
    } catch (err) {
      settle(classify(err, check, endpoint, auth));
    }
  });
}
function forwardThrough(bastion, host, port, endpoint) {
  return new Promise((resolve, reject) => {
    bastion.forwardOut("127.0.0.1", 0, host, port, (err, stream) => {
      if (!err) return resolve(stream);
      const refused = /refused|connect failed/i.test(err.message) || err.reason === 2;
      reject(new DialError(refused ? "refused" : "unreachable", endpoint, `the bastion could not reach ${host}:${port}: ${err.message}`, { cause: err }));
    });
  });
}
async function dialSsh(options) {
  const { target, bastion: hop, signal } = options;
  const common = {
    readyTimeout: options.handshakeTimeout,
    keepaliveInterval: options.keepAliveInterval > 0 ? timerDelay(options.keepAliveInterval) : 0,
    // Packer closes the connection after a few unanswered keepalives; ssh2's count does that.
    keepaliveCountMax: 3,
    ...options.debug ? { debug: options.debug } : {}
  };
  const endpoint = `${target.host}:${target.port}`;
  const targetCheck = hostKeyCheck(target.hostKeyFingerprint);
  let bastion;
  try {
    let sock;
    if (hop) {
      const hopEndpoint = `bastion ${hop.host}:${hop.port}`;
      bastion = await connectClient({ ...common, host: hop.host, port: hop.port }, hop.auth, hostKeyCheck(hop.hostKeyFingerprint), hopEndpoint, signal);
      sock = await forwardThrough(bastion, target.host, target.port, endpoint);
    }
    sock ??= options.socket;
    const client = await connectClient(sock ? { ...common, sock } : { ...common, host: target.host, port: target.port }, target.auth, targetCheck, endpoint, signal);
    if (bastion) {
      const b = bastion;
      client.once("close", () => b.end());
    }
    return { client, ...bastion ? { bastion } : {}, hostKeyFingerprint: targetCheck.seen };
  } catch (err) {
    bastion?.destroy();
    throw err;
  }
}

// src/core/communicator/ssh-banner.ts
var FRESH_EVERY_MS = 1e3;
var AFTER_RESET_MS = 250;
var MAX_SILENT = 3;
var GUEST_UP_WAIT_MS = 45e3;
var MAX_PRE_BANNER = 8192;
function connectUntilBanner(target, maxMs, signal, state = { reachable: false }) {
  const { host, port, guestUpPort } = target;
  const probing = guestUpPort !== void 0 && !state.reachable;
  return new Promise((resolve, reject) => {
    const silent = /* @__PURE__ */ new Set();
    let upProbe;
    let last;
    let settled = false;
    let nextOpen;
    const finish = (settle) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(nextOpen);
      clearTimeout(unprobed);
      clearInterval(tick);
      signal.removeEventListener("abort", onAbort);
      for (const s of silent) s.destroy();
      silent.clear();
      upProbe?.destroy();
      settle();
    };
    const onAbort = () => finish(() => reject(signal.reason instanceof Error ? signal.reason : new Error("aborted")));
    const deadline = Number.isFinite(maxMs) ? setTimeout(
      () => {
        const waiting = silent.size > 0 || !last;
        finish(() => resolve(waiting ? { kind: "handshake-timeout", message: `no SSH banner within ${maxMs} ms` } : last));
      },
      Math.min(maxMs, 2 ** 31 - 1)
    ) : void 0;
    const unprobed = probing ? setTimeout(
      () => {
        if (!state.reachable && silent.size === 0 && !nextOpen) open();
      },
      Math.min(target.guestUpWaitMs ?? GUEST_UP_WAIT_MS, Number.isFinite(maxMs) ? maxMs / 2 : 2 ** 31 - 1)
    ) : void 0;
    const guestAnswered = (openAfterMs) => {
      state.reachable = true;
      for (const s of silent) s.destroy();
      silent.clear();
      if (!nextOpen) nextOpen = setTimeout(open, openAfterMs);
    };
    const open = () => {
      nextOpen = void 0;
      if (settled) return;
      const socket = net.connect({ host, port });
      silent.add(socket);
      const received = [];
      let text = "";
      let error;
      const onData = (chunk) => {
        received.push(chunk);
        text += chunk.toString("latin1");
        if (text.includes("SSH-")) {
          silent.delete(socket);
          socket.off("data", onData).off("error", onError).off("close", onClose);
          socket.pause();
          socket.unshift(Buffer.concat(received));
          finish(() => resolve(socket));
        } else if (text.length > MAX_PRE_BANNER) {
          error = Object.assign(new Error("the server sent no SSH banner"), { code: "NOBANNER" });
          socket.destroy();
        }
      };
      const onError = (err) => error = err;
      const onClose = () => {
        if (!silent.delete(socket)) return;
        const failure = describe(error, host, port);
        if (failure.message !== last?.message) state.onFailure?.(failure);
        last = failure;
        if (failure.kind === "handshake" && !state.reachable) return guestAnswered(AFTER_RESET_MS);
        if (silent.size === 0 && !nextOpen) nextOpen = setTimeout(open, AFTER_RESET_MS);
      };
      socket.on("data", onData).on("error", onError).on("close", onClose);
    };
    const probeGuest = () => {
      upProbe?.destroy();
      const probe = upProbe = net.connect({ host, port: guestUpPort });
      const answered = () => {
        if (upProbe !== probe) return;
        upProbe = void 0;
        probe.destroy();
        if (!settled && !state.reachable) guestAnswered(0);
      };
      probe.on("data", answered).on("close", answered).on("error", () => {
      });
    };
    const tick = setInterval(() => {
      if (state.reachable || settled) return;
      if (guestUpPort !== void 0) return probeGuest();
      if (silent.size === 0) return;
      if (silent.size >= MAX_SILENT) {
        const oldest = silent.values().next().value;
        silent.delete(oldest);
        oldest.destroy();
      }
      open();
    }, FRESH_EVERY_MS);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    if (probing) probeGuest();
    else open();
  });
}
function describe(error, host, port) {
  if (error?.code === "NOBANNER") return { kind: "handshake", message: `${host}:${port} answered without an SSH banner` };
  const kind = error?.code ? SOCKET_CODE_KIND[error.code] : void 0;
  if (kind === "refused") return { kind, message: "connection refused" };
  if (kind === "unreachable") return { kind, message: error.message };
  return { kind: "handshake", message: `connection ${error?.code ? `reset (${error.code})` : "closed"} during the SSH handshake, before the server's banner` };
}

// src/core/communicator/ssh-communicator.ts
import { constants as osConstants } from "node:os";
import { Readable } from "node:stream";

// src/core/communicator/shell-quote.ts
function shellQuote(value) {
  return `'${escapeSingleQuoted(value)}'`;
}
function escapeSingleQuoted(value) {
  return value.replaceAll("'", `'"'"'`);
}

// src/core/communicator/transfer-paths.ts
function hasTrailingSlash(p) {
  return p.length > 1 && (p.endsWith("/") || p.endsWith("\\"));
}
function stripTrailingSlashes(p) {
  const stripped = p.replace(/[/\\]+$/, "");
  return stripped === "" && p.startsWith("/") ? "/" : stripped;
}
function baseName(p) {
  const s = stripTrailingSlashes(p);
  const i = Math.max(s.lastIndexOf("/"), s.lastIndexOf("\\"));
  return i < 0 ? s : s.slice(i + 1);
}
function remoteDirName(p) {
  const s = stripTrailingSlashes(p);
  const i = s.lastIndexOf("/");
  if (i < 0) return ".";
  if (i === 0) return "/";
  return s.slice(0, i);
}
function remoteJoin(dir, name) {
  if (dir === "" || dir === ".") return name;
  return `${stripTrailingSlashes(dir) === "/" ? "" : stripTrailingSlashes(dir)}/${name}`;
}
function planUpload(localPath, localIsDirectory, remotePath) {
  if (localIsDirectory) {
    const target2 = hasTrailingSlash(localPath) ? stripTrailingSlashes(remotePath) : remoteJoin(remotePath, baseName(localPath));
    return { target: target2, kind: "directory" };
  }
  const target = hasTrailingSlash(remotePath) ? remoteJoin(remotePath, baseName(localPath)) : remotePath;
  return { target, kind: "file" };
}
function planDownload(remotePath, localPath, localIsDirectory) {
  if (hasTrailingSlash(remotePath)) return stripTrailingSlashes(localPath);
  if (hasTrailingSlash(localPath) || localIsDirectory) return `${stripTrailingSlashes(localPath)}/${baseName(remotePath)}`;
  return localPath;
}
function isGlob(p) {
  return /[*?[]/.test(baseName(p));
}
function globToRegExp(pattern) {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const close = pattern.indexOf("]", i + 2);
      if (close < 0) {
        re += "\\[";
        continue;
      }
      let body = pattern.slice(i + 1, close);
      const negate = body.startsWith("!") || body.startsWith("^");
      if (negate) body = body.slice(1);
      re += `[${negate ? "^" : ""}${body.replace(/[\\\]^]/g, (m) => `\\${m}`)}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|\\]/g, (m) => `\\${m}`);
  }
  const dotRule = pattern.startsWith(".") ? "" : "(?!\\.)";
  return new RegExp(`^${dotRule}${re}$`, "s");
}

// src/core/communicator/exec-fs.ts
var LIST_SCRIPT = `for f in * .[!.]* ..?*; do
  if [ -e "$f" ]; then
    if [ -d "$f" ]; then t=d; elif [ -f "$f" ]; then t=f; else t=o; fi
    if [ -x "$f" ]; then x=x; else x=-; fi
    printf '%s%s %s\\0' "$t" "$x" "$f"
  fi
done`;
var ExecFs = class {
  constructor(exec) {
    this.exec = exec;
  }
  exec;
  kind = "exec";
  async run(command, what, options = {}) {
    const out = [];
    const err = [];
    const result = await this.exec(command, {
      onStdout: options.onStdout ?? ((c) => out.push(c)),
      onStderr: (c) => err.push(c),
      ...options.stdin === void 0 ? {} : { stdin: options.stdin },
      ...options.signal ? { signal: options.signal } : {}
    });
    if (result.disconnected) throw new Error(`the connection dropped while ${what}`);
    if (result.exitCode !== 0) {
      const detail = Buffer.concat(err).toString("utf8").trim();
      throw new Error(`${what} failed (exit ${result.exitCode ?? result.exitSignal})${detail ? `: ${detail}` : ""}`);
    }
    return Buffer.concat(out);
  }
  async mkdirp(dir, signal) {
    await this.run(`mkdir -p ${shellQuote(dir)}`, `creating ${dir}`, signal ? { signal } : {});
  }
  async writeFile(file, data, mode, signal) {
    const q = shellQuote(file);
    const octal = (mode & 4095).toString(8).padStart(4, "0");
    const parent = shellQuote(remoteDirName(file));
    await this.run(`mkdir -p ${parent} && cat > ${q} && chmod ${octal} ${q}`, `writing ${file}`, { stdin: data, ...signal ? { signal } : {} });
  }
  async readFile(file, out, signal) {
    let failed;
    try {
      await this.run(`cat ${shellQuote(file)}`, `reading ${file}`, {
        onStdout: (chunk) => {
          out.write(chunk);
        },
        ...signal ? { signal } : {}
      });
    } catch (err) {
      failed = err;
    }
    await new Promise((resolve) => out.end(resolve));
    if (failed) throw failed;
  }
  async stat(path8, signal) {
    const q = shellQuote(path8);
    const answer = (await this.run(`if [ -d ${q} ]; then echo d; elif [ -f ${q} ]; then echo f; elif [ -e ${q} ]; then echo o; else echo n; fi; [ -x ${q} ] && echo x || echo -`, `checking ${path8}`, signal ? { signal } : {})).toString("utf8").split("\n");
    const kind = answer[0];
    if (kind === "n") return void 0;
    const type = kind === "d" ? "directory" : kind === "f" ? "file" : "other";
    return { type, mode: modeFor(type, answer[1] === "x") };
  }
  async remove(file, signal) {
    await this.run(`rm -f ${shellQuote(file)}`, `removing ${file}`, signal ? { signal } : {});
  }
  async list(dir, signal) {
    const raw = await this.run(`cd ${shellQuote(dir)} && ${LIST_SCRIPT}`, `listing ${dir}`, signal ? { signal } : {});
    const entries = [];
    for (const record of raw.toString("utf8").split("\0")) {
      if (record.length < 4) continue;
      const type = record[0] === "d" ? "directory" : record[0] === "f" ? "file" : "other";
      entries.push({ name: record.slice(3), type, mode: modeFor(type, record[1] === "x") });
    }
    return entries;
  }
};
function modeFor(type, executable) {
  return type === "directory" || executable ? 493 : 420;
}

// src/core/communicator/sftp-fs.ts
import { pipeline } from "node:stream/promises";
var SFTP_NO_SUCH_FILE = 2;
var SFTP_OP_UNSUPPORTED = 8;
var WRITE_WINDOW = 2 * 1024 * 1024;
function typeOf(stats) {
  if (stats.isDirectory()) return "directory";
  if (stats.isFile()) return "file";
  return "other";
}
function promised(fn) {
  return new Promise((resolve, reject) => fn((err, value) => err ? reject(err) : resolve(value)));
}
function isNoSuchFile(err) {
  return err.code === SFTP_NO_SUCH_FILE;
}
var SftpFs = class {
  constructor(sftp) {
    this.sftp = sftp;
  }
  sftp;
  kind = "sftp";
  async mkdirp(dir) {
    const existing = await this.stat(dir);
    if (existing?.type === "directory") return;
    if (existing) throw new Error(`${dir} exists and is not a directory`);
    const parent = dir.replace(/\/+[^/]*\/*$/, "");
    if (parent && parent !== dir) await this.mkdirp(parent);
    try {
      await promised((cb) => this.sftp.mkdir(dir, (err) => cb(err, void 0)));
    } catch (err) {
      if ((await this.stat(dir))?.type !== "directory") throw new Error(`cannot create the remote directory ${dir}: ${err.message}`);
    }
  }
  /**
   * Opens `file` for writing first and creates its parents only if that fails, so an upload into
   * an existing folder costs no extra round trip. Writes are then sent without waiting for each
   * answer (up to WRITE_WINDOW bytes in flight), and the mode and the close go out together: a
   * small file takes two round trips instead of five, a large one is no longer one round trip per
   * chunk. On a TCG guest each round trip waits for sftp-server to be scheduled on a busy vCPU.
   */
  async writeFile(file, data, mode, signal) {
    signal?.throwIfAborted();
    let handle;
    try {
      handle = await this.open(file, mode);
    } catch (err) {
      if (!isNoSuchFile(err)) throw err;
      await this.mkdirp(remoteDirName(file));
      handle = await this.open(file, mode);
    }
    try {
      await this.writeAll(handle, data, signal);
    } catch (err) {
      await promised((cb) => this.sftp.close(handle, () => cb(void 0, void 0)));
      throw err;
    }
    const [chmod, close] = await Promise.allSettled([promised((cb) => this.sftp.fchmod(handle, mode, (err) => cb(err, void 0))), promised((cb) => this.sftp.close(handle, (err) => cb(err, void 0)))]);
    if (close.status === "rejected") throw close.reason;
    if (chmod.status === "rejected") {
      if (chmod.reason.code !== SFTP_OP_UNSUPPORTED) throw chmod.reason;
      await promised((cb) => this.sftp.chmod(file, mode, (err) => cb(err, void 0))).catch((err) => {
        if (err.code !== SFTP_OP_UNSUPPORTED) throw err;
      });
    }
  }
  open(file, mode) {
    return promised((cb) => this.sftp.open(file, "w", { mode }, cb));
  }
  /** Writes every chunk of `data` at its offset, keeping up to WRITE_WINDOW bytes unanswered. */
  async writeAll(handle, data, signal) {
    let position = 0;
    let inFlight = 0;
    let failure;
    let wake;
    const answered = () => new Promise((resolve) => wake = resolve);
    try {
      for await (const chunk of data) {
        signal?.throwIfAborted();
        const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
        while (inFlight >= WRITE_WINDOW && failure === void 0) await answered();
        if (failure !== void 0) break;
        inFlight += buf.length;
        this.sftp.write(handle, buf, 0, buf.length, position, (err) => {
          inFlight -= buf.length;
          if (err && failure === void 0) failure = err;
          wake?.();
        });
        position += buf.length;
      }
    } finally {
      while (inFlight > 0) await answered();
    }
    if (failure !== void 0) throw failure;
    signal?.throwIfAborted();
  }
  async readFile(file, out, signal) {
    await pipeline(this.sftp.createReadStream(file), out, ...signal ? [{ signal }] : []);
  }
  async stat(path8) {
    try {
      const stats = await promised((cb) => this.sftp.stat(path8, cb));
      return { type: typeOf(stats), mode: stats.mode & 4095, size: stats.size };
    } catch (err) {
      if (isNoSuchFile(err)) return void 0;
      throw err;
    }
  }
  /** One REMOVE request: no shell and no `rm` process on the guest, as a command would start. */
  async remove(file) {
    try {
      await promised((cb) => this.sftp.unlink(file, (err) => cb(err, void 0)));
    } catch (err) {
      if (!isNoSuchFile(err)) throw new Error(`cannot remove ${file}: ${err.message}`);
    }
  }
  async list(dir) {
    const entries = await promised((cb) => this.sftp.readdir(dir, cb));
    const result = [];
    for (const e of entries) {
      if (e.filename === "." || e.filename === "..") continue;
      let attrs = e.attrs;
      if (e.attrs.isSymbolicLink()) {
        const target = await this.stat(`${dir.replace(/\/+$/, "")}/${e.filename}`);
        if (!target) continue;
        attrs = target;
      }
      const type = "type" in attrs ? attrs.type : typeOf(attrs);
      const mode = attrs.mode === void 0 ? void 0 : attrs.mode & 4095;
      result.push({ name: e.filename, type, ...mode === void 0 ? {} : { mode } });
    }
    return result;
  }
};

// src/core/communicator/transfer.ts
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readdir as readdir2, stat as stat2 } from "node:fs/promises";
import path3 from "node:path";
import { Transform } from "node:stream";
var ByteCounter = class {
  constructor(phase, total, report, intervalMs = 1e3) {
    this.phase = phase;
    this.total = total;
    this.report = report;
    this.intervalMs = intervalMs;
  }
  phase;
  total;
  report;
  intervalMs;
  done = 0;
  last = 0;
  reported;
  through() {
    return new Transform({
      transform: (chunk, _enc, cb) => {
        this.add(chunk.length);
        cb(null, chunk);
      }
    });
  }
  add(n) {
    this.done += n;
    const now = Date.now();
    if (this.report && now - this.last >= this.intervalMs) {
      this.last = now;
      this.emit();
    }
  }
  /** The final count, unless the last report already showed it (a small file's one chunk). */
  finish() {
    if (this.reported !== this.done) this.emit();
  }
  emit() {
    this.reported = this.done;
    this.report?.({ phase: this.phase, done: this.done, unit: "bytes", ...this.total === void 0 ? {} : { total: this.total } });
  }
};
async function walkLocal(dir, remoteDir, files, dirs) {
  dirs.push(remoteDir);
  const entries = await readdir2(dir);
  entries.sort();
  for (const name of entries) {
    const local = path3.join(dir, name);
    const st = await stat2(local);
    const remote = remoteJoin(remoteDir, name);
    if (st.isDirectory()) await walkLocal(local, remote, files, dirs);
    else if (st.isFile()) files.push({ local, remote, size: st.size, mode: st.mode & 4095 });
  }
}
async function uploadLocalPath(fs, localPath, remotePath, options = {}) {
  let st;
  try {
    st = await stat2(localPath);
  } catch (err) {
    throw new Error(`cannot upload ${localPath}: ${err.message}`);
  }
  const plan = planUpload(localPath, st.isDirectory(), remotePath);
  const files = [];
  const dirs = [];
  if (plan.kind === "directory") await walkLocal(localPath, plan.target, files, dirs);
  else files.push({ local: localPath, remote: plan.target, size: st.size, mode: st.mode & 4095 });
  const total = files.reduce((n, f) => n + f.size, 0);
  const counter = new ByteCounter(`upload ${baseName(localPath) || localPath} \u2192 ${plan.target}`, total, options.onProgress);
  for (const d of dirs) await fs.mkdirp(d, options.signal);
  for (const f of files) {
    const file = createReadStream(f.local);
    try {
      await fs.writeFile(f.remote, file.pipe(counter.through()), f.mode, options.signal);
    } finally {
      file.destroy();
    }
  }
  counter.finish();
}
async function uploadData(fs, remotePath, data, mode, options = {}) {
  await fs.writeFile(remotePath, data, mode, options.signal);
}
async function isLocalDirectory(p) {
  try {
    return (await stat2(p)).isDirectory();
  } catch {
    return false;
  }
}
async function downloadFile(fs, remote, local, mode, counter, signal) {
  await mkdir(path3.dirname(local), { recursive: true, mode: 493 });
  const out = createWriteStream(local, { mode: mode ?? 420 });
  const counting = counter.through();
  counting.pipe(out);
  const written = new Promise((resolve, reject) => {
    out.once("finish", resolve);
    out.once("error", reject);
  });
  try {
    await fs.readFile(remote, counting, signal);
    await written;
  } catch (err) {
    out.destroy();
    throw err;
  }
}
async function downloadTree(fs, remoteDir, localDir, counter, signal) {
  await mkdir(localDir, { recursive: true, mode: 493 });
  for (const e of await fs.list(remoteDir, signal)) {
    const remote = remoteJoin(remoteDir, e.name);
    const local = path3.join(localDir, e.name);
    if (e.type === "directory") await downloadTree(fs, remote, local, counter, signal);
    else if (e.type === "file") await downloadFile(fs, remote, local, e.mode, counter, signal);
  }
}
async function downloadRemotePath(fs, remotePath, localPath, options = {}) {
  const counter = new ByteCounter(`download ${remotePath} \u2192 ${localPath}`, void 0, options.onProgress);
  const { signal } = options;
  if (isGlob(remotePath)) {
    const dir = remoteDirName(remotePath);
    const pattern = globToRegExp(baseName(remotePath));
    const matches = (await fs.list(dir, signal)).filter((e) => pattern.test(e.name));
    if (matches.length === 0) throw new Error(`no remote file matches ${remotePath}`);
    for (const m of matches) {
      const remote = remoteJoin(dir, m.name);
      const local = path3.join(localPath, m.name);
      if (m.type === "directory") await downloadTree(fs, remote, local, counter, signal);
      else if (m.type === "file") await downloadFile(fs, remote, local, m.mode, counter, signal);
    }
    counter.finish();
    return;
  }
  const st = await fs.stat(remotePath, signal);
  if (!st) throw new Error(`the remote path ${remotePath} does not exist`);
  const target = planDownload(remotePath, localPath, await isLocalDirectory(localPath));
  if (st.type === "directory") await downloadTree(fs, remotePath, target, counter, signal);
  else if (st.type === "file") await downloadFile(fs, remotePath, target, st.mode, counter, signal);
  else throw new Error(`the remote path ${remotePath} is neither a file nor a directory`);
  counter.finish();
}

// src/core/communicator/types.ts
var ConnectionLostError = class extends Error {
  name = "ConnectionLostError";
};
var CMD_DISCONNECT = 2300218;

// src/core/communicator/ssh-communicator.ts
function toReadable(data) {
  return typeof data === "string" || Buffer.isBuffer(data) ? Readable.from([Buffer.from(data)]) : data;
}
function killRemote(channel) {
  const internals = channel;
  try {
    const id = internals.outgoing?.id;
    if (id !== void 0 && internals.outgoing?.state !== "closed" && internals.outgoing?.state !== "closing") internals._client?._protocol?.signal(id, "KILL");
    channel.close();
  } catch {
  }
}
function signalNumber(name) {
  return osConstants.signals[`SIG${name}`];
}
var SshCommunicator = class {
  constructor(conn, options) {
    this.conn = conn;
    this.options = options;
    this.hostKeyFingerprint = conn.hostKeyFingerprint;
    conn.client.on("error", (err) => options.logger.debug(`ssh: ${err.message}`));
    conn.client.once("close", () => {
      this.closed = true;
      for (const l of this.closeListeners) l();
      this.closeListeners.clear();
    });
  }
  conn;
  options;
  closed = false;
  fs;
  closeListeners = /* @__PURE__ */ new Set();
  hostKeyFingerprint;
  /** False once the connection has dropped or been closed. */
  get connected() {
    return !this.closed;
  }
  /** Calls `listener` once when the connection goes away; returns an unsubscribe function. */
  onClose(listener) {
    if (this.closed) {
      listener();
      return () => {
      };
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }
  get client() {
    if (this.closed) throw new ConnectionLostError("the SSH connection is closed");
    return this.conn.client;
  }
  async exec(command, options = {}) {
    const { signal } = options;
    signal?.throwIfAborted();
    const client = this.client;
    const pty = options.pty ?? this.options.pty;
    return new Promise((resolve, reject) => {
      let exitCode;
      let exitSignal;
      let channel;
      let done = false;
      const finish = (err) => {
        if (done) return;
        done = true;
        signal?.removeEventListener("abort", onAbort);
        if (err) return reject(err);
        if (exitCode === void 0 && exitSignal === void 0) return resolve({ disconnected: true });
        const code = exitCode ?? 128 + (signalNumber(exitSignal ?? "") ?? 0);
        resolve({ exitCode: code, ...exitSignal ? { exitSignal } : {}, disconnected: false });
      };
      const onAbort = () => {
        if (channel) killRemote(channel);
        finish(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const lost = (message) => new ConnectionLostError(`the SSH connection dropped: ${message}`);
      try {
        client.exec(command, pty ? { pty: { term: "xterm", rows: 40, cols: 80 } } : {}, (err, ch) => {
          if (err) return finish(this.closed ? lost(err.message) : err);
          channel = ch;
          if (done) return killRemote(ch);
          ch.on("exit", (code, sig) => {
            if (typeof code === "number") exitCode = code;
            else if (sig) exitSignal = sig.replace(/^SIG/, "");
          });
          ch.on("data", (chunk) => options.onStdout?.(chunk));
          ch.stderr.on("data", (chunk) => options.onStderr?.(chunk));
          ch.on("error", (e) => this.options.logger.debug(`ssh channel: ${e.message}`));
          ch.once("close", () => finish());
          if (options.stdin === void 0) {
            ch.end();
          } else {
            const input = toReadable(options.stdin);
            input.on("error", (e) => {
              killRemote(ch);
              finish(e);
            });
            input.pipe(ch);
          }
        });
      } catch (err) {
        finish(this.closed || /not connected/i.test(err.message) ? lost(err.message) : err);
      }
    });
  }
  /** The file-transfer backend, chosen once per connection. */
  remoteFs() {
    this.fs ??= this.chooseFs();
    return this.fs;
  }
  async chooseFs() {
    const execFs = new ExecFs((cmd, opts) => this.exec(cmd, { ...opts, pty: false }));
    if (this.options.fileTransfer === "exec") return execFs;
    try {
      const sftp = await new Promise((resolve, reject) => {
        try {
          this.client.sftp((err, s) => err ? reject(err) : resolve(s));
        } catch (err) {
          reject(err);
        }
      });
      return new SftpFs(sftp);
    } catch (err) {
      if (this.closed) {
        this.fs = void 0;
        throw new ConnectionLostError(`the SSH connection dropped: ${err.message}`);
      }
      this.options.logger.debug(`SFTP is not available (${err.message}); transferring files with remote commands`);
      return execFs;
    }
  }
  async transfer(what, fn) {
    const fs = await this.remoteFs();
    try {
      return await fn(fs);
    } catch (err) {
      if (this.closed && !(err instanceof ConnectionLostError)) throw new ConnectionLostError(`the SSH connection dropped while ${what}: ${err.message}`);
      throw err;
    }
  }
  progress = (p) => this.options.logger.progress(p);
  async upload(remotePath, data, mode = 420, signal) {
    await this.transfer(`uploading ${remotePath}`, (fs) => uploadData(fs, remotePath, toReadable(data), mode, signal ? { signal } : {}));
  }
  async uploadPath(localPath, remotePath, signal) {
    await this.transfer(`uploading ${localPath}`, (fs) => uploadLocalPath(fs, localPath, remotePath, { onProgress: this.progress, ...signal ? { signal } : {} }));
  }
  async downloadPath(remotePath, localPath, signal) {
    await this.transfer(`downloading ${remotePath}`, (fs) => downloadRemotePath(fs, remotePath, localPath, { onProgress: this.progress, ...signal ? { signal } : {} }));
  }
  async remove(remotePath, signal) {
    await this.transfer(`removing ${remotePath}`, (fs) => fs.remove(remotePath, signal));
  }
  /** Which transfer backend this connection uses ("sftp" or "exec"); opens it if needed. */
  async fileTransferKind() {
    return (await this.remoteFs()).kind;
  }
  async close() {
    if (this.closed) return;
    await new Promise((resolve) => {
      this.conn.client.once("close", () => resolve());
      this.conn.client.end();
      setTimeout(() => {
        this.conn.client.destroy();
        resolve();
      }, 2e3).unref();
    });
    this.conn.bastion?.end();
  }
};

// src/core/communicator/ssh-connect.ts
var PACKER_RETRY_INTERVAL = 5e3;
var PACKER_HANDSHAKE_ERROR_PAUSE = 2e3;
var DEFAULT_HANDSHAKE_TIMEOUT = 6e4;
function retryPause(last, interval = PACKER_RETRY_INTERVAL, handshakePause = PACKER_HANDSHAKE_ERROR_PAUSE) {
  return interval + (last === "handshake" || last === "handshake-timeout" || last === "auth" ? handshakePause : 0);
}
function describeKind(err) {
  switch (err.kind) {
    case "refused":
      return `connection refused by ${err.endpoint}`;
    case "handshake-timeout":
      return `handshake timeout with ${err.endpoint}`;
    case "auth":
      return `authentication failed at ${err.endpoint}: ${err.message}`;
    default:
      return `${err.endpoint}: ${err.message}`;
  }
}
function timeoutAdvice(config, last, authFailures) {
  if (last.kind !== "auth") return "Check that the guest runs an SSH server reachable on that port, or raise communicator.sshTimeout.";
  const offered = [
    config.sshPassword !== void 0 ? "a password (communicator.sshPassword)" : void 0,
    config.sshPrivateKeyFile ? `the key in ${config.sshPrivateKeyFile} (communicator.sshPrivateKeyFile)` : void 0,
    config.sshAgentAuth ? "the keys of the SSH agent (communicator.sshAgentAuth)" : void 0
  ].filter((o) => o !== void 0);
  return `The SSH server answered but rejected the credentials (${authFailures} time(s)): user '${config.sshUsername}' with ${offered.length > 0 ? offered.join(", ") : "no password or key"}. Check communicator.sshUsername and the password or key, and that the guest has that user with them by then (a cloud-init seed, preseed or kickstart that sets them must have run), or raise communicator.sshTimeout if it sets them late.`;
}
async function dialTargets(config, address, options) {
  if (!config.sshUsername) throw new UserError("communicator.sshUsername: an SSH username is required to connect");
  const env = options.env ?? process.env;
  let pinned;
  if (options.hostKeyFingerprint !== void 0) {
    pinned = normaliseFingerprint(options.hostKeyFingerprint);
    if (!pinned) throw new UserError(`host key fingerprint "${options.hostKeyFingerprint}" is not an OpenSSH SHA256 fingerprint (SHA256:<43 base64 characters>, as ssh-keygen -lf prints)`);
  }
  const target = {
    host: address.host,
    port: address.port,
    auth: await authMethods(
      {
        username: config.sshUsername,
        ...config.sshPassword !== void 0 ? { password: config.sshPassword } : {},
        ...config.sshPrivateKeyFile ? { privateKeyFile: config.sshPrivateKeyFile } : {},
        agentAuth: config.sshAgentAuth
      },
      "ssh",
      env
    ),
    ...pinned ? { hostKeyFingerprint: pinned } : {}
  };
  if (!config.sshBastionHost) return { target };
  const keyFile = config.sshBastionPrivateKeyFile ?? config.sshPrivateKeyFile;
  const bastion = {
    host: config.sshBastionHost,
    port: config.sshBastionPort,
    auth: await authMethods(
      {
        username: config.sshBastionUsername ?? config.sshUsername,
        ...config.sshBastionPassword !== void 0 ? { password: config.sshBastionPassword } : {},
        ...keyFile ? { privateKeyFile: keyFile } : {},
        agentAuth: false
      },
      "sshBastion",
      env
    )
  };
  return { target, bastion };
}
async function connectSsh(config, address, options) {
  const { logger, signal } = options;
  options.masker?.add(config.sshPassword);
  options.masker?.add(config.sshBastionPassword);
  const targets = await dialTargets(config, address, options);
  let communicator = await waitForSsh(config, targets, options, address.guestUpPort);
  if (config.pauseBeforeConnecting > 0 && !options.reconnect) {
    await communicator.close();
    logger.info(`Pausing ${formatGoDuration(config.pauseBeforeConnecting)} before connecting...`);
    await sleep(config.pauseBeforeConnecting, signal);
    communicator = await waitForSsh(config, targets, options, address.guestUpPort);
  }
  return communicator;
}
async function waitForSsh(config, targets, options, guestUpPort) {
  const { logger, signal } = options;
  const retryInterval = options.retryInterval ?? PACKER_RETRY_INTERVAL;
  const handshakePause = options.handshakeErrorPause ?? PACKER_HANDSHAKE_ERROR_PAUSE;
  const handshakeTimeout = options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT;
  const started = Date.now();
  const deadline = config.sshTimeout > 0 ? started + config.sshTimeout : Infinity;
  const { target, bastion } = targets;
  const endpoint = `${target.host}:${target.port}`;
  const where = `${config.sshUsername}@${endpoint}${bastion ? ` via ${bastion.host}:${bastion.port}` : ""}`;
  const viaBanner = !bastion && options.probeBanner !== false;
  logger.info(`Waiting for SSH to become available on ${where}...`);
  let authFailures = 0;
  let last;
  const probes = {
    reachable: false,
    onFailure: (f) => logger.debug(`SSH: ${describeKind(new DialError(f.kind, endpoint, f.message))}; waiting for the server's banner`)
  };
  for (let attempt2 = 1; ; attempt2++) {
    if (last && (!viaBanner || last.kind === "auth")) {
      await sleep(Math.min(retryPause(last.kind, retryInterval, handshakePause), Math.max(0, deadline - Date.now())), signal);
    }
    signal.throwIfAborted();
    if (Date.now() >= deadline && last) {
      throw new UserError(
        `Timeout waiting for SSH: no SSH session with ${where} after ${formatGoDuration(config.sshTimeout)} (${attempt2 - 1} tries); last error: ${describeKind(last)}. ` + timeoutAdvice(config, last, authFailures)
      );
    }
    let socket;
    if (viaBanner) {
      const reached = await connectUntilBanner({ host: target.host, port: target.port, ...guestUpPort !== void 0 ? { guestUpPort } : {} }, Math.max(0, deadline - Date.now()), signal, probes);
      if (!(reached instanceof Socket)) {
        const failure = new DialError(reached.kind, endpoint, reached.message);
        logger.debug(`SSH try ${attempt2} failed: ${describeKind(failure)}`);
        if (!(failure.kind === "handshake-timeout" && last)) last = failure;
        continue;
      }
      socket = reached;
    }
    const remaining = deadline - Date.now();
    const cutByDeadline = remaining < handshakeTimeout;
    try {
      const dialed = await dialSsh({
        ...targets,
        keepAliveInterval: config.sshKeepAliveInterval,
        handshakeTimeout: Math.max(1e3, Math.min(handshakeTimeout, remaining)),
        signal,
        ...socket ? { socket } : {}
      });
      logger.info("Connected to SSH!");
      if (dialed.hostKeyFingerprint) logger.debug(`SSH host key ${dialed.hostKeyFingerprint}`);
      return new SshCommunicator(dialed, { pty: config.sshPty, logger, ...options.fileTransfer ? { fileTransfer: options.fileTransfer } : {} });
    } catch (err) {
      socket?.destroy();
      if (!(err instanceof DialError)) throw err;
      logger.debug(`SSH try ${attempt2} failed: ${describeKind(err)}`);
      const cutShort = err.kind === "handshake-timeout" && cutByDeadline && last !== void 0;
      if (!cutShort) last = err;
      if (err.kind === "host-key") throw new UserError(`SSH host key check failed for ${where}: ${err.message}`);
      if (err.kind === "auth") {
        authFailures++;
        if (config.sshHandshakeAttempts > 0 && authFailures >= config.sshHandshakeAttempts) {
          throw new UserError(
            `SSH authentication failed ${authFailures} time(s) for ${where}: ${err.message}. Check communicator.sshUsername and sshPassword / sshPrivateKeyFile, or raise sshHandshakeAttempts if the guest sets its credentials late.`
          );
        }
      }
    }
  }
}

// src/core/httpserver/http-server.ts
var import_node_http = __toESM(require_http(), 1);
import { realpath, stat as stat3 } from "node:fs/promises";
import path4 from "node:path";
import { pipeline as pipeline2 } from "node:stream";

// src/core/httpserver/content-type.ts
var TYPES = {
  ".cfg": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".sh": "text/x-shellscript; charset=utf-8",
  ".ks": "text/plain; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".json": "application/json",
  ".xml": "application/xml",
  ".yaml": "application/yaml",
  ".yml": "application/yaml",
  ".iso": "application/octet-stream"
};
function contentTypeFor(file) {
  const dot = file.lastIndexOf(".");
  return (dot >= 0 ? TYPES[file.slice(dot).toLowerCase()] : void 0) ?? "application/octet-stream";
}

// src/core/httpserver/http-server.ts
async function resolveInside(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return void 0;
  }
  if (decoded.includes("\0")) return void 0;
  const candidate = path4.resolve(root, "." + path4.posix.normalize("/" + decoded));
  const realRoot = await realpath(root);
  let real;
  try {
    real = await realpath(candidate);
  } catch {
    return void 0;
  }
  if (real !== realRoot && !real.startsWith(realRoot + path4.sep)) return void 0;
  return real;
}
async function startHttpServer(options) {
  const { source, logger } = options;
  const requests = [];
  const server = import_node_http.default.createServer((req, res) => {
    const urlPath = (req.url ?? "/").split(/[?#]/, 1)[0] || "/";
    const done = (status, bytes) => {
      requests.push({ method: req.method ?? "?", path: urlPath, status, bytes });
      logger.info(`http: ${req.method} ${urlPath} \u2192 ${status} (${bytes} B) from ${req.socket.remoteAddress}`);
    };
    const fail = (status, text) => {
      res.writeHead(status, { "content-type": "text/plain" }).end(text + "\n");
      done(status, 0);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return fail(405, "method not allowed");
    void serve(urlPath, req.method === "HEAD").catch((err) => {
      logger.warn(`http: ${urlPath}: ${err instanceof Error ? err.message : String(err)}`);
      if (!res.headersSent) fail(500, "internal error");
      else res.destroy();
    });
    async function serve(p, headOnly) {
      if ("content" in source) {
        const body2 = source.content[p];
        if (body2 === void 0) return fail(404, "not found");
        const buf = Buffer.from(body2);
        res.writeHead(200, { "content-type": contentTypeFor(p), "content-length": buf.length });
        res.end(headOnly ? void 0 : buf);
        return done(200, buf.length);
      }
      let file = await resolveInside(source.directory, p);
      if (file && (await stat3(file)).isDirectory()) {
        file = await resolveInside(source.directory, path4.posix.join(p, "index.html"));
      }
      if (!file) return fail(404, "not found");
      let opened;
      try {
        opened = await openRegularFile(file);
      } catch (err) {
        if (!(err instanceof NotRegularFileError)) throw err;
        logger.warn(`http: ${p}: ${err.message}; refused`);
        return fail(403, "not a regular file");
      }
      const { handle, stats } = opened;
      const size = stats.size;
      res.writeHead(200, { "content-type": contentTypeFor(file), "content-length": size });
      if (headOnly) {
        await handle.close();
        res.end();
        return done(200, 0);
      }
      const body = handle.createReadStream();
      pipeline2(body, res, (err) => {
        if (!err || body.bytesRead === size) return done(200, size);
        logger.warn(`http: ${p}: the client went away after ${body.bytesRead} of ${size} B were read (${err.message})`);
        done(200, body.bytesRead);
      });
    }
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address();
  logger.info(`http: serving ${"directory" in source ? source.directory : `${Object.keys(source.content).length} inline file(s)`} on ${host}:${port}`);
  return {
    port,
    host,
    requests,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    })
  };
}

// src/core/pipeline/steps/export-output.ts
import { rename as rename2, rm, stat as stat4, writeFile as writeFile2 } from "node:fs/promises";
import path5 from "node:path";
function outputImagePath(outputDir, layer, vm) {
  return path5.join(outputDir, outputFileName(layer, vm));
}
async function exportOutput({ layer, vm, handle, phases, outputDir, logger, timeoutMs = 0, sbom }) {
  const image = outputImagePath(outputDir, layer, vm);
  const checksumFile = `${image}.sha256`;
  const sbomFile = sbomBeside(image);
  const pendingImage = `${image}.new.partial`;
  const pendingChecksum = `${checksumFile}.new.partial`;
  const pendingSbom = `${sbomFile}.new.partial`;
  let sha256;
  try {
    await phases.run("export disk", (s) => handle.exportDisk({ destination: pendingImage, format: vm.output.format, compress: vm.output.compress, compressionType: vm.output.compressionType, logger, signal: s }), {
      timeoutMs
    });
    sha256 = await phases.run("checksum", (s) => sha256OfFile(pendingImage, s));
    await writeFile2(pendingChecksum, checksumLine(sha256, image));
    if (sbom) await writeFile2(pendingSbom, JSON.stringify(sbom, null, 2) + "\n");
    await rm(checksumFile, { force: true });
    await rm(sbomFile, { force: true });
    await rename2(pendingImage, image);
    await rename2(pendingChecksum, checksumFile);
    if (sbom) await rename2(pendingSbom, sbomFile);
  } finally {
    await rm(pendingImage, { force: true });
    await rm(pendingChecksum, { force: true });
    await rm(pendingSbom, { force: true });
  }
  const { size } = await stat4(image);
  logger.info(`output: ${image} (${vm.output.format}${vm.output.compress ? ", compressed" : ""}, sha256 ${sha256})`);
  if (sbom) logger.info(`sbom: ${sbomFile}`);
  return { layer: layer.name, vm: vm.name, image, format: vm.output.format, compressed: vm.output.compress, bytes: size, sha256, checksumFile, ...sbom ? { sbom: sbomFile } : {} };
}

// src/core/provisioners/context.ts
var PACKER_DELAYS = {
  retry: 2e3,
  provisionerRetry: 2e3,
  windowsPoll: 5e3,
  rebootInProgress: 1e4,
  afterRestartCommand: 5e3
};
var ProvisionerError = class extends UserError {
  name = "ProvisionerError";
};
var ProvisionerTimeoutError = class extends ProvisionerError {
  name = "ProvisionerTimeoutError";
};

// src/core/provisioners/file.ts
import { mkdtemp, rm as rm2, writeFile as writeFile3 } from "node:fs/promises";
import os2 from "node:os";
import path6 from "node:path";
function resolveLocal(buildDir, p) {
  const abs = path6.resolve(buildDir, p);
  return /[/\\]$/.test(p) && !abs.endsWith(path6.sep) ? abs + path6.sep : abs;
}
async function transfer(session, what, fn) {
  try {
    await session.use(fn);
  } catch (err) {
    if (!(err instanceof ConnectionLostError)) throw new ProvisionerError(`${what}: ${err.message}`);
    await session.use(fn).catch((e) => {
      throw new ProvisionerError(`${what}: ${e.message}`);
    });
  }
}
async function runFile(p, ctx, session, logger, signal) {
  if (!p.destination) throw new ProvisionerError("file: destination is required");
  if (p.direction === "download") {
    const dest = resolveLocal(ctx.buildDir, p.destination);
    for (const source of p.sources) {
      logger.info(`Downloading ${source} => ${dest}`);
      await transfer(session, `downloading ${source}`, (comm) => comm.downloadPath(source, dest, signal));
    }
    return;
  }
  let tempDir;
  try {
    const sources = p.sources.map((s) => resolveLocal(ctx.buildDir, s));
    if (p.content !== void 0) {
      tempDir = await mkdtemp(path6.join(os2.tmpdir(), "ruddervirt-file-"));
      const file = path6.join(tempDir, "pkr-file-content");
      await writeFile3(file, p.content, { mode: 420 });
      sources.push(file);
    }
    if (sources.length === 0) throw new ProvisionerError("file: nothing to upload (set source, sources or content)");
    for (const source of sources) {
      logger.info(`Uploading ${p.content !== void 0 && source.endsWith("pkr-file-content") ? "content" : source} => ${p.destination}`);
      const hint = p.destination.endsWith("/") ? "" : ` (if ${p.destination} is a folder, end destination with '/')`;
      await transfer(session, `uploading ${source}`, (comm) => comm.uploadPath(source, p.destination, signal)).catch((err) => {
        throw err instanceof ProvisionerError && hint ? new ProvisionerError(err.message + hint) : err;
      });
    }
  } finally {
    if (tempDir) await rm2(tempDir, { recursive: true, force: true });
  }
}

// src/core/provisioners/remote-session.ts
var RemoteSession = class {
  constructor(ctx, logger) {
    this.ctx = ctx;
    this.logger = logger;
    this.comm = ctx.comm;
  }
  ctx;
  logger;
  comm;
  lost = false;
  /** The communicator to hand back to the pipeline when the provisioner is done. */
  get current() {
    return this.comm;
  }
  /** The connection dropped (a command reported a disconnect); the next use reconnects. */
  markLost() {
    this.lost = true;
  }
  /** Runs `fn` on a live communicator; a ConnectionLostError marks it lost and is rethrown. */
  async use(fn) {
    if (this.lost) await this.reconnect();
    try {
      return await fn(this.comm);
    } catch (err) {
      if (err instanceof ConnectionLostError) this.lost = true;
      throw err;
    }
  }
  async reconnect() {
    this.logger.info("Reconnecting to the guest...");
    const old = this.comm;
    await old.close().catch(() => {
    });
    this.comm = await this.ctx.reconnect();
    this.lost = false;
    return this.comm;
  }
};
function isFatal(err, signal) {
  return signal.aborted || err instanceof ProvisionerError && !(err instanceof RetryableError);
}
var RetryableError = class extends ProvisionerError {
  name = "RetryableError";
};
async function retryFor(what, limitMs, delayMs, signal, logger, fn) {
  const deadline = Date.now() + limitMs;
  for (; ; ) {
    try {
      return await fn();
    } catch (err) {
      if (isFatal(err, signal)) throw err;
      const message = err instanceof Error ? err.message : String(err);
      if (Date.now() + delayMs > deadline) {
        throw new ProvisionerError(limitMs > 0 ? `${what}: still failing after ${formatGoDuration(limitMs)}: ${message}` : `${what}: ${message}`);
      }
      logger.debug(`Retryable error: ${what}: ${message}`);
      await sleep(delayMs, signal);
    }
  }
}

// src/core/provisioners/shell.ts
import { randomInt } from "node:crypto";
import { mkdtemp as mkdtemp2, rm as rm3, writeFile as writeFile4 } from "node:fs/promises";
import os3 from "node:os";
import path7 from "node:path";
import { Transform as Transform2 } from "node:stream";

// src/core/provisioners/shell-env.ts
var POSIX_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
function shellEnvironment(input) {
  const vars = /* @__PURE__ */ new Map();
  if (input.buildName !== void 0) vars.set("PACKER_BUILD_NAME", input.buildName);
  if (input.builderType !== void 0) vars.set("PACKER_BUILDER_TYPE", input.builderType);
  if (input.httpIp && input.httpPort !== void 0 && String(input.httpPort) !== "0") {
    vars.set("PACKER_HTTP_IP", input.httpIp);
    vars.set("PACKER_HTTP_PORT", String(input.httpPort));
    vars.set("PACKER_HTTP_ADDR", `${input.httpIp}:${input.httpPort}`);
  }
  input.environmentVars.forEach((assignment, i) => {
    const eq = assignment.indexOf("=");
    if (eq <= 0 || !POSIX_NAME.test(assignment.slice(0, eq))) throw new ProvisionerError(`environmentVars[${i}]: "${assignment}" is not KEY=value with KEY a variable name`);
    vars.set(assignment.slice(0, eq), assignment.slice(eq + 1));
  });
  for (const [k, v] of Object.entries(input.env)) {
    if (!POSIX_NAME.test(k)) throw new ProvisionerError(`env: "${k}" is not a variable name`);
    vars.set(k, v);
  }
  return [...vars.entries()].sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
}
function inlineVars(vars) {
  return vars.map(([k, v]) => `${k}='${escapeSingleQuoted(v)}' `).join("");
}
function envVarFile(vars) {
  return vars.map(([k, v]) => `export ${k}='${escapeSingleQuoted(v)}'
`).join("");
}

// src/core/provisioners/shell.ts
function crlfToLf() {
  let carry = false;
  return new Transform2({
    transform(chunk, _enc, cb) {
      let text = chunk.toString("latin1");
      if (carry) text = "\r" + text;
      carry = text.endsWith("\r");
      if (carry) text = text.slice(0, -1);
      cb(null, Buffer.from(text.replace(/\r\n/g, "\n"), "latin1"));
    },
    flush(cb) {
      cb(null, carry ? Buffer.from("\r", "latin1") : null);
    }
  });
}
function render(template, fields, field) {
  try {
    return renderTemplate(template, { fields });
  } catch (err) {
    if (err instanceof TemplateError) throw new ProvisionerError(`${field}: ${err.message} (at character ${err.offset + 1} of "${template}")`);
    throw err;
  }
}
async function execStreaming(session, command, logger, signal) {
  const out = new LineSplitter((line) => logger.info(line));
  const err = new LineSplitter((line) => logger.warn(line));
  try {
    return await session.use((comm) => comm.exec(command, { onStdout: (c) => out.push(c), onStderr: (c) => err.push(c), signal }));
  } finally {
    out.end();
    err.end();
  }
}
async function openScript(script) {
  try {
    return (await openRegularFile(script.localPath)).handle;
  } catch (err) {
    if (err instanceof NotRegularFileError) throw new ProvisionerError(`shell: script ${script.label}: ${err.message}`);
    throw err;
  }
}
async function runShell(p, ctx, session, logger, signal) {
  const delays = { ...PACKER_DELAYS, ...ctx.delays };
  const remoteFile = p.remoteFile ?? `script_${randomInt(0, 9999)}.sh`;
  const remotePath = p.remotePath ?? `${p.remoteFolder.replace(/\/+$/, "")}/${remoteFile}`;
  const fields = { ...ctx.vars };
  const httpIp = fields.HTTPIP;
  const env = shellEnvironment({
    environmentVars: p.environmentVars,
    env: p.env,
    ...ctx.buildName !== void 0 ? { buildName: ctx.buildName } : {},
    ...ctx.builderType !== void 0 ? { builderType: ctx.builderType } : {},
    ...httpIp !== void 0 ? { httpIp: String(httpIp) } : {},
    ...fields.HTTPPort !== void 0 ? { httpPort: fields.HTTPPort } : {}
  });
  const envVarFilePath = p.useEnvVarFile ? `${p.remoteFolder.replace(/\/+$/, "")}/varfile_${randomInt(0, 9999)}.sh` : "";
  let tempDir;
  try {
    const scripts = [];
    if (p.inline && p.inline.length > 0) {
      tempDir = await mkdtemp2(path7.join(os3.tmpdir(), "ruddervirt-shell-"));
      const file = path7.join(tempDir, "inline.sh");
      const lines = p.inline.map((line, i) => render(line, fields, `inline[${i}]`));
      await writeFile4(file, `#!${p.inlineShebang}
${lines.map((l) => l + "\n").join("")}`, { mode: 384 });
      scripts.push({ label: "inline commands", localPath: file });
    } else {
      for (const s of [...p.script ? [p.script] : [], ...p.scripts ?? []]) {
        scripts.push({ label: s, localPath: path7.resolve(ctx.buildDir, s) });
      }
    }
    if (scripts.length === 0) throw new ProvisionerError("shell: nothing to run (set inline, script or scripts)");
    for (const script of scripts) await (await openScript(script)).close();
    if (p.useEnvVarFile) {
      const content = envVarFile(env);
      await retryFor("uploading the environment variable file", p.startRetryTimeout, delays.retry, signal, logger, () => session.use((comm) => comm.upload(envVarFilePath, content, 384, signal)));
    }
    const command = render(p.executeCommand, { ...fields, Path: remotePath, Vars: inlineVars(env), EnvVarFile: envVarFilePath, Command: remotePath }, "executeCommand");
    for (const script of scripts) {
      logger.info(`Provisioning with shell script: ${script.label}`);
      const result = await retryFor(`running ${script.label}`, p.startRetryTimeout, delays.retry, signal, logger, async () => {
        await session.use(async (comm) => {
          let data = (await openScript(script)).createReadStream();
          if (!p.binary) data = data.pipe(crlfToLf());
          return comm.upload(remotePath, data, 493, signal);
        });
        return execStreaming(session, command, logger, signal);
      });
      checkResult(p, result, session, script.label);
      if (!p.skipClean) {
        await retryFor(`removing ${remotePath}`, p.startRetryTimeout, delays.retry, signal, logger, () => removeRemote(session, remotePath, signal));
      }
    }
    if (p.useEnvVarFile && !p.skipClean) {
      await retryFor(`removing ${envVarFilePath}`, p.startRetryTimeout, delays.retry, signal, logger, () => removeRemote(session, envVarFilePath, signal));
    }
  } finally {
    if (tempDir) await rm3(tempDir, { recursive: true, force: true });
  }
}
function checkResult(p, result, session, label) {
  if (result.disconnected) session.markLost();
  const code = result.disconnected ? CMD_DISCONNECT : result.exitCode ?? CMD_DISCONNECT;
  if (code === CMD_DISCONNECT && result.disconnected) {
    if (p.expectDisconnect || p.validExitCodes.includes(CMD_DISCONNECT)) return;
    throw new ProvisionerError(
      `${label}: the script disconnected unexpectedly. If you expected your script to disconnect (a restart, for instance), set expectDisconnect: true or validExitCodes: [0, ${CMD_DISCONNECT}] on the shell provisioner.`
    );
  }
  if (!p.validExitCodes.includes(code)) {
    const how = result.exitSignal ? ` (killed by SIG${result.exitSignal})` : "";
    throw new ProvisionerError(`${label}: script exited with non-zero exit status: ${code}${how}. Allowed exit codes are: [${p.validExitCodes.join(", ")}]`);
  }
}
async function removeRemote(session, remotePath, signal) {
  await session.use((comm) => comm.remove(remotePath, signal));
}

// src/core/provisioners/powershell.ts
function encodedPowerShell(script) {
  return `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ${Buffer.from(script, "utf16le").toString("base64")}`;
}
function psQuote(value) {
  return `'${value.replaceAll("'", "''")}'`;
}

// src/core/provisioners/windows-restart.ts
var TRY_RESTART_COMMAND = 'shutdown /r /f /t 60 /c "packer restart test"';
var ABORT_RESTART_COMMAND = "shutdown /a";
var PENDING_REBOOT_KEYS = [
  "HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending",
  "HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\PackagesPending",
  "HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootInProgress"
];
var REGISTRY_CHECK_COMMAND = encodedPowerShell(`foreach ($key in @(${PENDING_REBOOT_KEYS.map(psQuote).join(", ")})) { if (Test-Path -LiteralPath $key) { Write-Output $key } }`);
var RESTART_IN_PROGRESS = /* @__PURE__ */ new Set([1115, 1190, 1717]);
var RESTART_COMMAND_OK = /* @__PURE__ */ new Set([0, 1115, 1190]);
async function run(session, command, logger, signal) {
  let stdout = "";
  const stderr = new LineSplitter((line) => logger.debug(line));
  const r = await session.use(
    (comm) => comm.exec(command, {
      onStdout: (c) => {
        stdout += c.toString("utf8");
      },
      onStderr: (c) => stderr.push(c),
      signal
    })
  ).finally(() => stderr.end());
  if (r.disconnected) session.markLost();
  return { code: r.disconnected ? void 0 : r.exitCode, stdout };
}
async function runWindowsRestart(p, ctx, session, logger, signal) {
  const delays = { ...PACKER_DELAYS, ...ctx.delays };
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new ProvisionerError(`Timeout waiting for the machine to restart (restartTimeout ${formatGoDuration(p.restartTimeout)}).`)), timerDelay(p.restartTimeout));
  const bounded = AbortSignal.any([signal, timeout.signal]);
  let lastFailure = "";
  try {
    logger.info("Restarting the machine...");
    await retryFor("running the restart command", Number.POSITIVE_INFINITY, delays.windowsPoll, bounded, logger, async () => {
      const r = await execStreaming(session, p.restartCommand, logger, bounded);
      if (r.disconnected) return session.markLost();
      if (!RESTART_COMMAND_OK.has(r.exitCode ?? -1)) {
        lastFailure = `the restart command exited with ${r.exitCode}`;
        throw new RetryableError(lastFailure);
      }
    });
    lastFailure = "";
    await sleep(delays.afterRestartCommand, bounded);
    await waitUntilRestarting(session, logger, bounded, delays);
    logger.info("Waiting for the machine to come back...");
    await waitForCheck(p, session, logger, bounded, delays.windowsPoll);
    if (p.checkRegistry) await waitForRegistry(session, logger, bounded, delays.windowsPoll);
    logger.info("Machine successfully restarted, moving on");
  } catch (err) {
    if (timeout.signal.aborted && !signal.aborted) {
      const reason = timeout.signal.reason;
      throw lastFailure ? new ProvisionerError(`${reason.message} Last failure: ${lastFailure}`) : reason;
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
async function waitUntilRestarting(session, logger, signal, delays) {
  for (; ; ) {
    logger.debug("Checking whether the machine is restarting...");
    let code;
    try {
      code = (await run(session, TRY_RESTART_COMMAND, logger, signal)).code;
    } catch (err) {
      if (signal.aborted) throw err;
      return;
    }
    if (code === void 0 || code === 1) return;
    if (RESTART_IN_PROGRESS.has(code)) {
      logger.info("A restart is already in progress, waiting...");
      await sleep(delays.rebootInProgress, signal);
      continue;
    }
    if (code === 0) {
      await run(session, ABORT_RESTART_COMMAND, logger, signal).catch(() => void 0);
      return;
    }
    await sleep(delays.windowsPoll, signal);
  }
}
async function waitForCheck(p, session, logger, signal, poll) {
  for (; ; ) {
    try {
      const { code, stdout } = await run(session, p.restartCheckCommand, logger, signal);
      if (code !== void 0 && stdout.includes("restarted.")) {
        logger.info(stdout.trim());
        return;
      }
    } catch (err) {
      if (signal.aborted) throw err;
      logger.debug(`restart check: ${err.message}`);
      if (!(err instanceof ConnectionLostError)) session.markLost();
    }
    await sleep(poll, signal);
  }
}
async function waitForRegistry(session, logger, signal, poll) {
  let reported = "";
  for (; ; ) {
    try {
      const { code, stdout } = await run(session, REGISTRY_CHECK_COMMAND, logger, signal);
      if (code === 0) {
        const pending = stdout.split(/\r?\n/).filter(Boolean);
        if (pending.length === 0) return;
        const now = pending.join(", ");
        if (now !== reported) logger.info(`Waiting for the pending-reboot registry keys to go away: ${now}`);
        reported = now;
      }
    } catch (err) {
      if (signal.aborted) throw err;
      logger.debug(`registry check: ${err.message}`);
    }
    await sleep(poll, signal);
  }
}

// src/core/provisioners/windows-update-script.ts
var UPDATE_SCRIPT_PATH = "C:/Windows/Temp/ruddervirt-windows-update.ps1";
var ELEVATED_RUNNER_PATH = "C:/Windows/Temp/ruddervirt-elevated.ps1";
var EXIT_RESTART_NEEDED = 101;
function parseFilters(filters) {
  return filters.map((f, i) => {
    const m = /^(include|exclude):(.+)$/s.exec(f.trim());
    if (!m) throw new ProvisionerError(`windows-update filters[${i}]: "${f}" must be include:EXPRESSION or exclude:EXPRESSION`);
    return { include: m[1] === "include", expression: m[2].trim() };
  });
}
function windowsUpdateScript(options) {
  const filters = parseFilters(options.filters).map((f) => `  @{ Include = $${f.include}; Test = [ScriptBlock]::Create(${psQuote(f.expression)}) }`).join(",\n");
  return `# Generated by RudderVirt's windows-update provisioner.
param([switch]$OnlyCheckForRebootRequired)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$searchCriteria = ${psQuote(options.searchCriteria)}
$updateLimit = ${Math.max(1, Math.floor(options.updateLimit))}
$filters = @(
${filters}
)

# The first filter whose expression holds for the update decides; none matching means "skip".
function Test-Wanted($update) {
  foreach ($filter in $filters) {
    if (@($update | Where-Object -FilterScript $filter.Test).Count -gt 0) { return $filter.Include }
  }
  return $false
}

# Why Windows wants a restart, or $null when it does not.
function Get-PendingRestartReason {
  if ((New-Object -ComObject Microsoft.Update.SystemInfo).RebootRequired) { return 'Windows Update says a restart is required' }
  $packages = 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\PackagesPending'
  if ((Test-Path -LiteralPath $packages) -and @(Get-ChildItem -LiteralPath $packages).Count -gt 0) { return 'component servicing has packages pending' }
  return $null
}

function Exit-ForRestart([string]$reason) {
  Write-Output "A restart is needed: $reason."
  # TiWorker (the servicing worker) goes on after installs; restarting under it can lose work.
  Write-Output 'Waiting until TiWorker.exe has stayed stopped for 15 seconds...'
  $quietSince = Get-Date
  while (((Get-Date) - $quietSince).TotalSeconds -lt 15) {
    if (Get-Process -Name TiWorker -ErrorAction SilentlyContinue) { $quietSince = Get-Date }
    Start-Sleep -Seconds 1
  }
  exit ${EXIT_RESTART_NEEDED}
}

$pending = Get-PendingRestartReason
if ($pending) { Exit-ForRestart $pending }
if ($OnlyCheckForRebootRequired) {
  Write-Output 'No restart is pending.'
  exit 0
}

$session = New-Object -ComObject Microsoft.Update.Session
$session.ClientApplicationID = 'RudderVirt'
$installed = 0
while ($true) {
  Write-Output "Searching for updates: $searchCriteria"
  $found = $session.CreateUpdateSearcher().Search($searchCriteria).Updates
  $batch = New-Object -ComObject Microsoft.Update.UpdateColl
  $moreLeft = $false
  foreach ($update in $found) {
    if (-not (Test-Wanted $update)) { Write-Output "Skipped by the filters: $($update.Title)"; continue }
    if ($update.InstallationBehavior.CanRequestUserInput) { Write-Output "Skipped (it asks for user input): $($update.Title)"; continue }
    if ($installed + $batch.Count -ge $updateLimit) { $moreLeft = $true; break }
    if (-not $update.EulaAccepted) { $update.AcceptEula() | Out-Null }
    Write-Output "Selected: $($update.Title)"
    $batch.Add($update) | Out-Null
  }
  if ($batch.Count -eq 0) {
    if ($moreLeft) { Exit-ForRestart "the updateLimit of $updateLimit was reached with updates left" }
    Write-Output 'There are no more updates to install.'
    exit 0
  }

  Write-Output "Downloading $($batch.Count) update(s)..."
  $downloader = $session.CreateUpdateDownloader()
  $downloader.Updates = $batch
  $download = $downloader.Download()
  # OperationResultCode: 2 succeeded, 3 succeeded with errors.
  if ($download.ResultCode -ne 2 -and $download.ResultCode -ne 3) { Write-Output "Downloading failed (result code $($download.ResultCode))."; exit 1 }

  Write-Output "Installing $($batch.Count) update(s)..."
  $installer = $session.CreateUpdateInstaller()
  $installer.Updates = $batch
  $result = $installer.Install()
  for ($i = 0; $i -lt $batch.Count; $i++) {
    Write-Output ("  {0}: result code {1}" -f $batch.Item($i).Title, $result.GetUpdateResult($i).ResultCode)
  }
  if ($result.ResultCode -ne 2 -and $result.ResultCode -ne 3) { Write-Output "Installing failed (result code $($result.ResultCode))."; exit 1 }
  $installed += $batch.Count

  if ($result.RebootRequired) { Exit-ForRestart 'the installed updates require it' }
  if ($moreLeft) { Exit-ForRestart "the updateLimit of $updateLimit was reached with updates left" }
  $pending = Get-PendingRestartReason
  if ($pending) { Exit-ForRestart $pending }
  # Installing can make new updates applicable (servicing stacks): search again.
}
`;
}
var ELEVATED_RUNNER_SCRIPT = `# Generated by RudderVirt's windows-update provisioner.
param([Parameter(Mandatory = $true)][string]$ScriptPath, [string]$ScriptArguments = '')
$ErrorActionPreference = 'Stop'
$name = 'ruddervirt-' + [guid]::NewGuid().ToString('N')
$log = Join-Path $env:SystemRoot "Temp\\$name.log"
$exitFile = Join-Path $env:SystemRoot "Temp\\$name.exit"

$inner = "& '$($ScriptPath.Replace("'", "''"))' $ScriptArguments *> '$log'; Set-Content -LiteralPath '$exitFile' -Value ([string]\`$LASTEXITCODE)"
$encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($inner))
$action = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument "-NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand $encoded"
$principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest
$settings = New-ScheduledTaskSettingsSet -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries -ExecutionTimeLimit ([TimeSpan]::Zero)
Register-ScheduledTask -TaskName $name -Action $action -Principal $principal -Settings $settings | Out-Null

$printed = 0
function Write-NewLines([bool]$all) {
  if (-not (Test-Path -LiteralPath $log)) { return }
  $lines = @(Get-Content -LiteralPath $log -ErrorAction SilentlyContinue)
  # While the task runs, its last line may be incomplete: hold it back.
  $upTo = if ($all) { $lines.Count } else { $lines.Count - 1 }
  for ($i = $script:printed; $i -lt $upTo; $i++) { Write-Output $lines[$i] }
  if ($upTo -gt $script:printed) { $script:printed = $upTo }
}

try {
  Start-ScheduledTask -TaskName $name
  do {
    Start-Sleep -Seconds 1
    Write-NewLines $false
    $state = (Get-ScheduledTask -TaskName $name).State
  } while ($state -eq 'Running' -or $state -eq 'Queued')
  # The exit file is written as the task's last act; give the file system a moment.
  for ($i = 0; $i -lt 10 -and -not (Test-Path -LiteralPath $exitFile); $i++) { Start-Sleep -Seconds 1 }
  Write-NewLines $true
  if (-not (Test-Path -LiteralPath $exitFile)) { Write-Output "The elevated task $name ended without an exit code (state $state)."; exit 1 }
  exit [int]((Get-Content -LiteralPath $exitFile -Raw).Trim())
} finally {
  Unregister-ScheduledTask -TaskName $name -Confirm:$false -ErrorAction SilentlyContinue
  Remove-Item -LiteralPath $log, $exitFile -ErrorAction SilentlyContinue
}
`;
function updateCommand(checkOnly) {
  const args = checkOnly ? " -ScriptArguments '-OnlyCheckForRebootRequired'" : "";
  return `powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File ${ELEVATED_RUNNER_PATH} -ScriptPath ${UPDATE_SCRIPT_PATH}${args}`;
}

// src/core/provisioners/windows-update.ts
var UPDATE_RESTART_COMMAND = 'shutdown.exe -f -r -t 0 -c "packer restart"';
var UPDATE_TEST_RESTART_COMMAND = 'shutdown.exe -f -r -t 60 -c "packer restart test"';
var UPDATE_ABORT_RESTART_COMMAND = "shutdown.exe -a";
var UPLOAD_RETRY_LIMIT = 5 * 6e4;
var DroppedError = class extends RetryableError {
  name = "DroppedError";
};
async function exitCodeOf(session, command, logger, signal) {
  const r = await execStreaming(session, command, logger, signal);
  if (r.disconnected) {
    session.markLost();
    throw new DroppedError("the connection dropped");
  }
  return r.exitCode ?? -1;
}
async function runWindowsUpdate(p, ctx, session, logger, signal) {
  const delays = { ...PACKER_DELAYS, ...ctx.delays };
  const script = windowsUpdateScript({ searchCriteria: p.searchCriteria, filters: p.filters, updateLimit: p.updateLimit });
  logger.info("Uploading the Windows update scripts...");
  await retryFor(
    "uploading the update scripts",
    UPLOAD_RETRY_LIMIT,
    delays.windowsPoll,
    signal,
    logger,
    () => session.use(async (comm) => {
      await comm.upload(ELEVATED_RUNNER_PATH, ELEVATED_RUNNER_SCRIPT, 420, signal);
      await comm.upload(UPDATE_SCRIPT_PATH, script, 420, signal);
    })
  );
  let restarts = 0;
  for (; ; ) {
    logger.info("Running Windows update...");
    const code = await runUpdateScript(p, session, logger, signal, delays);
    if (code === 0) {
      logger.info(restarts ? `Windows is up to date (${restarts} restart(s)).` : "Windows is up to date.");
      return;
    }
    for (; ; ) {
      if (restarts >= p.maxReboots) {
        throw new ProvisionerError(
          `Windows still asks for a restart after ${restarts} restart(s) (maxReboots ${p.maxReboots}); an update may be failing in a loop. Exclude it with a filter (exclude:$_.Title -like "*KB\u2026*") or raise maxReboots.`
        );
      }
      restarts++;
      await restartAndWait(p, session, logger, signal, delays);
      const pending = await checkPendingRestart(p, session, logger, signal, delays);
      if (!pending) break;
      logger.info("Another restart is pending.");
    }
  }
}
async function runUpdateScript(p, session, logger, signal, delays) {
  const tries = Math.max(1, p.updateMaxRetries);
  let last = "";
  for (let attempt2 = 1; attempt2 <= tries; attempt2++) {
    try {
      const code = await exitCodeOf(session, updateCommand(false), logger, signal);
      if (code === 0 || code === EXIT_RESTART_NEEDED) return code;
      last = `the update script exited with ${code}`;
    } catch (err) {
      if (signal.aborted || err instanceof ProvisionerError && !(err instanceof RetryableError)) throw err;
      last = err.message;
    }
    if (attempt2 < tries) {
      logger.warn(`Windows update failed (${last}); retrying (${tries - attempt2} left)...`);
      await sleep(delays.windowsPoll, signal);
    }
  }
  throw new ProvisionerError(`Windows update failed ${tries} time(s); last: ${last}`);
}
async function restartAndWait(p, session, logger, signal, delays) {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new ProvisionerError(`Timeout waiting for the machine to restart (restartTimeout ${formatGoDuration(p.restartTimeout)}).`)), timerDelay(p.restartTimeout));
  const bounded = AbortSignal.any([signal, timeout.signal]);
  let lastFailure = "";
  const step = (what, fn) => retryFor(
    what,
    Number.POSITIVE_INFINITY,
    delays.windowsPoll,
    bounded,
    logger,
    () => fn().catch((err) => {
      lastFailure = `${what}: ${err.message}`;
      throw err;
    })
  );
  try {
    logger.info("Restarting the machine...");
    await step("restarting", async () => {
      try {
        const code = await exitCodeOf(session, UPDATE_RESTART_COMMAND, logger, bounded);
        if (code !== 0) throw new RetryableError(`the restart command exited with ${code}`);
      } catch (err) {
        if (err instanceof DroppedError) return;
        throw err;
      }
    });
    logger.info("Waiting for the machine to come back...");
    await step("waiting for the restart", async () => {
      const code = await exitCodeOf(session, UPDATE_TEST_RESTART_COMMAND, logger, bounded);
      if (code !== 0) throw new RetryableError(`the test restart exited with ${code}`);
    });
    await step("cancelling the test restart", async () => {
      const code = await exitCodeOf(session, UPDATE_ABORT_RESTART_COMMAND, logger, bounded);
      if (code !== 0) throw new RetryableError(`shutdown.exe -a exited with ${code}`);
    });
  } catch (err) {
    if (timeout.signal.aborted && !signal.aborted) {
      const reason = timeout.signal.reason;
      throw lastFailure ? new ProvisionerError(`${reason.message} Last failure: ${lastFailure}`) : reason;
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
async function checkPendingRestart(p, session, logger, signal, delays) {
  return retryFor("checking for a pending restart", p.restartTimeout, delays.windowsPoll, signal, logger, async () => {
    const code = await exitCodeOf(session, updateCommand(true), logger, signal);
    if (code === 0) return false;
    if (code === EXIT_RESTART_NEEDED) return true;
    throw new RetryableError(`the pending-restart check exited with ${code}`);
  });
}

// src/core/provisioners/run-provisioner.ts
function isBug(err) {
  return err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError;
}
function provisionerLabel(p, vmName) {
  const own = p.name ?? p.type;
  return vmName ? `${vmName}/${own}` : own;
}
async function runOnce(p, ctx, session, logger, signal) {
  switch (p.type) {
    case "shell":
      return runShell(p, ctx, session, logger, signal);
    case "file":
      return runFile(p, ctx, session, logger, signal);
    case "windows-restart":
      return runWindowsRestart(p, ctx, session, logger, signal);
    case "windows-update":
      return runWindowsUpdate(p, ctx, session, logger, signal);
  }
}
async function attempt(p, ctx, session, logger) {
  if (p.pauseBefore > 0) {
    logger.info(`Pausing ${formatGoDuration(p.pauseBefore)} before the next provisioner...`);
    await sleep(p.pauseBefore, ctx.signal);
  }
  if (p.timeout <= 0) return runOnce(p, ctx, session, logger, ctx.signal);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new ProvisionerTimeoutError(`timed out after ${formatGoDuration(p.timeout)} (timeout)`)), timerDelay(p.timeout));
  try {
    await runOnce(p, ctx, session, logger, AbortSignal.any([ctx.signal, deadline.signal]));
  } catch (err) {
    if (deadline.signal.aborted && !ctx.signal.aborted) throw deadline.signal.reason;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
async function runProvisioner(p, ctx) {
  const logger = ctx.logger.child(provisionerLabel(p, ctx.vmName));
  const session = new RemoteSession(ctx, logger);
  const delays = { ...PACKER_DELAYS, ...ctx.delays };
  const tries = Math.max(0, p.maxRetries) + 1;
  for (let left = tries - 1; ; left--) {
    try {
      await attempt(p, ctx, session, logger);
      return session.current;
    } catch (err) {
      if (ctx.signal.aborted) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : err;
      const message = err instanceof Error ? err.message : String(err);
      if (left <= 0) {
        if (isBug(err)) throw err;
        const Kind = err instanceof ProvisionerTimeoutError ? ProvisionerTimeoutError : ProvisionerError;
        throw new Kind(`${provisionerLabel(p, ctx.vmName)}: ${message}`);
      }
      logger.warn(`Provisioner failed with "${message}", retrying with ${left} trie(s) left`);
      await sleep(delays.provisionerRetry, ctx.signal);
    }
  }
}

// src/core/pipeline/steps/provision.ts
async function runProvisioners(req) {
  const { build, vm, handle, phases, logger } = req;
  let comm = req.comm;
  const vars = bootCommandFields(vm, handle);
  const peerEnv = peerEnvironment(req.peers ?? []);
  for (const [i, declared] of vm.provisioners.entries()) {
    const p = declared.type === "shell" && Object.keys(peerEnv).length > 0 ? { ...declared, env: { ...peerEnv, ...declared.env } } : declared;
    comm = await phases.run(
      `provision ${i + 1}/${vm.provisioners.length}: ${provisionerLabel(p)}`,
      (s) => runProvisioner(p, {
        comm,
        logger,
        vars,
        buildDir: build.dir,
        signal: s,
        reconnect: () => req.reconnect(s),
        vmName: vm.name,
        buildName: build.name,
        builderType: "ruddervirt"
      }),
      { timeoutMs: req.provisionTimeoutMs }
    );
  }
  return comm;
}

// src/core/pipeline/steps/shutdown.ts
async function shutdownVm({ vm, handle, comm, logger, signal }) {
  if (vm.shutdownCommand && comm) {
    logger.info(`shutdown: running shutdownCommand`);
    const out = new LineSplitter((line) => logger.info(line));
    const err = new LineSplitter((line) => logger.info(line));
    void comm.exec(vm.shutdownCommand, { signal, onStdout: (c) => out.push(c), onStderr: (c) => err.push(c) }).finally(() => {
      out.end();
      err.end();
    }).then((r) => {
      if (r.exitCode !== void 0 && r.exitCode !== 0) logger.warn(`shutdownCommand exited with status ${r.exitCode}`);
    }).catch(() => void 0);
  } else if (vm.communicator.type === "none") {
    logger.info(`shutdown: waiting up to ${formatGoDuration(vm.shutdownTimeout)} for the guest to power off`);
  } else {
    logger.info("shutdown: pressing the ACPI power button");
    await handle.powerOff();
  }
  if (await handle.waitForShutdown(vm.shutdownTimeout, signal)) {
    logger.info("shutdown: the VM stopped");
    return;
  }
  logger.warn(`shutdown: the VM did not stop within shutdownTimeout (${formatGoDuration(vm.shutdownTimeout)}); forcing it off \u2014 the image may hold an unclean filesystem`);
  await handle.stop();
}

// src/core/sbom/package-db.ts
var PROBE = "m=none; if command -v dpkg-query >/dev/null 2>&1 && [ -f /var/lib/dpkg/status ]; then m=dpkg; elif command -v rpm >/dev/null 2>&1 && { [ -d /var/lib/rpm ] || [ -d /usr/lib/sysimage/rpm ]; }; then m=rpm; elif [ -f /lib/apk/db/installed ]; then m=apk; fi";
var QUERY_COMMAND = {
  dpkg: "dpkg-query -W -f '${db:Status-Status}\\t${Package}\\t${Version}\\t${Architecture}\\t${source:Package}\\t${source:Version}\\t${Homepage}\\n'",
  rpm: "rpm -qa --qf '%{NAME}\\t%|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE}\\t%{ARCH}\\t%{LICENSE}\\t%{URL}\\t%{SOURCERPM}\\n'",
  apk: "cat /lib/apk/db/installed"
};
var PACKAGES_MARK = "--- ruddervirt: installed packages ---";
var SBOM_COMMAND = `${PROBE}; echo "$m"; cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null || true; printf '\\n%s\\n' '${PACKAGES_MARK}'; case "$m" in ${Object.keys(QUERY_COMMAND).map((m) => `${m}) ${QUERY_COMMAND[m]} ;;`).join(" ")} esac`;
function splitSbomOutput(stdout) {
  const at = stdout.indexOf(`
${PACKAGES_MARK}
`);
  if (at < 0) return void 0;
  return { probe: stdout.slice(0, at), packages: stdout.slice(at + PACKAGES_MARK.length + 2) };
}
function parseProbe(output) {
  const lines = output.split(/\r?\n/);
  const first = (lines[0] ?? "").trim();
  const manager = first === "dpkg" || first === "rpm" || first === "apk" ? first : void 0;
  return { manager, os: parseOsRelease(lines.slice(1).join("\n")) };
}
function parseOsRelease(text) {
  const values = /* @__PURE__ */ new Map();
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let v = m[2];
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2 || v.startsWith("'") && v.endsWith("'") && v.length >= 2) v = v.slice(1, -1);
    values.set(m[1], v.replace(/\\(["\\$`])/g, "$1"));
  }
  const os4 = {};
  if (values.get("ID")) os4.id = values.get("ID");
  if (values.get("VERSION_ID")) os4.versionId = values.get("VERSION_ID");
  if (values.get("PRETTY_NAME")) os4.prettyName = values.get("PRETTY_NAME");
  return os4;
}
var nonEmpty = (s) => s === void 0 || s === "" || s === "(none)" ? void 0 : s;
function parseDpkg(output) {
  const out = [];
  for (const line of output.split("\n")) {
    const [status, name, version, arch, sourceName, sourceVersion, homepage] = line.replace(/\r$/, "").split("	");
    if (status !== "installed" || !name || !version) continue;
    const pkg = { name, version };
    if (nonEmpty(arch)) pkg.arch = arch;
    if (nonEmpty(homepage)) pkg.homepage = homepage;
    if (nonEmpty(sourceName) && (sourceName !== name || sourceVersion && sourceVersion !== version)) pkg.source = { name: sourceName, ...nonEmpty(sourceVersion) ? { version: sourceVersion } : {} };
    out.push(pkg);
  }
  return out;
}
function parseRpm(output) {
  const out = [];
  for (const line of output.split("\n")) {
    const [name, version, arch, license, url, sourceRpm] = line.replace(/\r$/, "").split("	");
    if (!name || !version || name === "gpg-pubkey") continue;
    const pkg = { name, version };
    if (nonEmpty(arch)) pkg.arch = arch;
    if (nonEmpty(license)) pkg.license = license;
    if (nonEmpty(url)) pkg.homepage = url;
    const src = nonEmpty(sourceRpm) ? /^(.+)-([^-]+-[^-]+)\.src\.rpm$/.exec(sourceRpm) : null;
    if (src && src[1] !== name) pkg.source = { name: src[1], version: src[2] };
    out.push(pkg);
  }
  return out;
}
function parseApk(db) {
  const out = [];
  for (const record of db.split(/\r?\n\s*\r?\n/)) {
    const fields = /* @__PURE__ */ new Map();
    for (const line of record.split(/\r?\n/)) {
      const m = /^([A-Za-z]):(.*)$/.exec(line);
      if (m && !fields.has(m[1])) fields.set(m[1], m[2]);
    }
    const name = fields.get("P");
    const version = fields.get("V");
    if (!name || !version) continue;
    const pkg = { name, version };
    if (fields.get("A")) pkg.arch = fields.get("A");
    if (fields.get("L")) pkg.license = fields.get("L");
    if (fields.get("U")) pkg.homepage = fields.get("U");
    const origin = fields.get("o");
    if (origin && origin !== name) pkg.source = { name: origin };
    out.push(pkg);
  }
  return out;
}
var PARSERS = { dpkg: parseDpkg, rpm: parseRpm, apk: parseApk };

// src/core/sbom/read-guest.ts
var MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
async function capture(comm, command, signal) {
  const out = [];
  const err = [];
  let bytes = 0;
  const result = await comm.exec(command, {
    signal,
    onStdout: (c) => {
      bytes += c.length;
      if (bytes <= MAX_OUTPUT_BYTES) out.push(c);
    },
    onStderr: (c) => {
      if (err.length < 64) err.push(c);
    }
  });
  if (bytes > MAX_OUTPUT_BYTES) throw new Error(`the guest printed more than ${MAX_OUTPUT_BYTES} bytes for '${command}'`);
  if (result.disconnected) throw new Error(`the SSH connection dropped while running '${command}'`);
  return { code: result.exitCode, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") };
}
async function readGuestSbom(req) {
  const run2 = await capture(req.comm, SBOM_COMMAND, req.signal);
  const output = splitSbomOutput(run2.stdout);
  if (!output) return { skipped: `the guest's shell could not run the probe for a package database (exit ${run2.code ?? "unknown"})` };
  const { manager, os: os4 } = parseProbe(output.probe);
  if (!manager) return { skipped: "no package database in the guest (no dpkg, rpm or apk database)" };
  if (run2.code !== 0) throw new Error(`reading the ${manager} database failed (exit ${run2.code ?? "unknown"}): ${run2.stderr.trim().split("\n").slice(-3).join(" ")}`);
  const packages = PARSERS[manager](output.packages);
  if (packages.length === 0) throw new Error(`the guest's ${manager} database lists no installed package`);
  const created = (req.now ?? /* @__PURE__ */ new Date()).toISOString().replace(/\.\d{3}Z$/, "Z");
  return { document: buildSpdx({ name: req.name, manager, os: os4, packages, tool: req.tool, created }), manager, packages: packages.length };
}

// src/core/pipeline/steps/sbom.ts
async function readSbom(req) {
  const { phases, logger } = req;
  const result = await phases.run("sbom", (signal) => readGuestSbom({ comm: req.comm, name: `${req.build.name} ${req.layer.name}/${req.vm.name}`, tool: { name: "ruddervirt", version: package_default.version }, signal }));
  const record = phases.records.at(-1);
  if ("skipped" in result) {
    logger.info(`sbom: skipped: ${result.skipped}`);
    if (record?.phase === "sbom") Object.assign(record, { status: "skipped", detail: result.skipped });
  } else {
    logger.info(`sbom: ${result.packages} ${result.manager} package(s)`);
    if (record?.phase === "sbom") record.detail = `${result.packages} ${result.manager} packages`;
  }
  return result;
}

// src/core/pipeline/vm-steps.ts
function requireHandle(state) {
  if (!state.handle) throw new Error("internal: this step needs a running VM (start vm, or one attached by an earlier stage)");
  return state.handle;
}
function dial(ctx, handle, signal, reconnect) {
  return handle.sshAddress(signal).then((address) => connectSsh(ctx.vm.communicator, address, { logger: ctx.logger, signal, reconnect, ...ctx.masker ? { masker: ctx.masker } : {} }));
}
var STEPS = [
  {
    name: "http server",
    absent: (ctx) => !(ctx.vm.httpDirectory || ctx.vm.httpContent) || ctx.engine.servesHttpItself === true,
    async run(ctx, state) {
      const { vm } = ctx;
      state.http = await startHttpServer({ source: vm.httpDirectory ? { directory: vm.httpDirectory } : { content: vm.httpContent ?? {} }, logger: ctx.logger });
    },
    cleanup: (_ctx, state) => state.http?.close()
  },
  {
    name: "start vm",
    timeoutMs: (ctx) => ctx.timeouts.boot ?? 0,
    async run(ctx, state, signal) {
      state.handle = await ctx.engine.startVm({
        build: ctx.build,
        vm: ctx.vm,
        workDir: ctx.workDir,
        logDir: ctx.logDir,
        logger: ctx.logger,
        signal,
        ...state.http ? { http: { port: state.http.port } } : {},
        ...ctx.parentDisk ? { parentDisk: ctx.parentDisk } : {}
      });
    }
    // The VM's own stop is registered by the runner (it depends on how the slice ends).
  },
  {
    name: "boot wait",
    absent: (ctx) => ctx.vm.bootWait <= 0,
    run: (ctx, _state, signal) => sleep(ctx.vm.bootWait, signal)
  },
  {
    name: "boot command",
    skip: (ctx) => ctx.vm.bootCommand.length === 0 ? "none given" : void 0,
    timeoutMs: (ctx) => ctx.timeouts.bootCommand ?? 0,
    run: (ctx, state, signal) => typeBootCommand({
      vm: ctx.vm,
      handle: requireHandle(state),
      logDir: ctx.logDir,
      logger: ctx.logger,
      signal,
      ...ctx.masker ? { masker: ctx.masker } : {},
      onSecretTyped: () => state.secretOnScreen = true
    })
  },
  {
    name: "wait for dependencies",
    absent: (ctx) => ctx.vm.dependsOn.length === 0 || !ctx.layerSync,
    phase: (ctx) => `wait for ${ctx.vm.dependsOn.join(", ")}`,
    run: (ctx, _state, signal) => ctx.layerSync.waitFor(ctx.vm.dependsOn, signal)
  },
  {
    name: "wait for ssh",
    skip: (ctx) => ctx.vm.communicator.type !== "ssh" ? "communicator none" : void 0,
    // connectSsh applies pauseBeforeConnecting itself, on the first connection only.
    async run(ctx, state, signal) {
      state.comm = await dial(ctx, requireHandle(state), signal, false);
    },
    // Provisioners may replace the connection (reboots): whichever is current is closed.
    cleanup: (_ctx, state) => state.comm?.close()
  },
  {
    name: "provision",
    skip: (ctx) => ctx.vm.communicator.type !== "ssh" ? "communicator none" : ctx.vm.provisioners.length === 0 ? "no provisioners" : void 0,
    ownPhases: true,
    async run(ctx, state, signal) {
      const handle = requireHandle(state);
      if (!state.comm) throw new Error("internal: provision runs after wait for ssh");
      const peers = ctx.engine.peerAddresses?.(ctx.build, ctx.layer, ctx.vm) ?? [];
      if (peers.length > 0) ctx.logger.info(`peers: ${peers.map((p) => `${p.vm}=${p.address}`).join(", ")} (RUDDERVIRT_PEER_* in shell provisioners)`);
      state.comm = await runProvisioners({
        build: ctx.build,
        vm: ctx.vm,
        handle,
        comm: state.comm,
        phases: ctx.phases,
        logger: ctx.logger,
        signal,
        peers,
        provisionTimeoutMs: ctx.timeouts.provision ?? 0,
        reconnect: (s) => dial(ctx, handle, s, true)
      });
    }
  },
  {
    name: "keep running for dependents",
    absent: (ctx) => (ctx.layerSync?.dependentsOf(ctx.vm.name) ?? []).length === 0,
    phase: (ctx) => `keep running for ${ctx.layerSync.dependentsOf(ctx.vm.name).join(", ")}`,
    // Peers provision against this VM (a database for an app): keep it up until they are done.
    run: (ctx, _state, signal) => ctx.layerSync.waitForDependents(ctx.vm.name, signal)
  },
  {
    name: "sbom",
    skip: (ctx) => !ctx.vm.output.sbom ? "output.sbom is false" : ctx.vm.communicator.type !== "ssh" ? "communicator none" : void 0,
    ownPhases: true,
    async run(ctx, state, signal) {
      const handle = requireHandle(state);
      let own;
      try {
        const comm = state.comm ?? (own = await dial(ctx, handle, signal, false));
        state.sbom = await readSbom({ build: ctx.build, layer: ctx.layer, vm: ctx.vm, comm, phases: ctx.phases, logger: ctx.logger });
      } finally {
        await own?.close().catch(() => void 0);
      }
    }
  },
  {
    name: "shutdown",
    skip: (_ctx, state) => state.handle && !state.handle.isRunning() ? "the VM had already stopped" : void 0,
    timeoutMs: (ctx) => ctx.timeouts.shutdown ?? 0,
    async run(ctx, state, signal) {
      const handle = requireHandle(state);
      const { vm } = ctx;
      let own;
      if (!state.comm && vm.shutdownCommand && vm.communicator.type === "ssh") own = await dial(ctx, handle, signal, false);
      try {
        const comm = state.comm ?? own;
        await shutdownVm({ vm, handle, logger: ctx.logger, signal, ...comm ? { comm } : {} });
      } finally {
        await own?.close().catch(() => void 0);
      }
    }
  },
  {
    name: "export",
    ownPhases: true,
    async run(ctx, state) {
      state.output = await exportOutput({
        layer: ctx.layer,
        vm: ctx.vm,
        handle: requireHandle(state),
        phases: ctx.phases,
        outputDir: ctx.outputDir,
        logger: ctx.logger,
        timeoutMs: ctx.timeouts.export ?? 0,
        ...state.sbom && "document" in state.sbom ? { sbom: state.sbom.document } : {}
      });
    }
  },
  {
    name: "verify checks",
    sliceOnly: true,
    ownPhases: true,
    async run(ctx, state) {
      if (!state.comm) throw new Error("internal: verify checks run after wait for ssh");
      if (!ctx.vm.verify) throw new Error(`internal: vm ${ctx.vm.name} has no verify block`);
      state.verify = await runVerifyChecks({ checks: ctx.vm.verify.checks, comm: state.comm, phases: ctx.phases, logger: ctx.logger });
    }
  }
];
var VM_STEPS = STEPS.filter((s) => !s.sliceOnly).map((s) => s.name);
var VM_STAGES = {
  "build-vm": ["http server", "start vm", "boot wait", "boot command", "wait for ssh"],
  provision: ["wait for ssh", "provision"],
  snapshot: ["sbom", "shutdown", "export"],
  /** The built image booted as a new VM (src/core/verify): the same boot, then the checks. */
  verify: ["http server", "start vm", "boot wait", "boot command", "wait for ssh", "verify checks"]
};
async function runVmSteps(options) {
  const { ctx, onError } = options;
  const state = options.state ?? {};
  const wanted = new Set(options.steps ?? VM_STEPS);
  const cleanup = new CleanupStack();
  const vmCleanup = (handle) => cleanup.push(`vm ${ctx.vm.name}`, async () => {
    if (!state.detached) await handle.stop();
  });
  if (state.handle) vmCleanup(state.handle);
  let abortChosen = false;
  try {
    for (const step of STEPS) {
      if (!wanted.has(step.name) || step.absent?.(ctx)) continue;
      const reason = step.skip?.(ctx, state);
      const phase = step.phase?.(ctx) ?? step.name;
      if (reason !== void 0) {
        ctx.phases.skip(phase, reason);
      } else {
        for (; ; ) {
          try {
            await runStep(step, phase);
            break;
          } catch (err) {
            if (onError !== "ask" || !options.ask || ctx.phases.signal.aborted) throw err;
            const choice = await options.ask({ vm: `${ctx.layer.name}/${ctx.vm.name}`, phase, error: err });
            if (choice === "retry") {
              ctx.logger.info(`retrying ${phase}`);
              continue;
            }
            abortChosen = choice === "abort";
            throw err;
          }
        }
      }
      if (step.name === "provision") ctx.layerSync?.provisioned(ctx.vm.name);
    }
    if (options.vmAfter === "detach" && state.handle) state.detached = await ctx.engine.detach(state.handle);
    return state;
  } catch (err) {
    ctx.layerSync?.failed(ctx.vm.name, err instanceof Error ? err : new Error(String(err)));
    const handle = state.handle;
    if (handle && handle.isRunning() && !ctx.phases.signal.aborted) await captureFailure(handle, ctx.logDir, ctx.logger, { screenshot: !state.secretOnScreen });
    if (onError === "abort" || abortChosen) {
      const abandoned = await abandon(ctx, state, cleanup);
      options.onAbandoned?.(abandoned);
    }
    throw err;
  } finally {
    await cleanup.unwind(ctx.logger);
  }
  async function runStep(step, phase) {
    const hadHandle = state.handle;
    try {
      if (step.ownPhases) await step.run(ctx, state, ctx.phases.signal);
      else await ctx.phases.run(phase, (s) => step.run(ctx, state, s), { timeoutMs: step.timeoutMs?.(ctx) ?? 0 });
    } finally {
      if (step.cleanup) cleanup.push(phase, () => step.cleanup(ctx, state));
      if (!hadHandle && state.handle) vmCleanup(state.handle);
    }
  }
}
async function abandon(ctx, state, cleanup) {
  if (state.handle?.isRunning() && !state.detached) {
    try {
      state.detached = await ctx.engine.detach(state.handle);
    } catch (err) {
      ctx.logger.warn(`vm ${ctx.vm.name} cannot outlive this process: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const left = state.detached ? [`vm ${ctx.vm.name}`] : cleanup.abandon();
  ctx.logger.warn(`onError=abort: leaving for debugging: ${left.join("; ")}`);
  return { vm: `${ctx.layer.name}/${ctx.vm.name}`, left, logDir: ctx.logDir, ...state.detached ? { detached: state.detached } : {} };
}

export {
  outputImagePath,
  maskSecretsInFile,
  maskSecretsInFolder,
  createPhaseRunner,
  VerifyFailedError,
  VM_STAGES,
  runVmSteps
};
