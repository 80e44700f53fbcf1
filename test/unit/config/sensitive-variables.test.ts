/**
 * Declared secrets: `sensitiveVariables` in the build file (Packer JSON's "sensitive-variables"),
 * extra names from outside (the actions' input), and `--var-file` files — what becomes a secret,
 * what is refused, and where the problems are located.
 */
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateCommand } from '../../../src/cli/commands/validate.js';
import { runCli } from '../../../src/cli/run.js';
import { BuildFileError } from '../../../src/core/config/problems.js';
import { parseVarFile } from '../../../src/core/config/var-file.js';
import { SecretMasker } from '../../../src/core/log.js';
import { memoryIo } from '../../helpers/cli-io.js';
import { buildOf, problemsOf, tempBuildDir } from './helpers.js';

const FILE = `name: app
variables:
  dbPass: "{{ env \`DB_PW\` }}"
  dbUser: app
  region: eu
sensitiveVariables: [dbPass]
layers:
  - name: base
    vms:
      - name: web
        source: { path: disk.qcow2 }
        communicator: { type: ssh, sshUsername: root, sshPassword: root-pw }
        provisioners:
          - type: shell
            inline: ["psql -c 'select 1'"]
            environmentVars: ["DB_URL=postgres://{{ user \`dbUser\` }}:{{ user \`dbPass\` }}@db/app", "REGION={{ user \`region\` }}"]
`;

const tmp = tempBuildDir({
  'disk.qcow2': 'x',
  'vars.yaml': 'dbPass: from-the-var-file-1\nregion: us\n',
  'vars.json': '{\n  "dbPass": "from-json-2",\n  "nope": 1\n}\n',
  'list.yaml': 'dbPass: [a, b]\n',
});
afterAll(() => tmp.cleanup());
const at = (name: string) => path.join(tmp.dir, name);

describe('sensitiveVariables', () => {
  it("masks the value from the environment the default read, and values built from it whole; such environment goes in a file, not the guest's command line", () => {
    const build = buildOf(FILE, { dir: tmp.dir, env: { DB_PW: 'env-secret-0' } });
    expect(build.sensitiveVariables).toEqual(['dbPass']);
    expect(build.secrets).toEqual(expect.arrayContaining(['env-secret-0', 'postgres://app:env-secret-0@db/app', 'root-pw']));
    expect(build.secrets).not.toContain('eu');
    const shell = build.layers[0]!.vms[0]!.provisioners[0]!;
    expect(shell).toMatchObject({ type: 'shell', useEnvVarFile: true, executeCommand: expect.stringContaining('{{ .EnvVarFile }}') });
  });

  it('a var file and --var override in that order; every value given for a sensitive variable is a secret', () => {
    const build = buildOf(FILE, { dir: tmp.dir, env: { DB_PW: 'env-secret-0' }, varFiles: [at('vars.yaml')], vars: { dbPass: 'from-cli-3' } });
    expect(build.variables).toMatchObject({ dbPass: 'from-cli-3', region: 'us' });
    expect(build.secrets).toEqual(expect.arrayContaining(['env-secret-0', 'from-the-var-file-1', 'from-cli-3']));
    expect(build.secrets).not.toContain('us');
  });

  it('names from outside the file (the sensitive-variables input) count too', () => {
    const build = buildOf(FILE, { dir: tmp.dir, env: { DB_PW: 'x-secret' }, sensitiveVariables: { names: ['region'], source: "input 'sensitive-variables'" } });
    expect(build.sensitiveVariables?.sort()).toEqual(['dbPass', 'region']);
    expect(build.secrets).toContain('eu');
  });

  it('an unknown name is a located problem, in the file or naming the input', () => {
    expect(problemsOf(FILE.replace('sensitiveVariables: [dbPass]', 'sensitiveVariables: [dbPass, dbPas]'), { dir: tmp.dir })).toEqual([
      "6:30: sensitiveVariables[1]: no variable 'dbPas' is declared; declared: dbPass, dbUser, region; did you mean 'dbPass'?",
    ]);
    expect(problemsOf(FILE, { dir: tmp.dir, sensitiveVariables: { names: ['token'], source: "input 'sensitive-variables'" } })).toEqual([
      "2:1: variables: input 'sensitive-variables': no variable 'token' is declared; declared: dbPass, dbUser, region",
    ]);
    expect(problemsOf(FILE.replace('sensitiveVariables: [dbPass]', 'sensitiveVariables: dbPass'), { dir: tmp.dir })[0]).toMatch(/^6:21: sensitiveVariables: .*expected a list/);
  });

  it('a problem message that quotes a value built from a secret shows it masked', () => {
    const text = FILE.replace('region: eu', 'size: "{{ user `dbPass` }}"').replace('source: { path: disk.qcow2 }', 'source: { path: disk.qcow2 }\n        memory: "{{ user `size` }}"');
    const problems = problemsOf(text.replace('sensitiveVariables: [dbPass]', 'sensitiveVariables: [dbPass, size]'), { dir: tmp.dir, vars: { dbPass: 'Sup3rS3cret' } });
    expect(problems.join('\n')).toContain('memory');
    expect(problems.join('\n')).not.toContain('Sup3rS3cret');
  });
});

describe('--var-file', () => {
  it('reports a variable the build does not declare at its line in the var file, and never quotes values', () => {
    const problems = problemsOf(FILE, { dir: tmp.dir, varFiles: [at('vars.json')] });
    expect(problems).toEqual(["3:3: nope: no variable 'nope' is declared; declared: dbPass, dbUser, region"]);
  });

  it('reports lists, missing files and YAML errors with file and line, through validate too', async () => {
    const t = memoryIo(tmp.dir, {});
    writeFileSync(at('app.yaml'), FILE);
    writeFileSync(at('bad.yaml'), 'dbPass: "unterminated\n');
    expect(await runCli(['validate', 'app.yaml', '--var-file', 'list.yaml', '--var-file', 'missing.yaml', '--var-file', 'bad.yaml'], [validateCommand], t)).toBe(1);
    const err = t.err();
    expect(err).toContain('list.yaml:1:9: dbPass: expected a string, number or boolean; lists, maps and null are not variable values');
    expect(err).toContain('missing.yaml:1:1: cannot read the var file: no such file');
    expect(err).toMatch(/bad\.yaml:\d+:\d+: YAML: Missing closing/);
    expect(err).not.toContain('unterminated');
  });

  it('property: any mapping of names to strings, written as YAML or JSON, reads back exactly', () => {
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,12}$/);
    fc.assert(
      fc.property(fc.dictionary(name, fc.string({ maxLength: 40 }), { maxKeys: 8 }), fc.boolean(), (vars, asJson) => {
        const text = asJson
          ? JSON.stringify(vars, null, 2)
          : Object.entries(vars)
              .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
              .join('\n') + '\n';
        const read = parseVarFile(text, 'v');
        expect(Object.fromEntries(read.map((v) => [v.name, v.value]))).toEqual({ ...vars });
        for (const v of read) expect(v.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
  });

  it('property: whatever the text, a var file is read or refused with located problems, never a crash', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          parseVarFile(text, 'v.yaml');
        } catch (err) {
          expect(err).toBeInstanceOf(BuildFileError);
          for (const p of (err as BuildFileError).problems) expect(p.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('SecretMasker', () => {
  it("masks a secret's JSON-escaped and shell-quoted forms too", () => {
    const m = new SecretMasker();
    m.add(`it's "quoted"\\`);
    expect(m.mask(JSON.stringify({ v: `it's "quoted"\\` }))).toBe('{"v":"***"}');
    expect(m.mask(`DB='it'"'"'s "quoted"\\'`)).toBe(`DB='***'`);
  });
});
