/**
 * The typed layer between @actions/* and the core library: input parsers (with property tests),
 * the handoff's version check, annotations, summaries, the logger's masking and command
 * neutralising, VM selection, image names.
 */
import fc from 'fast-check';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBuildText } from '../../src/core/config/load.js';
import { SecretMasker } from '../../src/core/log.js';
import { ActionLogger, neutralizeCommands } from '../../src/actions/toolkit/action-logger.js';
import { problemAnnotations } from '../../src/actions/toolkit/annotations.js';
import { checkHandoff, emptyHandoff, HandoffError, TOOL_VERSION } from '../../src/actions/toolkit/handoff.js';
import { InputError, parseBoolean, parseDurationInput, parseEnum, parseForce, parseKeyValueLines, parseList } from '../../src/actions/toolkit/inputs.js';
import { imageName, imageRefs } from '../../src/actions/toolkit/publish.js';
import { filterBuild, selectVm } from '../../src/actions/toolkit/select-vm.js';
import { escapeCell, failureSection, fitSummary, phasesTable } from '../../src/actions/toolkit/summary.js';

const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,15}$/);
// A value is the rest of its line: anything but a newline, not ending in CR (CRLF input drops it).
const value = fc.string({ maxLength: 30 }).filter((v) => !v.includes('\n') && !v.endsWith('\r'));

describe('vars: multiline key=value', () => {
  it('round-trips any set of variables, values with = and spaces included', () => {
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 8 }), fc.boolean(), (vars, crlf) => {
        const text = Object.entries(vars)
          .map(([k, v]) => `${k}=${v}`)
          .join(crlf ? '\r\n' : '\n');
        expect(parseKeyValueLines('vars', text)).toEqual(vars);
      }),
    );
  });

  it('skips blank and comment lines, trims keys, keeps values as written', () => {
    expect(parseKeyValueLines('vars', '\n# a comment\n  release = 12 \nurl=http://x/?a=b\n')).toEqual({ release: ' 12 ', url: 'http://x/?a=b' });
  });

  it('names the input and the line of a mistake', () => {
    expect(() => parseKeyValueLines('vars', 'a=1\nnot a pair')).toThrow(new InputError('vars', "line 2: expected key=value, got 'not a pair'"));
    expect(() => parseKeyValueLines('vars', 'a=1\na=2')).toThrow(/input 'vars': line 2: 'a' is set twice/);
    expect(() => parseKeyValueLines('vars', '1x=2')).toThrow(/line 1: '1x' is not a variable name/);
  });

  it('never throws anything but an InputError, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          parseKeyValueLines('vars', text);
        } catch (err) {
          expect(err).toBeInstanceOf(InputError);
        }
      }),
    );
  });
});

describe('other inputs', () => {
  it('lists: newline- or comma-separated, trimmed, blanks and comments dropped', () => {
    const item = fc.stringMatching(/^[a-z0-9][a-z0-9._/:-]{0,12}$/);
    fc.assert(
      fc.property(fc.array(item, { maxLength: 6 }), fc.constantFrom(',', '\n', ', ', ' ,\n'), (items, sep) => {
        expect(parseList(items.join(sep))).toEqual(items);
      }),
    );
    expect(parseList('v1, latest\n# no\n\n  edge ')).toEqual(['v1', 'latest', 'edge']);
  });

  it('force: true, false or layer names, each checked against the build', () => {
    const layers = ['base', 'apps'];
    expect(parseForce('force', '', layers)).toEqual({});
    expect(parseForce('force', 'False', layers)).toEqual({});
    expect(parseForce('force', 'true', layers)).toEqual({ force: true });
    expect(parseForce('force', 'apps\nbase', layers)).toEqual({ forceLayers: ['apps', 'base'] });
    expect(() => parseForce('force', 'bsae', layers)).toThrow("input 'force': no layer 'bsae'; expected true, false or layer names (layers: base, apps)");
  });

  it('booleans: true/false in any case, a clear error otherwise', () => {
    expect(parseBoolean('cache', 'TRUE', false)).toBe(true);
    expect(parseBoolean('cache', 'False', true)).toBe(false);
    expect(parseBoolean('cache', '', true)).toBe(true);
    expect(() => parseBoolean('cache', 'yes', false)).toThrow("input 'cache': expected true or false, got 'yes'");
  });

  it('enums and durations name what they accept', () => {
    expect(parseEnum('engine', 'kubevirt', ['local', 'kubevirt'], 'local')).toBe('kubevirt');
    expect(() => parseEnum('engine', 'docker', ['local', 'kubevirt'], 'local')).toThrow("input 'engine': expected one of local, kubevirt, got 'docker'");
    expect(parseDurationInput('boot-timeout', '1h30m')).toBe(90 * 60_000);
    expect(parseDurationInput('boot-timeout', '0')).toBeUndefined();
    expect(() => parseDurationInput('boot-timeout', '10 minutes')).toThrow(/input 'boot-timeout': expected a duration such as 90s/);
  });
});

describe('the handoff', () => {
  it('accepts a file of this version and refuses another version, naming both', () => {
    expect(checkHandoff(JSON.parse(JSON.stringify(emptyHandoff('local'))), 'h.json').engine).toBe('local');
    const old = { ...emptyHandoff('local'), toolVersion: '0.0.1' };
    expect(() => checkHandoff(old, 'h.json')).toThrow(HandoffError);
    expect(() => checkHandoff(old, 'h.json')).toThrow(new RegExp(`written by RudderVirt 0\\.0\\.1 .*this action is RudderVirt ${TOOL_VERSION.replaceAll('.', '\\.')}.*same version`));
    expect(() => checkHandoff({ ...emptyHandoff('local'), handoffVersion: 1 }, 'h.json')).toThrow(/handoff format 1/);
    expect(() => checkHandoff([], 'h.json')).toThrow(/not a RudderVirt handoff file/);
  });
});

describe('annotations', () => {
  it('point at the build file relative to the workspace', () => {
    const [a] = problemAnnotations([{ file: 'images/web.yaml', line: 12, column: 9, path: 'layers[0].vms[0].bootComand', message: "unknown key; did you mean 'bootCommand'?" }], '/w', '/w');
    expect(a).toEqual({
      file: 'images/web.yaml',
      startLine: 12,
      startColumn: 9,
      title: 'RudderVirt build file',
      message: "layers[0].vms[0].bootComand: unknown key; did you mean 'bootCommand'?",
    });
    expect(problemAnnotations([{ file: '/elsewhere/b.yaml', line: 1, column: 1, path: '', message: 'x' }], '/w', '/w')[0]!.file).toBe(path.resolve('/elsewhere/b.yaml'));
  });
});

describe('summaries', () => {
  it('table cells can hold any text without breaking the table', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const cell = escapeCell(text);
        expect(cell).not.toMatch(/[|\n<>]/);
      }),
    );
  });

  it('stay under the size limit, cut at a line with a note', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 80 }), { maxLength: 200 }), fc.integer({ min: 200, max: 4000 }), (lines, limit) => {
        const out = fitSummary(lines.join('\n'), limit);
        expect(Buffer.byteLength(out)).toBeLessThanOrEqual(limit);
      }),
    );
    expect(fitSummary('x\n'.repeat(1000), 300)).toMatch(/cut to stay under the runner’s 1 MiB limit/);
  });

  it('list phases with status and duration', () => {
    const t = phasesTable([
      { vm: 'base/web', phase: 'boot command', startedAt: '', durationMs: 12_340, status: 'ok' },
      { vm: 'base/web', phase: 'provision', startedAt: '', durationMs: 0, status: 'skipped', detail: 'no provisioners' },
    ]);
    expect(t).toContain('| base/web | boot command | ✅ ok | 12.3s |  |');
    expect(t).toContain('| base/web | provision | ⏭️ skipped |  | no provisioners |');
  });

  it('quote the last screen as text beside the serial console, fences kept intact', () => {
    const s = failureSection({ vm: 'base/web', serialTail: ['login:'], screenText: ['boot: ```', 'Kernel panic'], screenshots: ['failure.png'], where: 'log-dir /x' });
    expect(s).toContain('<summary>Last screen (text read by OCR)</summary>');
    expect(s).toContain("boot: '''\nKernel panic");
    expect(failureSection({ vm: 'base/web', serialTail: [], screenshots: [], where: '' })).not.toContain('Last screen');
  });
});

/**
 * The runner's own reading of a step's stdout, from its source: lines broken at \r\n, \r or \n
 * (StreamReader.ReadLine in actions/runner src/Runner.Sdk/ProcessInvoker.cs), then per line
 * ActionCommand.TryParseV2 (TrimStart() — .NET white space — then "::" name "::") or, failing that,
 * the legacy TryParse ("##[" anywhere, a name, "]"). Returns the command names it would run.
 */
function runnerCommands(stdout: string): string[] {
  const found: string[] = [];
  for (const line of stdout.split(/\r\n|\r|\n/)) {
    const trimmed = line.replace(/^[\t-\r\u0085\p{Zs}\p{Zl}\p{Zp}]+/u, '');
    if (trimmed.startsWith('::')) {
      const end = trimmed.indexOf('::', 2);
      if (end >= 0) {
        found.push(trimmed.slice(2, end).split(' ')[0]!);
        continue;
      }
    }
    const legacy = line.indexOf('##[');
    const close = legacy >= 0 ? line.indexOf(']', legacy) : -1;
    if (close >= 0) found.push(line.slice(legacy + 3, close).split(' ')[0]!);
  }
  return found.filter((name) => name !== '');
}

describe('the action logger', () => {
  function logged(write: (logger: ActionLogger) => void): string {
    const lines: string[] = [];
    const masker = new SecretMasker();
    masker.add('hunter22');
    write(new ActionLogger({ masker, write: (l) => lines.push(l), groups: false }));
    // What @actions/core's info() puts on stdout: each line followed by a line feed.
    return lines.map((l) => `${l}\n`).join('');
  }

  it('masks secrets and never lets a line become a workflow command, as the runner reads lines', () => {
    const stdout = logged((logger) => {
      logger.info('password is hunter22\n::add-mask::x\n  ::set-output name=a::b\n##[group]evil');
      logger.child('web').info('::error::from the guest');
      // Before: split on \n only and indented — the runner trims the indent and breaks at \r.
      logger.info('progress 10%\r::stop-commands::tok\r\n\u00a0\u2003::add-mask::y\nok ##[set-output name=z;]w');
    });
    expect(runnerCommands(stdout)).toEqual([]);
    // Still readable: only zero-width spaces were added.
    expect(stdout.replaceAll('\u200b', '')).toBe(
      'password is ***\n::add-mask::x\n  ::set-output name=a::b\n##[group]evil\n[web] ::error::from the guest\nprogress 10%\n::stop-commands::tok\n\u00a0\u2003::add-mask::y\nok ##[set-output name=z;]w\n',
    );
    expect(runnerCommands('a\r::stop-commands::tok\n')).toEqual(['stop-commands']); // the emulation sees what it should
  });

  it('property: no text a guest prints becomes a command, and text without markers is unchanged', () => {
    const piece = fc.oneof(fc.string(), fc.constantFrom('::', '##[', ']', '\r', '\n', '\r\n', ' ', '\t', '\u00a0', '\u2028', '\u0085', '\u3000', 'add-mask', 'stop-commands', 'set-output name=a'));
    const text = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, fc.constantFrom('', 'web'), (t, child) => {
        const stdout = logged((logger) => (child ? logger.child(child) : logger).info(t));
        expect(runnerCommands(stdout)).toEqual([]);
        expect(runnerCommands(neutralizeCommands(t))).toEqual([]);
        if (!t.includes('::') && !t.includes('##[')) expect(neutralizeCommands(t)).toBe(t.split(/\r\n|\r|\n/).join('\n'));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('image names', () => {
  const repo = fc.tuple(fc.constantFrom('ghcr.io', 'localhost:5000', '127.0.0.1:41234', 'quay.io'), fc.stringMatching(/^[a-z0-9]+(\/[a-z0-9-]+){0,2}$/)).map(([r, p]) => `${r}/${p}`);
  it('tags become references of the repository; imageName gives the repository back', () => {
    fc.assert(
      fc.property(repo, fc.array(fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,9}$/), { maxLength: 4 }), (image, tags) => {
        const refs = imageRefs(image, tags);
        expect(refs).toHaveLength(Math.max(1, tags.length));
        for (const ref of refs) expect(imageName(ref)).toBe(image);
        expect(imageName(`${image}@sha256:${'a'.repeat(64)}`)).toBe(image);
      }),
    );
  });
});

describe('choosing VMs', () => {
  const build = loadBuildText(
    [
      'name: two',
      'layers:',
      '  - name: base',
      '    vms:',
      '      - { name: web, source: { path: /dev/null }, communicator: { type: none } }',
      '      - { name: db, source: { path: /dev/null }, communicator: { type: none } }',
      '  - name: app',
      '    vms:',
      '      - { name: web, source: { from: base/web }, communicator: { type: none } }',
    ].join('\n'),
    '/w/two.yaml',
    { checkFiles: false },
  );

  it('by layer/vm or a unique name, with the choices in the error', () => {
    expect(selectVm(build, 'base/db').key).toBe('base/db');
    expect(selectVm(build, 'db').key).toBe('base/db');
    expect(() => selectVm(build, 'web')).toThrow("vm 'web' is in several layers (base/web, app/web); write layer/vm");
    expect(() => selectVm(build, '')).toThrow(/has 3 VMs \(base\/web, base\/db, app\/web\); say which one/);
    expect(() => selectVm(build, 'cache')).toThrow(/not in the build file/);
  });

  it('filters layers and VMs for the whole-build action', () => {
    expect(filterBuild(build, ['base'], []).layers.map((l) => l.name)).toEqual(['base']);
    expect(filterBuild(build, [], ['base/db']).layers.flatMap((l) => l.vms.map((v) => v.name))).toEqual(['db']);
    expect(() => filterBuild(build, ['nope'], [])).toThrow("layer 'nope' is not in the build file; it has base, app");
  });
});

describe('loading the build file in an action', () => {
  it('var-file and sensitive-variables: secrets masked at once, the handoff holds paths and names, never a value', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const os = await import('node:os');
    const { loadBuildForAction } = await import('../../src/actions/toolkit/build-context.js');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-action-vars-'));
    const inputs = { 'INPUT_BUILD-FILE': 'b.yaml', INPUT_VARS: 'url=https://u:rv-pw-55@example.com/x\nplain=hello', 'INPUT_VAR-FILE': 'secrets.yaml', 'INPUT_SENSITIVE-VARIABLES': 'dbPass' };
    const saved = Object.fromEntries(Object.keys(inputs).map((k) => [k, process.env[k]]));
    try {
      writeFileSync(path.join(dir, 'disk.qcow2'), 'x');
      writeFileSync(path.join(dir, 'secrets.yaml'), 'dbPass: rv-pw-55\n');
      writeFileSync(
        path.join(dir, 'b.yaml'),
        'name: b\nvariables: { dbPass: "", url: "", plain: "" }\nlayers:\n  - name: base\n    vms:\n      - name: web\n        source: { path: disk.qcow2 }\n        communicator: { type: none }\n',
      );
      Object.assign(process.env, inputs);
      const masker = new SecretMasker();
      const added: string[] = [];
      const logger = Object.assign(new ActionLogger({ masker, write: () => {} }), { addSecret: (s: string | undefined) => s && added.push(s) });
      const loaded = loadBuildForAction({ logger, masker, signal: new AbortController().signal, env: {}, workspace: dir, atEnd: () => {} });
      expect(loaded.build.variables).toMatchObject({ dbPass: 'rv-pw-55', plain: 'hello' });
      expect(added).toContain('rv-pw-55');
      expect(loaded.handoff).toEqual({ file: 'b.yaml', cwd: dir, name: 'b', vars: { plain: 'hello' }, varFiles: [path.join(dir, 'secrets.yaml')], sensitiveVariables: ['dbPass'] });
      expect(JSON.stringify(loaded.handoff)).not.toContain('rv-pw-55');
    } finally {
      for (const [k, v] of Object.entries(saved))
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
