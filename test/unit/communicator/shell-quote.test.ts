import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { shellQuote } from '../../../src/core/communicator/shell-quote.js';

function echoThroughShell(words: string[]): string {
  const r = spawnSync('/bin/sh', ['-c', `printf '%s\\0' ${words.map(shellQuote).join(' ')}`], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  return r.stdout;
}

test('examples', () => {
  expect(shellQuote("it's")).toBe(`'it'"'"'s'`);
  expect(shellQuote('')).toBe("''");
  expect(echoThroughShell(['$HOME', '`id`', "a'b", 'c d', '*'])).toBe(['$HOME', '`id`', "a'b", 'c d', '*'].join('\0') + '\0');
});

test('property: a real /bin/sh reads back exactly the quoted words', () => {
  const word = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0'));
  fc.assert(
    fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), (words) => {
      expect(echoThroughShell(words)).toBe(words.map((w) => w + '\0').join(''));
    }),
    { numRuns: 60 },
  );
});
