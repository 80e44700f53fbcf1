/**
 * Control characters from a build file (ANSI and OSC escapes, binary, bidi overrides) reach the
 * terminal escaped, in `ruddervirt validate` output and in any user error the CLI prints.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { validateCommand } from '../../../src/cli/commands/validate.js';
import { UserError } from '../../../src/cli/command.js';
import { runCli } from '../../../src/cli/run.js';
import { escapeControls } from '../../../src/core/printable.js';
import { memoryIo } from '../../helpers/cli-io.js';
import { tempBuildDir } from './helpers.js';

const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const tmp = tempBuildDir();
afterAll(tmp.cleanup);

describe('ruddervirt validate with escape sequences in the build file', () => {
  it('prints them escaped, never raw', async () => {
    // A key that clears the screen, a value that retitles the terminal and hides text behind \r.
    const text = 'name: demo\nlayers:\n  - name: base\n    vms:\n      - name: web\n        source: { path: x }\n        "\\e[2Jcpuz": 1\n        disks: [{ name: root, bus: "\\e]0;pwned\\ax\\rfake ok\\u202e" }]\n';
    writeFileSync(path.join(tmp.dir, 'evil.yaml'), text);
    const io = memoryIo(tmp.dir);
    expect(await runCli(['validate', 'evil.yaml'], [validateCommand], io)).toBe(1);
    const err = io.err();
    // Before: the ESC, BEL and CR went to the terminal as they were.
    expect(err).not.toMatch(RAW);
    expect(err).toContain("unknown key '\\x1b[2Jcpuz'");
    expect(err).toContain("'\\x1b]0;pwned\\x07x\\rfake ok\\u202e' is not valid");
  });

  it('any user error the CLI prints keeps its line breaks and escapes the rest', async () => {
    const io = memoryIo(tmp.dir);
    const boom = { ...validateCommand, run: () => Promise.reject(new UserError('first \x1b[31mred\nsecond\x07')) };
    expect(await runCli(['validate'], [boom], io)).toBe(1);
    expect(io.err()).toBe('ruddervirt validate: first \\x1b[31mred\nsecond\\x07\n');
  });
});

describe('escapeControls', () => {
  it('property: the result has no control character, and printable text is unchanged', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        const out = escapeControls(s);
        expect(out).not.toMatch(RAW);
        expect(out).not.toMatch(/[\n\r\t]/);
        if (!RAW.test(s) && !/[\n\r\t]/.test(s)) expect(out).toBe(s);
      }),
      { numRuns: 1000 },
    );
  });
});
