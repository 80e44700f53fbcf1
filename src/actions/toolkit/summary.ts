/**
 * The job summary: per build a table of VMs and their phases (status, duration), what came from a
 * cache and what was built, output sizes and checksums, the published image's digest; on failure
 * the serial-console tail and the boot-command screenshots that were saved. Everything is escaped
 * and passed through the secret masker; the runner drops a step summary over 1 MiB entirely, so
 * long sections are cut to fit. RUDDERVIRT_SUMMARY=false turns it off.
 */
import * as core from '@actions/core';
import { formatGoDuration } from '../../core/duration.js';
import { formatBytes, type SecretMasker } from '../../core/log.js';
import type { LayerDecision } from '../../core/pipeline/layer-history.js';
import type { VmOutput } from '../../core/pipeline/manifest.js';
import type { PhaseRecord } from '../../core/pipeline/phase.js';
import type { LayerOrigin, LayerRecord } from './actions-layer-cache.js';
import type { UploadedLogs } from './log-artifact.js';

/** The runner refuses step summaries above 1 MiB; stay well below. */
export const SUMMARY_LIMIT = 1000 * 1024;

export function escapeCell(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('|', '&#124;').replace(/\r?\n/g, '<br>');
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n') + '\n';
}

function duration(p: PhaseRecord): string {
  return p.status === 'skipped' ? '' : formatGoDuration(Math.round(p.durationMs / 100) * 100 || 0);
}

const STATUS_MARK: Record<PhaseRecord['status'], string> = { ok: '✅ ok', failed: '❌ failed', cancelled: '⏹️ cancelled', skipped: '⏭️ skipped', reused: '♻️ reused' };

export function phasesTable(phases: readonly PhaseRecord[]): string {
  if (phases.length === 0) return '_No phase ran._\n';
  return table(
    ['VM', 'Phase', 'Status', 'Duration', 'Detail'],
    phases.map((p) => [escapeCell(p.vm), escapeCell(p.phase), STATUS_MARK[p.status], duration(p), escapeCell(p.detail ?? '')]),
  );
}

export interface SourceRow {
  vm: string;
  reference: string;
  digest: string;
  bytes?: number;
  origin: string;
}

const ORIGIN_TEXT: Record<string, string> = {
  'actions-cache': 'restored from the Actions cache (no download)',
  'local-cache': 'already on the runner (no download)',
  downloaded: 'downloaded (saved to the Actions cache)',
  'local-file': 'local file',
  'cdi-import': 'imported by CDI in the cluster',
  'cdi-upload': 'uploaded into the cluster through CDI',
};

export function sourcesTable(rows: readonly SourceRow[]): string {
  return table(
    ['VM', 'Source', 'Digest', 'Size', 'How'],
    rows.map((r) => [escapeCell(r.vm), `\`${escapeCell(r.reference)}\``, `\`${r.digest}\``, r.bytes !== undefined ? formatBytes(r.bytes) : '', escapeCell(ORIGIN_TEXT[r.origin] ?? r.origin)]),
  );
}

const LAYER_ORIGIN_TEXT: Record<LayerOrigin, string> = {
  built: 'built',
  'actions-cache': '♻️ reused (Actions cache)',
  local: '♻️ reused (local)',
};

/** Per layer: its content key and whether it was built or reused, and from where. */
/** With `decisions` (BuildResult.layers), a Why column says why each layer was rebuilt ("tag … moved to sha256:…", "forced") or reused. */
export function layersTable(layers: readonly string[], records: ReadonlyMap<string, LayerRecord>, decisions: readonly LayerDecision[] = []): string {
  const why = (name: string) => escapeCell(decisions.find((d) => d.layer === name)?.reason ?? '');
  return table(
    ['Layer', 'Content key', 'Built or reused', ...(decisions.length > 0 ? ['Why'] : []), 'Actions cache'],
    layers.map((name) => {
      const r = records.get(name);
      const saved = r?.origin !== 'built' ? '' : r.saved ? 'saved' : 'not saved';
      return [escapeCell(name), r ? `\`${r.key.slice(0, 12)}\`` : '', r ? LAYER_ORIGIN_TEXT[r.origin] : 'not finished', ...(decisions.length > 0 ? [why(name)] : []), saved];
    }),
  );
}

/** `originOf` tells, per layer, where reused outputs came from (without it: "reused"). */
export function outputsTable(outputs: readonly VmOutput[], originOf?: (layer: string) => LayerOrigin | undefined): string {
  if (outputs.length === 0) return '_No output image._\n';
  const how = (o: VmOutput) => {
    const origin = originOf?.(o.layer);
    if (origin) return LAYER_ORIGIN_TEXT[origin];
    return o.reused ? 'reused (unchanged layer)' : 'built';
  };
  return table(
    ['VM', 'Image', 'Format', 'Size', 'sha256', 'Built or cached'],
    outputs.map((o) => [escapeCell(`${o.layer}/${o.vm}`), `\`${escapeCell(o.image)}\``, `${o.format}${o.compressed ? ' (compressed)' : ''}`, formatBytes(o.bytes), `\`${o.sha256}\``, how(o)]),
  );
}

export interface ImageRow {
  image: string;
  digest: string;
  refs: string[];
}

export function imagesTable(rows: readonly ImageRow[]): string {
  return table(
    ['Image', 'Digest', 'Tags'],
    rows.map((r) => [`\`${escapeCell(r.image)}\``, `\`${r.digest}\``, r.refs.map((t) => `\`${escapeCell(t)}\``).join('<br>')]),
  );
}

export interface FailureReport {
  vm: string;
  serialTail: string[];
  /** The last screen's text as OCR read it (failure.txt), for people who cannot open the image. */
  screenText?: string[];
  /** Screenshot file names (boot command elements, the failure screen). */
  screenshots: string[];
  /** Where they are: an artifact name, or a folder on the runner. */
  where: string;
}

export function failureSection(f: FailureReport): string {
  const parts = [`#### ❌ ${escapeCell(f.vm)}: what the VM showed last\n`];
  if (f.serialTail.length > 0) {
    const text = f.serialTail.join('\n').replaceAll('```', "'''");
    parts.push(`<details open><summary>Serial console (last ${f.serialTail.length} lines)</summary>\n\n\`\`\`text\n${text}\n\`\`\`\n\n</details>\n`);
  }
  if (f.screenText && f.screenText.length > 0) {
    const text = f.screenText.join('\n').replaceAll('```', "'''");
    parts.push(`<details open><summary>Last screen (text read by OCR)</summary>\n\n\`\`\`text\n${text}\n\`\`\`\n\n</details>\n`);
  }
  if (f.screenshots.length > 0) parts.push(`Screenshots (${escapeCell(f.where)}): ${f.screenshots.map((s) => `\`${escapeCell(s)}\``).join(', ')}\n`);
  return parts.join('\n');
}

/** Where the log folder went: the artifact's link, or the folder on the runner. */
export function logsLine(uploaded: UploadedLogs | undefined, dir: string): string {
  if (!uploaded) return `Logs (screenshots, serial console, build log): \`${escapeCell(dir)}\` on the runner.\n`;
  return `📦 Logs (screenshots, serial console, build log): artifact [\`${escapeCell(uploaded.name)}\`](${uploaded.url}), ${uploaded.files} file(s), ${formatBytes(uploaded.bytes)}.\n`;
}

/** Cuts markdown to `limit` bytes at a line boundary and says so. */
export function fitSummary(markdown: string, limit = SUMMARY_LIMIT): string {
  if (Buffer.byteLength(markdown) <= limit) return markdown;
  const note = '\n\n_The summary was cut to stay under the runner’s 1 MiB limit; the full record is in manifest.json._\n';
  let cut = Buffer.from(markdown)
    .subarray(0, limit - Buffer.byteLength(note))
    .toString('utf8');
  cut = cut.slice(0, Math.max(0, cut.lastIndexOf('\n')));
  return cut + note;
}

export function summaryEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.RUDDERVIRT_SUMMARY ?? '').toLowerCase() !== 'false';
}

/** Appends a masked, size-checked section to this step's summary. */
export async function writeSummary(markdown: string, masker: SecretMasker, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!summaryEnabled(env) || !env.GITHUB_STEP_SUMMARY) return;
  await core.summary.addRaw(fitSummary(masker.mask(markdown)), true).write();
}
