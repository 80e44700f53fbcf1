import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  readOutputs
} from "./chunk-TKDPPNR4.js";
import {
  runBuild
} from "./chunk-MHEIYP3V.js";
import {
  publishContainerDisk
} from "./chunk-FSSAEWVJ.js";
import {
  formatVerifyResult,
  outputsToVerify,
  runVerify
} from "./chunk-4IZ22AST.js";
import {
  resolveSourceChecksums
} from "./chunk-PWCS2D6Y.js";
import {
  FAILURE_SCREENSHOT,
  ScreenReader,
  closeSharedOcr,
  require_png,
  screenTextMatches
} from "./chunk-P4SCJD3S.js";
import {
  sbomBeside,
  sbomReferrer
} from "./chunk-ZEOXAAFA.js";
import "./chunk-ZLWIX3WT.js";
import {
  package_default
} from "./chunk-RTG4RYVJ.js";
import "./chunk-R7SMCTLD.js";
import {
  ALWAYS_ALLOWED_CALLS,
  API_CALLS,
  CDI_NAMESPACE,
  KEPT_KINDS,
  NON_RESOURCE_CALLS,
  buildFeatures,
  createEngine,
  discoverCapabilities,
  pruneKept
} from "./chunk-SPDLGYQX.js";
import {
  KubeDiscoveryClient
} from "./chunk-LAIKVPAP.js";
import {
  stopDetachedVm
} from "./chunk-HHXSYYSA.js";
import {
  collectLocalInputs,
  defaultRunId,
  renderBuild,
  renderedToYaml,
  unusedMirrorWarnings
} from "./chunk-GP35M6G7.js";
import {
  DEFAULT_TIMEOUTS,
  ObjectClient
} from "./chunk-WYVSF7SU.js";
import {
  KubeApi
} from "./chunk-YSZV4URL.js";
import {
  loadKubeTarget
} from "./chunk-ZE23KOWM.js";
import "./chunk-DLLND6BN.js";
import "./chunk-LI624AP2.js";
import "./chunk-DTNLR76P.js";
import {
  LayerCache,
  defaultCacheRoot
} from "./chunk-6MTTQTM5.js";
import {
  ContainerDiskCache,
  defaultContainerDiskCacheDir
} from "./chunk-LCMYYKZB.js";
import "./chunk-ACYOBTGQ.js";
import "./chunk-JKYMEDOZ.js";
import "./chunk-IGBDJUBW.js";
import "./chunk-CTLLT6VU.js";
import "./chunk-2AERMIAP.js";
import "./chunk-ME75NHZG.js";
import "./chunk-G4VXAHVF.js";
import {
  formatPackerAst
} from "./chunk-6JBGO6RF.js";
import {
  KEY_INTERVAL_ENV,
  describeKeyEvent,
  planBootCommand,
  resolveKeyInterval
} from "./chunk-73YVM7AR.js";
import {
  applyDataSourceOption,
  buildSpec,
  formatGoDurationNanos,
  loadBuild,
  loadBuildText,
  lockOutputFolder,
  parseDataSourceOption,
  prepareOutputFolder,
  qemuSwitchProblem
} from "./chunk-PFWN22NF.js";
import {
  isDnsLabel,
  renderOptions
} from "./chunk-PSK2BVKI.js";
import {
  FORMATS,
  PACKER_BUILDER_OPTIONS,
  PACKER_PROVISIONER_OPTIONS,
  SUPPORTED_PROVISIONER_TYPES,
  UNSUPPORTED_PROVISIONERS,
  effectiveSettings,
  parseKubevirtOptions
} from "./chunk-S7VYGFYM.js";
import {
  BuildFileError,
  escapeControls,
  formatProblem
} from "./chunk-ZTKUTTM7.js";
import {
  parseQuantity,
  require_dist
} from "./chunk-6QKVNAOZ.js";
import "./chunk-FARCU6DL.js";
import "./chunk-BZJSZD3X.js";
import "./chunk-BTHCCTGH.js";
import "./chunk-GKBTVNDX.js";
import "./chunk-CRBZ5IG5.js";
import {
  LineLogger,
  SecretMasker,
  formatBytes,
  formatProgress
} from "./chunk-PXB3LWWR.js";
import "./chunk-BHXEFIUH.js";
import {
  formatGoDuration
} from "./chunk-YBXMTZXO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import {
  __toESM
} from "./chunk-U4LSYZ75.js";

// src/cli/main.ts
import os from "node:os";

// src/cli/command.ts
var UsageError = class extends Error {
  name = "UsageError";
};

// src/cli/commands/boot-command.ts
var usage = `Usage: ruddervirt boot-command [--json | --ast] [--] TEXT...
       ruddervirt boot-command [--json | --ast] --build-file FILE [--vm [LAYER/]VM]
                               [--engine local|kubevirt] [--var-file F]... [--var NAME=VALUE]...

Shows the key events a boot command sends to the VM's VNC console, by Packer's rules: the
grammar of <enter>, <leftCtrlOn>, <wait10s>, <fon> \u2026, Shift around upper-case letters and
~!@#$%^&*()_+{}|:"<>?, one pause of the key interval after every key event.

Each TEXT is one boot_command element; they are joined with nothing in between before parsing,
exactly as Packer does (so "<ent" "er>" is an <enter>). Quote TEXT for your shell.

With --build-file, the boot command of each VM of FILE that has one (or of --vm only), as a
build will type it: variables from the file, --var-file and --var, {{ env }}, and the fields a
build fills in while it runs \u2014 {{ .Name }}, and {{ .HTTPIP }} / {{ .HTTPPort }} where they are
known before the build (the local engine's guest address of the host, KubeVirt's file-server port
and, on a declared subnet, its address); the rest are shown as placeholders ("type {{ .HTTPPort }}
placeholder: \u2026"). Secret values (sensitiveVariables, passwords from the environment) show as ***.
Each element is listed with its text, then its events; <wait 'TEXT'> and <waitSerial 'TEXT'> are
waits for that text, and bootWait comes first. A file or --vm that does not exist exits 1 with
the file and line.

Options:
  --build-file FILE  read the boot commands from a build file instead of TEXT
  --vm [LAYER/]VM    only this VM (LAYER/ when two layers have a VM of that name)
  --engine local|kubevirt
                     whose HTTP address to fill in (default local)
  --var-file FILE    variable values from a YAML or JSON file (repeatable)
  --var NAME=VALUE   set a variable (repeatable, after the var files)
  --json   one JSON object per line, in order: {"key": <X11 keysym>, "down": true|false}
           or {"wait": <milliseconds, may be fractional>}
           or {"waitText": {"source": "screen"|"serial", "pattern": \u2026}};
           with --build-file also {"placeholder": "HTTPPort"}, {"masked": true}, and
           {"vm": "layer/vm"} before each VM's events when there are several
  --ast    the parsed tokens in the notation of Packer's own tests (LIT-Press(a), Spec-On(leftctrl),
           Wait<1m30s>)
  --       end of options (for a TEXT that starts with "--")

Without an option, one line per event ("press Shift_L", "release 'a'", "wait 1m30s") and a
summary with the typing time at the key interval (${KEY_INTERVAL_ENV} or 100ms; a build file's
bootKeyInterval overrides both). A boot command Packer would refuse (a wait that is not positive)
exits 1 with the reason.

Examples:
  ruddervirt boot-command '<esc><wait>' 'auto url=http://10.0.2.2:8000/preseed.cfg<enter>'
  ruddervirt boot-command --json 'AbC<leftCtrlOn>c<leftCtrlOff><wait1m30s>'
  ruddervirt boot-command --build-file examples/quickstart.yaml --vm base/guest
`;
var VALUE_OPTIONS = ["--build-file", "--vm", "--engine", "--var-file", "--var"];
function parseArguments(args) {
  const parsed = { format: "listing", texts: [], engine: "local", vars: {}, varFiles: [] };
  let engineGiven = false;
  let optionsEnded = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!optionsEnded && (arg === "--help" || arg === "-h")) return "help";
    if (!optionsEnded && arg === "--") optionsEnded = true;
    else if (!optionsEnded && (arg === "--json" || arg === "--ast")) {
      const wanted = arg === "--json" ? "json" : "ast";
      if (parsed.format !== "listing" && parsed.format !== wanted) throw new UsageError("--json and --ast cannot be combined");
      parsed.format = wanted;
    } else if (!optionsEnded && arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq > 0 ? arg.slice(0, eq) : arg;
      if (!VALUE_OPTIONS.includes(name)) throw new UsageError(`unknown option '${arg}' (a TEXT starting with "--" goes after --)`);
      const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (value === void 0) throw new UsageError(`${name} needs a value`);
      if (name === "--build-file") {
        if (parsed.buildFile !== void 0) throw new UsageError("--build-file can be given once");
        parsed.buildFile = value;
      } else if (name === "--vm") parsed.vm = value;
      else if (name === "--var-file") parsed.varFiles.push(value);
      else if (name === "--engine") {
        if (value !== "local" && value !== "kubevirt") throw new UsageError(`--engine expects local or kubevirt, got '${value}'`);
        parsed.engine = value;
        engineGiven = true;
      } else {
        const at = value.indexOf("=");
        if (at <= 0) throw new UsageError(`--var expects NAME=VALUE, got '${value}'`);
        parsed.vars[value.slice(0, at)] = value.slice(at + 1);
      }
    } else parsed.texts.push(arg);
  }
  if (parsed.buildFile !== void 0) {
    if (parsed.texts.length > 0) throw new UsageError("give either TEXT or --build-file, not both");
    return parsed;
  }
  const fileOnly = [parsed.vm !== void 0 ? "--vm" : "", engineGiven ? "--engine" : "", parsed.varFiles.length > 0 ? "--var-file" : "", Object.keys(parsed.vars).length > 0 ? "--var" : ""].filter(Boolean);
  if (fileOnly.length > 0) throw new UsageError(`${fileOnly.join(", ")} need${fileOnly.length === 1 ? "s" : ""} --build-file`);
  if (parsed.texts.length === 0) throw new UsageError("expected at least one TEXT (the boot command), or --build-file FILE");
  return parsed;
}
function jsonLine(event) {
  if ("waitText" in event) return JSON.stringify({ waitText: { source: event.waitText.source, pattern: event.waitText.pattern } });
  return "wait" in event ? JSON.stringify({ wait: event.wait }) : JSON.stringify({ key: event.key, down: event.down });
}
function summary(plan, intervalMs) {
  const keyEvents = plan.events.filter((e) => "key" in e).length;
  const waitMs = plan.events.reduce((sum, e) => sum + ("wait" in e ? e.wait : 0), 0);
  const textWaits = plan.events.filter((e) => "waitText" in e).length;
  const waits = plan.events.length - keyEvents - textWaits;
  const totalNs = BigInt(Math.round((waitMs + keyEvents * intervalMs) * 1e6));
  const interval = formatGoDurationNanos(BigInt(Math.round(intervalMs * 1e6)));
  const onText = textWaits > 0 ? `, ${textWaits} text wait${textWaits === 1 ? "" : "s"} (unbounded here)` : "";
  return `-- ${keyEvents} key event${keyEvents === 1 ? "" : "s"}, ${waits} wait${waits === 1 ? "" : "s"}${onText}: ${formatGoDurationNanos(totalNs)} to type at a ${interval} key interval${textWaits > 0 ? " plus the text waits" : ""}`;
}
var bootCommandCommand = {
  name: "boot-command",
  summary: "Show the key events a boot command types (Packer grammar)",
  usage,
  async run(args, io) {
    const parsed = parseArguments(args);
    if (parsed === "help") {
      io.stdout.write(usage);
      return 0;
    }
    const { format, texts, buildFile } = parsed;
    if (buildFile !== void 0) {
      const { previewBuildFile } = await import("./boot-command-preview-OF62SU7X.js");
      return previewBuildFile({ file: buildFile, ...parsed.vm !== void 0 ? { vm: parsed.vm } : {}, vars: parsed.vars, varFiles: parsed.varFiles, engine: parsed.engine, format }, io);
    }
    const plan = planBootCommand(texts, { elementLabel: (i) => `argument ${i + 1}` });
    const lines = format === "json" ? plan.events.map(jsonLine) : format === "ast" ? plan.tokens.map(formatPackerAst) : [...plan.events.map(describeKeyEvent), summary(plan, resolveKeyInterval({ env: io.env }))];
    io.stdout.write(lines.map((l) => l + "\n").join(""));
    return 0;
  }
};

// src/cli/commands/build.ts
import path2 from "node:path";

// src/core/pipeline/summary.ts
function formatBuildSummary(result, formatBytes2) {
  const lines = ["", `Build ${result.status}.`, ""];
  const byVm = /* @__PURE__ */ new Map();
  for (const p of result.phases) byVm.set(p.vm, [...byVm.get(p.vm) ?? [], p]);
  for (const [vm, phases] of byVm) {
    lines.push(`  ${vm}`);
    const width = Math.max(...phases.map((p) => p.phase.length));
    for (const p of phases) {
      const took = p.status === "skipped" ? "" : formatGoDuration(Math.round(p.durationMs / 100) * 100);
      lines.push(`    ${p.phase.padEnd(width)}  ${p.status.padEnd(9)} ${took}${p.status === "failed" && p.detail ? `  ${p.detail}` : ""}`);
    }
  }
  if (result.layers.length > 0) {
    lines.push("", "  layers:");
    const width = Math.max(...result.layers.map((l) => l.layer.length));
    for (const l of result.layers) lines.push(`    ${l.layer.padEnd(width)}  ${l.action === "reused" ? "reused" : "built "}  ${l.action === "reused" ? `cache key ${l.key?.slice(0, 12) ?? ""}` : l.reason}`);
  }
  if (result.outputs.length > 0) {
    lines.push("", "  outputs:");
    for (const o of result.outputs) lines.push(`    ${o.image}  ${formatBytes2(o.bytes)}  sha256:${o.sha256}${outputNote(o)}`);
  }
  lines.push(`  manifest: ${result.manifest}`, "");
  return lines.join("\n");
}
function outputNote(o) {
  if (o.reused) return o.keptAs ? `  (reused from ${o.keptAs})` : "  (reused)";
  return o.keptAs ? `  (kept as ${o.keptAs})` : "";
}

// src/cli/abandoned.ts
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
function abandonedDir(outputDir) {
  return path.join(outputDir, "abandoned");
}
function vmOf(build, key) {
  const [layer, name] = key.split("/");
  return build.layers.find((l) => l.name === layer)?.vms.find((v) => v.name === name);
}
function describeAbandoned(build, abandoned, outputDir) {
  const out = [];
  for (const a of abandoned) {
    const vm = vmOf(build, a.vm);
    const d = a.detached;
    out.push(`vm ${a.vm} is left ${d ? "running" : "as it was (it could not outlive this process)"} for debugging:`);
    if (d?.sshEndpoint && vm?.communicator.type === "ssh") {
      const user = vm.communicator.sshUsername;
      const ep = d.sshEndpoint;
      out.push(
        d.engine === "local" ? `  ssh:    ssh -p ${ep.port} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null ${user}@${ep.host}` : `  ssh:    virtctl ssh ${user}@${ep.host.replace(/^vmi\//, "vmi/")} (port ${ep.port})`
      );
    }
    const vnc = d?.engine === "local" ? d.state.vnc : void 0;
    if (vnc) out.push(`  vnc:    ${vnc.socket ? `unix socket ${vnc.socket}` : `${vnc.host}:${vnc.port}`}`);
    if (d?.engine === "kubevirt") out.push(`  vnc:    virtctl vnc ${d.vm}`);
    out.push(`  serial: ${path.join(a.logDir, "serial.log")}`);
    out.push(`  screen: ${path.join(a.logDir, FAILURE_SCREENSHOT)}`);
  }
  if (abandoned.length > 0) out.push(`remove what is left with: ruddervirt cleanup ${outputDir}`);
  return out.join("\n") + "\n";
}
async function recordAbandoned(outputDir, abandoned) {
  if (abandoned.length === 0) return;
  const dir = abandonedDir(outputDir);
  await mkdir(dir, { recursive: true });
  for (const a of abandoned) await writeFile(path.join(dir, `${a.vm.replace("/", "-")}.json`), JSON.stringify(a, null, 2) + "\n", { mode: 384 });
}
async function readAbandoned(outputDir) {
  const dir = abandonedDir(outputDir);
  const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith(".json")).sort();
  const out = [];
  for (const f of files) out.push({ file: path.join(dir, f), vm: JSON.parse(await readFile(path.join(dir, f), "utf8")) });
  return out;
}
async function forgetAbandoned(file) {
  await rm(file, { force: true });
}

// src/cli/ask-on-error.ts
import { createInterface } from "node:readline/promises";
var CHOICES = { c: "cleanup", cleanup: "cleanup", a: "abort", abort: "abort", r: "retry", retry: "retry" };
function terminalAsker(input, output, signal, mask) {
  let queue = Promise.resolve();
  return (failure) => {
    const asked = queue.then(async () => {
      const rl = createInterface({ input, output, terminal: false });
      try {
        const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
        output.write(mask(`
vm ${failure.vm}: step '${failure.phase}' failed: ${message}
`));
        for (; ; ) {
          const answer = (await rl.question("[c] clean up and fail, [a] abort and leave the VM for debugging, [r] retry the step? ", { signal })).trim().toLowerCase();
          const choice = CHOICES[answer];
          if (choice) return choice;
          output.write(`please answer c, a or r
`);
        }
      } catch {
        return "cleanup";
      } finally {
        rl.close();
      }
    });
    queue = asked.catch(() => void 0);
    return asked;
  };
}

// src/cli/args.ts
import { parseArgs } from "node:util";
function parseCommandArgs(args, options) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}
function parseKeyValues(values, flag) {
  const out = {};
  for (const v of values ?? []) {
    const eq = v.indexOf("=");
    if (eq <= 0) throw new UsageError(`${flag} expects key=value, got '${v}'`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}
function variableOptions(values) {
  return { vars: parseKeyValues(values.var, "--var"), varFiles: values["var-file"] ?? [] };
}

// src/cli/kubevirt-flags.ts
var KUBEVIRT_FLAGS = {
  "storage-class": { type: "string" },
  "volume-mode": { type: "string" },
  "access-mode": { type: "string" },
  "node-selector": { type: "string", multiple: true },
  toleration: { type: "string", multiple: true },
  affinity: { type: "string" },
  resources: { type: "string" },
  instancetype: { type: "string" },
  preference: { type: "string" },
  "http-server-image": { type: "string" },
  "ssh-jump-image": { type: "string" }
};
var NAMES = {
  storageClassName: "--storage-class",
  volumeMode: "--volume-mode",
  accessMode: "--access-mode",
  nodeSelector: "--node-selector",
  tolerations: "--toleration",
  affinity: "--affinity",
  resources: "--resources",
  instancetype: "--instancetype",
  preference: "--preference",
  httpServerImage: "--http-server-image",
  sshJumpImage: "--ssh-jump-image"
};
var KUBEVIRT_FLAGS_USAGE = `Cluster settings (the build file's kubevirt: block; a flag wins over the file, for every VM):
  --storage-class NAME           StorageClass of every disk (default: the cluster's default)
  --volume-mode Filesystem|Block volume mode of the disks (default: the StorageProfile's)
  --access-mode MODE             ReadWriteOnce, ReadWriteMany or ReadWriteOncePod
                                 (default: the StorageProfile's)
  --node-selector KEY=VALUE      node label the VMs and their helper pods need (repeatable)
  --toleration KEY[=VALUE][:EFFECT]
                                 taint the VMs and helper pods tolerate (repeatable; kubectl's
                                 taint syntax; without =VALUE any value)
  --affinity YAML                the VMs' Kubernetes affinity, as YAML or JSON
  --resources YAML               the VMs' resources, e.g. '{requests: {cpu: 2}, limits: {memory: 8Gi}}'
  --instancetype [KIND/]NAME     instance type (KIND virtualmachineclusterinstancetype, the
                                 default, or virtualmachineinstancetype); the VMs' cpu and memory
                                 then come from it
  --preference [KIND/]NAME       preference (virtualmachineclusterpreference or
                                 virtualmachinepreference)
  --http-server-image IMAGE      image of the HTTP file-server pods (default
                                 docker.io/library/busybox:1.37; any image with busybox)
  --ssh-jump-image IMAGE         image of the SSH jump pods (default: the file server's)
`;
function givenKubevirtFlags(values) {
  return Object.keys(KUBEVIRT_FLAGS).filter((k) => values[k] !== void 0);
}
function kubevirtSettingsFromFlags(values) {
  try {
    return parseKubevirtOptions(
      {
        storageClassName: values["storage-class"],
        volumeMode: values["volume-mode"],
        accessMode: values["access-mode"],
        nodeSelector: values["node-selector"],
        tolerations: values.toleration,
        affinity: values.affinity,
        resources: values.resources,
        instancetype: values.instancetype,
        preference: values.preference,
        httpServerImage: values["http-server-image"],
        sshJumpImage: values["ssh-jump-image"]
      },
      NAMES
    );
  } catch (err) {
    if (err instanceof UserError) throw new UsageError(err.message);
    throw err;
  }
}

// src/cli/terminal-logger.ts
function terminalLogger(stderr, masker = new SecretMasker(), verbose = false) {
  return new LineLogger(
    (level, line) => {
      const tag = level === "warn" ? "warning: " : level === "error" ? "error: " : "";
      stderr.write(`${tag}${line}
`);
    },
    masker,
    "",
    verbose
  );
}

// src/cli/commands/build.ts
var usage2 = `Usage: ruddervirt build FILE [options]

Builds every layer and VM of the build file in Packer's order of operations: source, disks, HTTP
server, VM, boot wait, boot command over VNC, SSH, provisioners, shutdown, disk export. When a VM
has a verify: block, its image is then booted as a new VM (as \`ruddervirt verify\` does) and the
checks run; a failed check fails the build (exit 1) and no image path is printed. Progress goes
to stderr; the last line on stdout is the output image's path.

Options:
  --var-file FILE            Variable values from a YAML or JSON file of name: value pairs
                             (repeatable, applied in order): the way to pass a sensitive variable
                             without it showing in ps and the shell history.
  --var k=v                  Set a build variable (repeatable, applied after the var files); it
                             must be declared under variables.
  --on-error cleanup|abort|ask
                             On failure, clean up everything (default) or leave the VM running with
                             its files for debugging (Packer's -on-error=abort): the build says how to
                             reach it (ssh, VNC, serial log) and exits; \`ruddervirt cleanup DIR\`
                             removes it afterwards. ask (a terminal only): choose cleanup, abort or
                             retry the failed step each time.
  --vnc-port                 local: serve each VM's display on a free 127.0.0.1 TCP port (printed)
                             so a person can watch with any VNC viewer (Packer's vnc_bind_address /
                             vnc_port_min); default a private unix socket.
  --output DIR               Where images, checksums, logs and manifest.json go
                             (default: output/<build name> beside the current directory).
  --force                    Rebuild every layer even if an identical one is cached.
  --force-layer LAYER        Rebuild this layer (repeatable) even if cached; the layers after it
                             follow, as their parent changed.
  --only LAYER               Build only this layer (earlier layers come from the layer cache).
  --until LAYER              Stop after this layer.
  --no-verify                Do not run the verify: blocks after the build (the action's
                             verify: false); \`ruddervirt verify FILE\` runs them later.
  --no-layer-cache           Neither reuse nor store layers (default: reuse unchanged layers from
                             RUDDERVIRT_CACHE_DIR or ~/.cache/ruddervirt/layers, and on kubevirt
                             from the outputs earlier builds kept in the namespace).
  --engine local|kubevirt    Where VMs run: QEMU on this machine (default), or KubeVirt VirtualMachines
                             on a Kubernetes cluster (needs KubeVirt and CDI; see docs/kubevirt.md).
  --kubeconfig FILE          kubevirt: the cluster and credentials (default: KUBECONFIG,
                             ~/.kube/config, or the pod's service account inside a cluster).
  --namespace NS             kubevirt: where the build's objects go (default: the context's
                             namespace, else default). Everything the build creates there is
                             removed when it ends, but the layer outputs it keeps for reuse.
  --keep-layers N            kubevirt: each layer's outputs stay in the namespace, labelled with
                             the layer's content key, so a later build of the unchanged layer
                             clones them instead of booting its VMs; keep the newest N per layer
                             and VM (default 2). ruddervirt prune removes them.
  --data-source NAME[,instancetype=X][,preference=Y][,instancetypeKind=K][,preferenceKind=K]
                             kubevirt: keep the image of the last layer's VM in the cluster as a
                             golden image: its DataVolume or VolumeSnapshot, with a CDI DataSource
                             NAME pointing at it, labelled instancetype.kubevirt.io/default-
                             instancetype and -preference (virtctl create vm --volume-import
                             type:ds,src:NS/NAME). A later build replaces it. The same as
                             output.dataSource in the build file.
  --verbose                  Debug lines too.

${KUBEVIRT_FLAGS_USAGE.replace(/^Cluster settings/, "kubevirt: cluster settings")}
Exit status: 0 built (and verified), 1 failed (bad build file, a failed step or a failed verify
check), 130 cancelled (SIGINT/SIGTERM).
`;
var buildCommand = {
  name: "build",
  summary: "Build the images a build file describes (QEMU here, or KubeVirt)",
  usage: usage2,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      var: { type: "string", multiple: true },
      "var-file": { type: "string", multiple: true },
      "on-error": { type: "string", default: "cleanup" },
      "vnc-port": { type: "boolean", default: false },
      output: { type: "string" },
      engine: { type: "string", default: "local" },
      verbose: { type: "boolean", default: false },
      force: { type: "boolean", default: false },
      "force-layer": { type: "string", multiple: true },
      only: { type: "string" },
      until: { type: "string" },
      "no-layer-cache": { type: "boolean", default: false },
      "no-verify": { type: "boolean", default: false },
      kubeconfig: { type: "string" },
      namespace: { type: "string" },
      "keep-layers": { type: "string" },
      ...KUBEVIRT_FLAGS,
      "data-source": { type: "string" }
    });
    if (positionals.length !== 1) throw new UsageError("expects exactly one build file");
    const onError = values["on-error"];
    if (onError !== "cleanup" && onError !== "abort" && onError !== "ask") throw new UsageError(`--on-error must be cleanup, abort or ask, got '${onError}'`);
    if (onError === "ask" && !(io.stdin ?? process.stdin).isTTY) throw new UsageError("--on-error ask needs a terminal to ask on (stdin is not one); use cleanup or abort");
    if (values.engine !== "local" && values.engine !== "kubevirt") throw new UsageError(`--engine must be local or kubevirt, got '${values.engine}'`);
    if (values.engine === "local") {
      for (const flag of ["kubeconfig", "namespace", "keep-layers", "data-source"]) if (values[flag] !== void 0) throw new UsageError(`--${flag} is for --engine kubevirt`);
      const cluster = givenKubevirtFlags(values);
      if (cluster.length > 0) throw new UsageError(`--${cluster[0]} is for --engine kubevirt (the local engine runs QEMU here)`);
    } else if (values["vnc-port"]) {
      throw new UsageError("--vnc-port is for --engine local (on kubevirt: virtctl vnc)");
    }
    const keepLayers = values["keep-layers"];
    if (keepLayers !== void 0 && !/^[1-9]\d{0,5}$/.test(keepLayers)) throw new UsageError(`--keep-layers must be a whole number of at least 1, got '${keepLayers}'`);
    const kubevirt = kubevirtSettingsFromFlags(values);
    const variables = variableOptions(values);
    const dataSource = values["data-source"] !== void 0 ? parseDataSourceOption(values["data-source"], "--data-source") : void 0;
    const build = loadBuild(positionals[0], { ...variables, env: io.env, cwd: io.cwd });
    if (dataSource) applyDataSourceOption(build, dataSource, "--data-source");
    const masker = new SecretMasker();
    for (const s of build.secrets) masker.add(s);
    const logger = terminalLogger(io.stderr, masker, values.verbose);
    for (const w of build.warnings ?? []) logger.warn(formatProblem(w));
    for (const name of Object.keys(variables.vars).filter((n) => build.sensitiveVariables?.includes(n))) {
      logger.warn(`--var ${name}: a sensitive variable on the command line is masked in the build's output, but ps and the shell history show it; use --var-file FILE or {{ env \`NAME\` }} instead`);
    }
    const outputDir = path2.resolve(io.cwd, values.output ?? path2.join("output", build.name));
    await prepareOutputFolder(outputDir);
    const outputLock = await lockOutputFolder(outputDir);
    logger.info(`build ${build.name}: ${build.layers.length} layer(s), ${build.layers.reduce((n, l) => n + l.vms.length, 0)} VM(s) \u2192 ${outputDir}`);
    const makeEngine = () => values.engine === "kubevirt" ? createEngine("kubevirt", {
      env: io.env,
      logger,
      ...values.kubeconfig !== void 0 ? { kubeconfig: path2.resolve(io.cwd, values.kubeconfig) } : {},
      ...values.namespace !== void 0 ? { namespace: values.namespace } : {},
      keepLayers: true,
      kubevirt,
      ...keepLayers !== void 0 ? { keptPerVm: Number(keepLayers) } : {}
    }) : (
      // With --on-error abort a failed VM must outlive this process: each VM runs in a keeper.
      createEngine("local", { env: io.env, detachable: onError !== "cleanup", ...values["vnc-port"] ? { vncListen: "port" } : {} })
    );
    const engine = makeEngine();
    let result;
    let verified;
    try {
      try {
        result = await runBuild({
          build,
          engine,
          outputDir,
          onError,
          masker,
          ...onError === "ask" ? { ask: terminalAsker(io.stdin ?? process.stdin, io.stderr, io.signal, (s) => masker.mask(s)) } : {},
          logger,
          signal: io.signal,
          force: values.force,
          ...values["force-layer"] ? { forceLayers: values["force-layer"] } : {},
          ...values["no-layer-cache"] ? {} : { layerCache: new LayerCache(defaultCacheRoot(io.env)) },
          ...values.only !== void 0 ? { only: values.only } : {},
          ...values.until !== void 0 ? { until: values.until } : {}
        });
      } finally {
        await engine.close();
      }
      if (result.status === "succeeded" && !values["no-verify"] && outputsToVerify(build, result.outputs).length > 0) {
        logger.info(`verify: booting ${outputsToVerify(build, result.outputs).length} image(s) as new VMs to run their checks`);
        const verifyEngine = makeEngine();
        try {
          verified = await runVerify({ build, outputs: result.outputs, engine: verifyEngine, outputDir, logger, masker, signal: io.signal, onError: onError === "abort" ? "abort" : "cleanup" });
        } finally {
          await verifyEngine.close();
        }
      }
    } finally {
      await outputLock.release();
    }
    io.stderr.write(masker.mask(formatBuildSummary(result, formatBytes)));
    if (verified) io.stderr.write(masker.mask(formatVerifyResult(verified)));
    const abandoned = [...result.abandoned, ...verified?.abandoned ?? []];
    if (abandoned.length > 0) {
      await recordAbandoned(outputDir, abandoned);
      io.stderr.write(masker.mask(describeAbandoned(build, abandoned, outputDir)));
    }
    if (result.status === "cancelled" || verified?.status === "cancelled") throw new UserError("Build was cancelled.", 130);
    if (result.status === "failed") throw new UserError(`build failed: ${masker.mask(result.error?.message ?? "unknown error")}`, 1);
    if (verified?.status === "failed") {
      const failed = verified.vms.filter((v) => v.status !== "passed").map((v) => `${v.vm}: ${v.error ?? v.status}`);
      throw new UserError(masker.mask(`verify failed, so the build did not finish: ${failed.join("; ")}; the images are in ${outputDir} (ruddervirt verify FILE re-runs the checks; --no-verify skips them)`), 1);
    }
    for (const o of result.outputs) io.stdout.write(`${o.image}
`);
    return 0;
  }
};

// src/cli/commands/cleanup.ts
import { rm as rm2 } from "node:fs/promises";
import path3 from "node:path";
var usage3 = `Usage: ruddervirt cleanup OUTPUT_DIR
       ruddervirt cleanup --build NAME

After \`ruddervirt build --on-error abort\` failed, its VMs are left running for debugging and
recorded in OUTPUT_DIR/abandoned/. This stops each of them and removes its work folder.
--build NAME means the default output folder of that build (output/NAME).

Exit status: 0 done (or nothing left), 2 bad arguments.
`;
var cleanupCommand = {
  name: "cleanup",
  summary: "Stop and remove the VMs a build left for debugging (--on-error abort)",
  usage: usage3,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { build: { type: "string" } });
    if (positionals.length > 1 || positionals.length === 1 === (values.build !== void 0)) throw new UsageError("expects an output folder or --build NAME");
    const outputDir = path3.resolve(io.cwd, positionals[0] ?? path3.join("output", values.build));
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
      if (vm.workDir) await rm2(vm.workDir, { recursive: true, force: true });
      await forgetAbandoned(file);
      io.stderr.write(`vm ${vm.vm}: ${stopped ? "stopped" : "was not running"}${vm.workDir ? `; removed ${vm.workDir}` : ""}
`);
    }
    return 0;
  }
};

// src/core/packer/import-packer.ts
var import_yaml = __toESM(require_dist(), 1);
import path6 from "node:path";

// src/core/packer/read-template.ts
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path4 from "node:path";

// src/core/packer/template-values.ts
var Unevaluated = class {
  constructor(expression) {
    this.expression = expression;
  }
  expression;
};
var UndefinedReference = class extends Error {
  constructor(reference) {
    super(`${reference} is not declared`);
    this.reference = reference;
  }
  reference;
};
function evaluateHcl(value, scope) {
  if (typeof value === "string") return evaluateHclString(value, scope);
  if (Array.isArray(value)) return liftUnevaluated(value.map((v) => evaluateHcl(v, scope)));
  if (value !== null && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = evaluateHcl(v, scope);
    const bad = Object.values(out).find((v) => v instanceof Unevaluated);
    return bad ?? out;
  }
  return value;
}
function liftUnevaluated(list) {
  const bad = list.find((v) => v instanceof Unevaluated);
  return bad ?? list;
}
function findInterpolations(text) {
  const out = [];
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith("$${", i) || text.startsWith("%%{", i)) {
      i += 2;
      continue;
    }
    if (text.startsWith("%{", i)) return new Unevaluated(text);
    if (!text.startsWith("${", i)) continue;
    let depth = 0;
    let inString = false;
    let j = i + 1;
    for (; j < text.length; j++) {
      const c = text[j];
      if (inString) {
        if (c === "\\") j++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === "{") depth++;
      else if (c === "}" && --depth === 0) break;
    }
    if (j >= text.length) return new Unevaluated(text);
    out.push({
      start: i,
      end: j + 1,
      expression: text.slice(i + 2, j).replace(/^~|~$/g, "").trim()
    });
    i = j;
  }
  return out;
}
function unescapeHclLiteral(text) {
  return text.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
}
function evaluateHclString(text, scope) {
  const parts = findInterpolations(text);
  if (parts instanceof Unevaluated) return parts;
  if (parts.length === 0) return unescapeHclLiteral(text);
  if (parts.length === 1 && parts[0].start === 0 && parts[0].end === text.length) return evaluateExpression(parts[0].expression, scope);
  let out = "";
  let at = 0;
  for (const p of parts) {
    out += unescapeHclLiteral(text.slice(at, p.start));
    const v = evaluateExpression(p.expression, scope);
    if (v instanceof Unevaluated) return new Unevaluated(text);
    if (v !== null && typeof v === "object") return new Unevaluated(text);
    out += v === null ? "" : String(v);
    at = p.end;
  }
  return out + unescapeHclLiteral(text.slice(at));
}
var REFERENCE = /^(var|local)\.([A-Za-z_][A-Za-z0-9_-]*)$/;
var ENV_CALL = /^env\(\s*"([A-Za-z_][A-Za-z0-9_]*)"\s*\)$/;
function evaluateExpression(expression, scope) {
  const ref = REFERENCE.exec(expression);
  if (ref) {
    const [, kind, name = ""] = ref;
    const v = kind === "var" ? scope.variables.get(name) : scope.local(name);
    if (v === void 0) throw new UndefinedReference(`${kind}.${name}`);
    return v;
  }
  if (expression === "path.root" || expression === "path.cwd") return ".";
  const env = ENV_CALL.exec(expression);
  if (env) return `{{ env \`${env[1]}\` }}`;
  if (/^-?\d+(\.\d+)?$/.test(expression)) return Number(expression);
  if (expression === "true" || expression === "false") return expression === "true";
  if (expression === "null") return null;
  if (/^"(?:[^"\\$%]|\\.)*"$/.test(expression)) return JSON.parse(expression);
  return new Unevaluated(`\${${expression}}`);
}
function evaluateJson(value, variables) {
  if (typeof value === "string") {
    return value.replace(/\{\{\s*user\s+(?:`([^`]*)`|"([^"]*)")\s*\}\}/g, (_, a, b) => {
      const name = a ?? b ?? "";
      const v = variables.get(name);
      if (v === void 0) throw new UndefinedReference(`user variable '${name}'`);
      return v;
    });
  }
  if (Array.isArray(value)) return value.map((v) => evaluateJson(v, variables));
  if (value !== null && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = evaluateJson(v, variables);
    return out;
  }
  return value;
}

// src/core/packer/read-template.ts
var PackerTemplateError = class extends Error {
  constructor(problems) {
    super(problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join("\n"));
    this.problems = problems;
  }
  problems;
  name = "PackerTemplateError";
};
async function readPackerTemplate(template, options = {}) {
  const cwd = options.cwd ?? process.cwd();
  const abs = path4.resolve(cwd, template);
  if (!existsSync(abs)) throw problem(template, 1, 1, "no such file or folder");
  if (statSync(abs).isDirectory()) {
    const files = readdirSync(abs).filter((f) => f.endsWith(".pkr.hcl") || f.endsWith(".pkr.json")).sort().map((f) => path4.join(template, f));
    if (files.length === 0) throw problem(template, 1, 1, "the folder has no *.pkr.hcl file");
    return readHcl(files, template, options, cwd);
  }
  if (template.endsWith(".json") && !template.endsWith(".pkr.json")) return readJson(template, options, cwd);
  return readHcl([template], path4.dirname(template), options, cwd);
}
function readJson(file, options, cwd) {
  const text = readText(file, cwd);
  const doc = parseJsonLocated(text, file);
  if (!isObject(doc)) throw problem(file, 1, 1, 'expected a JSON object with "builders"');
  const variables = /* @__PURE__ */ new Map();
  for (const [k, v] of Object.entries(isObject(doc.variables) ? doc.variables : {})) variables.set(k, v === null ? "" : String(v));
  for (const varFile of options.varFiles ?? []) {
    const values = parseJsonLocated(readText(varFile, cwd), varFile);
    if (!isObject(values)) throw problem(varFile, 1, 1, "expected a JSON object of variable values");
    for (const [k, v] of Object.entries(values)) variables.set(k, String(v));
  }
  for (const [k, v] of Object.entries(options.vars ?? {})) variables.set(k, v);
  for (const [k, v] of variables) variables.set(k, expandJson(v, variables, file, text));
  if (!Array.isArray(doc.builders) || doc.builders.length === 0) throw problem(file, ...locate(text, '"builders"'), 'expected "builders", a list of builders');
  const sources = doc.builders.map((b, i) => {
    if (!isObject(b) || typeof b.type !== "string") throw problem(file, ...locate(text, '"builders"'), `builders[${i}] needs a "type"`);
    const { type, name, ...rest } = b;
    return { type, name: typeof name === "string" ? name : type, options: expandJson(rest, variables, file, text) };
  });
  const provisioners = [];
  for (const p of Array.isArray(doc.provisioners) ? doc.provisioners : []) {
    if (!isObject(p) || typeof p.type !== "string") throw problem(file, ...locate(text, '"provisioners"'), 'every provisioner needs a "type"');
    const { type, ...rest } = p;
    provisioners.push({ type, options: expandJson(rest, variables, file, text) });
  }
  const postProcessors = (Array.isArray(doc["post-processors"]) ? doc["post-processors"] : []).flat().map((p) => isObject(p) ? String(p.type) : String(p));
  const sensitive = /* @__PURE__ */ new Map();
  for (const name of Array.isArray(doc["sensitive-variables"]) ? doc["sensitive-variables"] : []) {
    const v = variables.get(String(name));
    if (v) sensitive.set(String(name), v);
  }
  return { dir: path4.dirname(path4.resolve(cwd, file)), builds: [{ name: baseName(file), sources, provisioners, postProcessors }], sensitive };
}
function expandJson(value, variables, file, text) {
  try {
    return evaluateJson(value, variables);
  } catch (err) {
    if (err instanceof UndefinedReference) {
      const name = /'(.*)'/.exec(err.reference)?.[1] ?? "";
      throw problem(file, ...locate(text, name), `${err.reference} is used but not declared under "variables"`);
    }
    throw err;
  }
}
function parseJsonLocated(text, file) {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = err.message;
    const m = /line (\d+) column (\d+)/.exec(message);
    const pos = /position (\d+)/.exec(message);
    const [line, column] = m ? [Number(m[1]), Number(m[2])] : pos ? lineColumn(text, Number(pos[1])) : [1, 1];
    throw problem(file, line, column, `JSON: ${message.replace(/ in JSON at position.*$/, "").replace(/\s*\(line.*$/, "")}`);
  }
}
async function readHcl(files, dir, options, cwd) {
  const parsed = [];
  const autoVarFiles = existsSync(path4.resolve(cwd, dir)) ? readdirSync(path4.resolve(cwd, dir)).filter((f) => f.endsWith(".auto.pkrvars.hcl")).sort().map((f) => path4.join(dir, f)) : [];
  for (const file of files) parsed.push(await parseHclFile(file, cwd));
  const varFiles = [];
  for (const file of [...autoVarFiles, ...options.varFiles ?? []]) {
    varFiles.push(await parseHclFile(file, cwd));
  }
  const declared = /* @__PURE__ */ new Map();
  for (const f of parsed) {
    for (const [name, blocks] of Object.entries(asObject(f.body.variable))) {
      const block = asObject(asList(blocks)[0]);
      declared.set(name, { raw: block.default ?? null, type: typeof block.type === "string" ? block.type : "", sensitive: block.sensitive === true, at: f });
    }
  }
  const noRefs = { variables: /* @__PURE__ */ new Map(), local: () => void 0 };
  const variables = /* @__PURE__ */ new Map();
  for (const [name, d] of declared)
    variables.set(
      name,
      evaluateOrThrow(() => evaluateHcl(d.raw, noRefs), d.at, `variable "${name}"`)
    );
  for (const vf of varFiles) {
    for (const [name, raw] of Object.entries(vf.body)) {
      if (!declared.has(name)) throw problem(vf.file, ...locate(vf.text, name), `variable "${name}" is set but not declared in the template (variable "${name}" {})`);
      variables.set(
        name,
        evaluateOrThrow(() => evaluateHcl(raw, noRefs), vf, name)
      );
    }
  }
  for (const [name, value] of Object.entries(options.vars ?? {})) {
    const d = declared.get(name);
    if (!d) throw problem("--var", 1, 1, `variable "${name}" is not declared in the template; declared: ${[...declared.keys()].join(", ") || "none"}`);
    variables.set(name, typedCliValue(value, d.type));
  }
  const localRaw = /* @__PURE__ */ new Map();
  for (const f of parsed) {
    for (const block of asList(f.body.locals)) for (const [k, v] of Object.entries(asObject(block))) localRaw.set(k, { raw: v, at: f });
    for (const [k, blocks] of Object.entries(asObject(f.body.local))) localRaw.set(k, { raw: asObject(asList(blocks)[0]).expression, at: f });
  }
  const localValues = /* @__PURE__ */ new Map();
  const evaluating = /* @__PURE__ */ new Set();
  const scope = {
    variables,
    local(name) {
      if (localValues.has(name)) return localValues.get(name);
      const l = localRaw.get(name);
      if (!l) return void 0;
      if (evaluating.has(name)) throw problem(l.at.file, ...locate(l.at.text, name), `local.${name} refers to itself`);
      evaluating.add(name);
      const v = evaluateOrThrow(() => evaluateHcl(l.raw, scope), l.at, `local.${name}`);
      evaluating.delete(name);
      localValues.set(name, v);
      return v;
    }
  };
  const sources = /* @__PURE__ */ new Map();
  for (const f of parsed) {
    for (const [type, byName] of Object.entries(asObject(f.body.source))) {
      for (const [name, blocks] of Object.entries(asObject(byName))) sources.set(`source.${type}.${name}`, { type, name, raw: asObject(asList(blocks)[0]), at: f });
    }
  }
  const builds = [];
  for (const f of parsed) {
    const order = provisionerOrder(f.text);
    for (const [index, buildRaw] of asList(f.body.build).entries()) {
      const build = asObject(buildRaw);
      const used = [];
      const refs = asList(build.sources).map((r) => ({ ref: String(r), override: {} }));
      for (const [ref, blocks] of Object.entries(asObject(build.source))) for (const b of asList(blocks)) refs.push({ ref, override: asObject(b) });
      for (const { ref, override } of refs) {
        const s = sources.get(ref);
        if (!s) throw problem(f.file, ...locate(f.text, ref), `${ref} is not declared (source "${ref.split(".")[1] ?? ""}" "${ref.split(".")[2] ?? ""}" {})`);
        const { name: renamed, ...overrides } = override;
        const merged = { ...s.raw, ...overrides };
        const options2 = {};
        for (const [k, v] of Object.entries(merged)) options2[k] = evaluateOrThrow(() => evaluateHcl(v, scope), s.at, k);
        used.push({ type: s.type, name: typeof renamed === "string" ? renamed : s.name, options: options2 });
      }
      const listed = Array.isArray(build.provisioner) ? build.provisioner.flatMap((p) => Object.entries(asObject(p))) : void 0;
      const grouped = {};
      for (const [type, body] of listed ?? []) grouped[type] = [...asList(grouped[type]), ...asList(body)];
      if (!listed) Object.assign(grouped, asObject(build.provisioner));
      const taken = /* @__PURE__ */ new Map();
      const provisioners = [];
      const typesInOrder = listed ? listed.map(([type]) => type) : order.get(index) ?? Object.keys(grouped);
      for (const type of typesInOrder) {
        const n = taken.get(type) ?? 0;
        taken.set(type, n + 1);
        const raw = asList(grouped[type])[n];
        if (raw === void 0) continue;
        const opts = {};
        for (const [k, v] of Object.entries(asObject(raw))) opts[k] = evaluateOrThrow(() => evaluateHcl(v, scope), f, k);
        provisioners.push({ type, options: opts });
      }
      const postProcessors = [...Object.keys(asObject(build["post-processor"])), ...asList(build["post-processors"]).flatMap((b) => Object.keys(asObject(asObject(b)["post-processor"])))];
      builds.push({ name: typeof build.name === "string" ? build.name : baseName(f.file), sources: used, provisioners, postProcessors });
    }
  }
  if (builds.length === 0) throw problem(files[0], 1, 1, "the template has no build block (build { sources = [...] })");
  const sensitive = /* @__PURE__ */ new Map();
  for (const [name, d] of declared) {
    const v = variables.get(name);
    if (d.sensitive && (typeof v === "string" || typeof v === "number")) sensitive.set(name, String(v));
  }
  return { dir: path4.resolve(cwd, dir), builds, sensitive };
}
function provisionerOrder(text) {
  const order = /* @__PURE__ */ new Map();
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, " ")).replace(/(^|\s)(#|\/\/).*$/gm, "$1");
  let build = -1;
  for (const m of withoutComments.matchAll(/^\s*(build\s*\{|provisioner\s+"([^"]+)")/gm)) {
    if (m[1].startsWith("build")) {
      build++;
      order.set(build, []);
    } else if (build >= 0) order.get(build).push(m[2]);
  }
  return order;
}
async function parseHclFile(file, cwd) {
  const text = readText(file, cwd);
  if (file.endsWith(".json")) return { file, text, body: parseJsonLocated(text, file) };
  try {
    const { parse: parseHcl } = await import("./lib-A74O5AKQ.js");
    return { file, text, body: await parseHcl(file, text) };
  } catch (err) {
    const message = String(err.message ?? err);
    const m = /:(\d+),(\d+)-[\d,]+:\s*([^\]]*)/.exec(message);
    throw problem(file, m ? Number(m[1]) : 1, m ? Number(m[2]) : 1, `HCL: ${m ? m[3].trim() : message}`);
  }
}
function evaluateOrThrow(run, at, where) {
  try {
    return run();
  } catch (err) {
    if (err instanceof UndefinedReference) throw problem(at.file, ...locate(at.text, err.reference), `${where}: ${err.message}`);
    throw err;
  }
}
function typedCliValue(value, type) {
  if (type === "${number}" && /^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (type === "${bool}" && (value === "true" || value === "false")) return value === "true";
  if (type.startsWith("${list") || type.startsWith("${map") || type.startsWith("${object")) return new Unevaluated(value);
  return value;
}
function readText(file, cwd) {
  try {
    return readFileSync(path4.resolve(cwd, file), "utf8");
  } catch (err) {
    const reason = err.code === "ENOENT" ? "no such file" : err.message;
    throw problem(file, 1, 1, `cannot read: ${reason}`);
  }
}
function problem(file, line, column, message) {
  return new PackerTemplateError([{ file, line, column, path: "", message }]);
}
function locate(text, needle) {
  const at = needle ? text.indexOf(needle) : -1;
  return at < 0 ? [1, 1] : lineColumn(text, at);
}
function lineColumn(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return [line, offset - before.lastIndexOf("\n")];
}
function baseName(file) {
  return path4.basename(file).replace(/\.(pkr\.hcl|pkr\.json|json|hcl)$/, "");
}
function isObject(v) {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
function asObject(v) {
  return isObject(v) ? v : {};
}
function asList(v) {
  return Array.isArray(v) ? v : v === void 0 ? [] : [v];
}

// src/core/packer/to-build.ts
import { globSync } from "node:fs";
import path5 from "node:path";
var VM_KEYS = [
  "name",
  "source",
  "cpu",
  "cpuModel",
  "memory",
  "machineType",
  "efiFirmware",
  "disks",
  "cdroms",
  "nics",
  "httpDirectory",
  "httpContent",
  "bootWait",
  "bootKeyInterval",
  "bootCommand",
  "communicator",
  "provisioners",
  "shutdownCommand",
  "shutdownTimeout",
  "output",
  "vmName",
  "qemuArgs"
];
var NEAREST_FIELD = {
  iso_target_path: "source",
  iso_target_extension: "source",
  iso_skip_cache: "source",
  use_backing_file: "source",
  disk_cache: "disks",
  disk_discard: "disks",
  disk_detect_zeroes: "disks",
  skip_resize_disk: "disks",
  skip_compaction: "output",
  output_directory: "output",
  qemu_img_args: "output",
  net_bridge: "nics",
  accelerator: "cpu",
  sockets: "cpu",
  cores: "cpu",
  threads: "cpu",
  qemu_binary: "cpu",
  qemuargs: "cpu",
  headless: "cpu",
  display: "cpu",
  use_default_display: "cpu",
  vga: "cpu",
  qmp_enable: "cpu",
  qmp_socket_path: "cpu",
  vtpm: "efiFirmware",
  use_tpm1: "efiFirmware",
  tpm_device_type: "efiFirmware",
  efi_firmware_code: "efiFirmware",
  efi_firmware_vars: "efiFirmware",
  efi_drop_efivars: "efiFirmware",
  firmware: "efiFirmware",
  use_pflash: "efiFirmware",
  vnc_bind_address: "bootCommand",
  vnc_port_min: "bootCommand",
  vnc_port_max: "bootCommand",
  vnc_use_password: "bootCommand",
  disable_vnc: "bootCommand",
  boot_keygroup_interval: "bootCommand",
  http_port_min: "httpDirectory",
  http_port_max: "httpDirectory",
  http_bind_address: "httpDirectory",
  http_interface: "httpDirectory",
  http_network_protocol: "httpDirectory",
  cd_content: "cdroms",
  floppy_content: "cdroms",
  iso_volume_name: "source",
  instance_type: "cpu",
  preference: "machineType"
};
var SECRET_OPTION = /password|secret|token|passphrase/i;
var IMPORTED_BUILDERS = ["qemu", "kubevirt-iso"];
function toBuild(template) {
  const notes = [];
  const vms = [];
  const names = /* @__PURE__ */ new Set();
  const first = template.builds[0];
  for (const build2 of template.builds) {
    for (const source of build2.sources) {
      const label = `source.${source.type}.${source.name}`;
      if (!IMPORTED_BUILDERS.includes(source.type)) {
        notes.push({ path: ["layers", 0, "vms"], option: label, comment: `packer: ${label} skipped: only qemu and kubevirt-iso builders are imported`, warn: true });
        continue;
      }
      const vmPath = ["layers", 0, "vms", vms.length];
      const name = uniqueName(kubeName(source.name), names);
      vms.push(mapSource(source, build2, name, vmPath, template.dir, notes));
    }
    for (const pp of build2.postProcessors) {
      notes.push({ path: [], option: `post-processor "${pp}"`, comment: `packer: post-processor "${pp}" not imported: publishing is the publish step (ruddervirt publish / publish-containerdisk)`, warn: true });
    }
  }
  const build = { name: kubeName(first.name), layers: [{ name: "packer", vms }] };
  const text = JSON.stringify(build);
  for (const [name, value] of template.sensitive) {
    if (value.length >= 3 && !value.startsWith("{{") && text.includes(JSON.stringify(value).slice(1, -1))) {
      notes.push({
        path: [],
        before: "name",
        option: `variable "${name}"`,
        comment: `packer: variable "${name}" is sensitive and its value is written into this build file: replace it with {{ env \`NAME\` }} (masked in logs) before committing the file`,
        warn: true
      });
    }
  }
  return { build, notes };
}
function mapSource(source, build, name, vmPath, dir, notes) {
  const o = source.options;
  const vm = { name };
  const prefix = `source.${source.type}.${source.name}`;
  const consumed = /* @__PURE__ */ new Set(["type"]);
  const take = (key) => {
    if (!Object.hasOwn(o, key)) return void 0;
    consumed.add(key);
    const v = o[key];
    if (v instanceof Unevaluated) {
      note(key, `uses ${v.expression}, which import-packer does not evaluate (functions and expressions other than var., local. and path.root): write the value`);
      return void 0;
    }
    return v;
  };
  const note = (key, why, where = vmPath, before = NEAREST_FIELD[key] ?? fieldOf(PACKER_BUILDER_OPTIONS[key]), warn = true) => {
    consumed.add(key);
    notes.push({ path: where, before, option: `${prefix}.${key}`, comment: `packer: ${key} = ${shown(key, o[key])}: ${why}`, warn });
  };
  const urls = take("iso_urls");
  const single = take("iso_url");
  const all = typeof single === "string" ? [single] : Array.isArray(urls) ? urls.filter((u) => typeof u === "string") : [];
  const url = all[0];
  const checksumRaw = take("iso_checksum");
  const diskImage = take("disk_image") === true;
  const checksum = checksumRaw === void 0 ? void 0 : normaliseChecksum(String(checksumRaw), dir);
  if (checksum?.why) note("iso_checksum", checksum.why, vmPath, "source");
  if (typeof url === "string") {
    const remote = /^[a-z][a-z0-9+.-]*:\/\//i.test(url);
    const located = all.map((u) => /^[a-z][a-z0-9+.-]*:\/\//i.test(u) ? u : `file://${path5.resolve(dir, u)}`);
    const where = located.length > 1 ? { urls: located } : { url: remote ? url : located[0] };
    if (diskImage) vm.source = remote || located.length > 1 ? { ...where, checksum: checksum?.value } : { path: url };
    else vm.source = { iso: { ...where, checksum: checksum?.value } };
    if (!remote && !diskImage) note("iso_url", `a local ISO becomes a file:// URL (${url} relative to the template)`, vmPath, "source", false);
  } else if (Object.hasOwn(o, "iso_volume_name")) {
    note("iso_volume_name", "RudderVirt imports the ISO itself: give its URL and checksum as source.iso", vmPath, "source");
  }
  setIf(vm, "cpu", num(take("cpus")));
  setIf(vm, "cpuModel", str(take("cpu_model")));
  const memory = num(take("memory"));
  if (memory !== void 0) vm.memory = `${memory < 10 ? 512 : memory}Mi`;
  const machine = str(take("machine_type"));
  if (machine === "q35" || machine === "pc") vm.machineType = machine;
  else if (machine !== void 0) note("machine_type", `only q35 and pc exist here (${machine} is not offered by KubeVirt); q35 is used`, vmPath, "cpu");
  const efiCode = str(o.efi_firmware_code);
  const efi = take("efi_boot") === true || efiCode !== void 0 || o.efi_firmware_vars !== void 0;
  if (efi) vm.efiFirmware = efiCode !== void 0 && /secboot|\.ms\.|secure/i.test(efiCode) ? { secureBoot: true } : true;
  const bus = busOf(str(take("disk_interface")), (why) => note("disk_interface", why, vmPath, "disks"));
  const size = take("disk_size");
  const root = { name: "root" };
  if (size !== void 0) root.size = packerSize(size, (why) => note("disk_size", why, vmPath, "disks"));
  if (bus) root.bus = bus;
  const disks = [root];
  const extra = take("disk_additional_size");
  for (const [i, s] of (Array.isArray(extra) ? extra : []).entries()) {
    disks.push({ name: `data-${i + 1}`, size: packerSize(s, (why) => note("disk_additional_size", why, vmPath, "disks")), ...bus ? { bus } : {} });
  }
  if (size !== void 0 || bus || disks.length > 1) vm.disks = disks;
  const cdroms = [];
  const cdFiles = take("cd_files");
  const cdLabel = str(take("cd_label"));
  if (Array.isArray(cdFiles) && cdFiles.length > 0) cdroms.push({ name: "cd", files: expandGlobs(cdFiles.map(String), dir), ...cdLabel ? { label: cdLabel } : {} });
  const floppyFiles = [...asStrings(take("floppy_files")), ...asStrings(take("floppy_dirs"))];
  const floppyLabel = str(take("floppy_label"));
  if (floppyFiles.length > 0) {
    cdroms.push({ name: "floppy", files: expandGlobs(floppyFiles, dir), label: floppyLabel ?? "floppy" });
    notes.push({
      path: vmPath,
      before: "cdroms",
      option: `${prefix}.floppy_files`,
      comment: "packer: floppy_files: KubeVirt has no floppy drive, so these files are on a cdrom labelled like the floppy; Windows Setup also reads Autounattend.xml from the root of a CD",
      warn: true
    });
  }
  if (cdroms.length > 0) vm.cdroms = cdroms;
  const net = str(take("net_device"));
  if (net !== void 0) {
    const model = { "virtio-net": "virtio", "virtio-net-pci": "virtio", virtio: "virtio", e1000: "e1000", e1000e: "e1000e", rtl8139: "rtl8139" }[net];
    if (model) vm.nics = [{ model }];
    else note("net_device", `${net} is not offered (virtio, e1000, e1000e or rtl8139); the default virtio is used`, vmPath, "nics");
  }
  setIf(vm, "httpDirectory", str(take("http_directory")));
  const httpContent = take("http_content");
  if (httpContent && typeof httpContent === "object" && !Array.isArray(httpContent)) vm.httpContent = httpContent;
  setIf(vm, "bootWait", str(take("boot_wait")));
  setIf(vm, "bootKeyInterval", str(take("boot_key_interval")));
  const boot = take("boot_command");
  if (Array.isArray(boot)) vm.bootCommand = boot.map(String);
  else if (typeof boot === "string") vm.bootCommand = [boot];
  const steps = take("boot_steps");
  if (Array.isArray(steps) && steps.length > 0) {
    vm.bootCommand = steps.map((s) => String(Array.isArray(s) ? s[0] : s));
    const described = steps.filter((s) => Array.isArray(s) && s[1] !== void 0).map((s) => String(s[1]));
    note("boot_steps", `joined into bootCommand; the step descriptions were: ${described.join(" | ") || "(none)"}`, vmPath, "bootCommand", false);
  }
  vm.communicator = mapCommunicator(o, consumed, vmPath, prefix, notes);
  const provisioners = [];
  const provPath = [...vmPath, "provisioners"];
  for (const p of build.provisioners) {
    if (!appliesTo(p, source)) continue;
    const mapped = mapProvisioner(p, provPath, provisioners.length, notes);
    if (mapped) provisioners.push(mapped);
  }
  if (provisioners.length > 0) vm.provisioners = provisioners;
  else if (notes.some((n) => n.path.join(".") === provPath.join("."))) {
    for (const n of notes) if (n.path.join(".") === provPath.join(".")) Object.assign(n, { path: vmPath, before: "shutdownCommand" });
  }
  setIf(vm, "shutdownCommand", str(take("shutdown_command")));
  setIf(vm, "shutdownTimeout", str(take("shutdown_timeout")));
  const format = str(take("format"));
  const compress = take("disk_compression") === true;
  if (format !== void 0 || compress) {
    const output = {};
    if (format) output.format = format;
    if (compress && format !== "raw") Object.assign(output, { compress: true, compressionType: "zlib" });
    if (compress && format === "raw") note("disk_compression", "Packer ignores it with format raw too", vmPath, "output");
    vm.output = output;
  }
  setIf(vm, "vmName", str(take("vm_name")));
  const qemuargs = take("qemuargs");
  if (Array.isArray(qemuargs)) {
    const lists = qemuargs.filter((e) => Array.isArray(e) && e.length > 0 && e.every((x) => typeof x === "string"));
    const entries = lists.filter((e) => !qemuSwitchProblem(e[0]));
    const left = [...qemuargs.filter((e) => !lists.includes(e)).map((e) => JSON.stringify(e)), ...lists.filter((e) => !entries.includes(e)).map((e) => `[${e.join(", ")}]`)];
    if (left.length > 0) note("qemuargs", `left out: ${left.join("; ")} (RudderVirt drives the VM through these switches itself, or the entry is not a list of strings)`, vmPath, "qemuArgs");
    if (entries.length > 0) {
      vm.qemuArgs = entries;
      note(
        "qemuargs",
        "qemuArgs are passed to QEMU by the local engine only (the kubevirt engine refuses them); RudderVirt appends them after its own arguments, where Packer replaces a default switch of the same name",
        vmPath,
        "qemuArgs",
        false
      );
    }
  }
  for (const key of Object.keys(o)) {
    if (consumed.has(key)) continue;
    const fate = PACKER_BUILDER_OPTIONS[key];
    if (fate?.kind === "unsupported") note(key, `not supported: ${fate.why}`);
    else if (fate) note(key, `not imported: ${fate.kind === "different" ? fate.note : `set ${fate.to} by hand`}`);
    else note(key, `not a ${source.type} option import-packer knows; not imported`, vmPath, void 0);
  }
  placeNotes(vm, vmPath, notes);
  return vm;
}
function mapCommunicator(o, consumed, vmPath, prefix, notes) {
  const path12 = [...vmPath, "communicator"];
  const type = str(o.communicator) ?? (Object.keys(o).some((k) => k.startsWith("winrm_")) ? "winrm" : "ssh");
  consumed.add("communicator");
  const c = { type: type === "none" ? "none" : "ssh" };
  if (type === "winrm") {
    notes.push({
      path: path12,
      before: "type",
      option: `${prefix}.communicator`,
      comment: `packer: communicator = "winrm": ${String(PACKER_BUILDER_OPTIONS.winrm_username.note)}; the WinRM user, password and timeout are used for SSH`,
      warn: true
    });
  }
  for (const [key, value] of Object.entries(o)) {
    if (!key.startsWith("ssh_") && !key.startsWith("winrm_") && key !== "pause_before_connecting") continue;
    consumed.add(key);
    const fate = PACKER_BUILDER_OPTIONS[key];
    const to = fate && fate.kind !== "unsupported" && fate.to.startsWith("communicator.") ? fate.to.slice("communicator.".length) : void 0;
    if (value instanceof Unevaluated) {
      notes.push({ path: path12, option: `${prefix}.${key}`, comment: `packer: ${key}: uses ${value.expression}, which import-packer does not evaluate: write the value`, warn: true });
    } else if (to && (type !== "winrm" || key.startsWith("winrm_") || key === "pause_before_connecting")) {
      c[to] = value;
    } else {
      const why = fate?.kind === "unsupported" ? fate.why : fate ? `ignored with communicator ${type}` : "not a communicator option import-packer knows";
      notes.push({ path: path12, option: `${prefix}.${key}`, comment: `packer: ${key} = ${shown(key, value)}: not supported: ${why}`, warn: true });
    }
  }
  return c;
}
function appliesTo(p, source) {
  const names = [source.name, `${source.type}.${source.name}`, `source.${source.type}.${source.name}`];
  const only = p.options.only;
  const except = p.options.except;
  if (Array.isArray(only) && !only.some((n) => names.includes(String(n)))) return false;
  if (Array.isArray(except) && except.some((n) => names.includes(String(n)))) return false;
  return true;
}
function mapProvisioner(p, provPath, index, notes) {
  const label = `provisioner "${p.type}"`;
  if (!SUPPORTED_PROVISIONER_TYPES.includes(p.type)) {
    const why = UNSUPPORTED_PROVISIONERS[p.type] ?? "there is no RudderVirt provisioner of this type";
    notes.push({ path: provPath, before: index, option: label, comment: `packer: ${label} not imported: ${why}`, warn: true });
    return void 0;
  }
  const out = { type: p.type };
  const itemPath = [...provPath, index];
  for (const [key, value] of Object.entries(p.options)) {
    if (key === "only" || key === "except") continue;
    const fate = PACKER_PROVISIONER_OPTIONS[key];
    if (value instanceof Unevaluated) {
      notes.push({ path: itemPath, option: `${label}.${key}`, comment: `packer: ${key}: uses ${value.expression}, which import-packer does not evaluate: write the value`, warn: true });
    } else if (fate && fate.kind !== "unsupported") {
      out[fate.to] = key === "inline" && typeof value === "string" ? [value] : value;
    } else {
      const why = fate?.kind === "unsupported" ? fate.why : `not a ${p.type} option import-packer knows`;
      notes.push({ path: itemPath, option: `${label}.${key}`, comment: `packer: ${key} = ${shown(key, value)}: not supported: ${why}`, warn: true });
    }
  }
  return out;
}
function placeNotes(vm, vmPath, notes) {
  const here = vmPath.join(".");
  for (const n of notes) {
    if (n.path.join(".") !== here || typeof n.before !== "string" || Object.hasOwn(vm, n.before)) continue;
    const start = VM_KEYS.indexOf(n.before);
    n.before = start < 0 ? void 0 : VM_KEYS.slice(start + 1).find((k) => Object.hasOwn(vm, k));
  }
}
function fieldOf(fate) {
  if (!fate || fate.kind === "unsupported") return void 0;
  const first = /^[A-Za-z]+/.exec(fate.to)?.[0];
  return first && VM_KEYS.includes(first) ? first : void 0;
}
function normaliseChecksum(text, dir = ".") {
  const t = text.trim();
  if (t.toLowerCase() === "none") return { why: "none (no checksum) is not accepted: every download is checked; put the digest here" };
  if (t.toLowerCase().startsWith("file:")) {
    const location = t.slice("file:".length);
    return { value: /^[a-z][a-z0-9+.-]*:\/\//i.test(location) ? `file:${location}` : `file:${path5.resolve(dir, location)}` };
  }
  const colon = t.indexOf(":");
  if (colon > 0) return { value: `${t.slice(0, colon).toLowerCase()}:${t.slice(colon + 1).toLowerCase()}` };
  const algo = { 32: "md5", 40: "sha1", 64: "sha256", 128: "sha512" }[t.length];
  return algo && /^[0-9a-f]+$/i.test(t) ? { value: `${algo}:${t.toLowerCase()}` } : { value: t };
}
function packerSize(value, report) {
  const m = /^(\d+)\s*([bkmgt])?$/i.exec(String(value).trim());
  if (!m) {
    report(`${String(value)} is not a Packer size (digits and b, k, m, g or t); write the size by hand, e.g. 20Gi`);
    return void 0;
  }
  const unit = (m[2] ?? "m").toLowerCase();
  if (unit === "b") return Number(m[1]);
  return `${m[1]}${{ k: "Ki", m: "Mi", g: "Gi", t: "Ti" }[unit]}`;
}
function busOf(iface, report) {
  if (iface === void 0) return void 0;
  const bus = { virtio: "virtio", "virtio-scsi": "scsi", scsi: "scsi", sata: "sata", ide: "sata" }[iface];
  if (iface === "ide") report("ide becomes sata: KubeVirt rejects the IDE bus");
  else if (!bus) report(`${iface} is not a bus here (virtio, sata or scsi); the default virtio is used`);
  return bus;
}
function expandGlobs(patterns, dir) {
  const out = [];
  for (const p of patterns) {
    if (!/[*?[]/.test(p)) {
      out.push(p);
      continue;
    }
    const hits = globSync(p, { cwd: dir }).sort();
    out.push(...hits.length > 0 ? hits : [p]);
  }
  return out;
}
function kubeName(text) {
  const n = text.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63).replace(/-+$/, "");
  return n || "packer";
}
function uniqueName(name, taken) {
  let n = name;
  for (let i = 2; taken.has(n); i++) n = `${name}-${i}`;
  taken.add(n);
  return n;
}
function shown(key, value) {
  if (value === void 0) return "(unset)";
  if (SECRET_OPTION.test(key)) return "(secret, not shown)";
  const text = value instanceof Unevaluated ? value.expression : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
function setIf(target, key, value) {
  if (value !== void 0) target[key] = value;
}
function str(v) {
  return v === void 0 || v === null || typeof v === "object" ? void 0 : String(v);
}
function num(v) {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^\d+$/.test(v)) return Number(v);
  return void 0;
}
function asStrings(v) {
  return Array.isArray(v) ? v.map(String) : [];
}

// src/core/packer/import-packer.ts
async function importPacker(template, options = {}) {
  const read = await readPackerTemplate(template, options);
  const { build, notes } = toBuild(read);
  const yaml = renderYaml(build, notes, template);
  const warnings = notes.filter((n) => n.warn).map(warningOf);
  const asFile = path6.join(read.dir, "build.yaml");
  try {
    const loaded = loadBuildText(yaml, asFile, { env: options.env ?? process.env, cwd: options.cwd });
    return { yaml, warnings, notes, build: loaded, problems: [] };
  } catch (err) {
    if (!(err instanceof BuildFileError)) throw err;
    return { yaml, warnings, notes, problems: err.problems.map((p) => ({ ...p, file: "<stdout>" })) };
  }
}
function warningOf(n) {
  const body = n.comment.replace(/^packer: /, "");
  const dot = n.option.lastIndexOf(".");
  const key = n.option.slice(dot + 1);
  return dot > 0 && body.startsWith(key) ? `${n.option.slice(0, dot)}: ${body}` : body;
}
function renderYaml(build, notes, template) {
  const doc = new import_yaml.Document(build);
  doc.commentBefore = ` Imported from ${path6.basename(template)} by ruddervirt import-packer. Lines starting "packer:" are
 options that did not carry over (also printed as warnings); review them before the first build.`;
  for (const n of notes) {
    const target = n.path.length === 0 ? doc.contents : doc.getIn(n.path, true);
    attach(target ?? doc.contents, n);
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}
function attach(target, n) {
  const line = ` ${n.comment}`;
  if ((0, import_yaml.isMap)(target)) {
    const pair = n.before === void 0 ? void 0 : target.items.find((p) => (0, import_yaml.isScalar)(p.key) && p.key.value === n.before);
    if (pair && (0, import_yaml.isScalar)(pair.key)) {
      pair.key.commentBefore = pair.key.commentBefore ? `${pair.key.commentBefore}
${line}` : line;
      return;
    }
  }
  if ((0, import_yaml.isSeq)(target) && typeof n.before === "number") {
    const item = target.items[n.before];
    if (item && ((0, import_yaml.isMap)(item) || (0, import_yaml.isScalar)(item) || (0, import_yaml.isSeq)(item))) {
      item.commentBefore = item.commentBefore ? `${item.commentBefore}
${line}` : line;
      return;
    }
  }
  if ((0, import_yaml.isMap)(target) || (0, import_yaml.isSeq)(target) || (0, import_yaml.isScalar)(target)) target.comment = target.comment ? `${target.comment}
${line}` : line;
}

// src/cli/commands/import-packer.ts
function parseImportPackerArgs(args) {
  const positional = [];
  const varFiles = [];
  const vars = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("-") && eq > 0 ? arg.slice(0, eq) : arg;
    const value = () => {
      const v = flag !== arg ? arg.slice(eq + 1) : args[++i];
      if (v === void 0) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--var-file" || flag === "-var-file") varFiles.push(value());
    else if (flag === "--var" || flag === "-var") {
      const assignment = value();
      const at = assignment.indexOf("=");
      if (at <= 0) throw new UsageError(`--var expects NAME=VALUE, got '${assignment}'`);
      vars[assignment.slice(0, at)] = assignment.slice(at + 1);
    } else if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option '${arg}'`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new UsageError("expected one Packer template (a .json or .pkr.hcl file, or a folder of .pkr.hcl files)");
  return { template: positional[0], varFiles, vars };
}
var importPackerCommand = {
  name: "import-packer",
  summary: "Turn a Packer template (JSON or HCL2, qemu builder) into a build file",
  usage: `Usage: ruddervirt import-packer TEMPLATE [--var-file FILE]... [--var NAME=VALUE]...

Reads a Packer template \u2014 a JSON file, a .pkr.hcl file, or a folder of .pkr.hcl files with their
variables, locals and *.auto.pkrvars.hcl \u2014 and prints the equivalent build file on stdout: its qemu
and kubevirt-iso sources become VMs, its shell, file, windows-restart and windows-update
provisioners come along, and Packer's variables are expanded the way Packer expands them (boot
commands keep {{ .HTTPIP }}, {{ .HTTPPort }} and {{ .Name }} for build time).

Every option that has no place in a build file is written as a "# packer:" comment where it would
go and printed as a warning on stderr, with the reason. The result is checked like 'validate' does,
as if saved beside the template. Exit 0 when it validates; 1 when the template is broken or the
result does not validate (the problems are printed with their lines).

Options:
  --var-file FILE    A *.pkrvars.hcl (HCL2) or JSON (legacy) file of variable values (repeatable)
  --var NAME=VALUE   Set a template variable (repeatable; applied after the var files)

Example:
  ruddervirt import-packer fedora.pkr.hcl --var-file prod.pkrvars.hcl > fedora.yaml
`,
  async run(args, io) {
    const { template, varFiles, vars } = parseImportPackerArgs(args);
    try {
      const result = await importPacker(template, { varFiles, vars, cwd: io.cwd, env: io.env });
      io.stdout.write(result.yaml);
      for (const w of result.warnings) io.stderr.write(`warning: ${w}
`);
      if (result.problems.length > 0) {
        for (const p of result.problems) io.stderr.write(`${formatProblem(p)}
`);
        io.stderr.write(`${template}: the imported build file does not validate (${result.problems.length} problem${result.problems.length === 1 ? "" : "s"}; lines refer to stdout)
`);
        return 1;
      }
      return 0;
    } catch (err) {
      if (!(err instanceof PackerTemplateError)) throw err;
      for (const p of err.problems) io.stderr.write(`${formatProblem(p)}
`);
      return 1;
    }
  }
};

// src/cli/commands/publish.ts
import { readFile as readFile2 } from "node:fs/promises";
import path7 from "node:path";
var usage4 = `Usage: ruddervirt publish DISK IMAGE_REF... [options]
       ruddervirt publish --disk PLATFORM=DISK... IMAGE_REF... [options]

Packages a qcow2 or raw disk as a KubeVirt containerDisk (one layer holding /disk/disk.qcow2 or
/disk/disk.img, owned by 107:107) and pushes it to every IMAGE_REF, streaming: the disk is compressed
while it is hashed and uploaded, with no temporary copy. Prints IMAGE@sha256:\u2026 last.

An image whose 'shasum' label already matches the disk is not sent again.

Options:
  --platform OS/ARCH        platform of DISK (default linux/amd64)
  --disk PLATFORM=PATH      one disk per platform, repeatable: pushes an index (multi-platform
                            image); every positional argument is then an IMAGE_REF
  --label KEY=VALUE         image label, repeatable
  --compression gzip|zstd   layer compression (default gzip)
  --compression-level N     gzip 1-9 (default 6), zstd 1-19 (default 3)
  --format oci|docker       manifest media types (default oci; docker = Docker v2 schema 2)
  --insecure                allow plain http and unverified TLS (always allowed for localhost)
  --ca-file PEM             trust this CA for the registry's certificate
  --username USER           registry user; the password comes from --password-file or
  --password-file FILE      RUDDERVIRT_REGISTRY_PASSWORD (else docker's config.json is used)
  --authfile PATH           docker config.json to read (default $DOCKER_CONFIG or ~/.docker)
  --oci-layout DIR          write an OCI layout directory instead of pushing (IMAGE_REFs, or
                            bare tags, name its entries; default 'latest')
  --source URL              org.opencontainers.image.source (default: the GitHub repository)
  --revision REV            org.opencontainers.image.revision (default: $GITHUB_SHA)
  --title TEXT              org.opencontainers.image.title
  --created RFC3339         image creation time (default $SOURCE_DATE_EPOCH, else the disk's mtime)
  --sbom FILE               attach this SPDX JSON document as an OCI referrer of the image
                            (default: DISK.spdx.json when the build wrote one; see --no-sbom)
  --no-sbom                 attach no SBOM
  --verbose                 debug output
`;
function cliLogger(stderr, masker, verbose) {
  const base = terminalLogger(stderr, masker, verbose);
  const tty = stderr.isTTY === true;
  if (!tty) return { logger: base, tty };
  let progressShown = false;
  const clear = () => {
    if (progressShown) stderr.write("\r\x1B[K");
    progressShown = false;
  };
  const wrap = (l) => ({
    info: (m) => (clear(), l.info(m)),
    warn: (m) => (clear(), l.warn(m)),
    error: (m) => (clear(), l.error(m)),
    debug: (m) => (clear(), l.debug(m)),
    progress: (p) => {
      stderr.write(`\r\x1B[K${masker.mask(formatProgress(p))}`);
      progressShown = true;
      if (p.total !== void 0 && p.done === p.total) clear();
    },
    child: (prefix) => wrap(l.child(prefix))
  });
  return { logger: wrap(base), tty };
}
function parseDiskFlag(value) {
  const eq = value.indexOf("=");
  if (eq <= 0 || eq === value.length - 1) throw new UsageError(`--disk expects PLATFORM=PATH (e.g. linux/arm64=arm64.qcow2), got '${value}'`);
  return { platform: value.slice(0, eq), path: value.slice(eq + 1) };
}
var publishCommand = {
  name: "publish",
  summary: "Push a disk to a registry as a KubeVirt containerDisk",
  usage: usage4,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      platform: { type: "string" },
      disk: { type: "string", multiple: true },
      label: { type: "string", multiple: true },
      compression: { type: "string" },
      "compression-level": { type: "string" },
      format: { type: "string" },
      insecure: { type: "boolean" },
      "ca-file": { type: "string" },
      username: { type: "string" },
      "password-file": { type: "string" },
      authfile: { type: "string" },
      "oci-layout": { type: "string" },
      source: { type: "string" },
      revision: { type: "string" },
      title: { type: "string" },
      created: { type: "string" },
      sbom: { type: "string" },
      "no-sbom": { type: "boolean" },
      verbose: { type: "boolean" }
    });
    const resolvePath = (p) => path7.resolve(io.cwd, p);
    let disk;
    let refs;
    if (values.disk?.length) {
      if (values.platform) throw new UsageError("--platform is for a single DISK; with --disk give PLATFORM=PATH for each");
      disk = values.disk.map(parseDiskFlag).map((d) => ({ ...d, path: resolvePath(d.path) }));
      refs = positionals;
    } else {
      const [first, ...rest] = positionals;
      if (first === void 0) throw new UsageError("missing DISK");
      disk = resolvePath(first);
      refs = rest;
    }
    const layout = values["oci-layout"] ? resolvePath(values["oci-layout"]) : void 0;
    if (refs.length === 0 && !layout) throw new UsageError("missing IMAGE_REF (where to push), or --oci-layout DIR");
    const compression = values.compression ?? "gzip";
    if (compression !== "gzip" && compression !== "zstd") throw new UsageError(`--compression must be gzip or zstd, got '${compression}'`);
    const format = values.format ?? "oci";
    if (format !== "oci" && format !== "docker") throw new UsageError(`--format must be oci or docker, got '${format}'`);
    let level;
    if (values["compression-level"] !== void 0) {
      level = Number(values["compression-level"]);
      if (!Number.isInteger(level)) throw new UsageError(`--compression-level must be a whole number, got '${values["compression-level"]}'`);
    }
    const masker = new SecretMasker();
    let password = io.env.RUDDERVIRT_REGISTRY_PASSWORD;
    if (values["password-file"]) {
      try {
        password = (await readFile2(resolvePath(values["password-file"]), "utf8")).replace(/\r?\n$/, "");
      } catch (err) {
        throw new UserError(`--password-file ${values["password-file"]}: ${err.code ?? String(err)}`);
      }
    }
    if (values.username && !password) throw new UsageError("--username needs --password-file or RUDDERVIRT_REGISTRY_PASSWORD");
    masker.add(password);
    const { logger, tty } = cliLogger(io.stderr, masker, values.verbose === true);
    const env = io.env;
    const source = values.source ?? (env.GITHUB_REPOSITORY ? `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}` : void 0);
    const revision = values.revision ?? env.GITHUB_SHA;
    if (values.sbom !== void 0 && values["no-sbom"]) throw new UsageError("--sbom and --no-sbom cannot be used together");
    const sbomFile = values["no-sbom"] ? void 0 : values.sbom !== void 0 ? resolvePath(values.sbom) : typeof disk === "string" ? sbomBeside(disk) : void 0;
    const referrer = sbomFile ? await sbomReferrer(sbomFile, values.sbom !== void 0) : void 0;
    const result = await publishContainerDisk({
      ...referrer ? { referrers: [referrer] } : {},
      disk,
      refs,
      labels: parseKeyValues(values.label, "--label"),
      compression,
      compressionLevel: level,
      platform: values.platform,
      format,
      insecure: values.insecure === true,
      caFile: values["ca-file"] ? resolvePath(values["ca-file"]) : void 0,
      auth: {
        ...values.username ? { username: values.username, password } : {},
        ...values.authfile ? { dockerConfig: resolvePath(values.authfile) } : {}
      },
      build: {
        ...source ? { source } : {},
        ...revision ? { revision } : {},
        ...values.title ? { title: values.title } : {},
        ...values.created ? { created: values.created } : {}
      },
      ociLayout: layout,
      logger,
      masker,
      env,
      signal: io.signal,
      progressIntervalMs: tty ? 250 : 1e4
    });
    const names = [...new Set(result.refs.map((r) => r.replace(/:[\w][\w.-]{0,127}$/, "")))];
    for (const name of names) io.stdout.write(`${name}@${result.digest}
`);
    return 0;
  }
};

// src/cli/commands/prune.ts
import path8 from "node:path";

// src/engines/kubevirt/prune-layers.ts
async function pruneKubevirtLayers(req) {
  const target = loadKubeTarget({ env: req.env, ...req.namespace ? { namespace: req.namespace } : {}, ...req.kubeconfig ? { kubeconfig: req.kubeconfig } : {} });
  const objects = new ObjectClient(new KubeApi(target.kc), req.logger);
  const result = await pruneKept({
    objects,
    namespace: target.namespace,
    kinds: KEPT_KINDS,
    scope: { build: req.build, ...req.layer !== void 0 ? { layer: req.layer } : {} },
    keep: req.keep,
    signal: req.signal,
    timeoutMs: req.timeoutMs ?? DEFAULT_TIMEOUTS.cleanup
  });
  return { ...result, namespace: target.namespace };
}

// src/cli/commands/prune.ts
var usage5 = `Usage: ruddervirt prune FILE [options]
       ruddervirt prune --build NAME [options]
       ruddervirt prune --containerdisks [--older-than DAYS]

A kubevirt build keeps each layer's outputs in its namespace (CDI DataVolumes or CSI
VolumeSnapshots labelled ruddervirt.io/layer-key), so a later build of an unchanged layer clones
them instead of booting its VMs; each successful layer keeps the newest 2 per VM (build
--keep-layers). This removes them: all of the build's, or those beyond the newest --keep per
layer and VM. The build file only gives the build's name.

With --containerdisks it empties this machine's cache of containerDisk sources instead: the disks
local builds extracted from registries, kept by manifest digest under RUDDERVIRT_CACHE_DIR/
containerdisks (default ~/.cache/ruddervirt/containerdisks) so a rebuild needs no registry.

Options:
  --containerdisks     Remove the cached containerDisk sources (no build file needed).
  --older-than DAYS    With --containerdisks: only those pulled more than DAYS days ago.
  --build NAME         The build's name, instead of a build file.
  --layer LAYER        Only this layer's outputs.
  --keep N             Keep the newest N per layer and VM (default 0: remove all).
  --var-file FILE      Variable values from a YAML or JSON file (repeatable).
  --var k=v            Set a build variable, if the file needs one to load (repeatable).
  --kubeconfig FILE    The cluster and credentials (default: KUBECONFIG, ~/.kube/config, or the
                       pod's service account inside a cluster).
  --namespace NS       Where the builds ran (default: the context's namespace, else default).
  --verbose            Debug lines too.

The local engine's layer cache is a folder: remove RUDDERVIRT_CACHE_DIR/layers (default
~/.cache/ruddervirt/layers) to empty it.

Exit status: 0 removed (or nothing to remove), 1 something could not be removed.
`;
var pruneCommand = {
  name: "prune",
  summary: "Remove the layer outputs kubevirt builds keep in the cluster, or the cached containerDisks",
  usage: usage5,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      build: { type: "string" },
      layer: { type: "string" },
      keep: { type: "string", default: "0" },
      var: { type: "string", multiple: true },
      "var-file": { type: "string", multiple: true },
      kubeconfig: { type: "string" },
      namespace: { type: "string" },
      verbose: { type: "boolean", default: false },
      containerdisks: { type: "boolean", default: false },
      "older-than": { type: "string" }
    });
    if (values.containerdisks) return pruneContainerDiskCache(values["older-than"], positionals, io, values.verbose);
    if (values["older-than"] !== void 0) throw new UsageError("--older-than goes with --containerdisks");
    if (positionals.length === 1 === (values.build !== void 0) || positionals.length > 1) throw new UsageError("expects a build file or --build NAME (one of them)");
    const keep = Number(values.keep);
    if (!/^\d+$/.test(values.keep) || !Number.isSafeInteger(keep)) throw new UsageError(`--keep must be a whole number, got '${values.keep}'`);
    const name = values.build ?? loadBuild(positionals[0], { ...variableOptions(values), env: io.env, cwd: io.cwd }).name;
    const logger = terminalLogger(io.stderr, new SecretMasker(), values.verbose);
    const result = await pruneKubevirtLayers({
      build: name,
      keep,
      env: io.env,
      logger,
      signal: io.signal,
      ...values.layer !== void 0 ? { layer: values.layer } : {},
      ...values.namespace !== void 0 ? { namespace: values.namespace } : {},
      ...values.kubeconfig !== void 0 ? { kubeconfig: path8.resolve(io.cwd, values.kubeconfig) } : {}
    });
    for (const r of result.removed) logger.info(`removed ${r}`);
    const what = `kept layer outputs of build ${name}${values.layer !== void 0 ? `, layer ${values.layer}` : ""} in namespace ${result.namespace}`;
    if (result.left.length > 0) throw new UserError(`could not remove every one of the ${what}:
${result.left.map((l) => `  - ${l}`).join("\n")}`, 1);
    logger.info(result.removed.length > 0 ? `removed ${result.removed.length} ${what}${keep > 0 ? ` (kept the newest ${keep} per VM)` : ""}` : `no ${what} to remove`);
    return 0;
  }
};
async function pruneContainerDiskCache(olderThan, positionals, io, verbose) {
  if (positionals.length > 0) throw new UsageError("--containerdisks takes no build file");
  let before;
  if (olderThan !== void 0) {
    if (!/^\d+$/.test(olderThan)) throw new UsageError(`--older-than must be a whole number of days, got '${olderThan}'`);
    before = new Date(Date.now() - Number(olderThan) * 864e5);
  }
  const logger = terminalLogger(io.stderr, new SecretMasker(), verbose);
  const cache = new ContainerDiskCache(defaultContainerDiskCacheDir(io.env));
  const { removed, bytes } = await cache.prune(before);
  for (const e of removed) logger.info(`removed ${e.image} (${e.digest}, ${formatBytes(e.size)})`);
  logger.info(removed.length > 0 ? `removed ${removed.length} cached containerDisk(s) from ${cache.dir}, ${formatBytes(bytes)} freed` : `no cached containerDisks to remove in ${cache.dir}`);
  return 0;
}

// src/cli/commands/render.ts
import { readFileSync as readFileSync2 } from "node:fs";
import path9 from "node:path";

// src/engines/kubevirt/rbac.ts
var import_yaml2 = __toESM(require_dist(), 1);
var VERB_ORDER = ["get", "list", "watch", "create", "update", "patch", "delete"];
function ruleResource(call) {
  return call.subresource ? `${call.resource}/${call.subresource}` : call.resource;
}
function rulesFor(calls) {
  const verbsByResource = /* @__PURE__ */ new Map();
  for (const call of calls) {
    const key = `${call.group}\0${ruleResource(call)}`;
    const verbs = verbsByResource.get(key) ?? /* @__PURE__ */ new Set();
    verbs.add(call.verb);
    verbsByResource.set(key, verbs);
  }
  const rules = /* @__PURE__ */ new Map();
  for (const [key, verbSet] of verbsByResource) {
    const [group = "", resource = ""] = key.split("\0");
    const verbs = [...verbSet].sort((a, b) => VERB_ORDER.indexOf(a) - VERB_ORDER.indexOf(b));
    const ruleKey = `${group}\0${verbs.join(",")}`;
    const rule = rules.get(ruleKey) ?? { apiGroups: [group], resources: [], verbs };
    rule.resources.push(resource);
    rules.set(ruleKey, rule);
  }
  const list = [...rules.values()];
  for (const r of list) r.resources.sort();
  return list.sort((a, b) => a.apiGroups[0].localeCompare(b.apiGroups[0]) || a.resources[0].localeCompare(b.resources[0]) || a.verbs.join().localeCompare(b.verbs.join()));
}
var ROLE_NAMES = {
  builder: "ruddervirt-builder",
  upload: "ruddervirt-builder-upload",
  network: "ruddervirt-builder-network",
  discovery: "ruddervirt-builder-discovery"
};
function roleOf(call) {
  const byScope = {
    namespace: () => "builder",
    "cdi-namespace": () => "upload",
    cluster: (f) => f === "network" ? "network" : "discovery"
  };
  return byScope[call.scope](call.feature);
}
function roleSets(namespace) {
  const all = [...API_CALLS, ...ALWAYS_ALLOWED_CALLS];
  const of = (role) => all.filter((c) => roleOf(c) === role);
  return [
    { name: ROLE_NAMES.builder, kind: "Role", namespace, calls: of("builder"), nonResource: false, purpose: "everything a build does in its namespace" },
    { name: ROLE_NAMES.upload, kind: "Role", namespace: CDI_NAMESPACE, calls: of("upload"), nonResource: false, purpose: "uploads of local disks and ISOs through cdi-uploadproxy" },
    { name: ROLE_NAMES.network, kind: "ClusterRole", calls: of("network"), nonResource: false, purpose: "Kube-OVN VPCs and subnets (only for builds with network.vpcs)" },
    { name: ROLE_NAMES.discovery, kind: "ClusterRole", calls: of("discovery"), nonResource: true, purpose: "read-only discovery of what the cluster offers (optional)" }
  ];
}
var LABELS = { "app.kubernetes.io/managed-by": "ruddervirt", "app.kubernetes.io/component": "rbac" };
function rbacObjects(options) {
  const subject = { kind: "ServiceAccount", name: options.serviceAccount, namespace: options.namespace };
  const out = [{ apiVersion: "v1", kind: "ServiceAccount", metadata: { name: options.serviceAccount, namespace: options.namespace, labels: LABELS } }];
  for (const set of roleSets(options.namespace)) {
    const rules = rulesFor(set.calls);
    if (set.nonResource) rules.push({ nonResourceURLs: NON_RESOURCE_CALLS.map((c) => c.path), verbs: ["get"] });
    const ns = set.namespace ? { namespace: set.namespace } : {};
    out.push({ apiVersion: "rbac.authorization.k8s.io/v1", kind: set.kind, metadata: { name: set.name, ...ns, labels: LABELS }, rules });
    out.push({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: set.kind === "Role" ? "RoleBinding" : "ClusterRoleBinding",
      metadata: { name: set.kind === "ClusterRole" ? `${set.name}-${options.namespace}-${options.serviceAccount}` : set.name, ...ns, labels: LABELS },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: set.kind, name: set.name },
      subjects: [subject]
    });
  }
  return out;
}
function rbacYaml(options) {
  const header = [
    "# Least-privilege RBAC for the RudderVirt kubevirt engine, generated from",
    "# src/engines/kubevirt/api-calls.ts (ruddervirt render --rbac --namespace NS [--service-account SA]).",
    ...roleSets(options.namespace).map((s) => `#   ${s.name} (${s.kind}${s.namespace ? ` in ${s.namespace}` : ""}): ${s.purpose}`),
    "# Secrets are only created and deleted, never read. Bind the ServiceAccount (or your CI user) and",
    "# drop the network ClusterRole when no build declares network.vpcs."
  ].join("\n");
  return `${header}
${rbacObjects(options).map((o) => `---
${(0, import_yaml2.stringify)(o, { lineWidth: 0 })}`).join("")}`;
}

// src/cli/commands/render.ts
var usage6 = `Usage: ruddervirt render FILE [--engine kubevirt] [--namespace NS] [options]
       ruddervirt render --rbac [--namespace NS] [--service-account SA]

Prints every Kubernetes object the build creates on KubeVirt, as multi-document YAML in creation
order, each with a comment saying when it is created: the run's root ConfigMap (owner of the
rest), Kube-OVN VPCs, subnets and egress gateways, CDI DataVolumes, cdrom and HTTP-file Secrets,
the HTTP file-server pods, the VirtualMachines, and what keeps and exports each VM's disk. These
are the objects \`build --engine kubevirt\` creates, from the same function and settings. Owner
references need their owner's uid, which exists only once the owner is created: their uid reads
"<uid of ConfigMap NAME, set when it is created>" (drop ownerReferences before applying the
output by hand). Every object carries the label ruddervirt.io/run=RUN_ID, so a run applied by
hand can be deleted by label.

Needs no cluster: without --kubeconfig it assumes KubeVirt 1.9 or later (export.kubevirt.io/v1;
--export-api v1beta1 for older), CDI cdi.kubevirt.io/v1beta1, snapshot.storage.k8s.io/v1,
snapshot.kubevirt.io/v1beta1 and kubeovn.io/v1, and clone captures unless told otherwise. With
--kubeconfig it asks the cluster what a build asks it: the served export version and, without
--capture, the capture method (a VolumeSnapshotClass that fits the disks' storage class).

Options:
  --engine kubevirt              the engine that has manifests (the default; 'local' has none)
  --namespace NS                 namespace of the objects (default "default")
  --run-id ID                    ends every name, 1-12 of a-z0-9 (default: a digest of the file and
                                 its variables, so an unchanged file renders the same names)
  --var-file FILE                variable values from a YAML or JSON file (repeatable)
  --var NAME=VALUE               set a build variable (repeatable, after the var files)
  --capture MODE                 how a finished disk is kept: clone (default), volume-snapshot,
                                 vm-snapshot
  --snapshot-class NAME          VolumeSnapshotClass (implies --capture volume-snapshot)
  --export-api v1|v1beta1        export.kubevirt.io version (v1 from KubeVirt 1.9; default v1)
  --egress-external-subnet NAME  Kube-OVN external subnet of egress gateways
                                 (default ovn-vpc-external-network)
  --iso-size SIZE                volume size for an installer ISO (default 10Gi)
  --kubeconfig FILE              detect the served API versions and the capture method from this
                                 cluster, as a build does (read-only API discovery)
  --context NAME                 the kubeconfig context (default: its current context)
  --redact                       print Secret values as REDACTED
  --rbac                         print the least-privilege RBAC (ServiceAccount, Roles, bindings)
  --service-account SA           the ServiceAccount the RBAC binds (default ruddervirt)

${KUBEVIRT_FLAGS_USAGE}`;
function capturePlan(mode, snapshotClass, auto = false) {
  if (mode === void 0 && snapshotClass === void 0 && auto) return { mode: "auto" };
  const chosen = mode ?? (snapshotClass ? "volume-snapshot" : "clone");
  switch (chosen) {
    case "clone":
    case "vm-snapshot":
      if (snapshotClass) throw new UsageError(`--snapshot-class goes with --capture volume-snapshot, not ${chosen}`);
      return { mode: chosen };
    case "volume-snapshot":
      if (!snapshotClass) throw new UsageError("--capture volume-snapshot needs --snapshot-class NAME");
      return { mode: "volume-snapshot", snapshotClass };
    default:
      throw new UsageError(`--capture must be clone, volume-snapshot or vm-snapshot, got '${chosen}'`);
  }
}
var renderCommand = {
  name: "render",
  summary: "Print the Kubernetes manifests a build creates on KubeVirt (no cluster needed)",
  usage: usage6,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      engine: { type: "string" },
      namespace: { type: "string" },
      "run-id": { type: "string" },
      var: { type: "string", multiple: true },
      "var-file": { type: "string", multiple: true },
      capture: { type: "string" },
      "snapshot-class": { type: "string" },
      "export-api": { type: "string" },
      "egress-external-subnet": { type: "string" },
      "iso-size": { type: "string" },
      ...KUBEVIRT_FLAGS,
      kubeconfig: { type: "string" },
      context: { type: "string" },
      redact: { type: "boolean" },
      rbac: { type: "boolean" },
      "service-account": { type: "string" }
    });
    const namespace = values.namespace ?? "default";
    if (!isDnsLabel(namespace)) throw new UsageError(`--namespace '${namespace}' is not a namespace name (lower-case letters, digits and '-', at most 63)`);
    if (values.rbac) {
      if (positionals.length > 0) throw new UsageError("--rbac takes no build file");
      const serviceAccount = values["service-account"] ?? "ruddervirt";
      if (!isDnsLabel(serviceAccount)) throw new UsageError(`--service-account '${serviceAccount}' is not a ServiceAccount name`);
      io.stdout.write(rbacYaml({ namespace, serviceAccount }));
      return 0;
    }
    if (values["service-account"] !== void 0) throw new UsageError("--service-account goes with --rbac");
    if (values.context !== void 0 && values.kubeconfig === void 0) throw new UsageError("--context goes with --kubeconfig");
    if (values.kubeconfig !== void 0 && values["export-api"] !== void 0) throw new UsageError("--export-api is what --kubeconfig detects; give one of them");
    const engine = values.engine ?? "kubevirt";
    if (engine === "local") throw new UsageError("the local engine runs QEMU directly and has no manifests; render is for --engine kubevirt");
    if (engine !== "kubevirt") throw new UsageError(`--engine must be kubevirt, got '${engine}'`);
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "missing the build FILE" : "render takes one build FILE");
    let exportApi = values["export-api"] ?? "v1";
    if (exportApi !== "v1" && exportApi !== "v1beta1") throw new UsageError(`--export-api must be v1 or v1beta1, got '${exportApi}'`);
    let isoVolumeBytes;
    if (values["iso-size"] !== void 0) {
      const size = parseQuantity(values["iso-size"]);
      if ("error" in size) throw new UsageError(`--iso-size: ${size.error}`);
      isoVolumeBytes = size.bytes;
    }
    let capture = capturePlan(values.capture, values["snapshot-class"], values.kubeconfig !== void 0);
    const kubevirt = kubevirtSettingsFromFlags(values);
    const build = loadBuild(positionals[0], { ...variableOptions(values), env: io.env, cwd: io.cwd });
    const masker = new SecretMasker();
    for (const secret of build.secrets) masker.add(secret);
    await resolveSourceChecksums(build, { logger: terminalLogger(io.stderr, masker), signal: io.signal, env: io.env });
    if (values.kubeconfig !== void 0) {
      const target = loadKubeTarget({ env: io.env, kubeconfig: path9.resolve(io.cwd, values.kubeconfig), ...values.context ? { context: values.context } : {} });
      const found = await discoverCapabilities(new KubeDiscoveryClient(target.kc), {
        namespace,
        features: buildFeatures(build),
        capture,
        storageClasses: [...new Set(build.layers.flatMap((l) => l.vms.map((vm) => effectiveSettings(build.kubevirt, vm.kubevirt, kubevirt).settings.storageClassName)))]
      });
      exportApi = found.exportApiVersion;
      capture = found.capture;
      for (const w of found.warnings) io.stderr.write(`warning: ${w}
`);
      for (const b of found.blockers) io.stderr.write(`warning: a build would stop here: ${b.what}
  fix: ${b.fix}
`);
    }
    const given = {
      runId: values["run-id"] ?? defaultRunId(readFileSync2(path9.resolve(io.cwd, positionals[0]), "utf8"), build.variables),
      namespace,
      capture,
      exportApiVersion: exportApi,
      kubevirt,
      ...values["egress-external-subnet"] !== void 0 ? { egressExternalSubnet: values["egress-external-subnet"] } : {},
      ...isoVolumeBytes !== void 0 ? { isoVolumeBytes } : {}
    };
    const rendered = renderBuild(build, collectLocalInputs(build), renderOptions(given));
    for (const w of rendered.warnings ?? []) io.stderr.write(`${formatProblem({ ...w, message: `warning: ${w.message}` })}
`);
    io.stdout.write(renderedToYaml(rendered, { redactSecrets: values.redact === true }));
    return 0;
  }
};

// src/core/config/json-schema.ts
function buildJsonSchema() {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: "RudderVirt build file",
    ...toSchema(buildSpec)
  };
}
function jsonSchemaText() {
  return JSON.stringify(buildJsonSchema(), null, 2) + "\n";
}
function annotations(spec) {
  const out = { description: spec.description + (spec.defaultText ? ` Default: ${spec.defaultText}.` : "") };
  if (spec.default !== void 0) out.default = spec.default;
  return out;
}
function toSchema(spec) {
  switch (spec.type) {
    case "string":
      return { ...annotations(spec), ...stringSchema(spec) };
    case "integer": {
      const s = { ...annotations(spec), type: "integer" };
      if (spec.minimum !== void 0) s.minimum = spec.minimum;
      if (spec.maximum !== void 0) s.maximum = spec.maximum;
      return s;
    }
    case "boolean":
      return { ...annotations(spec), type: "boolean" };
    case "scalar":
      return { ...annotations(spec), anyOf: [{ type: "string" }, { type: "number" }, { type: "boolean" }] };
    case "array": {
      const s = { ...annotations(spec), type: "array", items: toSchema(spec.items) };
      if (spec.minItems !== void 0) s.minItems = spec.minItems;
      return s;
    }
    case "map":
      return {
        ...annotations(spec),
        type: "object",
        propertyNames: { pattern: anchored(FORMATS[spec.keyFormat].pattern) },
        additionalProperties: toSchema(spec.values)
      };
    case "union":
      return { ...annotations(spec), anyOf: spec.options.map(toSchema) };
    case "object":
      return { ...annotations(spec), ...objectSchema(spec) };
    case "tagged": {
      const tags = Object.keys(spec.variants);
      return {
        ...annotations(spec),
        type: "object",
        required: [spec.tag],
        properties: { [spec.tag]: { enum: tags } },
        allOf: Object.entries(spec.variants).map(([tag, variant]) => ({
          if: { properties: { [spec.tag]: { const: tag } }, required: [spec.tag] },
          then: objectSchema(variant)
        }))
      };
    }
  }
}
function stringSchema(spec) {
  if (spec.enum) return { type: "string", enum: [...spec.enum] };
  if (!spec.format) return { type: "string" };
  const pattern = anchored(FORMATS[spec.format].pattern);
  return { type: "string", pattern: spec.template ? `${pattern}|\\{\\{` : pattern };
}
function anchored(pattern) {
  return `^(?:${pattern})$`;
}
function objectSchema(spec) {
  const s = {
    type: "object",
    properties: Object.fromEntries(Object.entries(spec.properties).map(([k, v]) => [k, toSchema(v)])),
    additionalProperties: false
  };
  if (spec.title) s.title = spec.title;
  if (spec.required?.length) s.required = [...spec.required];
  const allOf = [];
  if (spec.exactlyOne) allOf.push({ oneOf: spec.exactlyOne.map((k) => ({ required: [k] })) });
  if (spec.anyOf) allOf.push({ anyOf: spec.anyOf.map((k) => ({ required: [k] })) });
  for (const [a, b] of spec.exclusive ?? []) allOf.push({ not: { required: [a, b] } });
  if (allOf.length) s.allOf = allOf;
  if (spec.requires) s.dependencies = Object.fromEntries(Object.entries(spec.requires).map(([k, v]) => [k, [...v]]));
  return s;
}

// src/cli/commands/schema.ts
var schemaCommand = {
  name: "schema",
  summary: "Print the build file's JSON Schema",
  usage: `Usage: ruddervirt schema

Prints the JSON Schema (draft-07) of build files. Editors with YAML support use it for completion
and inline errors; point them at it with a first line such as
  # yaml-language-server: $schema=../schema/build.schema.json
The schema checks each field on its own; 'ruddervirt validate' also checks the rules between
fields (a NIC's subnet exists, 'from' names an earlier layer, files exist).
`,
  async run(args, io) {
    if (args.length > 0) throw new UsageError(`unexpected argument '${args[0]}'`);
    io.stdout.write(jsonSchemaText());
    return 0;
  }
};

// src/cli/commands/screen-text.ts
var import_pngjs = __toESM(require_png(), 1);
import { readFile as readFile3 } from "node:fs/promises";
import path10 from "node:path";
var usage7 = `Usage: ruddervirt screen-text [--match REGEX] FILE.png...

Prints the text OCR reads on each screenshot, as a build reads the VM's screen for
<wait 'TEXT'> (the same engine, offline). With --match, also says whether REGEX would match
(case ignored, quotes and spacing evened out as in a build) and exits 1 when it does not.

Examples:
  ruddervirt screen-text logs/web/bootcommand-01.png
  ruddervirt screen-text --match 'boot:' logs/web/failure.png
`;
function parseArguments2(args) {
  const files = [];
  let pattern;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--help" || arg === "-h") return "help";
    if (arg === "--match") {
      pattern = args[++i];
      if (pattern === void 0 || pattern === "") throw new UsageError("--match needs a regular expression");
      try {
        new RegExp(pattern);
      } catch (err) {
        throw new UsageError(`--match ${JSON.stringify(pattern)}: ${err.message}`);
      }
    } else if (arg.startsWith("--")) throw new UsageError(`unknown option '${arg}'`);
    else files.push(arg);
  }
  if (files.length === 0) throw new UsageError("expected at least one FILE.png");
  return pattern === void 0 ? { files } : { files, pattern };
}
var screenTextCommand = {
  name: "screen-text",
  summary: "Show the text OCR reads on a screenshot (for <wait 'TEXT'>)",
  usage: usage7,
  async run(args, io) {
    const parsed = parseArguments2(args);
    if (parsed === "help") {
      io.stdout.write(usage7);
      return 0;
    }
    const reader = await ScreenReader.open();
    let missed = false;
    try {
      for (const file of parsed.files) {
        let png;
        try {
          png = import_pngjs.PNG.sync.read(await readFile3(path10.resolve(io.cwd, file)));
        } catch (err) {
          throw new UserError(`${file}: not a readable PNG (${err.message})`);
        }
        const { text, ms } = await reader.read({ width: png.width, height: png.height, rgba: png.data });
        if (parsed.files.length > 1) io.stdout.write(`== ${file} (${png.width}x${png.height}, read in ${Math.round(ms)} ms)
`);
        io.stdout.write(text + "\n");
        if (parsed.pattern !== void 0) {
          const matches = screenTextMatches(parsed.pattern, text);
          missed ||= !matches;
          io.stdout.write(`-- /${parsed.pattern}/ ${matches ? "matches" : "does not match"}
`);
        }
      }
    } finally {
      reader.close();
      await closeSharedOcr();
    }
    return missed ? 1 : 0;
  }
};

// src/cli/commands/validate.ts
function parseBuildFileArgs(args) {
  const files = [];
  const vars = {};
  const varFiles = [];
  let optionsDone = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (optionsDone || !arg.startsWith("-") || arg === "-") {
      files.push(arg);
      continue;
    }
    if (arg === "--") {
      optionsDone = true;
      continue;
    }
    if (arg === "--var-file" || arg === "-var-file") {
      const file = args[++i];
      if (file === void 0) throw new UsageError(`${arg} needs FILE`);
      varFiles.push(file);
      continue;
    }
    if (arg.startsWith("--var-file=") || arg.startsWith("-var-file=")) {
      varFiles.push(arg.slice(arg.indexOf("=") + 1));
      continue;
    }
    let assignment;
    if (arg === "--var" || arg === "-var") {
      assignment = args[++i];
      if (assignment === void 0) throw new UsageError(`${arg} needs NAME=VALUE`);
    } else if (arg.startsWith("--var=") || arg.startsWith("-var=")) {
      assignment = arg.slice(arg.indexOf("=") + 1);
    } else {
      throw new UsageError(`unknown option '${arg}'`);
    }
    const eq = assignment.indexOf("=");
    if (eq <= 0) throw new UsageError(`--var expects NAME=VALUE, got '${assignment}'`);
    vars[assignment.slice(0, eq)] = assignment.slice(eq + 1);
  }
  return { files, vars, varFiles };
}
var validateCommand = {
  name: "validate",
  summary: "Check build files and show every problem with its line and column",
  usage: `Usage: ruddervirt validate FILE... [--var-file FILE]... [--var NAME=VALUE]... [--engine local|kubevirt]

Checks each build file completely: YAML syntax, keys and value types, formats (durations, sizes,
checksums, names), templates, references between fields (subnets, from, dependsOn) and that the
local files it names exist. Prints "FILE: ok" for a valid file and every problem of an invalid one
as FILE:LINE:COL: field.path: message. Exits 1 when any file has a problem. Warnings (a cdrom bus
the source's kernel cannot see) are printed the same way, as "warning: \u2026", and do not fail.

Options:
  --var-file FILE    Variable values from a YAML or JSON file of name: value pairs (repeatable,
                     applied in order); its problems are reported with their lines too
  --var NAME=VALUE   Set a variable declared under 'variables' (repeatable, after the var files)
  --engine local|kubevirt
                     Add the warnings of that engine (default local): on kubevirt, mirrors in
                     urls: that CDI will not try. What KubeVirt cannot run at all (qemuArgs,
                     machineType: pc) is refused by \`ruddervirt render\` and the build.
`,
  async run(args, io) {
    let engine = "local";
    const rest = [];
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (arg === "--") {
        rest.push(...args.slice(i));
        break;
      }
      if (arg === "--engine" || arg.startsWith("--engine=")) {
        const value = arg === "--engine" ? args[++i] : arg.slice("--engine=".length);
        if (value !== "local" && value !== "kubevirt") throw new UsageError(`--engine expects local or kubevirt, got '${value ?? ""}'`);
        engine = value;
      } else rest.push(arg);
    }
    const { files, vars, varFiles } = parseBuildFileArgs(rest);
    if (files.length === 0) throw new UsageError("expected at least one build file");
    let bad = 0;
    for (const file of files) {
      try {
        const build = loadBuild(file, { vars, varFiles, env: io.env, cwd: io.cwd });
        build.warnings = [...build.warnings ?? [], ...engine === "kubevirt" ? unusedMirrorWarnings(build) : []];
        for (const w of build.warnings) io.stderr.write(`${formatProblem({ ...w, message: `warning: ${w.message}` })}
`);
        io.stdout.write(`${file}: ok${build.warnings?.length ? ` (${build.warnings.length} warning${build.warnings.length === 1 ? "" : "s"})` : ""}
`);
      } catch (err) {
        if (!(err instanceof BuildFileError)) throw err;
        bad++;
        for (const p of err.problems) io.stderr.write(formatProblem(p) + "\n");
        io.stderr.write(`${file}: ${err.problems.length} problem${err.problems.length === 1 ? "" : "s"}
`);
      }
    }
    return bad > 0 ? 1 : 0;
  }
};

// src/cli/commands/verify.ts
import path11 from "node:path";
var usage8 = `Usage: ruddervirt verify FILE [options]

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

Exit status: 0 every check passed (or nothing to verify), 1 a check failed or the image did not
boot to SSH (or a bad build file or output folder), 130 cancelled.
`;
var verifyCommand = {
  name: "verify",
  summary: "Boot a build's images as new VMs and run their verify checks over SSH",
  usage: usage8,
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
      verbose: { type: "boolean", default: false }
    });
    if (positionals.length !== 1) throw new UsageError("expects exactly one build file");
    const onError = values["on-error"];
    if (onError !== "cleanup" && onError !== "abort") throw new UsageError(`--on-error must be cleanup or abort, got '${onError}'`);
    if (values.engine !== "local" && values.engine !== "kubevirt") throw new UsageError(`--engine must be local or kubevirt, got '${values.engine}'`);
    if (values.engine === "local") {
      for (const flag of ["kubeconfig", "namespace"]) if (values[flag] !== void 0) throw new UsageError(`--${flag} is for --engine kubevirt`);
    }
    const build = loadBuild(positionals[0], { ...variableOptions(values), env: io.env, cwd: io.cwd });
    const masker = new SecretMasker();
    for (const s of build.secrets) masker.add(s);
    const logger = terminalLogger(io.stderr, masker, values.verbose);
    for (const w of build.warnings ?? []) logger.warn(formatProblem(w));
    const outputDir = path11.resolve(io.cwd, values.output ?? path11.join("output", build.name));
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
      ...values.kubeconfig !== void 0 ? { kubeconfig: path11.resolve(io.cwd, values.kubeconfig) } : {},
      ...values.namespace !== void 0 ? { namespace: values.namespace } : {}
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

// src/cli/commands.ts
var commands = [
  buildCommand,
  validateCommand,
  verifyCommand,
  bootCommandCommand,
  screenTextCommand,
  renderCommand,
  importPackerCommand,
  publishCommand,
  pruneCommand,
  cleanupCommand,
  schemaCommand
];

// src/cli/run.ts
var VERSION = package_default.version;
function printable(message) {
  return message.split("\n").map(escapeControls).join("\n");
}
function overview(commands2) {
  const width = Math.max(...commands2.map((c) => c.name.length));
  return [
    "Usage: ruddervirt <command> [options]",
    "",
    "Build virtual-machine images the way Packer does, on KubeVirt or locally with QEMU.",
    "",
    "Commands:",
    ...commands2.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run 'ruddervirt <command> --help' for a command's options.",
    ""
  ].join("\n");
}
async function runCli(argv, commands2, io) {
  const [name, ...rest] = argv;
  if (name === void 0 || name === "--help" || name === "-h" || name === "help") {
    const target = name === "help" ? commands2.find((c) => c.name === rest[0]) : void 0;
    io.stdout.write(target ? target.usage.trimEnd() + "\n" : overview(commands2));
    return name === void 0 ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    io.stdout.write(`ruddervirt ${VERSION}
`);
    return 0;
  }
  const command = commands2.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`ruddervirt: unknown command '${escapeControls(name)}'. Run 'ruddervirt --help' for the list.
`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(command.usage.trimEnd() + "\n");
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`ruddervirt ${command.name}: ${printable(err.message)}
Run 'ruddervirt ${command.name} --help' for usage.
`);
      return 2;
    }
    if (err instanceof UserError) {
      io.stderr.write(`ruddervirt ${command.name}: ${printable(err.message)}
`);
      return err.exitCode;
    }
    if (io.signal.aborted) {
      io.stderr.write(`ruddervirt ${command.name}: cancelled
`);
      return 130;
    }
    io.stderr.write(`ruddervirt ${command.name}: internal error: ${err instanceof Error ? err.stack ?? err.message : String(err)}
`);
    return 1;
  }
}

// src/cli/main.ts
async function main() {
  process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, os.availableParallelism()));
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (sig) => {
    signals++;
    if (signals === 1) {
      process.stderr.write(`
ruddervirt: ${sig} received, stopping and cleaning up (send again to force exit)
`);
      controller.abort(new Error(`cancelled by ${sig}`));
    } else {
      process.stderr.write(`ruddervirt: second ${sig}, exiting without waiting for cleanup
`);
      process.exit(130);
    }
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const code = await runCli(process.argv.slice(2), commands, {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal
  });
  process.exitCode = controller.signal.aborted && code !== 0 ? 130 : code;
}
export {
  main
};
