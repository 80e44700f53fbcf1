/** `ruddervirt screen-text` on a committed screenshot of a real screen, with the real OCR worker. */
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { screenTextCommand } from '../../../src/cli/commands/screen-text.js';
import { normaliseScreenText, screenTextMatches } from '../../../src/core/ocr/screen-text.js';

const SCREENS = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'screens');

async function run(args: string[]): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  const code = await screenTextCommand.run(args, { stdout, stderr: new PassThrough(), env: {}, cwd: SCREENS, signal: new AbortController().signal });
  return { code, out };
}

describe('ruddervirt screen-text', () => {
  it('prints what OCR reads and whether a pattern matches (exit 0), or not (exit 1)', async () => {
    const hit = await run(['--match', 'boot:', 'syslinux-boot-720x400.png']);
    expect(hit.code).toBe(0);
    expect(hit.out).toMatch(/SYSLINUX 6\.04/);
    expect(hit.out).toMatch(/-- \/boot:\/ matches\n$/);
    const miss = await run(['--match', 'login:', 'syslinux-boot-720x400.png']);
    expect(miss.code).toBe(1);
    expect(miss.out).toMatch(/-- \/login:\/ does not match\n$/);
  }, 120_000);

  it('refuses bad arguments and files that are no PNG', async () => {
    await expect(run([])).rejects.toThrow(/expected at least one FILE\.png/);
    await expect(run(['--match', '(', 'x.png'])).rejects.toThrow(/--match "\(": Invalid regular expression/);
    await expect(run(['README.md'])).rejects.toThrow(/README\.md: not a readable PNG/);
  }, 120_000);
});

describe('screen text matching', () => {
  it("evens out OCR's quotes, spaces before punctuation, runs of spaces and blank lines; ignores case", () => {
    expect(normaliseScreenText('type “guest”  or ‘x’\n\n\nboot :  _')).toBe('type "guest" or \'x\'\nboot: _');
    expect(screenTextMatches('boot:', 'boot :')).toBe(true);
    expect(screenTextMatches('Select a language', '[11] select a language')).toBe(true);
    expect(screenTextMatches('^boot:', 'xboot:')).toBe(false);
  });
});
