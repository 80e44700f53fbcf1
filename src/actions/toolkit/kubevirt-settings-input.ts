/**
 * The cluster-setting inputs of the kubevirt-capable actions (the whole build, import-source,
 * build-vm): the build file's `kubevirt:` block as inputs, over the file's values key by key,
 * checked by the same spec as the block (core/config/kubevirt-options.ts), errors naming the input.
 * Lists (node-selector, tolerations) take one item a line; affinity and resources are YAML or JSON.
 */
import * as core from '@actions/core';
import { parseKubevirtEngineOptions, parseKubevirtOptions, type KubevirtEngineSettings, type KubevirtOptionStrings } from '../../core/config/kubevirt-options.js';
import type { KubevirtSettings } from '../../core/config/kubevirt-settings.js';
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

/** The egress-external-subnet and iso-size inputs, as the CLI's flags of those names. */
export const KUBEVIRT_ENGINE_INPUTS: Record<keyof KubevirtEngineSettings, string> = {
  egressExternalSubnet: 'egress-external-subnet',
  isoVolumeBytes: 'iso-size',
};

/** The engine settings the step's inputs give ({} when none is set); errors name the input. */
export function kubevirtEngineInput(): KubevirtEngineSettings {
  const { egressExternalSubnet: subnet, isoVolumeBytes: iso } = KUBEVIRT_ENGINE_INPUTS;
  return parseKubevirtEngineOptions({ egressExternalSubnet: optionalInput(subnet), isoSize: optionalInput(iso) }, { egressExternalSubnet: `input '${subnet}'`, isoSize: `input '${iso}'` });
}

/** The names of the inputs `given` came from, for messages. */
export function engineInputNames(given: KubevirtEngineSettings): string[] {
  return Object.keys(given).map((k) => KUBEVIRT_ENGINE_INPUTS[k as keyof KubevirtEngineSettings]);
}
