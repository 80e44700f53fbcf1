/**
 * `ruddervirt verify --var-file`: the build file is loaded with the same variable values as the
 * build (a var file, then --var), so a var file's mistake is reported with its own file and line.
 * No VM boots: the build file's problem stops the command first.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { commands } from '../../../src/cli/commands.js';
import { runCli } from '../../../src/cli/run.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-verify-vars-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('verify reads --var-file as build does: an undeclared variable in it is located in the var file', async () => {
  writeFileSync(path.join(dir, 'build.yaml'), 'name: demo\nvariables: { release: "12" }\nlayers:\n  - name: base\n    vms: [{ name: web, source: { path: x } }]\n');
  writeFileSync(path.join(dir, 'x'), '');
  writeFileSync(path.join(dir, 'vars.yaml'), 'release: "13"\nrelase: "14"\n');
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let err = '';
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runCli(['verify', 'build.yaml', '--var-file', 'vars.yaml', '--output', path.join(dir, 'out')], commands, { stdout, stderr, env: {}, cwd: dir, signal: new AbortController().signal });
  expect(code).toBe(1);
  expect(err).toMatch(/vars\.yaml:2:1: .*relase.*did you mean 'release'/);
});
