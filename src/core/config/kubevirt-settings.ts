/**
 * The `kubevirt:` block (kubevirt-spec.ts) as the model carries it, the rules between its fields,
 * and how the build's block, a VM's block and the command line's settings combine: key by key,
 * the most specific given value wins (command line, then the VM, then the build), a value replaced
 * whole, never merged.
 */
import type { FieldPath } from './problems.js';
import { parseQuantity } from './quantity.js';
import { isRaw, list, obj, str, type Raw, type ResolveContext } from './resolve-context.js';
import type { SourcePosition } from './model.js';

export type VolumeMode = 'Filesystem' | 'Block';
export type AccessMode = 'ReadWriteOnce' | 'ReadWriteMany' | 'ReadWriteOncePod';

export interface Toleration {
  key?: string;
  operator?: 'Exists' | 'Equal';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  tolerationSeconds?: number;
}

/** Quantities as written (Kubernetes normalises them itself). */
export interface ResourceList {
  cpu?: string;
  memory?: string;
}

export interface ComputeResources {
  requests?: ResourceList;
  limits?: ResourceList;
}

export interface InstancetypeRef {
  name: string;
  kind: 'VirtualMachineClusterInstancetype' | 'VirtualMachineInstancetype';
}

export interface PreferenceRef {
  name: string;
  kind: 'VirtualMachineClusterPreference' | 'VirtualMachinePreference';
}

/** A Kubernetes core/v1 Affinity, checked field by field against the spec; passed on as written. */
export type Affinity = Readonly<Record<string, unknown>>;

export interface KubevirtSettings {
  storageClassName?: string;
  volumeMode?: VolumeMode;
  accessMode?: AccessMode;
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  affinity?: Affinity;
  resources?: ComputeResources;
  instancetype?: InstancetypeRef;
  preference?: PreferenceRef;
  httpServerImage?: string;
  sshJumpImage?: string;
}

export type KubevirtKey = keyof KubevirtSettings;

export const KUBEVIRT_KEYS: readonly KubevirtKey[] = [
  'storageClassName',
  'volumeMode',
  'accessMode',
  'nodeSelector',
  'tolerations',
  'affinity',
  'resources',
  'instancetype',
  'preference',
  'httpServerImage',
  'sshJumpImage',
];

/** The build-level block, with where its keys are written (a VM's are in Vm.positions). */
export interface BuildKubevirtSettings extends KubevirtSettings {
  positions?: Record<string, SourcePosition>;
}

/** Where a setting came from, for messages that point at it. */
export type SettingOrigin = 'option' | 'vm' | 'build';

export interface EffectiveSettings {
  settings: KubevirtSettings;
  origin: Partial<Record<KubevirtKey, SettingOrigin>>;
}

/** The settings a VM runs with: options (command line, action inputs) over the VM's block over the build's. */
export function effectiveSettings(build: KubevirtSettings | undefined, vm: KubevirtSettings | undefined, options: KubevirtSettings | undefined): EffectiveSettings {
  const settings: Record<string, unknown> = {};
  const origin: EffectiveSettings['origin'] = {};
  for (const key of KUBEVIRT_KEYS) {
    for (const [from, block] of [
      ['option', options],
      ['vm', vm],
      ['build', build],
    ] as const) {
      const value = block?.[key];
      if (value === undefined) continue;
      settings[key] = value;
      origin[key] = from;
      break;
    }
  }
  return { settings: settings as KubevirtSettings, origin };
}

/** The checked `kubevirt` block at `p` → settings; reports what needs more than one field. */
export function resolveKubevirt(ctx: ResolveContext, raw: Raw | undefined, p: FieldPath): KubevirtSettings | undefined {
  if (!raw) return undefined;
  const out: KubevirtSettings = {};
  const storageClassName = str(raw, 'storageClassName');
  if (storageClassName !== undefined) out.storageClassName = storageClassName;
  const volumeMode = str(raw, 'volumeMode');
  if (volumeMode === 'Filesystem' || volumeMode === 'Block') out.volumeMode = volumeMode;
  const accessMode = str(raw, 'accessMode');
  if (accessMode === 'ReadWriteOnce' || accessMode === 'ReadWriteMany' || accessMode === 'ReadWriteOncePod') out.accessMode = accessMode;
  const nodeSelector = obj(raw, 'nodeSelector');
  if (nodeSelector) out.nodeSelector = Object.fromEntries(Object.entries(nodeSelector).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const tolerations = list(raw, 'tolerations');
  if (tolerations) out.tolerations = tolerations.flatMap((t, i) => (isRaw(t) ? [resolveToleration(ctx, t, [...p, 'tolerations', i])] : []));
  const affinity = obj(raw, 'affinity');
  if (affinity) {
    checkAffinity(ctx, affinity, [...p, 'affinity']);
    out.affinity = affinity;
  }
  const resources = obj(raw, 'resources');
  if (resources) out.resources = resolveResources(ctx, resources, [...p, 'resources']);
  const instancetype = matcher(raw, 'instancetype', 'VirtualMachineClusterInstancetype', ['VirtualMachineClusterInstancetype', 'VirtualMachineInstancetype'] as const);
  if (instancetype) out.instancetype = instancetype;
  const preference = matcher(raw, 'preference', 'VirtualMachineClusterPreference', ['VirtualMachineClusterPreference', 'VirtualMachinePreference'] as const);
  if (preference) out.preference = preference;
  const httpServerImage = str(raw, 'httpServerImage');
  if (httpServerImage !== undefined) out.httpServerImage = httpServerImage;
  const sshJumpImage = str(raw, 'sshJumpImage');
  if (sshJumpImage !== undefined) out.sshJumpImage = sshJumpImage;
  return out;
}

function matcher<K extends string>(raw: Raw, key: string, fallback: K, kinds: readonly K[]): { name: string; kind: K } | undefined {
  const name = str(raw, key);
  if (name !== undefined) return { name, kind: fallback };
  const o = obj(raw, key);
  const oname = str(o, 'name');
  if (!oname) return undefined;
  const kind = str(o, 'kind') as K | undefined;
  return { name: oname, kind: kind && kinds.includes(kind) ? kind : fallback };
}

/** The rules of core/v1 validation (k8s.io/kubernetes pkg/apis/core/validation ValidateTolerations). */
function resolveToleration(ctx: ResolveContext, raw: Raw, p: FieldPath): Toleration {
  const t: Toleration = {};
  for (const key of ['key', 'value'] as const) {
    const v = str(raw, key);
    if (v !== undefined) t[key] = v;
  }
  const operator = str(raw, 'operator');
  if (operator === 'Exists' || operator === 'Equal') t.operator = operator;
  const effect = str(raw, 'effect');
  if (effect === 'NoSchedule' || effect === 'PreferNoSchedule' || effect === 'NoExecute') t.effect = effect;
  const seconds = raw.tolerationSeconds;
  if (typeof seconds === 'number') t.tolerationSeconds = seconds;
  if (t.operator === 'Exists' && t.value) ctx.report([...p, 'value'], 'a toleration with operator Exists matches any value; expected no value (or operator: Equal)');
  if (!t.key && t.operator !== 'Exists') ctx.report(ctx.has([...p, 'operator']) ? [...p, 'operator'] : p, 'a toleration without a key matches every taint only with operator: Exists; expected a key, or operator: Exists');
  if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') ctx.report([...p, 'tolerationSeconds'], 'tolerationSeconds applies to the NoExecute effect only; expected effect: NoExecute');
  return t;
}

/** Value counts that the schema cannot say: In/NotIn need values, Exists/DoesNotExist none, Gt/Lt one integer. */
function checkAffinity(ctx: ResolveContext, raw: Raw, p: FieldPath): void {
  const requirement = (r: unknown, at: FieldPath) => {
    if (!isRaw(r)) return;
    const operator = str(r, 'operator');
    const values = list(r, 'values') ?? [];
    if ((operator === 'In' || operator === 'NotIn') && values.length === 0) ctx.report(ctx.has([...at, 'values']) ? [...at, 'values'] : at, `operator ${operator} needs one or more values`);
    if ((operator === 'Exists' || operator === 'DoesNotExist') && values.length > 0) ctx.report([...at, 'values'], `operator ${operator} takes no values`);
    if ((operator === 'Gt' || operator === 'Lt') && (values.length !== 1 || !/^-?\d+$/.test(String(values[0]))))
      ctx.report(ctx.has([...at, 'values']) ? [...at, 'values'] : at, `operator ${operator} needs exactly one value, an integer`);
  };
  const requirements = (term: unknown, at: FieldPath) => {
    if (!isRaw(term)) return;
    for (const key of ['matchExpressions', 'matchFields']) (list(term, key) ?? []).forEach((r, i) => requirement(r, [...at, key, i]));
  };
  const node = obj(raw, 'nodeAffinity');
  const required = obj(node, 'requiredDuringSchedulingIgnoredDuringExecution');
  (list(required, 'nodeSelectorTerms') ?? []).forEach((t, i) => requirements(t, [...p, 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms', i]));
  (list(node, 'preferredDuringSchedulingIgnoredDuringExecution') ?? []).forEach((t, i) =>
    requirements(isRaw(t) ? t.preference : undefined, [...p, 'nodeAffinity', 'preferredDuringSchedulingIgnoredDuringExecution', i, 'preference']),
  );
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const pod = obj(raw, kind);
    const terms: [unknown, FieldPath][] = [
      ...(list(pod, 'requiredDuringSchedulingIgnoredDuringExecution') ?? []).map((t, i): [unknown, FieldPath] => [t, [...p, kind, 'requiredDuringSchedulingIgnoredDuringExecution', i]]),
      ...(list(pod, 'preferredDuringSchedulingIgnoredDuringExecution') ?? []).map((t, i): [unknown, FieldPath] => [
        isRaw(t) ? t.podAffinityTerm : undefined,
        [...p, kind, 'preferredDuringSchedulingIgnoredDuringExecution', i, 'podAffinityTerm'],
      ]),
    ];
    for (const [term, at] of terms) {
      if (!isRaw(term)) continue;
      for (const selector of ['labelSelector', 'namespaceSelector']) {
        const s = obj(term, selector);
        (list(s, 'matchExpressions') ?? []).forEach((r, i) => {
          if (isRaw(r) && (str(r, 'operator') === 'Gt' || str(r, 'operator') === 'Lt')) return;
          requirement(r, [...at, selector, 'matchExpressions', i]);
        });
      }
    }
  }
}

/** A request above its limit is refused by the API server (ValidateResourceRequirements). */
function resolveResources(ctx: ResolveContext, raw: Raw, p: FieldPath): ComputeResources {
  const out: ComputeResources = {};
  for (const which of ['requests', 'limits'] as const) {
    const r = obj(raw, which);
    if (!r) continue;
    const l: ResourceList = {};
    for (const res of ['cpu', 'memory'] as const) {
      const v = str(r, res) ?? (typeof r[res] === 'number' ? String(r[res]) : undefined);
      if (v !== undefined) l[res] = v;
    }
    out[which] = l;
  }
  for (const res of ['cpu', 'memory'] as const) {
    const request = quantityValue(out.requests?.[res]);
    const limit = quantityValue(out.limits?.[res]);
    if (request !== undefined && limit !== undefined && request > limit) {
      ctx.report([...p, 'requests', res], `the ${res} request ${out.requests![res]} is above its limit ${out.limits![res]}; expected a request at most the limit`);
    }
  }
  return out;
}

/**
 * A quantity as a number of base units (cores, bytes), not rounded (500m is 0.5 cores), for
 * comparisons; undefined when it is not one.
 */
export function quantityValue(text: string | undefined): number | undefined {
  if (text === undefined || 'error' in parseQuantity(text)) return undefined;
  const m = /^\+?([\d.]+)(.*)$/.exec(text)!;
  const suffix = m[2] ?? '';
  const binary: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
  const decimal: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
  const scale = suffix in binary ? 1024 ** binary[suffix]! : suffix in decimal ? 10 ** decimal[suffix]! : suffix ? 10 ** Number(suffix.slice(1)) : 1;
  return Number(m[1]) * scale;
}
