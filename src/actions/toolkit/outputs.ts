/**
 * Step outputs. The runner silently drops a job output that contains a masked value ("Skip
 * output … since it may contain secret"), and an output is readable by every later step, so no
 * output may carry a secret: one that would is refused here, loudly, instead.
 */
import * as core from '@actions/core';
import type { SecretMasker } from '../../core/log.js';

export function setOutputs(values: Record<string, string | number | boolean | undefined>, masker: SecretMasker): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const text = String(value);
    if (masker.mask(text) !== text) {
      core.warning(`output '${name}' was not set: its value contains a secret`);
      continue;
    }
    core.setOutput(name, text);
  }
}
