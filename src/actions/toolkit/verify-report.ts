/**
 * The verify gate in the actions: runs verify (src/core/verify) on a build's outputs through the
 * job's engine, and renders its outcome for the job summary — one row per check, with what a failed
 * check printed last, and the publish decision said plainly.
 */
import type { Build, OnError } from '../../core/config/model.js';
import type { Engine } from '../../core/engine.js';
import type { VmOutput } from '../../core/pipeline/manifest.js';
import { outputsToVerify, runVerify, type VerifyResult } from '../../core/verify/run-verify.js';
import type { ActionContext } from './run-action.js';

export async function verifyOutputs(ctx: ActionContext, req: { build: Build; outputs: readonly VmOutput[]; engine: Engine; outputDir: string; onError: OnError }): Promise<VerifyResult | undefined> {
  if (outputsToVerify(req.build, req.outputs).length === 0) return undefined;
  ctx.logger.info(`verify: booting ${outputsToVerify(req.build, req.outputs).length} image(s) as new VMs to run their checks`);
  return runVerify({ build: req.build, outputs: req.outputs, engine: req.engine, outputDir: req.outputDir, logger: ctx.logger, masker: ctx.masker, signal: ctx.signal, onError: req.onError });
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function verifySection(result: VerifyResult): string {
  let out = `#### Verify: ${result.status === 'passed' ? '✅ passed' : result.status === 'failed' ? '❌ failed' : result.status}\n\n`;
  out += '| VM | Check | Result |\n|---|---|---|\n';
  for (const v of result.vms) {
    if (v.checks.length === 0) out += `| ${v.vm} | (boot to SSH) | ${v.status === 'passed' ? '✅ ok' : `❌ ${cell(v.error ?? v.status)}`} |\n`;
    for (const c of v.checks) out += `| ${v.vm} | \`${cell(c.name)}\` | ${c.passed ? '✅ ok' : `❌ ${cell(c.reason ?? 'failed')}`} |\n`;
  }
  const failed = result.vms.flatMap((v) => v.checks.filter((c) => !c.passed).map((c) => ({ vm: v.vm, c })));
  for (const { vm, c } of failed) {
    if (c.tail.length > 0) out += `\n<details><summary>${vm}: output of \`${cell(c.name)}\`</summary>\n\n\`\`\`\n${c.tail.join('\n').replace(/```/g, "'''")}\n\`\`\`\n</details>\n`;
  }
  return out + '\n';
}
