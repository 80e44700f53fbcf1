/** The closing summary of a build as plain text (the CLI prints it; the actions render markdown). */
import { formatGoDuration } from '../duration.js';
import type { BuildResult } from './build-runner.js';

export function formatBuildSummary(result: BuildResult, formatBytes: (n: number) => string): string {
  const lines = ['', `Build ${result.status}.`, ''];
  const byVm = new Map<string, typeof result.phases>();
  for (const p of result.phases) byVm.set(p.vm, [...(byVm.get(p.vm) ?? []), p]);
  for (const [vm, phases] of byVm) {
    lines.push(`  ${vm}`);
    const width = Math.max(...phases.map((p) => p.phase.length));
    for (const p of phases) {
      const took = p.status === 'skipped' ? '' : formatGoDuration(Math.round(p.durationMs / 100) * 100);
      lines.push(`    ${p.phase.padEnd(width)}  ${p.status.padEnd(9)} ${took}${p.status === 'failed' && p.detail ? `  ${p.detail}` : ''}`);
    }
  }
  if (result.layers.length > 0) {
    lines.push('', '  layers:');
    const width = Math.max(...result.layers.map((l) => l.layer.length));
    for (const l of result.layers) lines.push(`    ${l.layer.padEnd(width)}  ${l.action === 'reused' ? 'reused' : 'built '}  ${l.action === 'reused' ? `cache key ${l.key?.slice(0, 12) ?? ''}` : l.reason}`);
  }
  if (result.outputs.length > 0) {
    lines.push('', '  outputs:');
    for (const o of result.outputs) lines.push(`    ${o.image}  ${formatBytes(o.bytes)}  sha256:${o.sha256}${outputNote(o)}`);
  }
  lines.push(`  manifest: ${result.manifest}`, '');
  return lines.join('\n');
}

function outputNote(o: BuildResult['outputs'][number]): string {
  if (o.reused) return o.keptAs ? `  (reused from ${o.keptAs})` : '  (reused)';
  return o.keptAs ? `  (kept as ${o.keptAs})` : '';
}
