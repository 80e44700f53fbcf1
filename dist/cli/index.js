#!/usr/bin/env node
import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  runBuild
} from "../shared/chunk-JHQFTOA4.js";
import "../shared/chunk-GWIY2MEF.js";
import {
  LocalEngine
} from "../shared/chunk-NJU4KRLM.js";
import {
  LayerCache,
  defaultCacheRoot
} from "../shared/chunk-M7Q5RACF.js";
import "../shared/chunk-U4DSBIX5.js";
import "../shared/chunk-L72HRDDD.js";
import "../shared/chunk-QOYQJUD5.js";
import {
  KEYSYM_NAMES,
  KEY_INTERVAL_ENV,
  formatGoDurationNanos,
  planBootCommand,
  resolveKeyInterval
} from "../shared/chunk-ADRVOGZQ.js";
import "../shared/chunk-GIYZDKOS.js";
import {
  FORMATS,
  buildSpec,
  loadBuild
} from "../shared/chunk-WAAKVM52.js";
import {
  ALWAYS_ALLOWED_CALLS,
  API_CALLS,
  CDI_NAMESPACE,
  DEFAULT_TIMEOUTS,
  KEPT_KINDS,
  KubeApi,
  KubevirtEngine,
  NON_RESOURCE_CALLS,
  ObjectClient,
  collectLocalInputs,
  defaultRunId,
  isDnsLabel,
  loadKubeTarget,
  parseQuantity,
  pruneKept,
  renderBuild,
  renderOptions,
  renderedToYaml,
  require_dist
} from "../shared/chunk-LAWJDJJ5.js";
import {
  publishContainerDisk
} from "../shared/chunk-FR4WYBDW.js";
import "../shared/chunk-CCRDMKOI.js";
import "../shared/chunk-WVXTUGLW.js";
import {
  BuildFileError,
  LineLogger,
  SecretMasker,
  UsageError,
  UserError,
  __toESM,
  formatBytes,
  formatGoDuration,
  formatProblem,
  formatProgress,
  package_default
} from "../shared/chunk-Q75WJYVF.js";

// src/cli/main.ts
import os from "node:os";

// src/core/bootcommand/actions.ts
var ACTION_NAMES = { press: "Press", on: "On", off: "Off" };
function formatPackerAst(action) {
  switch (action.kind) {
    case "wait":
      return `Wait<${formatGoDurationNanos(action.nanos)}>`;
    case "literal":
      return `LIT-${ACTION_NAMES[action.action]}(${action.char})`;
    case "special":
      return `Spec-${ACTION_NAMES[action.action]}(${action.key})`;
  }
}

// src/core/bootcommand/describe.ts
var INVISIBLE = /^[\p{C}\p{Z}]$/u;
var ESCAPES = { "\n": "\\n", "\r": "\\r", "	": "\\t", " ": " " };
function keysymName(keysym) {
  const named = KEYSYM_NAMES.get(keysym);
  if (named) return named;
  if (keysym > 1114111 || keysym >= 55296 && keysym <= 57343) return `0x${keysym.toString(16)}`;
  const char = String.fromCodePoint(keysym);
  const quoted = INVISIBLE.test(char) ? ESCAPES[char] ?? `\\u{${keysym.toString(16)}}` : char;
  return keysym > 255 ? `U+${keysym.toString(16).toUpperCase().padStart(4, "0")} '${quoted}'` : `'${quoted}'`;
}
function describeKeyEvent(event) {
  if ("wait" in event) {
    return `wait    ${formatGoDurationNanos(BigInt(Math.round(event.wait * 1e6)))}`;
  }
  const verb = event.down ? "press" : "release";
  return `${verb.padEnd(7)} ${keysymName(event.key).padEnd(14)} 0x${event.key.toString(16).padStart(4, "0")}`;
}

// src/cli/commands/boot-command.ts
var usage = `Usage: ruddervirt boot-command [--json | --ast] [--] TEXT...

Shows the key events a boot command sends to the VM's VNC console, by Packer's rules: the
grammar of <enter>, <leftCtrlOn>, <wait10s>, <fon> \u2026, Shift around upper-case letters and
~!@#$%^&*()_+{}|:"<>?, one pause of the key interval after every key event.

Each TEXT is one boot_command element; they are joined with nothing in between before parsing,
exactly as Packer does (so "<ent" "er>" is an <enter>). Quote TEXT for your shell.

Options:
  --json   one JSON object per line, in order: {"key": <X11 keysym>, "down": true|false}
           or {"wait": <milliseconds, may be fractional>}
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
`;
function parseArguments(args) {
  let format = "listing";
  const texts = [];
  let optionsEnded = false;
  for (const arg of args) {
    if (!optionsEnded && (arg === "--help" || arg === "-h")) return "help";
    if (!optionsEnded && arg === "--") optionsEnded = true;
    else if (!optionsEnded && (arg === "--json" || arg === "--ast")) {
      const wanted = arg === "--json" ? "json" : "ast";
      if (format !== "listing" && format !== wanted) throw new UsageError("--json and --ast cannot be combined");
      format = wanted;
    } else if (!optionsEnded && arg.startsWith("--")) {
      throw new UsageError(`unknown option '${arg}' (a TEXT starting with "--" goes after --)`);
    } else texts.push(arg);
  }
  if (texts.length === 0) throw new UsageError("expected at least one TEXT (the boot command)");
  return { format, texts };
}
function jsonLine(event) {
  return "wait" in event ? JSON.stringify({ wait: event.wait }) : JSON.stringify({ key: event.key, down: event.down });
}
function summary(plan, intervalMs) {
  const keyEvents = plan.events.filter((e) => !("wait" in e)).length;
  const waitMs = plan.events.reduce((sum, e) => sum + ("wait" in e ? e.wait : 0), 0);
  const waits = plan.events.length - keyEvents;
  const totalNs = BigInt(Math.round((waitMs + keyEvents * intervalMs) * 1e6));
  const interval = formatGoDurationNanos(BigInt(Math.round(intervalMs * 1e6)));
  return `-- ${keyEvents} key event${keyEvents === 1 ? "" : "s"}, ${waits} wait${waits === 1 ? "" : "s"}: ${formatGoDurationNanos(totalNs)} to type at a ${interval} key interval`;
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
    const { format, texts } = parsed;
    const plan = planBootCommand(texts, { elementLabel: (i) => `argument ${i + 1}` });
    const lines = format === "json" ? plan.events.map(jsonLine) : format === "ast" ? plan.tokens.map(formatPackerAst) : [...plan.events.map(describeKeyEvent), summary(plan, resolveKeyInterval({ env: io.env }))];
    io.stdout.write(lines.map((l) => l + "\n").join(""));
    return 0;
  }
};

// src/cli/commands/build.ts
import path from "node:path";

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
server, VM, boot wait, boot command over VNC, SSH, provisioners, shutdown, disk export. Progress goes
to stderr; the last line on stdout is the output image's path.

Options:
  --var k=v                  Set a build variable (repeatable); it must be declared under variables.
  --on-error cleanup|abort   On failure, clean up everything (default) or leave the VM and its files
                             for debugging (Packer's -on-error=abort).
  --output DIR               Where images, checksums, logs and manifest.json go
                             (default: output/<build name> beside the current directory).
  --force                    Rebuild every layer even if an identical one is cached.
  --only LAYER               Build only this layer (earlier layers come from the layer cache).
  --until LAYER              Stop after this layer.
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
  --verbose                  Debug lines too.

Exit status: 0 built, 1 failed (bad build file or a failed step), 130 cancelled (SIGINT/SIGTERM).
`;
var buildCommand = {
  name: "build",
  summary: "Build the images a build file describes (QEMU here, or KubeVirt)",
  usage: usage2,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      var: { type: "string", multiple: true },
      "on-error": { type: "string", default: "cleanup" },
      output: { type: "string" },
      engine: { type: "string", default: "local" },
      verbose: { type: "boolean", default: false },
      force: { type: "boolean", default: false },
      only: { type: "string" },
      until: { type: "string" },
      "no-layer-cache": { type: "boolean", default: false },
      kubeconfig: { type: "string" },
      namespace: { type: "string" },
      "keep-layers": { type: "string" }
    });
    if (positionals.length !== 1) throw new UsageError("expects exactly one build file");
    const onError = values["on-error"];
    if (onError !== "cleanup" && onError !== "abort") throw new UsageError(`--on-error must be cleanup or abort, got '${onError}'`);
    if (values.engine !== "local" && values.engine !== "kubevirt") throw new UsageError(`--engine must be local or kubevirt, got '${values.engine}'`);
    if (values.engine === "local") {
      for (const flag of ["kubeconfig", "namespace", "keep-layers"]) if (values[flag] !== void 0) throw new UsageError(`--${flag} is for --engine kubevirt`);
    }
    const keepLayers = values["keep-layers"];
    if (keepLayers !== void 0 && !/^[1-9]\d{0,5}$/.test(keepLayers)) throw new UsageError(`--keep-layers must be a whole number of at least 1, got '${keepLayers}'`);
    const build = loadBuild(positionals[0], { vars: parseKeyValues(values.var, "--var"), env: io.env, cwd: io.cwd });
    const masker = new SecretMasker();
    for (const s of build.secrets) masker.add(s);
    const logger = terminalLogger(io.stderr, masker, values.verbose);
    const outputDir = path.resolve(io.cwd, values.output ?? path.join("output", build.name));
    logger.info(`build ${build.name}: ${build.layers.length} layer(s), ${build.layers.reduce((n, l) => n + l.vms.length, 0)} VM(s) \u2192 ${outputDir}`);
    const engine = values.engine === "kubevirt" ? new KubevirtEngine({
      env: io.env,
      logger,
      ...values.kubeconfig !== void 0 ? { kubeconfig: path.resolve(io.cwd, values.kubeconfig) } : {},
      ...values.namespace !== void 0 ? { namespace: values.namespace } : {},
      keepLayers: true,
      ...keepLayers !== void 0 ? { keptPerVm: Number(keepLayers) } : {}
    }) : new LocalEngine({ env: io.env });
    let result;
    try {
      result = await runBuild({
        build,
        engine,
        outputDir,
        onError,
        logger,
        signal: io.signal,
        force: values.force,
        ...values["no-layer-cache"] ? {} : { layerCache: new LayerCache(defaultCacheRoot(io.env)) },
        ...values.only !== void 0 ? { only: values.only } : {},
        ...values.until !== void 0 ? { until: values.until } : {}
      });
    } finally {
      await engine.close();
    }
    io.stderr.write(masker.mask(formatBuildSummary(result, formatBytes)));
    if (result.status === "cancelled") throw new UserError("Build was cancelled.", 130);
    if (result.status === "failed") throw new UserError(`build failed: ${masker.mask(result.error?.message ?? "unknown error")}`, 1);
    for (const o of result.outputs) io.stdout.write(`${o.image}
`);
    return 0;
  }
};

// src/cli/commands/publish.ts
import { readFile } from "node:fs/promises";
import path2 from "node:path";
var usage3 = `Usage: ruddervirt publish DISK IMAGE_REF... [options]
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
  usage: usage3,
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
      verbose: { type: "boolean" }
    });
    const resolvePath = (p) => path2.resolve(io.cwd, p);
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
        password = (await readFile(resolvePath(values["password-file"]), "utf8")).replace(/\r?\n$/, "");
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
    const result = await publishContainerDisk({
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
import path3 from "node:path";

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
var usage4 = `Usage: ruddervirt prune FILE [options]
       ruddervirt prune --build NAME [options]

A kubevirt build keeps each layer's outputs in its namespace (CDI DataVolumes or CSI
VolumeSnapshots labelled ruddervirt.io/layer-key), so a later build of an unchanged layer clones
them instead of booting its VMs; each successful layer keeps the newest 2 per VM (build
--keep-layers). This removes them: all of the build's, or those beyond the newest --keep per
layer and VM. The build file only gives the build's name.

Options:
  --build NAME         The build's name, instead of a build file.
  --layer LAYER        Only this layer's outputs.
  --keep N             Keep the newest N per layer and VM (default 0: remove all).
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
  summary: "Remove the layer outputs kubevirt builds keep in the cluster for reuse",
  usage: usage4,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      build: { type: "string" },
      layer: { type: "string" },
      keep: { type: "string", default: "0" },
      var: { type: "string", multiple: true },
      kubeconfig: { type: "string" },
      namespace: { type: "string" },
      verbose: { type: "boolean", default: false }
    });
    if (positionals.length === 1 === (values.build !== void 0) || positionals.length > 1) throw new UsageError("expects a build file or --build NAME (one of them)");
    const keep = Number(values.keep);
    if (!/^\d+$/.test(values.keep) || !Number.isSafeInteger(keep)) throw new UsageError(`--keep must be a whole number, got '${values.keep}'`);
    const name = values.build ?? loadBuild(positionals[0], { vars: parseKeyValues(values.var, "--var"), env: io.env, cwd: io.cwd }).name;
    const logger = terminalLogger(io.stderr, new SecretMasker(), values.verbose);
    const result = await pruneKubevirtLayers({
      build: name,
      keep,
      env: io.env,
      logger,
      signal: io.signal,
      ...values.layer !== void 0 ? { layer: values.layer } : {},
      ...values.namespace !== void 0 ? { namespace: values.namespace } : {},
      ...values.kubeconfig !== void 0 ? { kubeconfig: path3.resolve(io.cwd, values.kubeconfig) } : {}
    });
    for (const r of result.removed) logger.info(`removed ${r}`);
    const what = `kept layer outputs of build ${name}${values.layer !== void 0 ? `, layer ${values.layer}` : ""} in namespace ${result.namespace}`;
    if (result.left.length > 0) throw new UserError(`could not remove every one of the ${what}:
${result.left.map((l) => `  - ${l}`).join("\n")}`, 1);
    logger.info(result.removed.length > 0 ? `removed ${result.removed.length} ${what}${keep > 0 ? ` (kept the newest ${keep} per VM)` : ""}` : `no ${what} to remove`);
    return 0;
  }
};

// src/cli/commands/render.ts
import { readFileSync } from "node:fs";
import path4 from "node:path";

// src/engines/kubevirt/rbac.ts
var import_yaml = __toESM(require_dist(), 1);
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
  const out = [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: options.serviceAccount, namespace: options.namespace, labels: LABELS } }
  ];
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
${(0, import_yaml.stringify)(o, { lineWidth: 0 })}`).join("")}`;
}

// src/cli/commands/render.ts
var usage5 = `Usage: ruddervirt render FILE [--engine kubevirt] [--namespace NS] [options]
       ruddervirt render --rbac [--namespace NS] [--service-account SA]

Prints every Kubernetes object the build creates on KubeVirt, as multi-document YAML in creation
order, each with a comment saying when it is created: the run's root ConfigMap (owner of the
rest), Kube-OVN VPCs, subnets and egress gateways, CDI DataVolumes, cdrom and HTTP-file Secrets,
the HTTP file-server pods, the VirtualMachines, and what keeps and exports each VM's disk. Needs
no cluster. Owner references are not printed: they need the root's uid, which exists only once
the root is created (a build fills them in). Every object carries the label
ruddervirt.io/run=RUN_ID, so a run applied by hand can be deleted by label.

Options:
  --engine kubevirt              the engine that has manifests (the default; 'local' has none)
  --namespace NS                 namespace of the objects (default "default")
  --run-id ID                    ends every name, 1-12 of a-z0-9 (default: a digest of the file and
                                 its variables, so an unchanged file renders the same names)
  --var NAME=VALUE               set a build variable (repeatable)
  --capture MODE                 how a finished disk is kept: clone (default), volume-snapshot,
                                 vm-snapshot
  --snapshot-class NAME          VolumeSnapshotClass (implies --capture volume-snapshot)
  --storage-class NAME           StorageClass of every disk (default: the cluster's default)
  --export-api v1|v1beta1        export.kubevirt.io version (v1 from KubeVirt 1.9; default v1)
  --egress-external-subnet NAME  Kube-OVN external subnet of egress gateways
                                 (default ovn-vpc-external-network)
  --http-server-image IMAGE      image of the HTTP file server (default docker.io/library/busybox:1.37)
  --iso-size SIZE                volume size for an installer ISO (default 10Gi)
  --redact                       print Secret values as REDACTED
  --rbac                         print the least-privilege RBAC (ServiceAccount, Roles, bindings)
  --service-account SA           the ServiceAccount the RBAC binds (default ruddervirt)
`;
function capturePlan(mode, snapshotClass) {
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
  usage: usage5,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      engine: { type: "string" },
      namespace: { type: "string" },
      "run-id": { type: "string" },
      var: { type: "string", multiple: true },
      capture: { type: "string" },
      "snapshot-class": { type: "string" },
      "storage-class": { type: "string" },
      "export-api": { type: "string" },
      "egress-external-subnet": { type: "string" },
      "http-server-image": { type: "string" },
      "iso-size": { type: "string" },
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
    const engine = values.engine ?? "kubevirt";
    if (engine === "local") throw new UsageError("the local engine runs QEMU directly and has no manifests; render is for --engine kubevirt");
    if (engine !== "kubevirt") throw new UsageError(`--engine must be kubevirt, got '${engine}'`);
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "missing the build FILE" : "render takes one build FILE");
    const exportApi = values["export-api"] ?? "v1";
    if (exportApi !== "v1" && exportApi !== "v1beta1") throw new UsageError(`--export-api must be v1 or v1beta1, got '${exportApi}'`);
    let isoVolumeBytes;
    if (values["iso-size"] !== void 0) {
      const size = parseQuantity(values["iso-size"]);
      if ("error" in size) throw new UsageError(`--iso-size: ${size.error}`);
      isoVolumeBytes = size.bytes;
    }
    const capture = capturePlan(values.capture, values["snapshot-class"]);
    const build = loadBuild(positionals[0], { vars: parseKeyValues(values.var, "--var"), env: io.env, cwd: io.cwd });
    const given = {
      runId: values["run-id"] ?? defaultRunId(readFileSync(path4.resolve(io.cwd, positionals[0]), "utf8"), build.variables),
      namespace,
      capture,
      exportApiVersion: exportApi,
      ...values["storage-class"] !== void 0 ? { storageClass: values["storage-class"] } : {},
      ...values["egress-external-subnet"] !== void 0 ? { egressExternalSubnet: values["egress-external-subnet"] } : {},
      ...values["http-server-image"] !== void 0 ? { httpServerImage: values["http-server-image"] } : {},
      ...isoVolumeBytes !== void 0 ? { isoVolumeBytes } : {}
    };
    const rendered = renderBuild(build, collectLocalInputs(build), renderOptions(given));
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

// src/cli/commands/validate.ts
function parseBuildFileArgs(args) {
  const files = [];
  const vars = {};
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
  return { files, vars };
}
var validateCommand = {
  name: "validate",
  summary: "Check build files and show every problem with its line and column",
  usage: `Usage: ruddervirt validate FILE... [--var NAME=VALUE]...

Checks each build file completely: YAML syntax, keys and value types, formats (durations, sizes,
checksums, names), templates, references between fields (subnets, from, dependsOn) and that the
local files it names exist. Prints "FILE: ok" for a valid file and every problem of an invalid one
as FILE:LINE:COL: field.path: message. Exits 1 when any file has a problem.

Options:
  --var NAME=VALUE   Set a variable declared under 'variables' (repeatable)
`,
  async run(args, io) {
    const { files, vars } = parseBuildFileArgs(args);
    if (files.length === 0) throw new UsageError("expected at least one build file");
    let bad = 0;
    for (const file of files) {
      try {
        loadBuild(file, { vars, env: io.env, cwd: io.cwd });
        io.stdout.write(`${file}: ok
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

// src/cli/commands.ts
var commands = [buildCommand, validateCommand, bootCommandCommand, renderCommand, publishCommand, pruneCommand, schemaCommand];

// src/cli/run.ts
var VERSION = package_default.version;
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
    io.stderr.write(`ruddervirt: unknown command '${name}'. Run 'ruddervirt --help' for the list.
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
      io.stderr.write(`ruddervirt ${command.name}: ${err.message}
Run 'ruddervirt ${command.name} --help' for usage.
`);
      return 2;
    }
    if (err instanceof UserError) {
      io.stderr.write(`ruddervirt ${command.name}: ${err.message}
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
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(4, os.availableParallelism()));
var controller = new AbortController();
var signals = 0;
var onSignal = (sig) => {
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
var code = await runCli(process.argv.slice(2), commands, {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal
});
process.exitCode = controller.signal.aborted && code !== 0 ? 130 : code;
