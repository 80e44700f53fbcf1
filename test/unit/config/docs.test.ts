/** docs/build-file.md carries the generated field reference, so every field is documented. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSpec } from '../../../src/core/config/build-spec.js';
import { REFERENCE_END, REFERENCE_START } from '../../../src/core/config/field-reference.js';
import type { Spec } from '../../../src/core/config/spec.js';
import { buildFileDoc } from '../../../scripts/generated-files.js';
import { repoRoot } from '../../helpers/node24.js';

const docsFile = path.join(repoRoot, 'docs', 'build-file.md');

function allFieldNames(spec: Spec, out = new Set<string>()): Set<string> {
  if (spec.type === 'object') {
    for (const [k, v] of Object.entries(spec.properties)) {
      out.add(k);
      allFieldNames(v, out);
    }
  } else if (spec.type === 'array') allFieldNames(spec.items, out);
  else if (spec.type === 'union') spec.options.forEach((o) => allFieldNames(o, out));
  else if (spec.type === 'map') allFieldNames(spec.values, out);
  else if (spec.type === 'tagged') Object.values(spec.variants).forEach((v) => allFieldNames(v, out));
  return out;
}

describe('docs/build-file.md', () => {
  it('has the field reference generated from the spec (npm run generate rewrites it)', () => {
    const doc = readFileSync(docsFile, 'utf8');
    expect(doc.indexOf(REFERENCE_START), 'start marker').toBeGreaterThan(0);
    expect(doc.indexOf(REFERENCE_END), 'end marker').toBeGreaterThan(doc.indexOf(REFERENCE_START));
    expect(doc, 'docs/build-file.md is stale: run npm run generate').toBe(buildFileDoc(doc));
  });

  it('documents every field and template function', () => {
    const doc = readFileSync(docsFile, 'utf8');
    for (const name of allFieldNames(buildSpec)) expect(doc, name).toContain(`| \`${name}\``);
    for (const t of ['{{ .HTTPIP }}', '{{ .HTTPPort }}', '{{ .Name }}', '{{ .Path }}', '{{ .Vars }}', '{{ .EnvVarFile }}', '{{ .Command }}', '{{ env "NAME" }}', '{{ user "name" }}']) {
      expect(doc, t).toContain(t);
    }
  });
});
