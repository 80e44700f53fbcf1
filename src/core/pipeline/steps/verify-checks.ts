/**
 * The verify checks: each command of a VM's verify block runs over SSH in the booted image, as its
 * own phase with its own timeout. Every check runs even after one failed, so the report shows all
 * of them; the step then fails naming each failed check.
 */
import type { RemoteCommunicator } from '../../communicator/types.js';
import type { VerifyCheck } from '../../config/verify-settings.js';
import { CancelledError } from '../../abort.js';
import type { Logger } from '../../log.js';
import { LineSplitter } from '../../provisioners/output-lines.js';
import type { PhaseRunner } from '../phase.js';

export interface CheckResult {
  name: string;
  command: string;
  passed: boolean;
  exitCode?: number;
  expected: number[];
  /** Why it failed, in words ("exit 1, expected 0", "timed out after 5m"). */
  reason?: string;
  /** The last lines it printed (stdout and stderr interleaved), for the summary. */
  tail: string[];
}

export interface VerifyReport {
  checks: CheckResult[];
  passed: boolean;
}

export class VerifyFailedError extends Error {
  override name = 'VerifyFailedError';
  constructor(readonly report: VerifyReport) {
    const failed = report.checks.filter((c) => !c.passed);
    super(`${failed.map((c) => `check '${c.name}' ${c.reason ?? 'failed'}`).join('; ')}`);
  }
}

class CheckFailed extends Error {
  override name = 'CheckFailed';
}

const TAIL_LINES = 20;

export interface RunChecksRequest {
  checks: readonly VerifyCheck[];
  comm: RemoteCommunicator;
  phases: PhaseRunner;
  logger: Logger;
}

export function checkLabel(check: VerifyCheck): string {
  const name = check.name ?? check.run.split('\n')[0]!;
  return name.length > 60 ? `${name.slice(0, 57)}...` : name;
}

export async function runVerifyChecks(req: RunChecksRequest): Promise<VerifyReport> {
  const { checks, comm, phases, logger } = req;
  const results: CheckResult[] = [];
  for (const [i, check] of checks.entries()) {
    const name = checkLabel(check);
    const tail: string[] = [];
    const keep = (line: string) => {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
    };
    const result: CheckResult = { name, command: check.run, passed: false, expected: check.validExitCodes, tail };
    try {
      await phases.run(
        `check ${i + 1}/${checks.length}: ${name}`,
        async (signal) => {
          const out = new LineSplitter((line) => (logger.info(`    ${line}`), keep(line)));
          const err = new LineSplitter((line) => (logger.info(`    ${line}`), keep(line)));
          const r = await comm.exec(check.run, { signal, onStdout: (c) => out.push(c), onStderr: (c) => err.push(c) });
          out.end();
          err.end();
          if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error('aborted');
          if (r.disconnected || r.exitCode === undefined) throw new CheckFailed(`lost the SSH connection${r.exitSignal ? ` (signal ${r.exitSignal})` : ''}`);
          result.exitCode = r.exitCode;
          if (!check.validExitCodes.includes(r.exitCode)) throw new CheckFailed(`exited ${r.exitCode}, expected ${check.validExitCodes.join(' or ')}`);
        },
        { timeoutMs: check.timeout },
      );
      result.passed = true;
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      result.reason = err instanceof Error ? err.message.replace(/^phase '[^']*' /, '') : String(err);
      logger.error(`check '${name}' failed: ${result.reason}`);
    }
    results.push(result);
  }
  const report = { checks: results, passed: results.every((r) => r.passed) };
  if (!report.passed) throw new VerifyFailedError(report);
  return report;
}
