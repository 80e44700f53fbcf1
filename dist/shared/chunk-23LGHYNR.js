import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  bindTemplate
} from "./chunk-Z6CMOLZR.js";
import {
  buildSpec,
  resolveDataSource
} from "./chunk-WBMFEUYZ.js";
import {
  ResolveContext,
  SECRET_NAME,
  bool,
  checkStructure,
  isRaw,
  list,
  num,
  obj,
  resolveKubevirt,
  scalarOffset,
  str,
  strings
} from "./chunk-M2E66S6E.js";
import {
  BuildFileError,
  formatPath,
  sortProblems
} from "./chunk-MF7EYUNN.js";
import {
  require_dist
} from "./chunk-H4EHQFTY.js";
import {
  isTemplated,
  parseChecksum
} from "./chunk-NHD4EFUK.js";
import {
  parseSize
} from "./chunk-UWT5WVQO.js";
import {
  scanBootCommand
} from "./chunk-UWXRMICO.js";
import {
  tryLock
} from "./chunk-XHUVLOPP.js";
import {
  cdromBus
} from "./chunk-CRBZ5IG5.js";
import {
  SecretMasker,
  didYouMean
} from "./chunk-PXB3LWWR.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import {
  __toESM
} from "./chunk-U4LSYZ75.js";

// src/core/output-folder.ts
import { access, constants, mkdir, readdir, stat, unlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
var LOCK_FILE = ".ruddervirt-build.lock";
async function prepareOutputFolder(dir, label = `--output ${dir}`) {
  const st = await stat(dir).catch(() => void 0);
  if (st && !st.isDirectory()) throw new UserError(`${label}: it is a file; expected a folder`);
  try {
    await makeFolders(dir);
  } catch (err) {
    throw new UserError(`${label}: ${explain(err)}`);
  }
  try {
    await access(dir, constants.W_OK | constants.X_OK);
  } catch (err) {
    throw new UserError(`${label}: ${explain(err)}`);
  }
}
async function makeFolders(dir) {
  const missing = [];
  let at = path.resolve(dir);
  while (!await stat(at).catch(() => void 0)) {
    missing.unshift(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const folder of missing) {
    try {
      await mkdir(folder);
    } catch (err) {
      if (err.code === "EEXIST" && (await stat(folder)).isDirectory()) continue;
      if (err.code === "ENOENT") throw new Error(`no folder can be made in ${path.dirname(folder)} (a file system that takes no new folders); expected a writable folder`);
      throw err;
    }
  }
}
function explain(err) {
  const code = err.code;
  if (code === "EEXIST" || code === "ENOTDIR") return "it (or a folder above it) is a file; expected a folder";
  if (code === "EACCES" || code === "EPERM") return "the folder cannot be written (permission denied)";
  if (code === "EROFS") return "the folder is on a read-only file system";
  return err instanceof Error ? err.message : String(err);
}
async function lockOutputFolder(dir, label = `--output ${dir}`, other = "choose another --output") {
  const file2 = path.join(dir, LOCK_FILE);
  let got;
  try {
    got = await tryLock(file2);
  } catch (err) {
    throw new UserError(`${label}: cannot create the build lock: ${explain(err)}`);
  }
  if (got.heldBy) {
    const owner = got.heldBy;
    throw new UserError(
      `${label}: another build (pid ${owner.pid}${owner.host !== os.hostname() ? ` on ${owner.host}` : ""}, started ${owner.startedAt}) is writing to this folder; wait for it, or ${other} (the lock is ${file2})`
    );
  }
  await removePartials(dir);
  return { release: got.release };
}
async function removePartials(dir, depth = 2) {
  const removed = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isFile() && e.name.endsWith(".partial")) {
      await unlink(p).catch(() => void 0);
      removed.push(p);
    } else if (e.isDirectory() && depth > 1) {
      removed.push(...await removePartials(p, depth - 1));
    }
  }
  return removed;
}

// src/core/config/load.ts
var import_yaml3 = __toESM(require_dist(), 1);
import { readFileSync as readFileSync2 } from "node:fs";
import path3 from "node:path";

// src/core/template/fields.ts
var BUILD_FIELDS = ["HTTPIP", "HTTPPort", "Name"];
var BOOT_COMMAND_FIELDS = BUILD_FIELDS;
var SHELL_INLINE_FIELDS = BUILD_FIELDS;
var SHELL_EXECUTE_FIELDS = ["Path", "Vars", "EnvVarFile", "Command", ...BUILD_FIELDS];
var LOAD_TIME_FIELDS = [];
var FIELDS_BY_USE = {
  load: LOAD_TIME_FIELDS,
  boot: BOOT_COMMAND_FIELDS,
  shellInline: SHELL_INLINE_FIELDS,
  shellExecute: SHELL_EXECUTE_FIELDS
};

// src/core/config/output-file-names.ts
function outputFileName(layer, vm) {
  return vm.vmName ?? `${layer.name}-${vm.name}.${vm.output.format === "raw" ? "img" : "qcow2"}`;
}
var OUTPUT_SIDECARS = [".sha256", ".spdx.json"];
function outputFilesOf(image) {
  return [image, ...OUTPUT_SIDECARS.map((s) => image + s)];
}
function reservedOutputName(image) {
  for (const file2 of outputFilesOf(image)) {
    if (file2 === "manifest.json") return `'${file2}' is the build's manifest in the output folder`;
    if (file2 === "logs") return "'logs' is the output folder's log folder";
    if (file2 === LOCK_FILE) return `'${file2}' is the output folder's build lock`;
  }
  if (image.endsWith(".partial")) return "a name ending in .partial marks an unfinished file, which the next build removes";
  return void 0;
}

// src/core/config/resolve-network.ts
function resolveNetwork(ctx, build) {
  const network = obj(build, "network");
  if (!network) return { vpcs: [] };
  const vpcs = [];
  const vpcNames = /* @__PURE__ */ new Set();
  const subnetNames = /* @__PURE__ */ new Set();
  (list(network, "vpcs") ?? []).forEach((rawVpc, i) => {
    if (!isRaw(rawVpc)) return;
    const p = ["network", "vpcs", i];
    const name = str(rawVpc, "name") ?? "";
    if (name && vpcNames.has(name)) ctx.report([...p, "name"], `VPC '${name}' is declared twice; VPC names must be unique`);
    vpcNames.add(name);
    const subnets = [];
    (list(rawVpc, "subnets") ?? []).forEach((rawSubnet, j) => {
      if (!isRaw(rawSubnet)) return;
      const sp = [...p, "subnets", j];
      const subnetName = str(rawSubnet, "name") ?? "";
      if (subnetName && subnetNames.has(subnetName)) {
        ctx.report([...sp, "name"], `subnet '${subnetName}' is declared twice; subnet names must be unique in the build (NICs refer to them by name)`);
      }
      subnetNames.add(subnetName);
      const cidr = str(rawSubnet, "cidr") ?? "";
      const range = cidr ? checkCidr(ctx, [...sp, "cidr"], cidr) : void 0;
      for (const other of subnets) {
        if (range && other.range && range[0] <= other.range[1] && other.range[0] <= range[1]) {
          ctx.report([...sp, "cidr"], `${cidr} overlaps ${other.cidr} (subnet '${other.name}') in the same VPC; expected disjoint ranges`);
        }
      }
      subnets.push({ name: subnetName, cidr, range, index: j });
    });
    vpcs.push({ name, internet: bool(rawVpc, "internet") ?? true, subnets: subnets.map(({ name: n, cidr }) => ({ name: n, cidr })) });
  });
  return { vpcs };
}
function checkCidr(ctx, p, cidr) {
  const [ip = "", bitsText = ""] = cidr.split("/");
  const octets = ip.split(".").map(Number);
  if (octets.length !== 4) return void 0;
  const bits = Number(bitsText);
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - bits);
  const network = Math.floor(address / size) * size;
  if (network !== address) {
    const fixed = [24, 16, 8, 0].map((s) => Math.floor(network / 2 ** s) % 256).join(".");
    ctx.report(p, `${cidr} has host bits set; did you mean ${fixed}/${bits}?`);
  }
  if (bits > 29) ctx.report(p, `/${bits} leaves no room for VMs next to the gateway; expected a prefix of /29 or shorter`);
  return [network, network + size - 1];
}

// src/core/config/boot-waits.ts
var WAIT = /<wait((?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+|0|[1-9]\d*)?>/gu;
var TEXT_WAIT = /<wait(?:Serial)? (?:'([^']+)'|"([^"]+)")>/g;
function findBadWaits(elements) {
  const joined = elements.join("");
  const starts = [];
  let at = 0;
  for (const e of elements) {
    starts.push(at);
    at += e.length;
  }
  const bad = [];
  for (const m of joined.matchAll(WAIT)) {
    const spec = m[1];
    const problem = scanBootCommand(m[0]).problems[0];
    let message;
    if (problem?.kind === "non-positive-wait" && spec !== void 0 && !/^\d+$/.test(spec)) message = `'${m[0]}' waits ${spec}; expected a positive wait such as <wait5> or <wait500ms>`;
    else if (problem) message = `'${m[0]}' is not a valid wait: ${problem.reason}`;
    if (message) {
      let element = starts.length - 1;
      while (element > 0 && starts[element] > m.index) element--;
      bad.push({ element, offset: m.index - starts[element], message });
    }
  }
  for (const m of joined.matchAll(TEXT_WAIT)) {
    const pattern = m[1] ?? m[2] ?? "";
    try {
      new RegExp(pattern);
    } catch (err) {
      const why = err.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, "");
      let element = starts.length - 1;
      while (element > 0 && starts[element] > m.index) element--;
      bad.push({ element, offset: m.index - starts[element], message: `'${m[0]}' waits for ${JSON.stringify(pattern)}, which is not a regular expression: ${why}` });
    }
  }
  return bad.sort((a, b) => a.element - b.element || a.offset - b.offset);
}

// src/core/config/qemu-switches.ts
var RESERVED = /* @__PURE__ */ new Set(["-vnc", "-qmp", "-qmp-pretty", "-monitor", "-mon", "-serial", "-chardev", "-daemonize", "-display", "-nographic", "-S", "-pidfile", "-name", "-incoming", "-loadvm"]);
function qemuSwitchProblem(flag) {
  if (!flag.startsWith("-")) return `expected a QEMU switch starting with '-', e.g. [-device, virtio-gpu-pci]; found '${flag}'`;
  if (RESERVED.has(flag.replace(/^--/, "-"))) return `${flag} is set by RudderVirt, which drives the VM through it (VNC for bootCommand, QMP, the serial log); remove this entry`;
  return void 0;
}

// src/core/config/resolve-provisioner.ts
var MINUTE = 6e4;
var DEFAULT_EXECUTE_COMMAND = "chmod +x {{ .Path }}; {{ .Vars }} {{ .Path }}";
var DEFAULT_EXECUTE_COMMAND_ENV_FILE = "chmod +x {{ .Path }}; . {{ .EnvVarFile }} && {{ .Path }}";
var DEFAULT_RESTART_COMMAND = 'shutdown /r /f /t 0 /c "packer restart"';
var DEFAULT_RESTART_CHECK_COMMAND = `powershell -Command "echo ($env:COMPUTERNAME + ' restarted.')"`;
function resolveProvisioner(ctx, raw, p) {
  const common = {
    pauseBefore: ctx.duration(raw, "pauseBefore", p, 0, 0),
    timeout: ctx.duration(raw, "timeout", p, 0, 0),
    maxRetries: num(raw, "maxRetries") ?? 0
  };
  const name = str(raw, "name");
  if (name !== void 0) common.name = name;
  switch (str(raw, "type")) {
    case "shell":
      return shell(ctx, raw, p, common);
    case "file":
      return file(ctx, raw, p, common);
    case "windows-update":
      return windowsUpdate(ctx, raw, p, common);
    case "windows-restart":
      return windowsRestart(ctx, raw, p, common);
    default:
      return void 0;
  }
}
function shell(ctx, raw, p, common) {
  const environmentVars = [];
  (list(raw, "environmentVars") ?? []).forEach((assignment) => {
    if (typeof assignment !== "string") return;
    environmentVars.push(assignment);
    const eq = assignment.indexOf("=");
    if (eq > 0 && SECRET_NAME.test(assignment.slice(0, eq)) && eq < assignment.length - 1) ctx.secrets.push(assignment.slice(eq + 1));
  });
  const env = Object.fromEntries(Object.entries(obj(raw, "env") ?? {}).filter((e) => typeof e[1] === "string"));
  for (const [k, v] of Object.entries(env)) if (SECRET_NAME.test(k) && v) ctx.secrets.push(v);
  const known = [...ctx.secrets];
  const values = [...environmentVars.map((a) => a.slice(a.indexOf("=") + 1)), ...Object.values(env)];
  const secretValues = values.filter((v) => v && known.some((secret) => v.includes(secret)));
  ctx.secrets.push(...secretValues);
  const useEnvVarFile = bool(raw, "useEnvVarFile") ?? (secretValues.length > 0 && str(raw, "executeCommand") === void 0);
  const out = {
    type: "shell",
    ...common,
    environmentVars,
    env,
    executeCommand: str(raw, "executeCommand") ?? (useEnvVarFile ? DEFAULT_EXECUTE_COMMAND_ENV_FILE : DEFAULT_EXECUTE_COMMAND),
    inlineShebang: str(raw, "inlineShebang") ?? "/bin/sh -e",
    remoteFolder: str(raw, "remoteFolder") ?? "/tmp",
    validExitCodes: (list(raw, "validExitCodes") ?? [0]).filter((c) => typeof c === "number"),
    expectDisconnect: bool(raw, "expectDisconnect") ?? false,
    startRetryTimeout: ctx.duration(raw, "startRetryTimeout", p, 5 * MINUTE, 0),
    skipClean: bool(raw, "skipClean") ?? false,
    binary: bool(raw, "binary") ?? false,
    useEnvVarFile
  };
  const inline = strings(raw, "inline");
  if (inline) out.inline = inline;
  const script = str(raw, "script");
  if (script !== void 0) out.script = ctx.localPath([...p, "script"], script, "file");
  const scripts = list(raw, "scripts");
  if (scripts) out.scripts = scripts.flatMap((s, i) => typeof s === "string" ? [ctx.localPath([...p, "scripts", i], s, "file")] : []);
  for (const key of ["remoteFile", "remotePath"]) {
    const v = str(raw, key);
    if (v !== void 0) out[key] = v;
  }
  return out;
}
function file(ctx, raw, p, common) {
  const direction = str(raw, "direction") === "download" ? "download" : "upload";
  const generated = bool(raw, "generated") ?? false;
  const written = [];
  const source = str(raw, "source");
  if (source !== void 0) written.push({ value: source, path: [...p, "source"] });
  (list(raw, "sources") ?? []).forEach((s, i) => {
    if (typeof s === "string") written.push({ value: s, path: [...p, "sources", i] });
  });
  const destination = str(raw, "destination") ?? "";
  const content = str(raw, "content");
  if (content !== void 0 && direction === "download") ctx.report([...p, "content"], "content only works with direction 'upload'");
  const keepSlash = (written2, abs) => written2.endsWith("/") && !abs.endsWith("/") ? abs + "/" : abs;
  const sources = written.map(({ value, path: path4 }) => direction === "upload" ? keepSlash(value, ctx.localPath(path4, value.replace(/\/+$/, "") || value, generated ? "unchecked" : "fileOrDir")) : value);
  if (sources.length > 1 && direction === "upload" && destination && !destination.endsWith("/")) {
    ctx.report([...p, "destination"], `several sources go into a folder; end destination with '/' (e.g. '${destination}/')`);
  }
  const out = {
    type: "file",
    ...common,
    sources,
    destination: direction === "download" && destination ? keepSlash(destination, ctx.resolvePath(destination)) : destination,
    direction,
    generated
  };
  if (content !== void 0) out.content = content;
  return out;
}
function windowsUpdate(ctx, raw, p, common) {
  return {
    type: "windows-update",
    ...common,
    searchCriteria: str(raw, "searchCriteria") ?? "BrowseOnly=0 and IsInstalled=0",
    filters: strings(raw, "filters") ?? ["include:$true"],
    updateLimit: num(raw, "updateLimit") ?? 1e3,
    updateMaxRetries: num(raw, "updateMaxRetries") ?? 5,
    restartTimeout: ctx.duration(raw, "restartTimeout", p, 4 * 60 * MINUTE, 0),
    maxReboots: num(raw, "maxReboots") ?? 10
  };
}
function windowsRestart(ctx, raw, p, common) {
  return {
    type: "windows-restart",
    ...common,
    restartCommand: str(raw, "restartCommand") ?? DEFAULT_RESTART_COMMAND,
    restartCheckCommand: str(raw, "restartCheckCommand") ?? DEFAULT_RESTART_CHECK_COMMAND,
    restartTimeout: ctx.duration(raw, "restartTimeout", p, 5 * MINUTE, 0),
    checkRegistry: bool(raw, "checkRegistry") ?? false
  };
}

// src/core/config/resolve-verify.ts
var MINUTE2 = 6e4;
var DEFAULT_VERIFY_TIMEOUT_MS = 15 * MINUTE2;
var DEFAULT_CHECK_TIMEOUT_MS = 5 * MINUTE2;
var DEFAULT_BOOT_WAIT_MS = 1e4;
function resolveVerify(ctx, vmRaw, p, communicator) {
  const raw = obj(vmRaw, "verify");
  if (!raw) return void 0;
  const vp = [...p, "verify"];
  if (communicator.type !== "ssh") {
    ctx.report(vp, "verify runs its checks over SSH; expected a communicator of type 'ssh' (with sshUsername) on this VM", "key");
  }
  const checks = [];
  (list(raw, "checks") ?? []).forEach((c, i) => {
    const cp = [...vp, "checks", i];
    if (typeof c === "string") {
      if (c.trim() === "") ctx.report(cp, "an empty command; expected a command to run in the guest, e.g. systemctl is-active ssh");
      else checks.push({ run: c, validExitCodes: [0], timeout: DEFAULT_CHECK_TIMEOUT_MS });
      return;
    }
    if (!isRaw(c)) return;
    const run = str(c, "run") ?? "";
    if (run.trim() === "" && typeof c.run === "string") ctx.report([...cp, "run"], "an empty command; expected a command to run in the guest");
    const codes = (list(c, "validExitCodes") ?? [0]).filter((x) => typeof x === "number");
    const name = str(c, "name");
    checks.push({ run, validExitCodes: codes.length > 0 ? codes : [0], timeout: ctx.duration(c, "timeout", cp, DEFAULT_CHECK_TIMEOUT_MS, 1), ...name ? { name } : {} });
  });
  const bootCommand = strings(raw, "bootCommand") ?? [];
  const single = typeof raw.bootCommand === "string";
  for (const bad of findBadWaits(bootCommand)) {
    ctx.reportInside(single ? [...vp, "bootCommand"] : [...vp, "bootCommand", bad.element], bootCommand[bad.element], bad.offset, bad.message);
  }
  const settings = { checks, bootCommand, bootWait: -1, timeout: ctx.duration(raw, "timeout", vp, DEFAULT_VERIFY_TIMEOUT_MS, 1) };
  resolveBootWait(ctx, raw, vp, settings);
  return settings;
}
function resolveBootWait(ctx, raw, p, v) {
  const text = str(raw, "bootWait");
  if (text !== void 0 && /^<wait/.test(text)) {
    const { tokens, problems } = scanBootCommand(text);
    const token = tokens[0];
    if (problems.length > 0) ctx.report([...p, "bootWait"], problems[0].reason);
    else if (tokens.length === 1 && token?.kind === "waitText") v.bootWaitText = { source: token.source, pattern: token.pattern };
    if (v.bootCommand.length === 0) ctx.report([...p, "bootWait"], "bootWait waits before typing bootCommand, and verify has no bootCommand; expected a bootCommand, or no bootWait");
    return;
  }
  if (text === void 0) {
    const head = v.bootCommand.join("").slice(0, 4096);
    v.bootWait = v.bootCommand.length === 0 || scanBootCommand(head).tokens[0]?.kind === "waitText" ? -1 : DEFAULT_BOOT_WAIT_MS;
    return;
  }
  if (v.bootCommand.length === 0) ctx.report([...p, "bootWait"], "bootWait waits before typing bootCommand, and verify has no bootCommand; expected a bootCommand, or no bootWait");
  const ms = ctx.duration(raw, "bootWait", p, DEFAULT_BOOT_WAIT_MS);
  v.bootWait = ms === 0 ? DEFAULT_BOOT_WAIT_MS : ms;
}

// src/core/config/resolve-vm.ts
var MINUTE3 = 6e4;
var MIB = 1024 ** 2;
var DEFAULT_ROOT_DISK_BYTES = 40 * 1024 ** 3;
var DEFAULT_MEMORY_BYTES = 512 * MIB;
var DEFAULT_BOOT_WAIT_MS2 = 1e4;
var DEFAULT_BOOT_TEXT_TIMEOUT_MS = 5 * MINUTE3;
function resolveVm(ctx, raw, p, scope) {
  const communicator = resolveCommunicator(ctx, raw, p);
  const provisioners = [];
  (list(raw, "provisioners") ?? []).forEach((rp, i) => {
    const prov = isRaw(rp) ? resolveProvisioner(ctx, rp, [...p, "provisioners", i]) : void 0;
    if (prov) provisioners.push(prov);
  });
  if (communicator.type === "none" && provisioners.length > 0) {
    ctx.report([...p, "communicator", "type"], "provisioners need a communicator; expected type 'ssh' (or no provisioners)");
  }
  if (communicator.type === "none" && str(raw, "shutdownCommand") !== void 0) {
    ctx.report([...p, "shutdownCommand"], "shutdownCommand runs over SSH; expected communicator type 'ssh', or no shutdownCommand (the guest then powers itself off)");
  }
  const vm = {
    name: str(raw, "name") ?? "",
    source: resolveSource(ctx, obj(raw, "source"), [...p, "source"]),
    cpu: num(raw, "cpu") ?? 1,
    memoryBytes: bytes(ctx, raw, "memory", p, DEFAULT_MEMORY_BYTES, "memory"),
    disks: resolveDisks(ctx, raw, p),
    cdroms: resolveCdroms(ctx, raw, p),
    nics: resolveNics(ctx, raw, p, scope),
    bootWait: DEFAULT_BOOT_WAIT_MS2,
    bootCommand: resolveBootCommand(ctx, raw, p),
    bootTextTimeout: ctx.duration(raw, "bootTextTimeout", p, DEFAULT_BOOT_TEXT_TIMEOUT_MS, 1),
    communicator,
    provisioners,
    shutdownTimeout: ctx.duration(raw, "shutdownTimeout", p, 5 * MINUTE3, 0),
    output: resolveOutput(ctx, raw, p),
    dependsOn: strings(raw, "dependsOn") ?? [],
    positions: ctx.positionsBelow(p)
  };
  resolveBootWait2(ctx, raw, p, vm);
  const efi = resolveEfi(raw);
  if (efi) vm.efiFirmware = efi;
  const machineType = str(raw, "machineType");
  if (machineType === "pc" || machineType === "q35") vm.machineType = machineType;
  if (machineType === "pc" && efi?.secureBoot) ctx.report([...p, "machineType"], "Secure Boot needs SMM, which needs the q35 machine type; expected q35 (the default)");
  warnUnseenCdroms(ctx, vm, p);
  const httpDirectory = str(raw, "httpDirectory");
  if (httpDirectory !== void 0) vm.httpDirectory = ctx.localPath([...p, "httpDirectory"], httpDirectory, "dir");
  const httpContent = obj(raw, "httpContent");
  if (httpContent) vm.httpContent = Object.fromEntries(Object.entries(httpContent).filter((e) => typeof e[1] === "string"));
  const interval = str(raw, "bootKeyInterval");
  if (interval !== void 0) {
    const ms = ctx.duration(raw, "bootKeyInterval", p, 0, 0);
    if (ms > 0) vm.bootKeyInterval = ms;
  }
  const cpuModel = str(raw, "cpuModel");
  if (cpuModel) vm.cpuModel = cpuModel;
  const vmName = str(raw, "vmName");
  if (vmName) vm.vmName = vmName;
  const qemuArgs = resolveQemuArgs(ctx, raw, p);
  if (qemuArgs) vm.qemuArgs = qemuArgs;
  const shutdownCommand = str(raw, "shutdownCommand");
  if (shutdownCommand) vm.shutdownCommand = shutdownCommand;
  const kubevirt = resolveKubevirt(ctx, obj(raw, "kubevirt"), [...p, "kubevirt"]);
  if (kubevirt) vm.kubevirt = kubevirt;
  checkUniqueDeviceNames(ctx, vm, p);
  const verify = resolveVerify(ctx, raw, p, communicator);
  if (verify) vm.verify = verify;
  return vm;
}
function resolveSource(ctx, raw, p) {
  const download = (r, at) => {
    const urls = strings(r, "urls") ?? [str(r, "url") ?? ""];
    const [url = "", ...mirrors] = urls;
    return { url, ...mirrors.length > 0 ? { mirrors } : {}, checksum: downloadChecksum(ctx, r, at) };
  };
  if (str(raw, "url") !== void 0 || list(raw, "urls")) return { kind: "url", ...download(raw, p) };
  const image = str(raw, "containerDisk");
  if (image !== void 0) return { kind: "containerDisk", image };
  const iso = obj(raw, "iso");
  if (iso) return { kind: "iso", ...download(iso, [...p, "iso"]) };
  const path4 = str(raw, "path");
  if (path4 !== void 0) return { kind: "path", path: ctx.localPath([...p, "path"], path4, "unchecked") };
  const from = str(raw, "from");
  if (from !== void 0) {
    const [layer = "", vm = ""] = from.split("/");
    return { kind: "from", layer, vm };
  }
  return { kind: "path", path: "" };
}
function downloadChecksum(ctx, r, at) {
  const text = str(r, "checksum") ?? "";
  const parsed = parseChecksum(text);
  const signature = str(r, "checksumSignature");
  const keyring = str(r, "checksumKeyring");
  if ("error" in parsed) {
    if (/^file:/i.test(text)) ctx.report([...at, "checksum"], parsed.error);
    return { algorithm: "sha256", hex: "" };
  }
  if ("checksum" in parsed) {
    if (signature !== void 0) ctx.report([...at, "checksumSignature"], "a signature is checked on a checksum file; expected checksum: file:URL (the file it signs), or no checksumSignature");
    return parsed.checksum;
  }
  const isUrl = (v) => /^[a-z][a-z0-9+.-]*:\/\//i.test(v);
  const file2 = isUrl(parsed.file) ? parsed.file : ctx.localPath([...at, "checksum"], parsed.file, "file");
  return {
    file: file2,
    ...signature !== void 0 ? { signature: isUrl(signature) ? signature : ctx.localPath([...at, "checksumSignature"], signature, "file") } : {},
    ...keyring !== void 0 ? { keyring: ctx.localPath([...at, "checksumKeyring"], keyring, "file") } : {}
  };
}
function resolveQemuArgs(ctx, raw, p) {
  const entries = list(raw, "qemuArgs");
  if (!entries) return void 0;
  return entries.flatMap((e, i) => {
    if (!Array.isArray(e) || !e.every((x) => typeof x === "string")) return [];
    const entry = e;
    const problem = qemuSwitchProblem(entry[0] ?? "");
    if (problem) ctx.report([...p, "qemuArgs", i, 0], problem);
    return problem ? [] : [entry];
  });
}
function bytes(ctx, raw, key, p, fallback, what) {
  const v = raw[key];
  if (v === void 0) return fallback;
  const at = [...p, key];
  const r = typeof v === "number" ? { bytes: v } : typeof v === "string" ? parseSize(v) : void 0;
  if (!r) return fallback;
  if ("error" in r) {
    ctx.report(at, r.error);
    return fallback;
  }
  if (r.bytes < MIB) {
    const text = String(v);
    const milli = /^([\d.]+)m$/.exec(text);
    const hint = milli ? `; 'm' means milli (thousandths), did you mean '${milli[1]}Mi'?` : /^\d+$/.test(text) ? `; a bare number is bytes, did you mean '${text}Mi'?` : "";
    ctx.report(at, `${text} is ${r.bytes} byte${r.bytes === 1 ? "" : "s"}, too small for ${what}; expected at least 1Mi${hint}`);
    return fallback;
  }
  return r.bytes;
}
function resolveDisks(ctx, raw, p) {
  const rawDisks = list(raw, "disks");
  if (!rawDisks) return [{ name: "root", sizeBytes: DEFAULT_ROOT_DISK_BYTES, bus: "virtio" }];
  return rawDisks.flatMap((d, i) => {
    if (!isRaw(d)) return [];
    const dp = [...p, "disks", i];
    if (i > 0 && d.size === void 0 && !ctx.has([...dp, "size"])) ctx.report(dp, "missing 'size'; every disk after the root disk needs one, e.g. size: 10Gi");
    const sizeBytes = bytes(ctx, d, "size", dp, DEFAULT_ROOT_DISK_BYTES, "a disk");
    return [{ name: str(d, "name") ?? "", sizeBytes, bus: str(d, "bus") ?? "virtio" }];
  });
}
function resolveCdroms(ctx, raw, p) {
  return (list(raw, "cdroms") ?? []).flatMap((c, i) => {
    if (!isRaw(c)) return [];
    const cp = [...p, "cdroms", i];
    const cdrom = { name: str(c, "name") ?? "" };
    const files = list(c, "files");
    if (files) {
      cdrom.files = files.flatMap((f, j) => typeof f === "string" ? [ctx.localPath([...cp, "files", j], f, "fileOrDir")] : []);
      cdrom.label = str(c, "label") ?? "packer";
    }
    const iso = str(c, "iso");
    if (iso !== void 0) cdrom.iso = ctx.localPath([...cp, "iso"], iso, "file");
    const type = str(c, "type");
    if (type === "disk" || type === "cdrom") cdrom.type = type;
    const bus = str(c, "bus");
    if (bus !== void 0) {
      if (bus === "virtio" && cdrom.type !== "disk") ctx.report([...cp, "bus"], "a cdrom cannot be on the virtio bus (KubeVirt refuses it); expected sata or scsi, or type: disk for a virtio disk holding the ISO");
      cdrom.bus = bus;
    }
    return [cdrom];
  });
}
var NO_AHCI_SOURCE = /genericcloud/i;
function warnUnseenCdroms(ctx, vm, p) {
  const source = vm.source.kind === "url" ? vm.source.url : vm.source.kind === "containerDisk" ? vm.source.image : vm.source.kind === "path" ? vm.source.path : "";
  if (!NO_AHCI_SOURCE.test(source)) return;
  vm.cdroms.forEach((c, i) => {
    if (cdromBus(c) !== "sata") return;
    const what = c.type === "disk" ? "a sata disk" : "a sata cdrom";
    ctx.warn(
      [...p, "cdroms", i, c.bus ? "bus" : "name"],
      `${what}: the source's Debian cloud kernel has no AHCI (SATA) driver, so the guest will not see it${c.label === "cidata" ? " and cloud-init will not find its seed" : ""}; use type: disk (a virtio disk, as KubeVirt attaches cloudInitNoCloud) or bus: scsi`
    );
  });
}
function resolveNics(ctx, raw, p, scope) {
  const rawNics = list(raw, "nics");
  if (!rawNics) return [{ model: "virtio" }];
  return rawNics.flatMap((n, i) => {
    if (!isRaw(n)) return [];
    const nic = { model: str(n, "model") ?? "virtio" };
    const subnet = str(n, "subnet");
    if (subnet !== void 0) {
      if (!scope.subnets.includes(subnet)) {
        const declared = scope.subnets.length ? `declared: ${scope.subnets.join(", ")}` : "no subnets are declared under network.vpcs";
        ctx.report([...p, "nics", i, "subnet"], `unknown subnet '${subnet}'; expected a subnet from network.vpcs[].subnets (${declared})${didYouMean(subnet, scope.subnets)}`);
      }
      nic.subnet = subnet;
    }
    return [nic];
  });
}
function resolveEfi(raw) {
  const v = raw.efiFirmware;
  if (v === true) return { secureBoot: false };
  if (isRaw(v)) return { secureBoot: bool(v, "secureBoot") ?? false };
  return void 0;
}
function resolveBootWait2(ctx, raw, p, vm) {
  const text = str(raw, "bootWait");
  if (text !== void 0 && /^<wait/.test(text)) {
    const { tokens, problems } = scanBootCommand(text);
    const token = tokens[0];
    if (problems.length > 0) ctx.report([...p, "bootWait"], problems[0].reason);
    else if (tokens.length === 1 && token?.kind === "waitText") {
      vm.bootWaitText = { source: token.source, pattern: token.pattern };
      if (vm.bootCommand.length === 0) ctx.report([...p, "bootWait"], `bootWait waits for a text before typing bootCommand, and there is no bootCommand; expected a duration, or a bootCommand`);
    }
    vm.bootWait = -1;
    return;
  }
  if (text === void 0) {
    const head = vm.bootCommand.join("").slice(0, 4096);
    vm.bootWait = scanBootCommand(head).tokens[0]?.kind === "waitText" ? -1 : DEFAULT_BOOT_WAIT_MS2;
    return;
  }
  const ms = ctx.duration(raw, "bootWait", p, DEFAULT_BOOT_WAIT_MS2);
  vm.bootWait = ms === 0 ? DEFAULT_BOOT_WAIT_MS2 : ms;
}
function resolveBootCommand(ctx, raw, p) {
  const elements = strings(raw, "bootCommand") ?? [];
  const single = typeof raw.bootCommand === "string";
  for (const bad of findBadWaits(elements)) {
    ctx.reportInside(single ? [...p, "bootCommand"] : [...p, "bootCommand", bad.element], elements[bad.element], bad.offset, bad.message);
  }
  return elements;
}
function resolveCommunicator(ctx, raw, p) {
  const c = obj(raw, "communicator") ?? {};
  const cp = [...p, "communicator"];
  const needsSsh = (list(raw, "provisioners") ?? []).length > 0 || str(raw, "shutdownCommand") !== void 0;
  const type = (str(c, "type") ?? (needsSsh ? "ssh" : "none")) === "none" ? "none" : "ssh";
  const timeoutSet = str(c, "sshTimeout") !== void 0;
  const attemptsSet = num(c, "sshHandshakeAttempts") !== void 0;
  const out = {
    type,
    sshPort: num(c, "sshPort") ?? 22,
    sshAgentAuth: bool(c, "sshAgentAuth") ?? false,
    // Packer SDK ≥ 0.3.1: 5m and 10 attempts only when neither is set; setting one leaves the other unlimited.
    sshTimeout: ctx.duration(c, "sshTimeout", cp, timeoutSet || attemptsSet ? 0 : 5 * MINUTE3, 0),
    sshHandshakeAttempts: num(c, "sshHandshakeAttempts") ?? (timeoutSet ? 0 : 10),
    sshPty: bool(c, "sshPty") ?? false,
    sshKeepAliveInterval: ctx.duration(c, "sshKeepAliveInterval", cp, 5e3),
    sshBastionPort: num(c, "sshBastionPort") ?? 22,
    pauseBeforeConnecting: ctx.duration(c, "pauseBeforeConnecting", cp, 0, 0)
  };
  for (const key2 of ["sshHost", "sshUsername", "sshPassword", "sshBastionHost", "sshBastionUsername", "sshBastionPassword"]) {
    const v = str(c, key2);
    if (v !== void 0) out[key2] = v;
  }
  const key = str(c, "sshPrivateKeyFile");
  if (key !== void 0) out.sshPrivateKeyFile = ctx.localPath([...cp, "sshPrivateKeyFile"], key, "file");
  const bastionKey = str(c, "sshBastionPrivateKeyFile");
  if (bastionKey !== void 0) out.sshBastionPrivateKeyFile = ctx.localPath([...cp, "sshBastionPrivateKeyFile"], bastionKey, "file");
  else if (out.sshBastionHost && out.sshPrivateKeyFile) out.sshBastionPrivateKeyFile = out.sshPrivateKeyFile;
  if (type === "ssh") {
    if (!out.sshUsername && !ctx.has([...cp, "sshUsername"])) {
      ctx.report(ctx.has(cp) ? cp : p, "the ssh communicator needs 'sshUsername' (or set communicator.type: none for a VM without provisioners)");
    }
    if (out.sshBastionHost && !out.sshBastionPassword && !out.sshBastionPrivateKeyFile && !out.sshAgentAuth) {
      ctx.report([...cp, "sshBastionHost"], "a bastion needs sshBastionPassword, sshBastionPrivateKeyFile (or sshPrivateKeyFile) or sshAgentAuth");
    }
  }
  return out;
}
function resolveOutput(ctx, raw, p) {
  const o = obj(raw, "output");
  const format = str(o, "format") === "raw" ? "raw" : "qcow2";
  const compress = bool(o, "compress") ?? false;
  if (format === "raw" && compress) ctx.report([...p, "output", "compress"], "a raw image cannot be compressed; expected format: qcow2 with compress: true, or compress: false");
  const dataSource = resolveDataSource(obj(o, "dataSource"), (field, message) => ctx.report([...p, "output", "dataSource", field], message));
  return { format, compress, compressionType: str(o, "compressionType") === "zlib" ? "zlib" : "zstd", sbom: bool(o, "sbom") ?? true, ...dataSource ? { dataSource } : {} };
}
function checkUniqueDeviceNames(ctx, vm, p) {
  const seen = /* @__PURE__ */ new Set();
  const check = (name, at) => {
    if (!name) return;
    if (seen.has(name)) ctx.report(at, `device name '${name}' is used twice; disks and cdroms of a VM need distinct names`);
    seen.add(name);
  };
  vm.disks.forEach((d, i) => check(d.name, [...p, "disks", i, "name"]));
  vm.cdroms.forEach((c, i) => check(c.name, [...p, "cdroms", i, "name"]));
}

// src/core/config/resolve.ts
function resolveBuild(ctx, raw, absFile, variables) {
  const network = resolveNetwork(ctx, raw);
  const subnets = network.vpcs.flatMap((v) => v.subnets.map((s) => s.name));
  const layers = [];
  const layerNames = /* @__PURE__ */ new Set();
  const allLayerNames = (list(raw, "layers") ?? []).map((l) => isRaw(l) ? str(l, "name") ?? "" : "");
  (list(raw, "layers") ?? []).forEach((rawLayer, li) => {
    if (!isRaw(rawLayer)) return;
    const lp = ["layers", li];
    const name = str(rawLayer, "name") ?? "";
    if (name && layerNames.has(name)) ctx.report([...lp, "name"], `layer '${name}' is declared twice; layer names must be unique`);
    layerNames.add(name);
    const vms = [];
    const vmPaths = [];
    (list(rawLayer, "vms") ?? []).forEach((rawVm, vi) => {
      if (!isRaw(rawVm)) return;
      const vp = [...lp, "vms", vi];
      const vm = resolveVm(ctx, rawVm, vp, { subnets });
      if (vm.name && vms.some((v) => v.name === vm.name)) ctx.report([...vp, "name"], `VM '${vm.name}' is declared twice in layer '${name}'; VM names must be unique within a layer`);
      vms.push(vm);
      vmPaths.push(vp);
    });
    vms.forEach((vm, i) => checkFrom(ctx, vm, vmPaths[i], layers, name, vms, allLayerNames));
    checkDependsOn(ctx, vms, vmPaths, name);
    const maxAge = layerMaxAge(ctx, rawLayer, lp);
    layers.push({ name, vms, ...maxAge !== void 0 ? { maxAge } : {} });
  });
  checkOutputNames(ctx, layers);
  const kubevirt = resolveKubevirt(ctx, obj(raw, "kubevirt"), ["kubevirt"]);
  return {
    file: absFile,
    dir: ctx.dir,
    name: str(raw, "name") ?? "",
    variables,
    network,
    layers,
    ...kubevirt ? { kubevirt: { ...kubevirt, positions: ctx.positionsBelow(["kubevirt"]) } } : {},
    secrets: [...new Set(ctx.secrets)],
    ...ctx.warnings.length > 0 ? { warnings: sortProblems(ctx.warnings) } : {}
  };
}
function checkOutputNames(ctx, layers) {
  const owners = /* @__PURE__ */ new Map();
  const seen = /* @__PURE__ */ new Set();
  layers.forEach((layer, li) => {
    layer.vms.forEach((vm, vi) => {
      const key = `${layer.name}/${vm.name}`;
      if (!vm.name || seen.has(key)) return;
      seen.add(key);
      const image = outputFileName(layer, vm);
      const at = ["layers", li, "vms", vi, vm.vmName !== void 0 ? "vmName" : "name"];
      const how = vm.vmName !== void 0 ? `vmName '${image}'` : `the default output name '${image}'`;
      const reserved = reservedOutputName(image);
      if (reserved) {
        ctx.report(at, `${how} cannot be used: ${reserved}; expected another file name`);
        return;
      }
      const clash = outputFilesOf(image).map((file2) => ({ file: file2, owner: owners.get(file2) })).find((c) => c.owner !== void 0);
      if (clash?.owner) {
        const same = clash.file === image && clash.owner.image === image;
        ctx.report(
          at,
          same ? `${how} is also the output file of ${clash.owner.key}; both images would be written to it. Expected a vmName unique within the build` : `${how} clashes with the output of ${clash.owner.key}: both would write '${clash.file}'. Expected a vmName whose image, .sha256 and .spdx.json files differ from every other VM's`
        );
        return;
      }
      for (const file2 of outputFilesOf(image)) owners.set(file2, { key, image });
    });
  });
}
function layerMaxAge(ctx, raw, p) {
  const text = str(raw, "maxAge");
  if (text === void 0) return void 0;
  const ms = ctx.duration(raw, "maxAge", p, -1, 0);
  if (ms === 0) ctx.report([...p, "maxAge"], `'${text}' would rebuild the layer every time; expected a duration above 0 (or no maxAge)`);
  return ms > 0 ? ms : void 0;
}
function checkFrom(ctx, vm, p, earlier, thisLayer, sameLayer, allLayers) {
  if (vm.source.kind !== "from") return;
  const { layer, vm: vmName } = vm.source;
  const at = [...p, "source", "from"];
  const target = earlier.find((l) => l.name === layer);
  if (!target) {
    if (layer === thisLayer) {
      const same = sameLayer.some((v) => v.name === vmName);
      ctx.report(at, `'${layer}/${vmName}' is in this layer; expected a VM of an earlier layer (${same ? "VMs of one layer are built together, so one cannot start from another" : `no VM '${vmName}' here either`})`);
      return;
    }
    const names = earlier.map((l) => l.name);
    const expected = names.length ? `expected one of: ${names.join(", ")}` : "this is the first layer, so it must start from url, containerDisk, iso or path";
    if (allLayers.includes(layer)) ctx.report(at, `layer '${layer}' comes later; a VM can only start from an earlier layer's output (${expected})`);
    else ctx.report(at, `no layer '${layer}'; ${expected}${didYouMean(layer, names)}`);
    return;
  }
  if (!target.vms.some((v) => v.name === vmName)) {
    const names = target.vms.map((v) => v.name);
    ctx.report(at, `layer '${layer}' has no VM '${vmName}'; expected one of: ${names.join(", ")}${didYouMean(vmName, names)}`);
  }
}
function checkDependsOn(ctx, vms, paths, layer) {
  const names = vms.map((v) => v.name);
  vms.forEach((vm, i) => {
    vm.dependsOn.forEach((dep, j) => {
      const at = [...paths[i], "dependsOn", j];
      if (dep === vm.name) ctx.report(at, `a VM cannot depend on itself; expected another VM of layer '${layer}'`);
      else if (!names.includes(dep)) {
        const others = names.filter((n) => n !== vm.name);
        ctx.report(at, `no VM '${dep}' in layer '${layer}'; expected one of: ${others.join(", ") || "(none: it is the only VM of the layer)"}${didYouMean(dep, others)}`);
      }
    });
  });
  const state = /* @__PURE__ */ new Map();
  const byName = new Map(vms.map((v, i) => [v.name, i]));
  const visit = (name, trail) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      const i2 = byName.get(trail.at(-1));
      const j = vms[i2].dependsOn.indexOf(name);
      ctx.report([...paths[i2], "dependsOn", j], `dependsOn forms a cycle (${cycle.join(" \u2192 ")}); expected an order in which the VMs can start`);
      return;
    }
    state.set(name, "visiting");
    const i = byName.get(name);
    for (const dep of i === void 0 ? [] : vms[i].dependsOn) if (byName.has(dep) && dep !== name) visit(dep, [...trail, name]);
    state.set(name, "done");
  };
  for (const vm of vms) visit(vm.name, []);
}

// src/core/config/var-file.ts
var import_yaml = __toESM(require_dist(), 1);
import { readFileSync } from "node:fs";
import path2 from "node:path";
var MAX_VAR_FILE_BYTES = 256 * 1024;
var NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
function readVarFile(file2, cwd = process.cwd()) {
  let text;
  try {
    text = readFileSync(path2.resolve(cwd, file2), "utf8");
  } catch (err) {
    const code = err.code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a folder" : err.message;
    throw new BuildFileError([{ file: file2, line: 1, column: 1, path: "", message: `cannot read the var file: ${reason}` }]);
  }
  return parseVarFile(text, file2);
}
function parseVarFile(text, file2) {
  if (text.length > MAX_VAR_FILE_BYTES) {
    throw new BuildFileError([{ file: file2, line: 1, column: 1, path: "", message: `the var file is ${text.length} characters long; expected at most ${MAX_VAR_FILE_BYTES}` }]);
  }
  const lineCounter = new import_yaml.LineCounter();
  const doc = (0, import_yaml.parseDocument)(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (node, p, message) => {
    const { line, col } = lineCounter.linePos(node?.range?.[0] ?? 0);
    return { file: file2, line, column: col, path: p, message };
  };
  const problems = [...doc.errors, ...doc.warnings].map((e) => {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    return { file: file2, line, column: col, path: "", message: `YAML: ${e.message.replace(/\s+/g, " ").trim()}` };
  });
  if (doc.errors.length > 0) throw new BuildFileError(problems);
  const root = doc.contents;
  if (root === null || (0, import_yaml.isScalar)(root) && root.value === null) return [];
  if (!(0, import_yaml.isMap)(root)) throw new BuildFileError([at(root, "", "expected a mapping of variable names to values (YAML `name: value` lines or a JSON object)")]);
  const values = [];
  for (const pair of root.items) {
    const key = pair.key;
    if (!(0, import_yaml.isScalar)(key) || typeof key.value !== "string" || !NAME.test(key.value)) {
      problems.push(at(key, "", `expected a variable name (letters, digits, '_' and '-', not starting with a digit)`));
      continue;
    }
    const name = key.value;
    const node = pair.value;
    if (!(0, import_yaml.isScalar)(node) || node.value === null || typeof node.value === "object") {
      problems.push(at(node ?? key, formatPath([name]), `expected a string, number or boolean; lists, maps and null are not variable values`));
      continue;
    }
    const raw = node.value;
    const value = typeof raw === "string" ? raw : node.type === "PLAIN" && node.source ? node.source : String(raw);
    const { line, col } = lineCounter.linePos(key.range?.[0] ?? 0);
    values.push({ name, value, file: file2, line, column: col });
  }
  if (problems.length > 0) throw new BuildFileError(problems);
  return values;
}

// src/core/config/variables.ts
var import_yaml2 = __toESM(require_dist(), 1);
function topLevel(doc, key) {
  const root = doc.contents;
  return (0, import_yaml2.isMap)(root) ? root.items.find((p) => (0, import_yaml2.isScalar)(p.key) && p.key.value === key) : void 0;
}
function resolveVariables(doc, text, lineCounter, file2, overrides, env, extraSensitive) {
  const problems = [];
  const at = (offset, path4, message) => {
    const { line, col } = lineCounter.linePos(offset);
    problems.push({ file: file2, line, column: col, path: path4, message });
  };
  const variables = /* @__PURE__ */ Object.create(null);
  const envRead = /* @__PURE__ */ new Map();
  let declaredAt = 0;
  const pair = topLevel(doc, "variables");
  if (pair) {
    declaredAt = pair.key.range?.[0] ?? 0;
    if ((0, import_yaml2.isMap)(pair.value)) {
      for (const item of pair.value.items) {
        if (!(0, import_yaml2.isScalar)(item.key) || !(0, import_yaml2.isScalar)(item.value) || item.value.value === null) continue;
        const name = String(item.key.value);
        const node = item.value;
        const raw = typeof node.value === "string" ? node.value : node.type === "PLAIN" && node.source ? node.source : String(node.value);
        if (!isTemplated(raw)) {
          variables[name] = raw;
          continue;
        }
        const bound = bindTemplate(raw, [], { env });
        for (const e of bound.errors) at(scalarOffset(node, raw, e.offset, text), `variables.${name}`, `template: ${e.message} (a variable's default may use env, not user)`);
        envRead.set(name, bound.envUsed);
        variables[name] = bound.text;
      }
    }
  }
  const declared = Object.keys(variables);
  const sensitive = /* @__PURE__ */ new Set();
  const listed = topLevel(doc, "sensitiveVariables");
  if (listed && (0, import_yaml2.isSeq)(listed.value)) {
    listed.value.items.forEach((item, i) => {
      if (!(0, import_yaml2.isScalar)(item) || typeof item.value !== "string") return;
      const name = item.value;
      if (Object.hasOwn(variables, name)) sensitive.add(name);
      else at(item.range?.[0] ?? 0, `sensitiveVariables[${i}]`, unknownVariable(name, declared));
    });
  }
  for (const name of extraSensitive?.names ?? []) {
    if (Object.hasOwn(variables, name)) sensitive.add(name);
    else at(declaredAt, "variables", `${extraSensitive.source}: ${unknownVariable(name, declared)}`);
  }
  const secrets = [];
  for (const o of overrides) {
    if (!Object.hasOwn(variables, o.name)) {
      const message = unknownVariable(o.name, declared);
      if (o.from) problems.push({ file: o.from.file, line: o.from.line, column: o.from.column, path: o.name, message });
      else at(declaredAt, "variables", `--var ${o.name}=\u2026: ${message}`);
      continue;
    }
    if (sensitive.has(o.name)) secrets.push(o.value);
    variables[o.name] = o.value;
  }
  for (const [name, read] of envRead) {
    for (const [envName, value] of read) if (sensitive.has(name) || SECRET_NAME.test(envName)) secrets.push(value);
  }
  for (const name of sensitive) secrets.push(variables[name]);
  return { variables: { ...variables }, problems, secrets: secrets.filter((s) => s !== ""), sensitive: [...sensitive] };
}
function unknownVariable(name, declared) {
  const list2 = declared.length ? `declared: ${declared.join(", ")}` : "the build declares no variables";
  return `no variable '${name}' is declared; ${list2}${didYouMean(name, declared)}`;
}

// src/core/config/load.ts
var MAX_BUILD_FILE_BYTES = 1024 * 1024;
function loadBuild(file2, options = {}) {
  let text;
  try {
    text = readFileSync2(path3.resolve(options.cwd ?? process.cwd(), file2), "utf8");
  } catch (err) {
    const reason = err.code === "ENOENT" ? "no such file" : err.message;
    throw new BuildFileError([{ file: file2, line: 1, column: 1, path: "", message: `cannot read the build file: ${reason}` }]);
  }
  return loadBuildText(text, file2, options);
}
function loadBuildText(text, file2, options = {}) {
  const absFile = path3.resolve(options.cwd ?? process.cwd(), file2);
  const env = options.env ?? process.env;
  if (text.length > MAX_BUILD_FILE_BYTES) {
    throw new BuildFileError([{ file: file2, line: 1, column: 1, path: "", message: `the build file is ${text.length} characters long; expected at most ${MAX_BUILD_FILE_BYTES} (1 MiB)` }]);
  }
  const lineCounter = new import_yaml3.LineCounter();
  const doc = (0, import_yaml3.parseDocument)(text, { lineCounter, merge: true, prettyErrors: false, uniqueKeys: true });
  const yamlProblems = [...doc.errors, ...doc.warnings].map((e) => {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    return { file: file2, line, column: col, path: "", message: `YAML: ${e.message.replace(/\s+/g, " ").trim()}` };
  });
  if (doc.errors.length > 0) throw new BuildFileError(yamlProblems);
  const overrides = [];
  const varFileProblems = [];
  for (const varFile of options.varFiles ?? []) {
    try {
      for (const v of readVarFile(varFile, options.cwd)) overrides.push({ name: v.name, value: v.value, from: { file: v.file, line: v.line, column: v.column } });
    } catch (err) {
      if (!(err instanceof BuildFileError)) throw err;
      varFileProblems.push(...err.problems);
    }
  }
  for (const [name, value] of Object.entries(options.vars ?? {})) overrides.push({ name, value });
  const vars = resolveVariables(doc, text, lineCounter, file2, overrides, env, options.sensitiveVariables);
  const renderTemplate = (value, spec) => {
    const bound = bindTemplate(value, FIELDS_BY_USE[spec.template ?? "load"], { env, variables: vars.variables });
    const secrets = [...bound.envUsed].filter(([name, v]) => SECRET_NAME.test(name) && v).map(([, v]) => v);
    return { value: bound.text, errors: bound.errors.map((e) => ({ offset: e.offset, message: `template: ${e.message}` })), secrets };
  };
  const structure = checkStructure(doc, buildSpec, { file: file2, text, lineCounter, renderTemplate });
  const ctx = new ResolveContext(file2, path3.dirname(absFile), structure.positions, lineCounter, options.checkFiles ?? true, text);
  ctx.secrets.push(...vars.secrets, ...structure.secrets);
  const build = resolveBuild(ctx, isRaw(structure.value) ? structure.value : {}, absFile, vars.variables);
  if (vars.sensitive.length > 0) build.sensitiveVariables = vars.sensitive;
  const problems = [...yamlProblems, ...varFileProblems, ...vars.problems, ...structure.problems, ...ctx.problems];
  if (problems.length > 0) {
    const masker = new SecretMasker();
    for (const s of build.secrets) masker.add(s);
    throw new BuildFileError(problems.map((p) => ({ ...p, message: masker.mask(p.message) })));
  }
  return build;
}

export {
  prepareOutputFolder,
  lockOutputFolder,
  outputFileName,
  qemuSwitchProblem,
  loadBuild,
  loadBuildText
};
