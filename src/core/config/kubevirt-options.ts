/**
 * Cluster settings given outside the build file — CLI flags, action inputs — checked by the very
 * spec and rules of the build file's `kubevirt:` block (kubevirt-spec.ts, kubevirt-settings.ts),
 * so `--volume-mode Blok` is refused with the same words as `volumeMode: Blok`, naming the flag.
 */
import { Document, LineCounter, parse, stringify } from 'yaml';
import { UserError } from '../errors.js';
import { parseQuantity } from './quantity.js';
import { checkStructure } from './check-structure.js';
import { kubevirtSpec } from './kubevirt-spec.js';
import { resolveKubevirt, type KubevirtSettings } from './kubevirt-settings.js';
import { isRaw, ResolveContext } from './resolve-context.js';

/**
 * `given` holds the settings as a build file would write them (keys of the kubevirt block);
 * `names` maps each key to what the user typed it as (e.g. storageClassName → --storage-class).
 * Throws a UserError listing every problem.
 */
export function checkKubevirtOptions(given: Readonly<Record<string, unknown>>, names: Readonly<Record<string, string>>): KubevirtSettings {
  const present = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  if (Object.keys(present).length === 0) return {};
  const text = stringify(present);
  const lineCounter = new LineCounter();
  const doc = new Document(present);
  const structure = checkStructure(doc as never, kubevirtSpec, { file: 'options', text, lineCounter });
  const ctx = new ResolveContext('options', process.cwd(), structure.positions, lineCounter, false, text);
  const settings = resolveKubevirt(ctx, isRaw(structure.value) ? structure.value : {}, []) ?? {};
  const problems = [...structure.problems, ...ctx.problems].map((p) => {
    const key = p.path.split(/[.[]/)[0] ?? '';
    const rest = p.path.slice(key.length);
    return `${names[key] ?? key}${rest ? ` (${rest.replace(/^\./, '')})` : ''}: ${p.message}`;
  });
  if (problems.length > 0) throw new UserError(problems.join('\n'));
  return settings;
}

/** The settings as flags and action inputs spell them: one string each, lists as repeated values or lines. */
export interface KubevirtOptionStrings {
  storageClassName?: string | undefined;
  volumeMode?: string | undefined;
  accessMode?: string | undefined;
  /** KEY=VALUE each. */
  nodeSelector?: readonly string[] | undefined;
  /** kubectl's taint syntax, each: KEY[=VALUE][:EFFECT]; KEY alone (or KEY:EFFECT) tolerates any value. */
  tolerations?: readonly string[] | undefined;
  /** YAML or JSON, as the build file's kubevirt.affinity. */
  affinity?: string | undefined;
  /** YAML or JSON, as the build file's kubevirt.resources ({requests, limits}). */
  resources?: string | undefined;
  /** [KIND/]NAME, as virtctl takes it: virtualmachineclusterinstancetype/NAME (the default kind) or virtualmachineinstancetype/NAME. */
  instancetype?: string | undefined;
  /** [KIND/]NAME: virtualmachineclusterpreference/NAME (the default kind) or virtualmachinepreference/NAME. */
  preference?: string | undefined;
  httpServerImage?: string | undefined;
  sshJumpImage?: string | undefined;
}

const KINDS: Record<string, string> = {
  virtualmachineclusterinstancetype: 'VirtualMachineClusterInstancetype',
  virtualmachineinstancetype: 'VirtualMachineInstancetype',
  virtualmachineclusterpreference: 'VirtualMachineClusterPreference',
  virtualmachinepreference: 'VirtualMachinePreference',
};

/** Strings from flags or inputs → checked settings; `names` says how each key was given (--storage-class, storage-class). */
export function parseKubevirtOptions(given: KubevirtOptionStrings, names: Readonly<Record<keyof KubevirtOptionStrings, string>>): KubevirtSettings {
  const problems: string[] = [];
  const raw: Record<string, unknown> = {};
  for (const key of ['storageClassName', 'volumeMode', 'accessMode', 'httpServerImage', 'sshJumpImage'] as const) if (given[key] !== undefined) raw[key] = given[key];
  if (given.nodeSelector && given.nodeSelector.length > 0) {
    const selector: Record<string, string> = {};
    for (const item of given.nodeSelector) {
      const eq = item.indexOf('=');
      if (eq <= 0) problems.push(`${names.nodeSelector}: expected KEY=VALUE (a node label), got '${item}'`);
      else selector[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
    }
    raw.nodeSelector = selector;
  }
  if (given.tolerations && given.tolerations.length > 0) {
    raw.tolerations = given.tolerations.map((item) => {
      const colon = item.lastIndexOf(':');
      const [head, effect] = colon >= 0 ? [item.slice(0, colon), item.slice(colon + 1)] : [item, undefined];
      const eq = head.indexOf('=');
      const [key, value] = eq >= 0 ? [head.slice(0, eq), head.slice(eq + 1)] : [head, undefined];
      return {
        ...(key ? { key } : {}),
        operator: value === undefined ? 'Exists' : 'Equal',
        ...(value !== undefined ? { value } : {}),
        ...(effect ? { effect } : {}),
      };
    });
  }
  for (const key of ['affinity', 'resources'] as const) {
    const text = given[key];
    if (text === undefined || text.trim() === '') continue;
    try {
      raw[key] = parse(text);
    } catch (err) {
      problems.push(`${names[key]}: not YAML or JSON: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
  }
  for (const key of ['instancetype', 'preference'] as const) {
    const text = given[key];
    if (text === undefined) continue;
    const slash = text.indexOf('/');
    if (slash < 0) {
      raw[key] = text;
      continue;
    }
    const kind = KINDS[text.slice(0, slash).toLowerCase()];
    const allowed = Object.entries(KINDS).filter(([, k]) => k.endsWith(key === 'instancetype' ? 'Instancetype' : 'Preference'));
    if (!kind || !allowed.some(([, k]) => k === kind)) problems.push(`${names[key]}: expected [KIND/]NAME with KIND ${allowed.map(([k]) => k).join(' or ')}, got '${text}'`);
    else raw[key] = { name: text.slice(slash + 1), kind };
  }
  if (problems.length > 0) throw new UserError(problems.join('\n'));
  return checkKubevirtOptions(raw, names);
}

/**
 * The two kubevirt engine settings that are no part of the build file, since they depend on the
 * cluster: the CLI's --egress-external-subnet and --iso-size, the actions' inputs of those names.
 */
export interface KubevirtEngineSettings {
  /** The Kube-OVN external subnet the VPCs' egress gateways leave through. */
  egressExternalSubnet?: string;
  /** The volume an installer ISO is imported into. */
  isoVolumeBytes?: number;
}

export interface KubevirtEngineStrings {
  egressExternalSubnet?: string | undefined;
  isoSize?: string | undefined;
}

/** The engine settings `given` names; a UserError naming each value by `names` (a flag, an input) when one is wrong. */
export function parseKubevirtEngineOptions(given: KubevirtEngineStrings, names: Readonly<Record<keyof KubevirtEngineStrings, string>>): KubevirtEngineSettings {
  const out: KubevirtEngineSettings = {};
  const subnet = given.egressExternalSubnet;
  if (subnet !== undefined) {
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(subnet)) throw new UserError(`${names.egressExternalSubnet}: '${subnet}' is not a Kube-OVN subnet name (lower-case letters, digits and '-', at most 63)`);
    out.egressExternalSubnet = subnet;
  }
  const iso = given.isoSize;
  if (iso !== undefined) {
    const size = parseQuantity(iso);
    if ('error' in size) throw new UserError(`${names.isoSize}: ${size.error}`);
    if (size.bytes <= 0) throw new UserError(`${names.isoSize}: expected a size above 0, e.g. 10Gi, got '${iso}'`);
    out.isoVolumeBytes = size.bytes;
  }
  return out;
}
