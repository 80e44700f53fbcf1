import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  UsageError
} from "./chunk-K4LUY5QM.js";
import {
  formatPackerAst
} from "./chunk-Z4IJ365L.js";
import {
  KEY_INTERVAL_ENV,
  describeKeyEvent,
  planBootCommand,
  resolveKeyInterval
} from "./chunk-PKIXCSX5.js";
import {
  formatGoDurationNanos
} from "./chunk-UWXRMICO.js";
import "./chunk-YBXMTZXO.js";
import "./chunk-OYIX4NJ3.js";
import "./chunk-U4LSYZ75.js";

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
      const { previewBuildFile } = await import("./boot-command-preview-JRP3Z46I.js");
      return previewBuildFile({ file: buildFile, ...parsed.vm !== void 0 ? { vm: parsed.vm } : {}, vars: parsed.vars, varFiles: parsed.varFiles, engine: parsed.engine, format }, io);
    }
    const plan = planBootCommand(texts, { elementLabel: (i) => `argument ${i + 1}` });
    const lines = format === "json" ? plan.events.map(jsonLine) : format === "ast" ? plan.tokens.map(formatPackerAst) : [...plan.events.map(describeKeyEvent), summary(plan, resolveKeyInterval({ env: io.env }))];
    io.stdout.write(lines.map((l) => l + "\n").join(""));
    return 0;
  }
};
export {
  bootCommandCommand
};
