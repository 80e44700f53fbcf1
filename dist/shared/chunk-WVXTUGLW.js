import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);

// src/core/config/did-you-mean.ts
function suggest(input, candidates) {
  const list = [...candidates];
  const folded = fold(input);
  const exact = list.find((c) => fold(c) === folded);
  if (exact !== void 0) return exact;
  const extended = folded.length >= 2 ? list.filter((c) => fold(c).startsWith(folded)) : [];
  if (extended.length === 1) return extended[0];
  const budget = Math.max(1, Math.floor(input.length / 3));
  let best;
  let bestDistance = Infinity;
  for (const c of list) {
    const target = fold(c);
    const d = editDistance(folded, target);
    if (d <= budget && d < bestDistance && d < target.length && d < folded.length) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}
function didYouMean(input, candidates) {
  const s = suggest(input, candidates);
  return s === void 0 ? "" : `; did you mean '${s}'?`;
}
function fold(s) {
  return s.toLowerCase().replace(/[-_\s]/g, "");
}
function editDistance(a, b) {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_2, j) => i === 0 ? j : j === 0 ? i : 0));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i];
      const prev = d[i - 1];
      let v = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      row[j] = v;
    }
  }
  return d[a.length][b.length];
}

export {
  suggest,
  didYouMean
};
