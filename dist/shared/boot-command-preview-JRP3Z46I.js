import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  DEFAULT_FILE_SERVER_PORT,
  helperAddresses
} from "./chunk-RDPLCPIX.js";
import "./chunk-UF5DILBV.js";
import "./chunk-FARCU6DL.js";
import {
  loadBuild
} from "./chunk-23LGHYNR.js";
import {
  renderTemplate
} from "./chunk-Z6CMOLZR.js";
import "./chunk-WBMFEUYZ.js";
import "./chunk-M2E66S6E.js";
import {
  BuildFileError
} from "./chunk-MF7EYUNN.js";
import {
  require_dist
} from "./chunk-H4EHQFTY.js";
import "./chunk-KOBFVAF3.js";
import "./chunk-NHD4EFUK.js";
import "./chunk-UWT5WVQO.js";
import {
  formatPackerAst
} from "./chunk-Z4IJ365L.js";
import {
  describeKeyEvent,
  describeTextWait,
  keyEventsFor,
  planBootCommand,
  resolveKeyInterval
} from "./chunk-PKIXCSX5.js";
import {
  formatGoDurationNanos
} from "./chunk-UWXRMICO.js";
import {
  httpGuestIpFor
} from "./chunk-XMRDQH4D.js";
import {
  planLayerNetwork
} from "./chunk-GKBTVNDX.js";
import "./chunk-XHUVLOPP.js";
import "./chunk-BHXEFIUH.js";
import "./chunk-CRBZ5IG5.js";
import {
  SecretMasker,
  didYouMean
} from "./chunk-PXB3LWWR.js";
import "./chunk-YBXMTZXO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import {
  __toESM
} from "./chunk-U4LSYZ75.js";

// src/cli/boot-command-preview.ts
var import_yaml = __toESM(require_dist(), 1);
import { readFileSync } from "node:fs";
import path from "node:path";

// src/core/bootcommand/preview.ts
function fieldText(field) {
  return `{{ .${field} }}`;
}
var PRIVATE_USE_FIRST = 57344;
var PRIVATE_USE_LAST = 63743;
function sentinels(fields, texts) {
  const out = /* @__PURE__ */ new Map();
  const joined = texts.join("");
  let code = PRIVATE_USE_FIRST;
  for (const field of fields) {
    while (code <= PRIVATE_USE_LAST && joined.includes(String.fromCodePoint(code))) code++;
    if (code > PRIVATE_USE_LAST) throw new Error("internal: no private-use character is free for a placeholder");
    out.set(field, String.fromCodePoint(code++));
  }
  return out;
}
function secretOffsets(text, secrets) {
  const masked = new Array(text.length).fill(false);
  for (const secret of secrets) {
    if (!secret) continue;
    for (let at = text.indexOf(secret); at >= 0; at = text.indexOf(secret, at + 1)) {
      for (let i = at; i < at + secret.length; i++) masked[i] = true;
    }
  }
  return masked;
}
function previewBootCommand(elements, fields, secrets) {
  const unknown = Object.entries(fields).filter((e) => typeof e[1] === "object");
  const marks = sentinels(
    unknown.map(([f]) => f),
    elements
  );
  const byMark = new Map([...marks].map(([field, mark]) => [mark, field]));
  const why = new Map(unknown.map(([field, f]) => [field, f.placeholder]));
  const values = {};
  for (const [field, value] of Object.entries(fields)) values[field] = typeof value === "object" ? marks.get(field) : value;
  const rendered = elements.map((e) => renderTemplate(e, { fields: values }));
  const plan = planBootCommand(rendered, { elementLabel: (i) => `bootCommand[${i}]` });
  const command = rendered.join("");
  const secret = secretOffsets(command, secrets);
  const starts = [];
  rendered.reduce((offset, e) => (starts.push(offset), offset + e.length), 0);
  const shown = (from, to) => {
    let out = "";
    for (let i = from; i < to; i++) {
      if (secret[i]) {
        if (i === from || !secret[i - 1]) out += "***";
        continue;
      }
      const field = byMark.get(command[i]);
      out += field ? fieldText(field) : command[i];
    }
    return out;
  };
  const result = {
    elements: rendered.map((e, i) => ({ text: shown(starts[i], starts[i] + e.length), entries: [] })),
    keyEvents: 0,
    waitMs: 0,
    waits: 0,
    textWaits: 0,
    placeholders: 0,
    masked: 0
  };
  for (const token of plan.tokens) {
    const entries = result.elements[token.span.lastElement].entries;
    let isSecret = false;
    for (let i = token.span.start; i < token.span.end && !isSecret; i++) isSecret = secret[i];
    if (isSecret) {
      const last = entries.at(-1);
      if (last?.kind === "masked") last.tokens++;
      else {
        entries.push({ kind: "masked", tokens: 1 });
        result.masked++;
      }
      continue;
    }
    const field = token.kind === "literal" ? byMark.get(token.char) : void 0;
    if (field !== void 0) {
      entries.push({ kind: "placeholder", field, why: why.get(field) });
      result.placeholders++;
      continue;
    }
    for (const event of keyEventsFor(token)) {
      if ("waitText" in event) {
        const pattern = [...event.waitText.pattern].map((c) => byMark.has(c) ? fieldText(byMark.get(c)) : c).join("");
        entries.push({ kind: "event", event: { waitText: { ...event.waitText, pattern } }, token });
        result.textWaits++;
      } else {
        entries.push({ kind: "event", event, token });
        if ("wait" in event) {
          result.waits++;
          result.waitMs += event.wait;
        } else result.keyEvents++;
      }
    }
  }
  return result;
}

// src/cli/boot-command-preview.ts
function previewFields(build, layer, vm, engine) {
  const name = { value: vm.vmName ?? vm.name, note: vm.vmName !== void 0 ? "the vmName" : "the VM's name" };
  if (!vm.httpDirectory && !vm.httpContent) {
    const none = "the VM has no httpDirectory or httpContent, so the build serves nothing and types this";
    return { HTTPIP: { value: "", note: `'' (${none})` }, HTTPPort: { value: 0, note: `0 (${none})` }, Name: name };
  }
  if (engine === "local") {
    const plan = planLayerNetwork(build, layer).vms.find((v) => v.vm === vm.name);
    const ip = plan ? httpGuestIpFor(plan) : void 0;
    return {
      HTTPIP: ip ? { value: ip, note: plan.internet ? "QEMU user networking: the host as the guest sees it" : "the relay to the build's HTTP server on a NIC without internet" } : unknownIp("local"),
      HTTPPort: { value: { placeholder: "a free port, chosen when the build starts its HTTP server" }, note: "unknown until the build runs" },
      Name: name
    };
  }
  const fixed = helperAddresses(build, layer, vm)?.fileServer;
  return {
    HTTPIP: fixed ? { value: fixed, note: `the file-server pod's fixed address on subnet '${vm.nics[0]?.subnet ?? ""}'` } : unknownIp("kubevirt"),
    HTTPPort: { value: DEFAULT_FILE_SERVER_PORT, note: "the file-server pod's port" },
    Name: name
  };
}
function unknownIp(engine) {
  const why = engine === "kubevirt" ? "the file-server pod's IP, known once the pod runs" : "the HTTP server's address, known when the VM starts";
  return { value: { placeholder: why }, note: "unknown until the build runs" };
}
function layersPosition(file, cwd) {
  try {
    const lineCounter = new import_yaml.LineCounter();
    const doc = (0, import_yaml.parseDocument)(readFileSync(path.resolve(cwd, file), "utf8"), { lineCounter });
    if ((0, import_yaml.isMap)(doc.contents)) {
      const pair = doc.contents.items.find((p) => (0, import_yaml.isScalar)(p.key) && p.key.value === "layers");
      const offset = (0, import_yaml.isScalar)(pair?.key) ? pair.key.range?.[0] : void 0;
      if (offset !== void 0) {
        const { line, col } = lineCounter.linePos(offset);
        return { line, column: col };
      }
    }
  } catch {
  }
  return { line: 1, column: 1 };
}
function chooseVms(build, request, cwd) {
  const all = build.layers.flatMap((layer) => layer.vms.map((vm) => ({ layer, vm })));
  if (request.vm === void 0) return all.filter(({ vm }) => vm.bootCommand.length > 0);
  const wanted = request.vm;
  const found = all.filter(({ layer, vm }) => wanted.includes("/") ? `${layer.name}/${vm.name}` === wanted : vm.name === wanted);
  const keys = all.map(({ layer, vm }) => `${layer.name}/${vm.name}`);
  const at = layersPosition(request.file, cwd);
  if (found.length === 0) {
    const names = wanted.includes("/") ? keys : all.map(({ vm }) => vm.name);
    throw new BuildFileError([{ file: request.file, ...at, path: "layers", message: `no VM '${wanted}' (--vm); expected one of: ${keys.join(", ")}${didYouMean(wanted, names)}` }]);
  }
  if (found.length > 1) {
    throw new BuildFileError([
      { file: request.file, ...at, path: "layers", message: `'${wanted}' (--vm) names a VM in several layers; expected LAYER/VM, one of: ${found.map(({ layer, vm }) => `${layer.name}/${vm.name}`).join(", ")}` }
    ]);
  }
  return found;
}
function describeEntry(entry) {
  switch (entry.kind) {
    case "event":
      return describeKeyEvent(entry.event);
    case "placeholder":
      return `type    ${fieldText(entry.field).padEnd(14)} placeholder: ${entry.why}`;
    case "masked":
      return "type    ***            a secret value, masked";
  }
}
function jsonEntry(entry) {
  switch (entry.kind) {
    case "event": {
      const e = entry.event;
      if ("waitText" in e) return JSON.stringify({ waitText: { source: e.waitText.source, pattern: e.waitText.pattern } });
      return "wait" in e ? JSON.stringify({ wait: e.wait }) : JSON.stringify({ key: e.key, down: e.down });
    }
    case "placeholder":
      return JSON.stringify({ placeholder: entry.field });
    case "masked":
      return JSON.stringify({ masked: true });
  }
}
function astLines(preview) {
  const out = [];
  for (const element of preview.elements) {
    let last;
    for (const entry of element.entries) {
      if (entry.kind === "event") {
        if (entry.token === last) continue;
        last = entry.token;
        out.push(entry.token.kind === "waitText" && "waitText" in entry.event ? `WaitText<${entry.token.source} ${JSON.stringify(entry.event.waitText.pattern)}>` : formatPackerAst(entry.token));
      } else out.push(entry.kind === "placeholder" ? `Placeholder(${entry.field})` : "Masked(***)");
    }
  }
  return out;
}
function summary(preview, intervalMs) {
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const totalNs = BigInt(Math.round((preview.waitMs + preview.keyEvents * intervalMs) * 1e6));
  const unknown = [
    preview.placeholders > 0 ? plural(preview.placeholders, "placeholder") : "",
    preview.masked > 0 ? plural(preview.masked, "masked value") : "",
    preview.textWaits > 0 ? plural(preview.textWaits, "text wait") : ""
  ].filter(Boolean);
  const interval = formatGoDurationNanos(BigInt(Math.round(intervalMs * 1e6)));
  return `-- ${plural(preview.keyEvents, "key event")}, ${plural(preview.waits, "wait")}: ${formatGoDurationNanos(totalNs)} to type at a ${interval} key interval` + (unknown.length > 0 ? `, plus the ${unknown.join(", ")}` : "");
}
function bootWaitLine(vm) {
  if (vm.bootWaitText) return `bootWait: until the ${describeTextWait(vm.bootWaitText)} shows`;
  if (vm.bootWait > 0) return `bootWait: ${formatGoDurationNanos(BigInt(Math.round(vm.bootWait * 1e6)))} after the VM starts`;
  return void 0;
}
function previewBuildFile(request, io) {
  const build = loadBuild(request.file, { vars: request.vars, varFiles: request.varFiles, env: io.env, cwd: io.cwd });
  const masker = new SecretMasker();
  for (const s of build.secrets) masker.add(s);
  const chosen = chooseVms(build, request, io.cwd);
  const lines = [];
  if (chosen.length === 0) {
    io.stderr.write(`${request.file}: no VM has a bootCommand; nothing is typed
`);
    return 0;
  }
  for (const { layer, vm } of chosen) {
    const key = `${layer.name}/${vm.name}`;
    if (vm.bootCommand.length === 0) {
      io.stderr.write(`${key}: no bootCommand; nothing is typed
`);
      continue;
    }
    const fields = previewFields(build, layer, vm, request.engine);
    let preview;
    try {
      preview = previewBootCommand(vm.bootCommand, Object.fromEntries(Object.entries(fields).map(([f, v]) => [f, v.value])), build.secrets);
    } catch (err) {
      if (err instanceof UserError) throw new UserError(`${request.file}: ${key}: ${masker.mask(err.message)}`, err.exitCode);
      throw err;
    }
    const intervalMs = resolveKeyInterval({ env: io.env, ...vm.bootKeyInterval !== void 0 ? { bootKeyInterval: vm.bootKeyInterval } : {} });
    if (request.format === "json") {
      if (chosen.length > 1) lines.push(JSON.stringify({ vm: key }));
      lines.push(...preview.elements.flatMap((e) => e.entries.map(jsonEntry)));
      continue;
    }
    if (request.format === "ast") {
      if (chosen.length > 1) lines.push(`# ${key}`);
      lines.push(...astLines(preview));
      continue;
    }
    if (lines.length > 0) lines.push("");
    lines.push(`${key} (${request.engine} engine)`);
    for (const [field, v] of Object.entries(fields)) {
      const shown = typeof v.value === "object" ? `placeholder (${v.value.placeholder})` : JSON.stringify(v.value);
      lines.push(`  ${fieldText(field).padEnd(14)} ${shown}${typeof v.value === "object" ? "" : `: ${v.note}`}`);
    }
    const wait = bootWaitLine(vm);
    if (wait) lines.push(`  ${wait}`);
    preview.elements.forEach((element, i) => {
      lines.push(`bootCommand[${i}]: ${JSON.stringify(element.text)}`);
      for (const entry of element.entries) lines.push(`  ${describeEntry(entry)}`);
    });
    lines.push(summary(preview, intervalMs));
  }
  io.stdout.write(lines.map((l) => masker.mask(l) + "\n").join(""));
  return 0;
}
export {
  previewBuildFile,
  previewFields
};
