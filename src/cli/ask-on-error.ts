/**
 * `--on-error ask` (Packer's -on-error=ask): after a failed step, a person at the terminal chooses
 * to clean up, abort (leave the VM running for debugging) or retry the step. VMs of one layer
 * fail side by side, so questions are asked one at a time.
 */
import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import type { FailureChoice } from '../core/config/model.js';
import type { StepFailure } from '../core/pipeline/vm-steps.js';

const CHOICES: Record<string, FailureChoice> = { c: 'cleanup', cleanup: 'cleanup', a: 'abort', abort: 'abort', r: 'retry', retry: 'retry' };

export function terminalAsker(input: Readable, output: Writable, signal: AbortSignal, mask: (s: string) => string): (f: StepFailure) => Promise<FailureChoice> {
  let queue: Promise<unknown> = Promise.resolve();
  return (failure) => {
    const asked = queue.then(async () => {
      const rl = createInterface({ input, output, terminal: false });
      try {
        const message = failure.error instanceof Error ? failure.error.message : String(failure.error);
        output.write(mask(`\nvm ${failure.vm}: step '${failure.phase}' failed: ${message}\n`));
        for (;;) {
          const answer = (await rl.question('[c] clean up and fail, [a] abort and leave the VM for debugging, [r] retry the step? ', { signal })).trim().toLowerCase();
          const choice = CHOICES[answer];
          if (choice) return choice;
          output.write(`please answer c, a or r\n`);
        }
      } catch {
        // Cancelled (SIGINT) or the terminal closed: the safe answer.
        return 'cleanup' as const;
      } finally {
        rl.close();
      }
    });
    queue = asked.catch(() => undefined);
    return asked;
  };
}
