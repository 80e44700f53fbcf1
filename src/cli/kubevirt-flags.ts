/**
 * The cluster-setting flags `build --engine kubevirt`, `verify --engine kubevirt` and `render`
 * share: the build file's `kubevirt:` block on the command line, over the file's values key by
 * key. Checked by the same spec as the block (core/config/kubevirt-options.ts), errors naming the
 * flag. Also the two engine settings that are no part of the build file (KUBEVIRT_ENGINE_FLAGS):
 * all three commands take them, so what render prints is what build and verify create.
 */
import { parseKubevirtEngineOptions, parseKubevirtOptions, type KubevirtEngineSettings, type KubevirtOptionStrings } from '../core/config/kubevirt-options.js';
import type { KubevirtSettings } from '../core/config/kubevirt-settings.js';
import { UsageError } from './command.js';
import { UserError } from '../core/errors.js';

export const KUBEVIRT_FLAGS = {
  'storage-class': { type: 'string' },
  'volume-mode': { type: 'string' },
  'access-mode': { type: 'string' },
  'node-selector': { type: 'string', multiple: true },
  toleration: { type: 'string', multiple: true },
  affinity: { type: 'string' },
  resources: { type: 'string' },
  instancetype: { type: 'string' },
  preference: { type: 'string' },
  'http-server-image': { type: 'string' },
  'ssh-jump-image': { type: 'string' },
} as const;

const NAMES: Record<keyof KubevirtOptionStrings, string> = {
  storageClassName: '--storage-class',
  volumeMode: '--volume-mode',
  accessMode: '--access-mode',
  nodeSelector: '--node-selector',
  tolerations: '--toleration',
  affinity: '--affinity',
  resources: '--resources',
  instancetype: '--instancetype',
  preference: '--preference',
  httpServerImage: '--http-server-image',
  sshJumpImage: '--ssh-jump-image',
};

export const KUBEVIRT_FLAGS_USAGE = `Cluster settings (the build file's kubevirt: block; a flag wins over the file, for every VM):
  --storage-class NAME           StorageClass of every disk (default: the cluster's default)
  --volume-mode Filesystem|Block volume mode of the disks (default: the StorageProfile's)
  --access-mode MODE             ReadWriteOnce, ReadWriteMany or ReadWriteOncePod
                                 (default: the StorageProfile's)
  --node-selector KEY=VALUE      node label the VMs and their helper pods need (repeatable)
  --toleration KEY[=VALUE][:EFFECT]
                                 taint the VMs and helper pods tolerate (repeatable; kubectl's
                                 taint syntax; without =VALUE any value)
  --affinity YAML                the VMs' Kubernetes affinity, as YAML or JSON
  --resources YAML               the VMs' resources, e.g. '{requests: {cpu: 2}, limits: {memory: 8Gi}}'
  --instancetype [KIND/]NAME     instance type (KIND virtualmachineclusterinstancetype, the
                                 default, or virtualmachineinstancetype); the VMs' cpu and memory
                                 then come from it
  --preference [KIND/]NAME       preference (virtualmachineclusterpreference or
                                 virtualmachinepreference)
  --http-server-image IMAGE      image of the HTTP file-server pods (default
                                 docker.io/library/busybox:1.37; any image with busybox)
  --ssh-jump-image IMAGE         image of the SSH jump pods (default: the file server's)
`;

export interface KubevirtFlagValues {
  'storage-class'?: string | undefined;
  'volume-mode'?: string | undefined;
  'access-mode'?: string | undefined;
  'node-selector'?: string[] | undefined;
  toleration?: string[] | undefined;
  affinity?: string | undefined;
  resources?: string | undefined;
  instancetype?: string | undefined;
  preference?: string | undefined;
  'http-server-image'?: string | undefined;
  'ssh-jump-image'?: string | undefined;
}

/** The flags that were given, by name (for "--x is for --engine kubevirt"). */
export function givenKubevirtFlags(values: KubevirtFlagValues & KubevirtEngineFlagValues): string[] {
  return [...Object.keys(KUBEVIRT_FLAGS), ...Object.keys(KUBEVIRT_ENGINE_FLAGS)].filter((k) => values[k as keyof (KubevirtFlagValues & KubevirtEngineFlagValues)] !== undefined);
}

/** Engine settings that depend on the cluster, not on the build file. */
export const KUBEVIRT_ENGINE_FLAGS = {
  'egress-external-subnet': { type: 'string' },
  'iso-size': { type: 'string' },
} as const;

export const KUBEVIRT_ENGINE_FLAGS_USAGE = `  --egress-external-subnet NAME  Kube-OVN external subnet the VPCs' egress gateways leave through
                                 (default ovn-vpc-external-network, Kube-OVN's own name)
  --iso-size SIZE                volume size an installer ISO is imported into; CDI needs it
                                 before it downloads (default 10Gi)
`;

export interface KubevirtEngineFlagValues {
  'egress-external-subnet'?: string | undefined;
  'iso-size'?: string | undefined;
}

/** The engine options the engine flags give; a usage error naming the flag when one is wrong. */
export function kubevirtEngineFlagOptions(values: KubevirtEngineFlagValues): KubevirtEngineSettings {
  try {
    return parseKubevirtEngineOptions({ egressExternalSubnet: values['egress-external-subnet'], isoSize: values['iso-size'] }, { egressExternalSubnet: '--egress-external-subnet', isoSize: '--iso-size' });
  } catch (err) {
    if (err instanceof UserError) throw new UsageError(err.message);
    throw err;
  }
}

/** The settings the flags give; a usage error naming the flag when one is wrong. */
export function kubevirtSettingsFromFlags(values: KubevirtFlagValues): KubevirtSettings {
  try {
    return parseKubevirtOptions(
      {
        storageClassName: values['storage-class'],
        volumeMode: values['volume-mode'],
        accessMode: values['access-mode'],
        nodeSelector: values['node-selector'],
        tolerations: values.toleration,
        affinity: values.affinity,
        resources: values.resources,
        instancetype: values.instancetype,
        preference: values.preference,
        httpServerImage: values['http-server-image'],
        sshJumpImage: values['ssh-jump-image'],
      },
      NAMES,
    );
  } catch (err) {
    if (err instanceof UserError) throw new UsageError(err.message);
    throw err;
  }
}
