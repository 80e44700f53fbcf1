/** docs/coming-from-packer.md stays in step with the option table and with what import-packer prints. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importPacker } from '../../../src/core/packer/import-packer.js';
import { PACKER_BUILDER_OPTIONS, PACKER_PROVISIONER_OPTIONS } from '../../../src/core/packer/packer-options.js';
import { repoRoot } from '../../helpers/node24.js';

const doc = readFileSync(path.join(repoRoot, 'docs', 'coming-from-packer.md'), 'utf8');

describe('docs/coming-from-packer.md', () => {
  it('has a row for every Packer option in the table, with its verdict', () => {
    for (const [name, fate] of Object.entries({ ...PACKER_BUILDER_OPTIONS, ...PACKER_PROVISIONER_OPTIONS })) {
      const verdict = { same: 'supported', different: 'different', unsupported: 'not supported' }[fate.kind];
      expect(doc, name).toContain(`| \`${name}\` | ${verdict} |`);
    }
  });

  it("shows the worked migration's output as import-packer prints it", async () => {
    const result = await importPacker('fedora', { cwd: path.join(repoRoot, 'test', 'fixtures', 'packer'), varFiles: ['fedora/prod.pkrvars.hcl'] });
    expect(result.problems).toEqual([]);
    const shown = result.yaml.replace(/sha256:3d5e[0-9a-f]+1d6e/, 'sha256:3d5e…1d6e');
    expect(doc).toContain(`\`\`\`yaml\n${shown}\`\`\``);
    for (const w of result.warnings) expect(doc).toContain(`warning: ${w}`);
  });
});
