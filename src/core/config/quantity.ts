/**
 * Kubernetes resource quantities ("512Mi", "2Gi", "10G", "1.5e9"), the syntax KubeVirt uses for
 * memory and disk sizes. Parsed exactly (BigInt), then rounded up to whole bytes as Kubernetes does.
 */

/** The syntax, as a regular-expression source without anchors (shared with the JSON Schema). */
export const QUANTITY_PATTERN = '\\+?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[KMGTPE]i|[numkMGTPE]|[eE][-+]?\\d+)?';

const QUANTITY = new RegExp(`^(\\+?)(\\d+(?:\\.\\d*)?|\\.\\d+)([KMGTPE]i|[numkMGTPE]|[eE][-+]?\\d+)?$`, 'u');

const BINARY: Record<string, bigint> = { Ki: 1n, Mi: 2n, Gi: 3n, Ti: 4n, Pi: 5n, Ei: 6n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

export type QuantityResult = { bytes: number } | { error: string };

/** Whole bytes (rounded up), or an error message that says what was expected. */
export function parseQuantity(text: string): QuantityResult {
  const m = QUANTITY.exec(text);
  if (!m) return { error: explainBadQuantity(text) };
  const [, , number = '', suffix = ''] = m;
  const [whole = '', fraction = ''] = number.split('.');
  let mantissa = BigInt((whole || '0') + fraction);
  let exponent10 = -fraction.length;
  if (suffix in BINARY) mantissa *= 1024n ** BINARY[suffix]!;
  else if (suffix in DECIMAL) exponent10 += DECIMAL[suffix]!;
  else if (suffix) {
    const e = Number(suffix.slice(1));
    if (!Number.isSafeInteger(e) || Math.abs(e) > 1000) return { error: `exponent ${suffix} is out of range` };
    exponent10 += e;
  }
  let bytes: bigint;
  if (exponent10 >= 0) bytes = mantissa * 10n ** BigInt(exponent10);
  else {
    const divisor = 10n ** BigInt(-exponent10);
    bytes = (mantissa + divisor - 1n) / divisor;
  }
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) return { error: `${text} is too large (at most 8Pi)` };
  return { bytes: Number(bytes) };
}

/**
 * The syntax of a size in a build file (parseSize): a quantity without the single-letter suffixes
 * k, M, G and T, which parseSize refuses. Shared with the JSON Schema, so an editor flags 20G too.
 */
export const SIZE_PATTERN = '\\+?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[KMGTPE]i|[numPE]|[eE][-+]?\\d+)?';

const PACKER_BINARY: Record<string, [binary: string, decimal: string, power: number]> = { k: ['Ki', 'kB', 1], M: ['Mi', 'MB', 2], G: ['Gi', 'GB', 3], T: ['Ti', 'TB', 4] };

/**
 * Sizes in a build file: a Kubernetes quantity, except that the single-letter suffixes k, M, G
 * and T are refused. Packer's disk_size reads 20G as 20 GiB (packer-plugin-qemu v1.0.9
 * builder/qemu/config.go) and Kubernetes as 20 GB, a 7% difference nobody notices until the disk
 * is full; the build file makes the writer say which one is meant.
 */
export function parseSize(text: string): QuantityResult {
  const m = /^\s*\+?(\d+(?:\.\d*)?|\.\d+)([kMGT])\s*$/.exec(text);
  if (!m) return parseQuantity(text);
  const [, n = '', suffix = ''] = m;
  const [binary, decimal, power] = PACKER_BINARY[suffix]!;
  const gib = Number(n) * 1024 ** power;
  const gb = Number(n) * 1000 ** power;
  return {
    error: `'${text.trim()}' is ambiguous: Packer reads it as ${n} ${binary}B (${gib} bytes), Kubernetes as ${n} ${decimal} (${gb} bytes); write ${n}${binary} for ${binary}B, or ${n}e${power * 3} for ${decimal}`,
  };
}

function explainBadQuantity(text: string): string {
  const unit = /^\+?[\d.]+\s*([A-Za-z]+)$/.exec(text.trim())?.[1];
  const hints: Record<string, string> = { kb: 'Ki', kib: 'Ki', mb: 'Mi', mib: 'Mi', gb: 'Gi', gib: 'Gi', tb: 'Ti', tib: 'Ti', g: 'Gi', t: 'Ti' };
  const hint = unit ? hints[unit.toLowerCase()] : undefined;
  const base = 'expected a Kubernetes quantity such as 512Mi, 2Gi or 10G (binary suffixes Ki Mi Gi Ti, decimal k M G T)';
  return hint ? `${base}; did you mean '${text.trim().slice(0, -unit!.length).trim()}${hint}'?` : base;
}

/** Formats whole bytes with the largest binary suffix that divides them (1073741824 → "1Gi"). */
export function formatQuantity(bytes: number): string {
  const suffixes = ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki'];
  for (const [i, s] of suffixes.entries()) {
    const unit = 1024 ** (6 - i);
    if (bytes >= unit && bytes % unit === 0) return `${bytes / unit}${s}`;
  }
  return String(bytes);
}
