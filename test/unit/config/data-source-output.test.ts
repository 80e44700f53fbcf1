/**
 * output.dataSource and its one-string form (`--data-source` / the action's `data-source`):
 * located errors in the build file, clear errors for the option, and a round trip.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDataSourceOption, formatDataSourceOption, INSTANCETYPE_KINDS, parseDataSourceOption, PREFERENCE_KINDS, type DataSourceOutput } from '../../../src/core/config/data-source-output.js';
import { loadBuildText } from '../../../src/core/config/load.js';
import { BuildFileError } from '../../../src/core/config/problems.js';
import { UserError } from '../../../src/core/errors.js';

const build = (output: string, vms = 1) =>
  `name: golden
layers:
  - name: base
    vms:
${Array.from({ length: vms }, (_, i) => `      - name: vm${i}\n        source: { url: https://example.org/d.qcow2, checksum: "sha256:${'a'.repeat(64)}" }\n        communicator: { type: none }\n        output: ${output}\n`).join('')}`;

function problemsOf(text: string): string[] {
  try {
    loadBuildText(text, 'build.yaml', { checkFiles: false });
  } catch (err) {
    if (err instanceof BuildFileError) return err.problems.map((p) => `${p.line}:${p.column} ${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

describe('output.dataSource in the build file', () => {
  it('resolves name, instance type and preference with their kinds', () => {
    const b = loadBuildText(build('{ dataSource: { name: debian-12, instancetype: u1.medium, preference: debian, preferenceKind: VirtualMachinePreference } }'), 'build.yaml', { checkFiles: false });
    expect(b.layers[0]!.vms[0]!.output.dataSource).toEqual({ name: 'debian-12', instancetype: 'u1.medium', preference: 'debian', preferenceKind: 'VirtualMachinePreference' });
  });

  it('names file, line and field for a bad name, a bad label value, a kind without its name, a misspelt key', () => {
    expect(problemsOf(build('{ dataSource: { name: Debian_12 } }')).join('\n')).toMatch(/^8:\d+ layers\[0\]\.vms\[0\]\.output\.dataSource\.name: /);
    expect(problemsOf(build('{ dataSource: { name: d, preference: "Debian 12" } }')).join('\n')).toMatch(/output\.dataSource\.preference: expected a name of up to 63 lower-case letters/);
    expect(problemsOf(build('{ dataSource: { name: d, instancetypeKind: VirtualMachineInstancetype } }')).join('\n')).toContain('output.dataSource.instancetypeKind: instancetypeKind needs instancetype');
    expect(problemsOf(build('{ dataSource: { name: d, preferance: debian } }')).join('\n')).toMatch(/preferance.*preference/);
    expect(problemsOf(build('{ dataSource: { instancetype: u1.small } }')).join('\n')).toMatch(/dataSource.*name/);
  });
});

describe('--data-source NAME[,key=value…]', () => {
  it('parses the example', () => {
    expect(parseDataSourceOption('debian-12,instancetype=u1.medium,preference=debian', '--data-source')).toEqual({ name: 'debian-12', instancetype: 'u1.medium', preference: 'debian' });
  });

  it.each([
    ['Debian', "the DataSource name 'Debian' is not a DNS-1123 label"],
    ['d,size=1', "unknown key 'size'"],
    ['d,preference=a,preference=b', "'preference' is given twice"],
    ['d,instancetype', "'instancetype' needs a value"],
    ['d,instancetypeKind=Foo,instancetype=x', 'instancetypeKind must be one of VirtualMachineClusterInstancetype, VirtualMachineInstancetype'],
    ['d,preferenceKind=VirtualMachinePreference', 'preferenceKind needs preference'],
  ])('%s: %s', (value, message) => {
    expect(() => parseDataSourceOption(value, '--data-source')).toThrow(UserError);
    expect(() => parseDataSourceOption(value, '--data-source')).toThrow(`--data-source '${value}': ${message}`);
  });

  it('round-trips every valid value (property)', () => {
    const name = fc.stringMatching(/^[a-z0-9](?:[-a-z0-9]{0,20}[a-z0-9])?$/);
    const ref = fc.stringMatching(/^[a-z0-9](?:[-a-z0-9.]{0,20}[a-z0-9])?$/);
    const ds = fc
      .record({
        name,
        instancetype: fc.option(ref, { nil: undefined }),
        preference: fc.option(ref, { nil: undefined }),
        ik: fc.option(fc.constantFrom(...INSTANCETYPE_KINDS), { nil: undefined }),
        pk: fc.option(fc.constantFrom(...PREFERENCE_KINDS), { nil: undefined }),
      })
      .map(({ name: n, instancetype, preference, ik, pk }) => {
        const out: DataSourceOutput = { name: n };
        if (instancetype) {
          out.instancetype = instancetype;
          if (ik) out.instancetypeKind = ik;
        }
        if (preference) {
          out.preference = preference;
          if (pk) out.preferenceKind = pk;
        }
        return out;
      });
    fc.assert(
      fc.property(ds, (d) => {
        expect(parseDataSourceOption(formatDataSourceOption(d), '--data-source')).toEqual(d);
      }),
    );
  });

  it('never throws anything but a UserError naming the option (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (value) => {
        try {
          parseDataSourceOption(value, '--data-source');
        } catch (err) {
          expect(err).toBeInstanceOf(UserError);
          expect((err as Error).message.startsWith(`--data-source '${value}': `)).toBe(true);
        }
      }),
    );
  });

  it('goes to the one VM of the last layer; a last layer with several VMs names them in the file', () => {
    const one = loadBuildText(build('{ format: qcow2 }'), 'build.yaml', { checkFiles: false });
    expect(applyDataSourceOption(one, { name: 'g' }, '--data-source').output.dataSource).toEqual({ name: 'g' });
    const two = loadBuildText(build('{ format: qcow2 }', 2), 'build.yaml', { checkFiles: false });
    expect(() => applyDataSourceOption(two, { name: 'g' }, '--data-source')).toThrow('--data-source: the last layer of build golden has 2 VMs; name each golden image in the build file instead');
  });
});
