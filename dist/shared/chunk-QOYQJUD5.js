import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  CMD_DISCONNECT,
  ConnectionLostError,
  bootCommandFields,
  connectSsh,
  escapeSingleQuoted,
  shellQuote
} from "./chunk-ADRVOGZQ.js";
import {
  TemplateError,
  renderTemplate
} from "./chunk-WAAKVM52.js";
import {
  UserError,
  formatGoDuration,
  sleep
} from "./chunk-Q75WJYVF.js";

// src/core/pipeline/cleanup-stack.ts
var CleanupStack = class {
  stack = [];
  push(name, run2) {
    this.stack.push({ name, run: run2 });
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

// src/core/peers.ts
function peerEnvironment(peers) {
  const env = {};
  for (const p of peers) env[`RUDDERVIRT_PEER_${p.vm.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`] = p.address;
  if (peers.length > 0) env.RUDDERVIRT_PEER_HOSTS = peerHostsLines(peers).join("\n");
  return env;
}
function peerHostsLines(peers) {
  return peers.map((p) => `${p.address} ${p.vm} ${p.vm}.${p.subnet}`);
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
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
function resolveLocal(buildDir, p) {
  const abs = path.resolve(buildDir, p);
  return /[/\\]$/.test(p) && !abs.endsWith(path.sep) ? abs + path.sep : abs;
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
      tempDir = await mkdtemp(path.join(os.tmpdir(), "ruddervirt-file-"));
      const file = path.join(tempDir, "pkr-file-content");
      await writeFile(file, p.content, { mode: 420 });
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
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
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
import { createReadStream } from "node:fs";
import { mkdtemp as mkdtemp2, rm as rm2, writeFile as writeFile2 } from "node:fs/promises";
import os2 from "node:os";
import path2 from "node:path";
import { Transform } from "node:stream";

// src/core/provisioners/output-lines.ts
import { StringDecoder } from "node:string_decoder";
var MAX_PENDING = 64 * 1024;
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
      this.emit(this.pending);
      this.pending = "";
    }
  }
  end() {
    this.pending += this.decoder.end();
    if (this.pending) this.emit(this.pending.replace(/\r$/, ""));
    this.pending = "";
  }
};

// src/core/provisioners/shell-env.ts
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
    if (eq <= 0) throw new ProvisionerError(`environmentVars[${i}]: "${assignment}" is not KEY=value`);
    vars.set(assignment.slice(0, eq), assignment.slice(eq + 1));
  });
  for (const [k, v] of Object.entries(input.env)) vars.set(k, v);
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
  return new Transform({
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
      tempDir = await mkdtemp2(path2.join(os2.tmpdir(), "ruddervirt-shell-"));
      const file = path2.join(tempDir, "inline.sh");
      const lines = p.inline.map((line, i) => render(line, fields, `inline[${i}]`));
      await writeFile2(file, `#!${p.inlineShebang}
${lines.map((l) => l + "\n").join("")}`, { mode: 384 });
      scripts.push({ label: "inline commands", localPath: file });
    } else {
      for (const s of [...p.script ? [p.script] : [], ...p.scripts ?? []]) {
        scripts.push({ label: s, localPath: path2.resolve(ctx.buildDir, s) });
      }
    }
    if (scripts.length === 0) throw new ProvisionerError("shell: nothing to run (set inline, script or scripts)");
    if (p.useEnvVarFile) {
      const content = envVarFile(env);
      await retryFor(
        "uploading the environment variable file",
        p.startRetryTimeout,
        delays.retry,
        signal,
        logger,
        () => session.use((comm) => comm.upload(envVarFilePath, content, 384, signal))
      );
    }
    const command = render(p.executeCommand, { ...fields, Path: remotePath, Vars: inlineVars(env), EnvVarFile: envVarFilePath, Command: remotePath }, "executeCommand");
    for (const script of scripts) {
      logger.info(`Provisioning with shell script: ${script.label}`);
      const result = await retryFor(`running ${script.label}`, p.startRetryTimeout, delays.retry, signal, logger, async () => {
        await session.use((comm) => {
          let data = createReadStream(script.localPath);
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
    if (tempDir) await rm2(tempDir, { recursive: true, force: true });
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
  const r = await session.use((comm) => comm.exec(`rm -f ${shellQuote(remotePath)}`, { signal }));
  if (r.disconnected) {
    session.markLost();
    throw new Error("the connection dropped during cleanup");
  }
  if (r.exitCode !== 0) throw new Error(`rm -f ${remotePath} exited with ${r.exitCode}`);
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
var REGISTRY_CHECK_COMMAND = encodedPowerShell(
  `foreach ($key in @(${PENDING_REBOOT_KEYS.map(psQuote).join(", ")})) { if (Test-Path -LiteralPath $key) { Write-Output $key } }`
);
var RESTART_IN_PROGRESS = /* @__PURE__ */ new Set([1115, 1190, 1717]);
var RESTART_COMMAND_OK = /* @__PURE__ */ new Set([0, 1115, 1190]);
async function run(session, command, logger, signal) {
  let stdout = "";
  const r = await session.use(
    (comm) => comm.exec(command, {
      onStdout: (c) => {
        stdout += c.toString("utf8");
      },
      onStderr: (c) => logger.debug(c.toString("utf8").trimEnd()),
      signal
    })
  );
  if (r.disconnected) session.markLost();
  return { code: r.disconnected ? void 0 : r.exitCode, stdout };
}
async function runWindowsRestart(p, ctx, session, logger, signal) {
  const delays = { ...PACKER_DELAYS, ...ctx.delays };
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new ProvisionerError(`Timeout waiting for the machine to restart (restartTimeout ${formatGoDuration(p.restartTimeout)}).`)), p.restartTimeout);
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
  const timer = setTimeout(() => timeout.abort(new ProvisionerError(`Timeout waiting for the machine to restart (restartTimeout ${formatGoDuration(p.restartTimeout)}).`)), p.restartTimeout);
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
  const timer = setTimeout(() => deadline.abort(new ProvisionerTimeoutError(`timed out after ${formatGoDuration(p.timeout)} (timeout)`)), p.timeout);
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
async function provisionOverSsh(req) {
  const { build, vm, handle, phases, cleanup, logger } = req;
  const connect = async (s, reconnect) => {
    const address = await handle.sshAddress(s);
    return connectSsh(vm.communicator, address, { logger, signal: s, reconnect, ...req.masker ? { masker: req.masker } : {} });
  };
  let comm = await phases.run("wait for ssh", (s) => connect(s, false));
  cleanup.push("ssh connection", () => comm.close());
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
        reconnect: () => connect(s, true),
        vmName: vm.name,
        buildName: build.name,
        builderType: "ruddervirt"
      }),
      { timeoutMs: req.provisionTimeoutMs }
    );
  }
  if (vm.provisioners.length === 0) phases.skip("provision", "no provisioners");
  return comm;
}

export {
  CleanupStack,
  provisionOverSsh
};
