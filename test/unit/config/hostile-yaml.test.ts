/**
 * Build files written to exhaust the loader: alias floods, "billion laughs" expansions, deep nesting,
 * long scalars, control characters. The loader must answer each with a build or located problems,
 * within a time and memory bound, and never hang or throw anything but BuildFileError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadBuildText, MAX_BUILD_FILE_BYTES } from '../../../src/core/config/load.js';
import { BuildFileError } from '../../../src/core/config/problems.js';
import { MAX_ALIASES } from '../../../src/core/config/yaml-aliases.js';
import { problemsOf } from './helpers.js';

const HEAD = `name: demo
variables:
  a: &a x
layers:
  - name: base
    vms:
      - name: web
        source: { path: x }
`;

function aliasFlood(count: number): string {
  return HEAD + '        bootCommand:\n' + '          - *a\n'.repeat(count);
}

/** Loads and measures; any error but BuildFileError fails the test. */
function timedLoad(text: string): { ms: number; heapMb: number; problems: string[] } {
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  let problems: string[] = [];
  try {
    loadBuildText(text, '/nonexistent/build.yaml', { env: {}, checkFiles: false });
  } catch (err) {
    if (!(err instanceof BuildFileError)) throw err;
    problems = err.problems.map((p) => `${p.line}:${p.column}: ${p.path ? p.path + ': ' : ''}${p.message}`);
  }
  return { ms: performance.now() - started, heapMb: (process.memoryUsage().heapUsed - heapBefore) / 1e6, problems };
}

describe('YAML alias floods', () => {
  it('resolves each alias once: 10,000 aliases cost about what 10,000 plain values cost', () => {
    // Before: every alias walked the whole document (8 s for this file, 69 s for 30,000 aliases),
    // hundreds of times the plain file. Compared with a same-shaped file on the same machine at the
    // same moment, so the bound holds on a loaded runner; the best of three damps scheduling noise.
    const plain = HEAD + '        bootCommand:\n' + '          - x\n'.repeat(MAX_ALIASES);
    const best = (text: string) => Math.min(...[0, 1, 2].map(() => timedLoad(text).ms));
    const r = timedLoad(aliasFlood(MAX_ALIASES));
    expect(r.problems).toEqual([]);
    const ratio = best(aliasFlood(MAX_ALIASES)) / best(plain);
    expect(ratio).toBeLessThan(10);
  });

  it('refuses more aliases than MAX_ALIASES at the first one too many, without walking them', () => {
    const r = timedLoad(aliasFlood(30_000));
    expect(r.problems).toEqual([`${10 + MAX_ALIASES}:13: more than ${MAX_ALIASES} YAML aliases (*name); a build file needs a few — write the values out or use variables`]);
    // A safety bound, far from today's figure (well under a second) and from the 69 s before.
    expect(r.ms).toBeLessThan(30_000);
  });

  it('stops an exponential expansion (billion laughs through merge keys) at the value bound', () => {
    // Each level merges ten copies of the one before: 10^7 pairs if expanded.
    let text = 'name: demo\nvariables:\n  x0: &x0 { cpu: 1 }\n';
    for (let i = 1; i <= 7; i++)
      text += `  x${i}: &x${i} { <<: [${Array(10)
        .fill(`*x${i - 1}`)
        .join(', ')}] }\n`;
    text += 'layers:\n  - name: base\n    vms:\n      - name: web\n        source: { path: x }\n        <<: *x7\n';
    const r = timedLoad(text);
    expect(r.problems.some((p) => p.includes('too large or too deeply nested'))).toBe(true);
    // Expanded, this would run for hours; bounded, it stops in well under a second.
    expect(r.ms).toBeLessThan(30_000);
  });

  it('refuses a build file over MAX_BUILD_FILE_BYTES before parsing it', () => {
    const text = HEAD + `        shutdownCommand: "${'x'.repeat(MAX_BUILD_FILE_BYTES)}"\n`;
    expect(problemsOf(text)).toEqual([`1:1: the build file is ${text.length} characters long; expected at most ${MAX_BUILD_FILE_BYTES} (1 MiB)`]);
  });
});

// ---- fuzz: generated hostile YAML ---------------------------------------------------------------

const controlChar = fc
  .integer({ min: 0, max: 0x9f })
  .filter((c) => c < 0x20 || (c >= 0x7f && c <= 0x9f))
  .map((c) => String.fromCharCode(c));
const scalar = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: fc.oneof(controlChar, fc.constantFrom('\u001b[2J', '\u001b]0;x\u0007', '{{', '}}', '&', '*', '<<', ':', '- ', '\n')), maxLength: 30 }),
  fc.integer({ min: 1_000, max: 200_000 }).map((n) => 'y'.repeat(n)),
  fc.constantFrom('600h', '99999999999h', '-1s', '0', '1e309', '<wait99999999999h>', '.inf', '~', '!!binary AAAA'),
);

/** A YAML fragment at `indent`: nesting, anchors, aliases and merges are all likely. */
function fragmentAt(depth: number): fc.Arbitrary<string> {
  const leaf = fc.oneof(
    scalar.map((s) => JSON.stringify(s)),
    fc.integer({ min: 0, max: 5 }).map((i) => `*a${i}`),
    fc.integer({ min: 0, max: 5 }).map((i) => `&a${i} ${JSON.stringify('v' + i)}`),
  );
  if (depth <= 0) return leaf;
  const inner = fragmentAt(depth - 1);
  return fc.oneof(
    { arbitrary: leaf, weight: 2 },
    fc.tuple(fc.integer({ min: 0, max: 5 }), fc.array(inner, { maxLength: 6 })).map(([i, items]) => `&a${i} [${items.join(', ')}]`),
    fc.array(fc.tuple(fc.constantFrom('k', 'name', 'cpu', '<<', 'bootCommand', 'x'), inner), { maxLength: 5 }).map((pairs) => `{ ${pairs.map(([k, v]) => `${k}: ${v}`).join(', ')} }`),
    fc.integer({ min: 0, max: 5 }).map((i) => `[${Array(12).fill(`*a${i}`).join(', ')}]`),
  );
}

const deepNesting = fc.integer({ min: 50, max: 5_000 }).map((n) => '['.repeat(n) + ']'.repeat(n));
const hostileValue = fc.oneof({ arbitrary: fragmentAt(4), weight: 5 }, deepNesting);
const field = fc.constantFrom('bootCommand', 'environmentVars', 'provisioners', 'disks', 'shutdownTimeout', 'cdroms', 'name', 'httpDirectory');
const hostileBuild = fc.tuple(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), hostileValue), { maxLength: 4 }), fc.array(fc.tuple(field, hostileValue), { minLength: 1, maxLength: 4 })).map(([anchors, fields]) => {
  const top = anchors.map(([i, v], n) => `t${n}: &a${i} ${v}\n`).join('');
  const vm = fields.map(([k, v]) => `        ${k}: ${v}\n`).join('');
  return `name: demo\n${top}layers:\n  - name: base\n    vms:\n      - name: web\n        source: { path: x }\n${vm}`;
});

describe('hostile YAML fuzz', () => {
  it('answers every generated file with a build or located problems, within 20 s and 400 MB of heap each (safety bounds: the slowest is printed)', () => {
    let slowest = 0;
    let hungriest = 0;
    fc.assert(
      fc.property(hostileBuild, (text) => {
        const r = timedLoad(text);
        slowest = Math.max(slowest, r.ms);
        hungriest = Math.max(hungriest, r.heapMb);
        for (const p of r.problems) expect(p).toMatch(/^\d+:\d+: /);
        expect(r.ms).toBeLessThan(20_000);
        expect(r.heapMb).toBeLessThan(400);
      }),
      { numRuns: 150 },
    );
    // Visible in the verbose reporter; the bounds above are what the test holds.
    console.log(`hostile YAML fuzz: slowest ${slowest.toFixed(0)} ms, most heap ${hungriest.toFixed(0)} MB`);
  }, 600_000);
});
