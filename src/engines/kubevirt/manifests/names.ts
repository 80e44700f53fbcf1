/**
 * Kubernetes names for everything a build run creates, derived from the build, layer and VM names
 * and a run id. All are DNS-1123 labels (lower-case letters, digits, '-', at most 63 characters):
 * the strictest rule among the kinds we create (a VirtualMachineInstance name becomes the guest's
 * host name, Services and Kube-OVN switches want labels), so one scheme fits every kind.
 */
import { createHash, randomBytes } from 'node:crypto';

export const MAX_NAME_LENGTH = 63;
const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;
const HASH_LENGTH = 8;

export function isDnsLabel(text: string, maxLength = MAX_NAME_LENGTH): boolean {
  return text.length <= maxLength && DNS_LABEL.test(text);
}

function sanitize(part: string): string {
  return part
    .toLowerCase()
    .replace(/[^-a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, HASH_LENGTH);
}

export interface KubeNameOptions {
  /** Kept whole at the end ("root", "http-files") unless it alone leaves no room. */
  suffix?: string;
  maxLength?: number;
}

/**
 * Joins `parts` (and the suffix) with '-' into a DNS label. When a part had to be changed (upper
 * case, other characters) or the result is too long, the leading text is shortened and a hash of
 * the original input is added before the suffix, so different inputs still get different names.
 */
export function kubeName(parts: readonly string[], options: KubeNameOptions = {}): string {
  const maxLength = options.maxLength ?? MAX_NAME_LENGTH;
  if (maxLength <= HASH_LENGTH) throw new Error(`internal: names of at most ${maxLength} characters cannot hold a hash`);
  const rawSuffix = options.suffix ?? '';
  const suffix = sanitize(rawSuffix);
  const tail = suffix ? `-${suffix}` : '';
  const cleaned = parts.map(sanitize).filter((p) => p.length > 0);
  const joined = cleaned.join('-');
  const changed = suffix !== rawSuffix || cleaned.length !== parts.length || cleaned.some((p, i) => p !== parts[i]);
  if (!changed && joined.length > 0 && joined.length + tail.length <= maxLength) return joined + tail;

  const hash = shortHash(JSON.stringify([parts, rawSuffix]));
  const budget = maxLength - tail.length - HASH_LENGTH - 1;
  // A suffix too long to keep whole is shortened with the rest.
  if (budget < 0)
    return `${[joined, suffix]
      .filter(Boolean)
      .join('-')
      .slice(0, maxLength - HASH_LENGTH - 1)
      .replace(/-+$/, '')}-${hash}`.replace(/^-/, '');
  const head = joined.slice(0, budget).replace(/-+$/, '');
  return `${head ? `${head}-` : ''}${hash}${tail}`;
}

const RUN_ID = /^[a-z0-9]{1,12}$/;

/** A run id: 1-12 lower-case letters and digits (it ends every name, so it stays short). */
export function checkRunId(runId: string): string | undefined {
  return RUN_ID.test(runId) ? undefined : `run id '${runId}' must be 1 to 12 lower-case letters and digits`;
}

/** A fresh random run id for a real build (6 base-36 characters, ~2 billion values). */
export function newRunId(random: (n: number) => Buffer = randomBytes): string {
  const bytes = random(6);
  let id = '';
  for (const b of bytes) id += (b % 36).toString(36);
  return id;
}

/**
 * The same run id for the same plan: `ruddervirt render` twice on an unchanged build file prints
 * the same names, so GitOps diffs show real changes only. `plan` must not hold machine-specific
 * text (absolute paths); the caller makes it portable first.
 */
export function stableRunId(plan: string): string {
  const digest = createHash('sha256').update(plan).digest();
  return newRunId((n) => digest.subarray(0, n));
}
