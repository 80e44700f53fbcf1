import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  formatGoDuration,
  parseGoDuration
} from "./chunk-2GA4PUSK.js";
import {
  getInput,
  setOutput,
  summary,
  warning
} from "./chunk-G6D4PSU4.js";
import {
  UserError,
  formatBytes
} from "./chunk-DYVWKAGB.js";

// src/actions/toolkit/inputs.ts
var InputError = class extends UserError {
  constructor(input, detail) {
    super(`input '${input}': ${detail}`);
    this.input = input;
  }
  input;
  name = "InputError";
};
function optionalInput(name) {
  const v = getInput(name);
  return v === "" ? void 0 : v;
}
function parseBoolean(name, text, fallback) {
  const v = text.trim().toLowerCase();
  if (v === "") return fallback;
  if (v === "true") return true;
  if (v === "false") return false;
  throw new InputError(name, `expected true or false, got '${text}'`);
}
function booleanInput(name, fallback) {
  return parseBoolean(name, getInput(name), fallback);
}
function parseEnum(name, text, allowed, fallback) {
  if (text === "") return fallback;
  if (allowed.includes(text)) return text;
  throw new InputError(name, `expected one of ${allowed.join(", ")}, got '${text}'`);
}
function enumInput(name, allowed, fallback) {
  return parseEnum(name, getInput(name), allowed, fallback);
}
function parseDurationInput(name, text) {
  const v = text.trim();
  if (v === "" || v === "0") return void 0;
  const ms = parseGoDuration(v);
  if (ms === void 0 || ms < 0) throw new InputError(name, `expected a duration such as 90s, 20m or 1h30m, got '${text}'`);
  return ms;
}
function durationInput(name) {
  return parseDurationInput(name, getInput(name));
}
function parseKeyValueLines(name, text) {
  const out = {};
  const lines = text.split("\n");
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const eq = line.indexOf("=");
    const key = eq < 0 ? "" : line.slice(0, eq).trim();
    if (eq < 0 || key === "") throw new InputError(name, `line ${i + 1}: expected key=value, got '${line.trim()}'`);
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) throw new InputError(name, `line ${i + 1}: '${key}' is not a variable name (letters, digits, _ . -)`);
    if (Object.hasOwn(out, key)) throw new InputError(name, `line ${i + 1}: '${key}' is set twice`);
    out[key] = line.slice(eq + 1);
  }
  return out;
}
function keyValueInput(name) {
  return parseKeyValueLines(name, getInput(name, { trimWhitespace: false }));
}
function parseList(text) {
  return text.split(/[\n,]/).map((s) => s.trim()).filter((s) => s !== "" && !s.startsWith("#"));
}
function listInput(name) {
  return parseList(getInput(name));
}

// src/actions/toolkit/outputs.ts
function setOutputs(values, masker) {
  for (const [name, value] of Object.entries(values)) {
    if (value === void 0) continue;
    const text = String(value);
    if (masker.mask(text) !== text) {
      warning(`output '${name}' was not set: its value contains a secret`);
      continue;
    }
    setOutput(name, text);
  }
}

// src/actions/toolkit/summary.ts
var SUMMARY_LIMIT = 1e3 * 1024;
function escapeCell(text) {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll("|", "&#124;").replace(/\r?\n/g, "<br>");
}
function table(header, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n") + "\n";
}
function duration(p) {
  return p.status === "skipped" ? "" : formatGoDuration(Math.round(p.durationMs / 100) * 100 || 0);
}
var STATUS_MARK = { ok: "\u2705 ok", failed: "\u274C failed", cancelled: "\u23F9\uFE0F cancelled", skipped: "\u23ED\uFE0F skipped", reused: "\u267B\uFE0F reused" };
function phasesTable(phases) {
  if (phases.length === 0) return "_No phase ran._\n";
  return table(
    ["VM", "Phase", "Status", "Duration", "Detail"],
    phases.map((p) => [escapeCell(p.vm), escapeCell(p.phase), STATUS_MARK[p.status], duration(p), escapeCell(p.detail ?? "")])
  );
}
var ORIGIN_TEXT = {
  "actions-cache": "restored from the Actions cache (no download)",
  "local-cache": "already on the runner (no download)",
  downloaded: "downloaded (saved to the Actions cache)",
  "local-file": "local file"
};
function sourcesTable(rows) {
  return table(
    ["VM", "Source", "Digest", "Size", "How"],
    rows.map((r) => [escapeCell(r.vm), `\`${escapeCell(r.reference)}\``, `\`${r.digest}\``, r.bytes !== void 0 ? formatBytes(r.bytes) : "", escapeCell(ORIGIN_TEXT[r.origin] ?? r.origin)])
  );
}
function outputsTable(outputs) {
  if (outputs.length === 0) return "_No output image._\n";
  return table(
    ["VM", "Image", "Format", "Size", "sha256", "Built or cached"],
    outputs.map((o) => [
      escapeCell(`${o.layer}/${o.vm}`),
      `\`${escapeCell(o.image)}\``,
      `${o.format}${o.compressed ? " (compressed)" : ""}`,
      formatBytes(o.bytes),
      `\`${o.sha256}\``,
      o.reused ? "reused (unchanged layer)" : "built"
    ])
  );
}
function imagesTable(rows) {
  return table(
    ["Image", "Digest", "Tags"],
    rows.map((r) => [`\`${escapeCell(r.image)}\``, `\`${r.digest}\``, r.refs.map((t) => `\`${escapeCell(t)}\``).join("<br>")])
  );
}
function failureSection(f) {
  const parts = [`#### \u274C ${escapeCell(f.vm)}: what the VM showed last
`];
  if (f.serialTail.length > 0) {
    const text = f.serialTail.join("\n").replaceAll("```", "'''");
    parts.push(`<details open><summary>Serial console (last ${f.serialTail.length} lines)</summary>

\`\`\`text
${text}
\`\`\`

</details>
`);
  }
  if (f.screenshots.length > 0) parts.push(`Screenshots (${escapeCell(f.where)}): ${f.screenshots.map((s) => `\`${escapeCell(s)}\``).join(", ")}
`);
  return parts.join("\n");
}
function fitSummary(markdown, limit = SUMMARY_LIMIT) {
  if (Buffer.byteLength(markdown) <= limit) return markdown;
  const note = "\n\n_The summary was cut to stay under the runner\u2019s 1 MiB limit; the full record is in manifest.json._\n";
  let cut = Buffer.from(markdown).subarray(0, limit - Buffer.byteLength(note)).toString("utf8");
  cut = cut.slice(0, Math.max(0, cut.lastIndexOf("\n")));
  return cut + note;
}
function summaryEnabled(env = process.env) {
  return (env.RUDDERVIRT_SUMMARY ?? "").toLowerCase() !== "false";
}
async function writeSummary(markdown, masker, env = process.env) {
  if (!summaryEnabled(env) || !env.GITHUB_STEP_SUMMARY) return;
  await summary.addRaw(fitSummary(masker.mask(markdown)), true).write();
}

export {
  optionalInput,
  booleanInput,
  enumInput,
  durationInput,
  keyValueInput,
  listInput,
  setOutputs,
  escapeCell,
  phasesTable,
  sourcesTable,
  outputsTable,
  imagesTable,
  failureSection,
  writeSummary
};
