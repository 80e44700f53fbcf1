/**
 * `output.dataSource`: a golden image that stays in the cluster (kubevirt engine). The VM's output
 * is kept as the DataVolume (PVC) or VolumeSnapshot the build captured, and a CDI DataSource of
 * this name points at it — what KubeVirt's common boot sources are (a DataImportCron's DataSource
 * in kubevirt-os-images), so `virtctl create vm --volume-import type:ds,src:<ns>/<name>` and
 * `dataVolumeTemplates[].spec.sourceRef` consumers use it. A later build replaces the source the
 * DataSource points at and removes the previous one.
 *
 * The defaults a VM booting from it should take are labels, with KubeVirt's names
 * (kubevirt/kubevirt v1.9.0 staging/src/kubevirt.io/api/instancetype/register.go:
 * instancetype.kubevirt.io/default-instancetype, -default-instancetype-kind, -default-preference,
 * -default-preference-kind), read by `inferFromVolume` (pkg/instancetype/infer/volume.go) from the
 * DataSource, else the PVC or VolumeSnapshot it names.
 *
 * Also set from the CLI (`--data-source`) and the whole-build action (`data-source`) as one
 * string, parsed here: `NAME[,instancetype=X][,instancetypeKind=K][,preference=Y][,preferenceKind=K]`.
 */
import { UserError } from '../errors.js';
import type { Build, Vm } from './model.js';
import type { ObjectSpec, StringSpec } from './spec.js';

export const INSTANCETYPE_KINDS = ['VirtualMachineClusterInstancetype', 'VirtualMachineInstancetype'] as const;
export const PREFERENCE_KINDS = ['VirtualMachineClusterPreference', 'VirtualMachinePreference'] as const;

export interface DataSourceOutput {
  /** The DataSource's name, in the build's namespace. */
  name: string;
  instancetype?: string;
  instancetypeKind?: (typeof INSTANCETYPE_KINDS)[number];
  preference?: string;
  preferenceKind?: (typeof PREFERENCE_KINDS)[number];
}

/** A DNS-1123 label: what a DataSource name must be (and a valid label value: ≤ 63 characters). */
const NAME = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
/** An instance type or preference name: a DNS-1123 subdomain that also fits a label value (≤ 63). */
const REFERENCE = /^[a-z0-9](?:[-a-z0-9.]{0,61}[a-z0-9])?$/;

const text = (description: string, extra: Partial<StringSpec> = {}): StringSpec => ({ type: 'string', description, template: 'load', ...extra });

export const dataSourceSpec: ObjectSpec = {
  type: 'object',
  title: 'DataSource output',
  description:
    'kubevirt engine: keep the output in the cluster as a golden image — the DataVolume (PVC) or VolumeSnapshot the build captured, with a CDI DataSource of this name pointing at it, ' +
    'labelled like KubeVirt’s common boot sources. A later build points the DataSource at its new output and removes the previous one. The local engine ignores it.',
  properties: {
    name: text('The DataSource name (a DNS-1123 label), in the build’s namespace.', { format: 'k8sName' }),
    instancetype: text('Label instancetype.kubevirt.io/default-instancetype: the instance type a VM booting from it takes by default, e.g. u1.medium.'),
    instancetypeKind: { type: 'string', enum: INSTANCETYPE_KINDS, description: 'Label instancetype.kubevirt.io/default-instancetype-kind (KubeVirt assumes VirtualMachineClusterInstancetype).' },
    preference: text('Label instancetype.kubevirt.io/default-preference: the preference a VM booting from it takes by default, e.g. debian.'),
    preferenceKind: { type: 'string', enum: PREFERENCE_KINDS, description: 'Label instancetype.kubevirt.io/default-preference-kind (KubeVirt assumes VirtualMachineClusterPreference).' },
  },
  required: ['name'],
};

/** The problem with an instance type or preference name, or undefined. */
export function referenceProblem(value: string): string | undefined {
  return REFERENCE.test(value) ? undefined : `expected a name of up to 63 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit (it becomes a label value), got '${value}'`;
}

/** Resolves the checked `output.dataSource` map; `report` gets problems by field name. */
export function resolveDataSource(raw: Readonly<Record<string, unknown>> | undefined, report: (field: string, message: string) => void): DataSourceOutput | undefined {
  if (!raw || typeof raw.name !== 'string') return undefined;
  const out: DataSourceOutput = { name: raw.name };
  for (const field of ['instancetype', 'preference'] as const) {
    const value = raw[field];
    if (typeof value !== 'string') continue;
    const problem = referenceProblem(value);
    if (problem) report(field, problem);
    else out[field] = value;
  }
  if (typeof raw.instancetypeKind === 'string') out.instancetypeKind = raw.instancetypeKind as DataSourceOutput['instancetypeKind'];
  if (typeof raw.preferenceKind === 'string') out.preferenceKind = raw.preferenceKind as DataSourceOutput['preferenceKind'];
  if (out.instancetypeKind && !out.instancetype) report('instancetypeKind', 'instancetypeKind needs instancetype');
  if (out.preferenceKind && !out.preference) report('preferenceKind', 'preferenceKind needs preference');
  return out;
}

const OPTION_KEYS = ['instancetype', 'instancetypeKind', 'preference', 'preferenceKind'] as const;

/**
 * Parses the CLI's `--data-source` / the action's `data-source` value:
 * `NAME[,instancetype=X][,instancetypeKind=K][,preference=Y][,preferenceKind=K]`. `what` names the
 * flag or input in errors.
 */
export function parseDataSourceOption(value: string, what: string): DataSourceOutput {
  const [name = '', ...rest] = value.split(',').map((s) => s.trim());
  const fail = (message: string): never => {
    throw new UserError(`${what} '${value}': ${message}; expected NAME[,instancetype=X][,preference=Y][,instancetypeKind=K][,preferenceKind=K], e.g. debian-12,instancetype=u1.medium,preference=debian`);
  };
  if (!NAME.test(name)) fail(`the DataSource name '${name}' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63)`);
  const out: DataSourceOutput = { name };
  const seen = new Set<string>();
  for (const part of rest) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    if (!(OPTION_KEYS as readonly string[]).includes(key)) fail(`unknown key '${key}'`);
    if (seen.has(key)) fail(`'${key}' is given twice`);
    seen.add(key);
    if (eq < 0 || v === '') fail(`'${key}' needs a value`);
    switch (key as (typeof OPTION_KEYS)[number]) {
      case 'instancetype':
      case 'preference': {
        const problem = referenceProblem(v);
        if (problem) fail(`${key}: ${problem}`);
        out[key as 'instancetype' | 'preference'] = v;
        break;
      }
      case 'instancetypeKind':
        if (!(INSTANCETYPE_KINDS as readonly string[]).includes(v)) fail(`instancetypeKind must be one of ${INSTANCETYPE_KINDS.join(', ')}`);
        out.instancetypeKind = v as DataSourceOutput['instancetypeKind'];
        break;
      case 'preferenceKind':
        if (!(PREFERENCE_KINDS as readonly string[]).includes(v)) fail(`preferenceKind must be one of ${PREFERENCE_KINDS.join(', ')}`);
        out.preferenceKind = v as DataSourceOutput['preferenceKind'];
        break;
    }
  }
  if (out.instancetypeKind && !out.instancetype) fail('instancetypeKind needs instancetype');
  if (out.preferenceKind && !out.preference) fail('preferenceKind needs preference');
  return out;
}

/** The option as `parseDataSourceOption` reads it (for round trips and messages). */
export function formatDataSourceOption(ds: DataSourceOutput): string {
  return [ds.name, ...OPTION_KEYS.filter((k) => ds[k] !== undefined).map((k) => `${k}=${ds[k]}`)].join(',');
}

/**
 * Applies a `--data-source` to the build: to the one VM of its last layer (the image the build
 * makes). A build whose last layer has several VMs names its golden images in the build file.
 */
export function applyDataSourceOption(build: Build, ds: DataSourceOutput, what: string): Vm {
  const last = build.layers.at(-1);
  if (!last || last.vms.length !== 1) {
    throw new UserError(`${what}: the last layer of build ${build.name} has ${last?.vms.length ?? 0} VMs; name each golden image in the build file instead (output.dataSource of a VM)`);
  }
  const vm = last.vms[0]!;
  vm.output = { ...vm.output, dataSource: ds };
  return vm;
}
