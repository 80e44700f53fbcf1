/**
 * The exported JSON Schema: up to date with the spec, accepted by ajv in strict mode, accepting
 * every example, and agreeing with the loader's structure checker on arbitrary mutations of valid
 * files (property test), so an editor and `ruddervirt validate` flag the same things.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Document, LineCounter, parse, parseDocument } from 'yaml';
import { buildSpec } from '../../../src/core/config/build-spec.js';
import { checkStructure } from '../../../src/core/config/check-structure.js';
import { jsonSchemaText } from '../../../src/core/config/json-schema.js';
import { loadBuild } from '../../../src/core/config/load.js';
import { SCHEMA_FILE } from '../../../scripts/generated-files.js';
import { repoRoot } from '../../helpers/node24.js';

const examplesDir = path.join(repoRoot, 'examples');
const exampleFiles = readdirSync(examplesDir).filter((f) => f.endsWith('.yaml'));

let compiled: ValidateFunction | undefined;
function compileSchema(): ValidateFunction {
  compiled ??= compileSchemaNow();
  return compiled;
}

function compileSchemaNow(): ValidateFunction {
  // strictRequired flags the standard "not: { required: [a, b] }" idiom for exclusive keys, so it stays off.
  const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true });
  return ajv.compile(JSON.parse(readFileSync(path.join(repoRoot, 'schema', 'build.schema.json'), 'utf8')) as object);
}

function structureProblems(value: unknown): string[] {
  const text = new Document(value).toString();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true });
  return checkStructure(doc, buildSpec, { file: 'mutated.yaml', text, lineCounter }).problems.map((p) => `${p.path}: ${p.message}`);
}

describe('schema/build.schema.json', () => {
  it('is what the spec generates (npm run generate rewrites it)', () => {
    expect(readFileSync(SCHEMA_FILE, 'utf8'), 'schema/build.schema.json is stale: run npm run generate').toBe(jsonSchemaText());
  });

  it('compiles with ajv in strict mode (but for strictRequired)', () => {
    expect(() => compileSchemaNow()).not.toThrow();
  });

  it('has the yaml-language-server modeline in every example', () => {
    expect(exampleFiles.length).toBeGreaterThanOrEqual(5);
    for (const f of exampleFiles) {
      expect(readFileSync(path.join(examplesDir, f), 'utf8').split('\n')[0], f).toBe('# yaml-language-server: $schema=../schema/build.schema.json');
    }
  });

  it.each(exampleFiles)('accepts examples/%s (ajv), and the loader loads it', (f) => {
    const validate = compileSchema();
    const text = readFileSync(path.join(examplesDir, f), 'utf8');
    const ok = validate(parse(text, { merge: true }));
    expect(validate.errors ?? [], f).toEqual([]);
    expect(ok).toBe(true);
    expect(() => loadBuild(path.join(examplesDir, f), { env: {} })).not.toThrow();
  });

  it('rejects what the checker rejects, field by field (examples)', () => {
    const validate = compileSchema();
    const cases: unknown[] = [
      { name: 'x', layers: [] },
      { name: 'Bad_Name', layers: [{ name: 'l', vms: [{ name: 'v', source: { path: 'a' } }] }] },
      { name: 'x', layers: [{ name: 'l', vms: [{ name: 'v', source: { url: 'https://a/b', checksum: 'sha256:12' } }] }] },
      { name: 'x', layers: [{ name: 'l', vms: [{ name: 'v', source: { path: 'a', from: 'l/v' } }] }] },
      { name: 'x', layers: [{ name: 'l', vms: [{ name: 'v', source: { path: 'a' }, disks: [{ name: 'd', bus: 'ide' }] }] }] },
      { name: 'x', layers: [{ name: 'l', vms: [{ name: 'v', source: { path: 'a' }, bootComand: [] }] }] },
      { name: 'x', layers: [{ name: 'l', vms: [{ name: 'v', source: { path: 'a' }, httpDirectory: 'h', httpContent: {} }] }] },
      { name: 'x', layers: [{ name: 'l', vms: [{ name: 'v', source: { path: 'a' }, provisioners: [{ type: 'shel', inline: ['x'] }] }] }] },
    ];
    for (const c of cases) {
      expect(validate(c), JSON.stringify(c)).toBe(false);
      expect(structureProblems(c).length, JSON.stringify(c)).toBeGreaterThan(0);
    }
  });

  it('agrees with the structure checker on random mutations of the examples (property)', () => {
    const validate = compileSchema();
    const seeds = exampleFiles.map((f) => parse(readFileSync(path.join(examplesDir, f), 'utf8'), { merge: true }) as unknown);
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (seed, mutations) => {
        let value = structuredClone(seed);
        for (const m of mutations) value = applyMutation(value, m);
        const ajvOk = validate(value);
        const problems = structureProblems(value);
        expect(problems.length === 0, `ajv: ${JSON.stringify(validate.errors?.slice(0, 3))}\nchecker: ${problems.join('\n')}\nvalue: ${JSON.stringify(value)}`).toBe(ajvOk);
      }),
      { numRuns: 300 },
    );
  });
});

// --- mutations ---------------------------------------------------------------------------------

type Mutation = { pick: number; op: 'delete' | 'set' | 'rename' | 'add'; value: unknown; key: string };

const weirdValues = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    1,
    -1,
    2.5,
    70000,
    '',
    'x',
    'Web',
    'web',
    '10s',
    '10',
    '-1s',
    '512Mi',
    '512m',
    'ide',
    'virtio',
    'sata',
    'raw',
    'qcow2',
    'none',
    'ssh',
    'shell',
    'file',
    'windows-update',
    'base/web',
    'sha256:abc',
    `sha256:${'a'.repeat(64)}`,
    '10.0.0.0/24',
    'https://example.com/x',
    '{{ .HTTPIP }}',
    '{{ user `nope` }}',
    'KEY=v',
    '/path',
    'include:$true',
    [],
    ['x'],
    [1],
    {},
    { name: 'd' },
    { model: 'virtio' },
  ),
  fc.string({ maxLength: 6 }),
  fc.integer({ min: -5, max: 100 }),
);
const keys = fc.constantFrom(
  'name',
  'source',
  'url',
  'checksum',
  'path',
  'from',
  'iso',
  'containerDisk',
  'cpu',
  'memory',
  'disks',
  'size',
  'bus',
  'nics',
  'model',
  'subnet',
  'bootCommand',
  'bootComand',
  'type',
  'inline',
  'script',
  'content',
  'destination',
  'label',
  'files',
  'internet',
  'vpcs',
  'subnets',
  'cidr',
  'efiFirmware',
  'secureBoot',
  'zzz',
  'sshTimeout',
);

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  op: fc.constantFrom('delete', 'set', 'rename', 'add'),
  value: weirdValues,
  key: keys,
});

type Container = Record<string, unknown> | unknown[];

function slots(value: unknown, out: Array<{ parent: Container; key: string | number }> = []): Array<{ parent: Container; key: string | number }> {
  const visit = (parent: Container, key: string | number, v: unknown) => {
    out.push({ parent, key });
    slots(v, out);
  };
  if (Array.isArray(value)) value.forEach((v, i) => visit(value, i, v));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(value as Record<string, unknown>, k, v);
  return out;
}

function applyMutation(root: unknown, m: Mutation): unknown {
  const all = slots(root);
  if (all.length === 0) return m.value;
  const { parent, key } = all[m.pick % all.length]!;
  if (Array.isArray(parent)) {
    const i = key as number;
    if (m.op === 'delete') parent.splice(i, 1);
    else if (m.op === 'add') parent.push(structuredClone(parent[i]));
    else parent[i] = structuredClone(m.value);
    return root;
  }
  const k = key as string;
  if (m.op === 'delete') delete parent[k];
  else if (m.op === 'set') parent[k] = structuredClone(m.value);
  else if (m.op === 'rename') {
    const v = parent[k];
    delete parent[k];
    parent[k === m.key ? k + 's' : m.key] = v;
  } else parent[m.key] = structuredClone(m.value);
  return root;
}
