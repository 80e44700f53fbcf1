/**
 * The cluster-setting inputs of the kubevirt-capable actions (the whole build, import-source,
 * build-vm): the build file's `kubevirt:` block as inputs, over the file's values key by key,
 * checked by the same spec as the block (core/config/kubevirt-options.ts), errors naming the input.
 * Lists (node-selector, tolerations) take one item a line; affinity and resources are YAML or JSON.
 */
import * as core from '@actions/core';
import { UserError } from '../../core/errors.js';
import { parseKubevirtOptions, type KubevirtOptionStrings } from '../../core/config/kubevirt-options.js';
import type { KubevirtSettings } from '../../core/config/kubevirt-settings.js';
import { parseQuantity } from '../../core/config/quantity.js';
import { optionalInput } from './inputs.js';

const INPUTS: Record<keyof KubevirtOptionStrings, string> = {
  storageClassName: 'storage-class',
  volumeMode: 'volume-mode',
  accessMode: 'access-mode',
  nodeSelector: 'node-selector',
  tolerations: 'tolerations',
  affinity: 'affinity',
  resources: 'resources',
  instancetype: 'instancetype',
  preference: 'preference',
  httpServerImage: 'http-server-image',
  sshJumpImage: 'ssh-jump-image',
};

function lines(name: string): string[] | undefined {
  const items = core
    .getInput(name)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  return items.length > 0 ? items : undefined;
}

/** The settings the step's inputs give ({} when none is set). */
export function kubevirtSettingsInput(): KubevirtSettings {
  const given: KubevirtOptionStrings = {};
  for (const key of ['storageClassName', 'volumeMode', 'accessMode', 'affinity', 'resources', 'instancetype', 'preference', 'httpServerImage', 'sshJumpImage'] as const) {
    const v = optionalInput(INPUTS[key]);
    if (v !== undefined) given[key] = v;
  }
  const nodeSelector = lines(INPUTS.nodeSelector);
  if (nodeSelector) given.nodeSelector = nodeSelector;
  const tolerations = lines(INPUTS.tolerations);
  if (tolerations) given.tolerations = tolerations;
  const names = Object.fromEntries(Object.entries(INPUTS).map(([k, v]) => [k, `input '${v}'`])) as Record<keyof KubevirtOptionStrings, string>;
  return parseKubevirtOptions(given, names);
}

/** The action.yml inputs, for the metadata test and the docs: name → description. */
export const KUBEVIRT_SETTING_INPUTS = INPUTS;

/**
 * The two engine settings that are no part of the build file, as the CLI's
 * --egress-external-subnet and --iso-size (src/cli/kubevirt-flags.ts): they depend on the cluster.
 */
export interface KubevirtEngineInputs {
  /** The Kube-OVN external subnet the VPCs' egress gateways leave through. */
  egressExternalSubnet?: string;
  /** The volume an installer ISO is imported into. */
  isoVolumeBytes?: number;
}

export const KUBEVIRT_ENGINE_INPUTS: Record<keyof KubevirtEngineInputs, string> = {
  egressExternalSubnet: 'egress-external-subnet',
  isoVolumeBytes: 'iso-size',
};

/** The engine settings the step's inputs give ({} when none is set); errors name the input. */
export function kubevirtEngineInput(): KubevirtEngineInputs {
  const out: KubevirtEngineInputs = {};
  const subnet = optionalInput(KUBEVIRT_ENGINE_INPUTS.egressExternalSubnet);
  if (subnet !== undefined) {
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(subnet)) throw new UserError(`input 'egress-external-subnet': '${subnet}' is not a Kube-OVN subnet name (lower-case letters, digits and '-', at most 63)`);
    out.egressExternalSubnet = subnet;
  }
  const iso = optionalInput(KUBEVIRT_ENGINE_INPUTS.isoVolumeBytes);
  if (iso !== undefined) {
    const size = parseQuantity(iso);
    if ('error' in size) throw new UserError(`input 'iso-size': ${size.error}`);
    if (size.bytes <= 0) throw new UserError(`input 'iso-size': expected a size above 0, e.g. 10Gi, got '${iso}'`);
    out.isoVolumeBytes = size.bytes;
  }
  return out;
}
