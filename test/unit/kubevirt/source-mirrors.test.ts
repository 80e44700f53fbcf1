/**
 * Mirrors on the kubevirt engine: CDI takes one URL, so `validate --engine kubevirt` and `render`
 * warn, at the first unused mirror, that the others are not tried; the local engine does not.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { commands } from '../../../src/cli/commands.js';
import { runCli } from '../../../src/cli/run.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-mirrors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = `sha256:${'a'.repeat(64)}`;
writeFileSync(
  path.join(dir, 'build.yaml'),
  `name: demo
layers:
  - name: base
    vms:
      - name: web
        source:
          iso:
            urls:
              - https://a.example/x.iso
              - https://b.example/x.iso
            checksum: "${sha}"
      - name: db
        source: { urls: [https://a.example/x.qcow2], checksum: "${sha}" }
`,
);

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runCli(args, commands, { stdout, stderr, env: {}, cwd: dir, signal: new AbortController().signal });
  return { code, out, err };
}

describe('urls: mirrors on the kubevirt engine', () => {
  it('validate --engine kubevirt warns at the first unused mirror; one URL alone is no warning', async () => {
    const { code, out, err } = await cli(['validate', '--engine', 'kubevirt', 'build.yaml']);
    expect(code).toBe(0);
    expect(out).toBe('build.yaml: ok (1 warning)\n');
    expect(err).toMatch(
      /^build\.yaml:10:17: layers\[0\]\.vms\[0\]\.source\.iso\.urls\[1\]: warning: kubevirt engine: CDI imports from one URL, so only https:\/\/a\.example\/x\.iso is used and this mirror is not tried;/,
    );
    expect(err.trim().split('\n')).toHaveLength(1);
  });

  it('validate on the local engine (the default) does not warn: it tries the mirrors in order', async () => {
    expect(await cli(['validate', 'build.yaml'])).toEqual({ code: 0, out: 'build.yaml: ok\n', err: '' });
    expect((await cli(['validate', '--engine', 'qemu', 'build.yaml'])).code).toBe(2);
  });

  it('render prints the same warning beside the manifests, whose DataVolume has the first URL', async () => {
    const { code, out, err } = await cli(['render', 'build.yaml']);
    expect(code).toBe(0);
    expect(out).toContain('url: https://a.example/x.iso');
    expect(out).not.toContain('b.example');
    expect(err).toMatch(/source\.iso\.urls\[1\]: warning: kubevirt engine: CDI imports from one URL/);
  });
});
