/**
 * "Did you mean …?" for misspelt keys, enum values and names. Packer users write snake_case
 * (boot_command) and people mistype case (bootcommand), so both are matched exactly before falling
 * back to an edit distance small enough that the suggestion is plausibly what was meant.
 */

/** The candidate the user most likely meant, or undefined when nothing is close. */
export function suggest(input: string, candidates: Iterable<string>): string | undefined {
  const list = [...candidates];
  const folded = fold(input);
  const exact = list.find((c) => fold(c) === folded);
  if (exact !== undefined) return exact;
  // An abbreviation ('up' for 'upload') when it fits one candidate only.
  const extended = folded.length >= 2 ? list.filter((c) => fold(c).startsWith(folded)) : [];
  if (extended.length === 1) return extended[0];
  const budget = Math.max(1, Math.floor(input.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of list) {
    const target = fold(c);
    const d = editDistance(folded, target);
    // A suggestion that replaces the whole word ('z' → 'a') is no suggestion.
    if (d <= budget && d < bestDistance && d < target.length && d < folded.length) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** "; did you mean 'x'?" or "" — ready to append to a message. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const s = suggest(input, candidates);
  return s === undefined ? '' : `; did you mean '${s}'?`;
}

/** Lower case without separators, so boot_command, boot-command and BootCommand compare equal. */
function fold(s: string): string {
  return s.toLowerCase().replace(/[-_\s]/g, '');
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i]!;
      const prev = d[i - 1]!;
      let v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      row[j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
