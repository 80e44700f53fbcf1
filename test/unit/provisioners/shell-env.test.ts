import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ProvisionerError } from '../../../src/core/provisioners/context.js';
import { envVarFile, inlineVars, shellEnvironment } from '../../../src/core/provisioners/shell-env.js';

describe('shellEnvironment', () => {
  test('built-ins, list, map (wins), sorted', () => {
    const vars = shellEnvironment({
      environmentVars: ['ZED=last', 'FOO=list', 'EQ=a=b'],
      env: { FOO: 'map' },
      buildName: 'web',
      builderType: 'local',
      httpIp: '10.0.2.2',
      httpPort: 8080,
    });
    expect(vars).toEqual([
      ['EQ', 'a=b'],
      ['FOO', 'map'],
      ['PACKER_BUILDER_TYPE', 'local'],
      ['PACKER_BUILD_NAME', 'web'],
      ['PACKER_HTTP_ADDR', '10.0.2.2:8080'],
      ['PACKER_HTTP_IP', '10.0.2.2'],
      ['PACKER_HTTP_PORT', '8080'],
      ['ZED', 'last'],
    ]);
  });

  test('no HTTP variables without a server (port 0)', () => {
    expect(shellEnvironment({ environmentVars: [], env: {}, httpIp: '10.0.2.2', httpPort: 0 })).toEqual([]);
  });

  test('an entry without KEY= is an error naming it', () => {
    expect(() => shellEnvironment({ environmentVars: ['OK=1', '=nokey'], env: {} })).toThrow(ProvisionerError);
    expect(() => shellEnvironment({ environmentVars: ['OK=1', 'novalue'], env: {} })).toThrow('environmentVars[1]: "novalue" is not KEY=value with KEY a variable name');
  });

  test('a key that is not a POSIX name is refused before it reaches a shell, from the list or the map', () => {
    for (const bad of ['X;echo INJECTED;Y=1', '$(touch /tmp/x)=1', 'A B=1', '1A=1']) {
      expect(() => shellEnvironment({ environmentVars: [bad], env: {} })).toThrow(ProvisionerError);
    }
    expect(() => shellEnvironment({ environmentVars: [], env: { 'X;id;Y': '1' } })).toThrow('env: "X;id;Y" is not a variable name');
  });

  test("Packer's formats", () => {
    expect(inlineVars([['A', "it's"]])).toBe(`A='it'"'"'s' `);
    expect(
      envVarFile([
        ['A', 'x'],
        ['B', 'y'],
      ]),
    ).toBe("export A='x'\nexport B='y'\n");
  });
});

describe('property: a real /bin/sh sees exactly the values', () => {
  const key = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,8}$/);
  const value = fc.string({ unit: 'binary', maxLength: 30 }).filter((s) => !s.includes('\0'));
  const env = fc.dictionary(key, value, { minKeys: 1, maxKeys: 4 });

  function printed(script: string, keys: string[]): string[] {
    const print = keys.map((k) => `printf '%s\\0' "$${k}"`).join('; ');
    const r = spawnSync('/bin/sh', ['-c', script.replace('@PRINT@', print)], { encoding: 'utf8', env: {} });
    expect(r.status).toBe(0);
    return r.stdout.split('\0').slice(0, -1);
  }

  test('{{ .Vars }} before a command', () => {
    fc.assert(
      fc.property(env, (map) => {
        const vars = shellEnvironment({ environmentVars: [], env: map });
        // As executeCommand does with the script: the assignments prefix the command.
        const r = spawnSync('/bin/sh', ['-c', `${inlineVars(vars)} env -0`], { encoding: 'utf8', env: {} });
        expect(r.status).toBe(0);
        const seen = new Map(
          r.stdout
            .split('\0')
            .filter(Boolean)
            .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
        );
        for (const [k, v] of vars) expect(seen.get(k)).toBe(v);
      }),
      { numRuns: 40 },
    );
  });

  test('the env var file, sourced', () => {
    fc.assert(
      fc.property(env, (map) => {
        const vars = shellEnvironment({ environmentVars: [], env: map });
        const out = printed(
          `${envVarFile(vars)}\n@PRINT@`,
          vars.map(([k]) => k),
        );
        expect(out).toEqual(vars.map(([, v]) => v));
      }),
      { numRuns: 40 },
    );
  });
});
