import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  setOutput,
  summary,
  warning
} from "./chunk-U4TFD2UW.js";
import {
  formatBytes
} from "./chunk-PXB3LWWR.js";
import {
  formatGoDuration
} from "./chunk-YBXMTZXO.js";

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
  "local-file": "local file",
  "cdi-import": "imported by CDI in the cluster",
  "cdi-upload": "uploaded into the cluster through CDI"
};
function sourcesTable(rows) {
  return table(
    ["VM", "Source", "Digest", "Size", "How"],
    rows.map((r) => [escapeCell(r.vm), `\`${escapeCell(r.reference)}\``, `\`${r.digest}\``, r.bytes !== void 0 ? formatBytes(r.bytes) : "", escapeCell(ORIGIN_TEXT[r.origin] ?? r.origin)])
  );
}
var LAYER_ORIGIN_TEXT = {
  built: "built",
  "actions-cache": "\u267B\uFE0F reused (Actions cache)",
  local: "\u267B\uFE0F reused (local)"
};
function layersTable(layers, records, decisions = []) {
  const why = (name) => escapeCell(decisions.find((d) => d.layer === name)?.reason ?? "");
  return table(
    ["Layer", "Content key", "Built or reused", ...decisions.length > 0 ? ["Why"] : [], "Actions cache"],
    layers.map((name) => {
      const r = records.get(name);
      const saved = r?.origin !== "built" ? "" : r.saved ? "saved" : "not saved";
      return [escapeCell(name), r ? `\`${r.key.slice(0, 12)}\`` : "", r ? LAYER_ORIGIN_TEXT[r.origin] : "not finished", ...decisions.length > 0 ? [why(name)] : [], saved];
    })
  );
}
function outputsTable(outputs, originOf) {
  if (outputs.length === 0) return "_No output image._\n";
  const how = (o) => {
    const origin = originOf?.(o.layer);
    if (origin) return LAYER_ORIGIN_TEXT[origin];
    return o.reused ? "reused (unchanged layer)" : "built";
  };
  return table(
    ["VM", "Image", "Format", "Size", "sha256", "Built or cached"],
    outputs.map((o) => [escapeCell(`${o.layer}/${o.vm}`), `\`${escapeCell(o.image)}\``, `${o.format}${o.compressed ? " (compressed)" : ""}`, formatBytes(o.bytes), `\`${o.sha256}\``, how(o)])
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
  if (f.screenText && f.screenText.length > 0) {
    const text = f.screenText.join("\n").replaceAll("```", "'''");
    parts.push(`<details open><summary>Last screen (text read by OCR)</summary>

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
function logsLine(uploaded, dir) {
  if (!uploaded) return `Logs (screenshots, serial console, build log): \`${escapeCell(dir)}\` on the runner.
`;
  return `\u{1F4E6} Logs (screenshots, serial console, build log): artifact [\`${escapeCell(uploaded.name)}\`](${uploaded.url}), ${uploaded.files} file(s), ${formatBytes(uploaded.bytes)}.
`;
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
  setOutputs,
  escapeCell,
  phasesTable,
  sourcesTable,
  layersTable,
  outputsTable,
  imagesTable,
  failureSection,
  logsLine,
  writeSummary
};
