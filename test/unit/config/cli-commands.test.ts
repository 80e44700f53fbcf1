/** `ruddervirt validate` and `ruddervirt schema`, run as the dispatcher runs them. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { schemaCommand } from '../../../src/cli/commands/schema.js';
import { parseBuildFileArgs, validateCommand } from '../../../src/cli/commands/validate.js';
import { UsageError } from '../../../src/cli/command.js';
import { runCli } from '../../../src/cli/run.js';
import { memoryIo } from '../../helpers/cli-io.js';
import { repoRoot } from '../../helpers/node24.js';
import { tempBuildDir } from './helpers.js';

const io = (cwd = repoRoot, env: NodeJS.ProcessEnv = {}) => memoryIo(cwd, env);

const commands = [validateCommand, schemaCommand];
const tmp = tempBuildDir({ 'scripts/ok.sh': 'true\n' });
afterAll(tmp.cleanup);

const bad = `name: Demo
variables: { release: "12" }
layers:
  - name: base
    vms:
      - name: web
        source: { path: x }
        bootComand: []
        disks: [{ name: root, bus: ide }]
`;
writeFileSync(path.join(tmp.dir, 'bad.yaml'), bad);
writeFileSync(path.join(tmp.dir, 'good.yaml'), 'name: demo\nvariables: { release: "12" }\nlayers: [{ name: base, vms: [{ name: web, source: { path: "debian-{{ user `release` }}.qcow2" } }] }]\n');

describe('ruddervirt validate', () => {
  it('prints "FILE: ok" for each valid file and exits 0', async () => {
    const t = io();
    const code = await runCli(['validate', 'examples/debian-cloud.yaml', 'examples/module.yaml', 'examples/windows.yaml', 'examples/debian-iso.yaml'], commands, t);
    expect(t.err()).toBe('');
    expect(t.out()).toBe('examples/debian-cloud.yaml: ok\nexamples/module.yaml: ok\nexamples/windows.yaml: ok\nexamples/debian-iso.yaml: ok\n');
    expect(code).toBe(0);
  });

  it('prints every located problem of a bad file, goes on with the next file, and exits 1 without a stack trace', async () => {
    const t = io(tmp.dir);
    const code = await runCli(['validate', 'bad.yaml', 'good.yaml', 'missing.yaml'], commands, t);
    expect(code).toBe(1);
    expect(t.out()).toBe('good.yaml: ok\n');
    expect(t.err()).toBe(
      [
        "bad.yaml:1:7: name: 'Demo' is not usable as a Kubernetes name; did you mean 'demo'?",
        "bad.yaml:8:9: layers[0].vms[0].bootComand: unknown key 'bootComand'; did you mean 'bootCommand'?",
        `bad.yaml:9:36: layers[0].vms[0].disks[0].bus: 'ide' is not accepted: KubeVirt rejects the IDE bus ("IDE bus is not supported" in its admission webhook); expected virtio, sata, scsi`,
        'bad.yaml: 3 problems',
        'missing.yaml:1:1: cannot read the build file: no such file',
        'missing.yaml: 1 problem',
        '',
      ].join('\n'),
    );
  });

  it('passes --var to the files, in both spellings, and rejects undeclared ones', async () => {
    const t = io(tmp.dir);
    expect(await runCli(['validate', 'good.yaml', '--var', 'release=13', '--var=release=14'], commands, t)).toBe(0);
    const u = io(tmp.dir);
    expect(await runCli(['validate', 'good.yaml', '--var', 'relese=13'], commands, u)).toBe(1);
    expect(u.err()).toContain("good.yaml:2:1: variables: --var relese=…: no variable 'relese' is declared; declared: release; did you mean 'release'?");
  });

  it('reads {{ env }} from the command environment', async () => {
    writeFileSync(path.join(tmp.dir, 'env.yaml'), 'name: "{{ env `BUILD_NAME` }}"\nlayers: [{ name: base, vms: [{ name: web, source: { path: x } }] }]\n');
    expect(await runCli(['validate', 'env.yaml'], commands, io(tmp.dir, { BUILD_NAME: 'from-env' }))).toBe(0);
    const t = io(tmp.dir, {});
    expect(await runCli(['validate', 'env.yaml'], commands, t)).toBe(1);
    expect(t.err()).toContain("env.yaml:1:7: name: renders to '': expected a Kubernetes name");
  });

  it('refuses bad usage with exit 2', async () => {
    const t = io();
    expect(await runCli(['validate'], commands, t)).toBe(2);
    expect(t.err()).toContain('expected at least one build file');
    expect(() => parseBuildFileArgs(['a.yaml', '--var', 'novalue'])).toThrow(UsageError);
    expect(() => parseBuildFileArgs(['a.yaml', '--var'])).toThrow(UsageError);
    expect(() => parseBuildFileArgs(['--frobnicate'])).toThrow("unknown option '--frobnicate'");
    expect(parseBuildFileArgs(['a.yaml', '--', '--b.yaml', '-var', 'x=y=z'])).toEqual({ files: ['a.yaml', '--b.yaml', '-var', 'x=y=z'], vars: {}, varFiles: [] });
    expect(parseBuildFileArgs(['-var', 'x=y=z', 'a.yaml', '--var-file', 'v.yaml', '--var-file=w.json'])).toEqual({ files: ['a.yaml'], vars: { x: 'y=z' }, varFiles: ['v.yaml', 'w.json'] });
    expect(() => parseBuildFileArgs(['a.yaml', '--var-file'])).toThrow(UsageError);
  });
});

describe('ruddervirt schema', () => {
  it('prints the JSON Schema that schema/build.schema.json holds', async () => {
    const t = io();
    expect(await runCli(['schema'], commands, t)).toBe(0);
    expect(t.out()).toBe(readFileSync(path.join(repoRoot, 'schema', 'build.schema.json'), 'utf8'));
    expect(JSON.parse(t.out())).toMatchObject({ $schema: 'http://json-schema.org/draft-07/schema#', required: ['name', 'layers'] });
  });

  it('takes no arguments', async () => {
    expect(await runCli(['schema', 'extra'], commands, io())).toBe(2);
  });
});

describe('the command table', () => {
  it('names and summarises each command as its module does', async () => {
    const { commands: table } = await import('../../../src/cli/commands.js');
    for (const entry of table) {
      const command = await entry.load();
      expect({ name: command.name, summary: command.summary }).toEqual({ name: entry.name, summary: entry.summary });
    }
  }, 60_000);

  it('loads a command only to run it or show its help', async () => {
    const loads: string[] = [];
    const lazy = [validateCommand, schemaCommand].map((c) => ({ name: c.name, summary: c.summary, load: async () => (loads.push(c.name), c) }));
    for (const args of [['--version'], ['--help'], []]) await runCli(args, lazy, io());
    expect(loads).toEqual([]);
    const t = io();
    expect(await runCli(['help', 'schema'], lazy, t)).toBe(0);
    expect(t.out()).toBe(schemaCommand.usage.trimEnd() + '\n');
    expect(await runCli(['schema'], lazy, io())).toBe(0);
    expect(loads).toEqual(['schema', 'schema']);
  });
});
