import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/node24.js';
import { SPECIAL_KEYS } from '../../../src/core/bootcommand/special-keys.js';

describe('docs/boot-command.md', () => {
  const doc = readFileSync(path.join(repoRoot, 'docs', 'boot-command.md'), 'utf8');

  it.each(SPECIAL_KEYS.map((k) => [k.name, k.keysym, k.x11Name] as const))('lists <%s> as keysym %i (%s)', (name, keysym, x11Name) => {
    const hex = `0x${keysym.toString(16).toUpperCase().padStart(4, '0')}`;
    expect(doc).toContain(`| \`<${name}>\` | \`${hex}\` | ${x11Name} |`);
  });
});
