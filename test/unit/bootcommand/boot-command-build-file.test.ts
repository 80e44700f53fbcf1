/**
 * `ruddervirt boot-command --build-file`: the keys a build will type, through the CLI's own
 * dispatch (runCli: exit codes, located errors), from real build files in a temp folder.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { commands } from '../../../src/cli/commands.js';
import { runCli } from '../../../src/cli/run.js';
import { previewBootCommand } from '../../../src/core/bootcommand/preview.js';
import { planBootCommand } from '../../../src/core/bootcommand/plan.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-bootcmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await runCli(['boot-command', ...args], commands, { stdout, stderr, env, cwd: dir, signal: new AbortController().signal });
  return { code, out, err };
}

writeFileSync(path.join(dir, 'vars.yaml'), 'release: "13"\n');
writeFileSync(
  path.join(dir, 'build.yaml'),
  `name: demo
variables: { release: "12", password: hunter2 }
sensitiveVariables: [password]
layers:
  - name: base
    vms:
      - name: web
        source: { path: disk.qcow2 }
        httpContent: { /preseed.cfg: "x" }
        bootWait: "<wait 'boot:'>"
        bootCommand:
          - "<esc><wait>"
          - "auto url=http://{{ .HTTPIP }}:{{ .HTTPPort }}/d{{ user \`release\` }}.cfg pw={{ user \`password\` }} "
          - "<waitSerial 'login: $'>{{ .Name }}<enter>"
      - name: db
        source: { path: disk.qcow2 }
        vmName: db-image.qcow2
        bootCommand: ["{{ .Name }}:{{ .HTTPIP }}<enter>"]
`,
);
writeFileSync(path.join(dir, 'disk.qcow2'), '');

describe('ruddervirt boot-command --build-file', () => {
  it('fills in variables, the var file and the known fields; marks the HTTP port; masks the password', async () => {
    const { code, out, err } = await cli(['--build-file', 'build.yaml', '--vm', 'web', '--var-file', 'vars.yaml']);
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).not.toContain('hunter2');
    expect(out).toContain('base/web (local engine)');
    expect(out).toContain('{{ .HTTPIP }}  "10.0.2.2": QEMU user networking');
    expect(out).toContain('bootWait: until the screen text /boot:/ shows');
    expect(out).toContain('bootCommand[1]: "auto url=http://10.0.2.2:{{ .HTTPPort }}/d13.cfg pw=*** "');
    expect(out).toMatch(/\n {2}type {4}\{\{ \.HTTPPort \}\} +placeholder: a free port/);
    expect(out).toMatch(/\n {2}type {4}\*\*\* +a secret value, masked\n/);
    expect(out).toContain('wait    for serial console text /login: $/');
    // {{ .Name }} is the VM's name here: its keys are typed one by one.
    expect(out).toContain('bootCommand[2]: "<waitSerial \'login: $\'>web<enter>"');
    expect(out).toMatch(/-- \d+ key events, 1 wait: .* plus the 1 placeholder, 1 masked value, 1 text wait\n$/);
  });

  it('--var overrides the var file; --json marks placeholders and masked values', async () => {
    const { code, out } = await cli(['--json', '--build-file', 'build.yaml', '--vm', 'base/web', '--var-file', 'vars.yaml', '--var', 'release=14']);
    expect(code).toBe(0);
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => 'placeholder' in l)).toEqual([{ placeholder: 'HTTPPort' }]);
    expect(lines.filter((l) => 'masked' in l)).toEqual([{ masked: true }]);
    // '1', '4' of release=14 are typed.
    const typed = lines.filter((l) => l.down === true && typeof l.key === 'number').map((l) => String.fromCodePoint(l.key as number));
    expect(typed.join('')).toContain('/d14.cfg');
    expect(out).not.toContain('hunter2');
  });

  it('on kubevirt the port is the file server’s and the pod IP is a placeholder; without HTTP files the build types nothing for them', async () => {
    const web = await cli(['--build-file', 'build.yaml', '--vm', 'web', '--engine', 'kubevirt']);
    expect(web.code).toBe(0);
    expect(web.out).toContain('bootCommand[1]: "auto url=http://{{ .HTTPIP }}:8080/d12.cfg pw=*** "');
    const db = await cli(['--build-file', 'build.yaml', '--vm', 'db']);
    expect(db.out).toContain('bootCommand[0]: "db-image.qcow2:<enter>"');
    expect(db.out).toContain('the VM has no httpDirectory or httpContent');
  });

  it('without --vm shows every VM with a bootCommand', async () => {
    const { code, out } = await cli(['--ast', '--build-file', 'build.yaml']);
    expect(code).toBe(0);
    expect(out).toMatch(/^# base\/web\n/);
    expect(out).toContain('\n# base/db\n');
    expect(out).toContain('Placeholder(HTTPPort)');
    expect(out).toContain('Masked(***)');
    expect(out).toContain('WaitText<serial "login: $">');
  });

  it('a VM that is not in the file: exit 1, located at layers, with the names', async () => {
    const { code, err, out } = await cli(['--build-file', 'build.yaml', '--vm', 'wbe']);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe("ruddervirt boot-command: build.yaml:4:1: layers: no VM 'wbe' (--vm); expected one of: base/web, base/db; did you mean 'web'?\n");
  });

  it('a missing build file: exit 1 naming it; TEXT with --build-file and --vm without it: exit 2', async () => {
    const missing = await cli(['--build-file', 'nope.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.err).toBe('ruddervirt boot-command: nope.yaml:1:1: cannot read the build file: no such file\n');
    expect((await cli(['--build-file', 'build.yaml', '<enter>'])).code).toBe(2);
    expect((await cli(['--vm', 'web', '<enter>'])).err).toMatch(/--vm needs --build-file/);
    expect((await cli(['--build-file', 'build.yaml', '--engine', 'qemu'])).code).toBe(2);
  });
});

describe('previewBootCommand', () => {
  it('property: with every field known and no secret, the events are exactly what the build plans', () => {
    const element = fc.stringMatching(/^(?:[a-zA-Z0-9 :/.]|<enter>|<wait>|<esc>|\{\{ \.HTTPIP \}\}|\{\{ \.Name \}\})*$/);
    fc.assert(
      fc.property(fc.array(element, { minLength: 1, maxLength: 4 }), (elements) => {
        const fields = { HTTPIP: '10.0.2.2', HTTPPort: 8080, Name: 'web' };
        const preview = previewBootCommand(elements, fields, []);
        const rendered = elements.map((e) => e.replaceAll('{{ .HTTPIP }}', '10.0.2.2').replaceAll('{{ .Name }}', 'web'));
        const events = preview.elements.flatMap((e) => e.entries.map((x) => (x.kind === 'event' ? x.event : undefined)));
        expect(events).toEqual(planBootCommand(rendered).events);
        expect(preview.elements.map((e) => e.text)).toEqual(rendered);
      }),
    );
  });

  it('property: a secret never shows in the element texts, and a placeholder is one entry', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{3,12}$/), fc.stringMatching(/^[a-z ]{0,10}$/), (secret, before) => {
        const preview = previewBootCommand([`${before}${secret}{{ .HTTPPort }}<enter>`], { HTTPIP: '', HTTPPort: { placeholder: 'later' }, Name: 'x' }, [secret]);
        const text = preview.elements[0]!.text;
        expect(text.includes(secret)).toBe(false);
        expect(text.endsWith('***{{ .HTTPPort }}<enter>')).toBe(true);
        expect(preview.masked).toBe(1);
        expect(preview.placeholders).toBe(1);
      }),
    );
  });
});
