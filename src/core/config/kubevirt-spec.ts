/**
 * The `kubevirt:` block of the build file (at the top, and per VM to override it key by key):
 * cluster settings the kubevirt engine puts on the objects it creates — where disks are stored,
 * where the VMs are scheduled, what they may use, which instance type and preference they take,
 * and the images of the engine's helper pods. The local engine ignores the block.
 *
 * Field names and values are Kubernetes' and KubeVirt's own (k8s.io/api core/v1 Toleration,
 * Affinity, ResourceRequirements; kubevirt/kubevirt v1.9.0 staging/src/kubevirt.io/api/core/v1
 * types.go InstancetypeMatcher and PreferenceMatcher), so a value can be copied from a manifest.
 */
import type { FormatName } from './formats.js';
import type { ArraySpec, IntegerSpec, MapSpec, ObjectSpec, Spec, StringSpec, UnionSpec } from './spec.js';

const text = (description: string, extra: Partial<StringSpec> = {}): StringSpec => ({ type: 'string', description, template: 'load', ...extra });
const formatted = (format: FormatName, description: string, extra: Partial<StringSpec> = {}): StringSpec => text(description, { format, ...extra });
const choice = (values: readonly string[], description: string, extra: Partial<StringSpec> = {}): StringSpec => ({ type: 'string', enum: values, description, ...extra });
const list = (items: Spec, description: string, extra: Partial<ArraySpec> = {}): ArraySpec => ({ type: 'array', items, description, ...extra });
const object = (title: string, description: string, properties: Record<string, Spec>, extra: Partial<ObjectSpec> = {}): ObjectSpec => ({ type: 'object', title, description, properties, ...extra });
const integer = (description: string, extra: Partial<IntegerSpec> = {}): IntegerSpec => ({ type: 'integer', description, ...extra });
const labels = (description: string): MapSpec => ({ type: 'map', keyFormat: 'labelKey', values: formatted('labelValue', 'Label value'), description });
const quantity = (description: string): UnionSpec => ({ type: 'union', description, options: [formatted('quantity', description), integer(description, { minimum: 0 })] });
const weight = integer('How much the scheduler prefers nodes that match (1–100).', { minimum: 1, maximum: 100 });

/** Operators of a node selector requirement (core/v1 NodeSelectorOperator). */
const NODE_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'] as const;
/** Operators of a label selector requirement (meta/v1 LabelSelectorOperator). */
const LABEL_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

const nodeRequirement = object(
  'Node selector requirement',
  'A rule on a node label or field: key, operator and values (In/NotIn: one or more values; Exists/DoesNotExist: none; Gt/Lt: one integer).',
  {
    key: formatted('labelKey', 'The node label key (or field name, in matchFields).'),
    operator: choice(NODE_OPERATORS, 'How the key relates to the values.'),
    values: list(text('A value.'), 'The values.'),
  },
  { required: ['key', 'operator'] },
);

const nodeSelectorTerm = object('Node selector term', 'Nodes that match every requirement of the term.', {
  matchExpressions: list(nodeRequirement, 'Requirements on node labels.'),
  matchFields: list(nodeRequirement, 'Requirements on node fields (metadata.name).'),
});

const labelSelector = object('Label selector', 'Pods (or namespaces) by label; an empty selector matches all.', {
  matchLabels: labels('Labels that must all be present with these values.'),
  matchExpressions: list(
    object(
      'Label selector requirement',
      'A rule on a label: key, operator and values.',
      { key: formatted('labelKey', 'The label key.'), operator: choice(LABEL_OPERATORS, 'How the key relates to the values.'), values: list(text('A value.'), 'The values.') },
      { required: ['key', 'operator'] },
    ),
    'Requirements on labels.',
  ),
});

const podAffinityTerm = object(
  'Pod affinity term',
  'Pods matching labelSelector in the given namespaces, on nodes sharing the value of topologyKey.',
  {
    labelSelector: labelSelector,
    namespaceSelector: labelSelector,
    namespaces: list(formatted('k8sName', 'A namespace.'), "Namespaces the pods are in; none = the VM's namespace."),
    topologyKey: formatted('labelKey', 'The node label whose value defines "the same place", e.g. kubernetes.io/hostname or topology.kubernetes.io/zone.'),
    matchLabelKeys: list(formatted('labelKey', 'A label key.'), "Keys of the VM pod's own labels added to labelSelector."),
    mismatchLabelKeys: list(formatted('labelKey', 'A label key.'), "Keys of the VM pod's own labels whose values must differ."),
  },
  { required: ['topologyKey'] },
);

const podAffinity = (title: string, what: string): ObjectSpec =>
  object(title, what, {
    requiredDuringSchedulingIgnoredDuringExecution: list(podAffinityTerm, 'Terms that must all hold for the VM to be scheduled.'),
    preferredDuringSchedulingIgnoredDuringExecution: list(
      object('Weighted pod affinity term', 'A preferred term and its weight.', { weight, podAffinityTerm }, { required: ['weight', 'podAffinityTerm'] }),
      'Terms the scheduler prefers, by weight.',
    ),
  });

const affinity = object(
  'Affinity',
  "Kubernetes scheduling affinity of the VM's launcher pod (spec.template.spec.affinity), as in a Pod.",
  {
    nodeAffinity: object('Node affinity', 'Which nodes the VM may run on, or prefers.', {
      requiredDuringSchedulingIgnoredDuringExecution: object(
        'Node selector',
        'Nodes the VM may run on: those matching any of the terms.',
        { nodeSelectorTerms: list(nodeSelectorTerm, 'The terms (ORed).', { minItems: 1 }) },
        { required: ['nodeSelectorTerms'] },
      ),
      preferredDuringSchedulingIgnoredDuringExecution: list(
        object('Preferred scheduling term', 'A preferred node selector term and its weight.', { weight, preference: nodeSelectorTerm }, { required: ['weight', 'preference'] }),
        'Terms the scheduler prefers, by weight.',
      ),
    }),
    podAffinity: podAffinity('Pod affinity', 'Run the VM near pods that match.'),
    podAntiAffinity: podAffinity('Pod anti-affinity', 'Keep the VM away from pods that match.'),
  },
  { hints: { nodeSelector: 'kubevirt.nodeSelector (a sibling of affinity)' } },
);

const toleration = object('Toleration', 'Lets the VM (and its helper pods) run on nodes with a matching taint, as a Pod toleration.', {
  key: formatted('labelKey', 'The taint key; empty with operator Exists matches every taint.'),
  operator: choice(['Exists', 'Equal'], 'Exists: any value; Equal: the value must match.', { default: 'Equal' }),
  value: formatted('labelValue', 'The taint value (operator Equal).'),
  effect: choice(['NoSchedule', 'PreferNoSchedule', 'NoExecute'], 'The taint effect matched; empty matches all effects.'),
  tolerationSeconds: integer('With NoExecute: how long the pod stays after the taint appears (0 or less: evicted at once).'),
});

const resourceList = (what: string): ObjectSpec =>
  object(`Resource ${what}`, `${what === 'requests' ? 'What the scheduler reserves' : 'The most the VM may use'} (cpu in cores or millicores, memory in bytes).`, {
    cpu: quantity(`CPU ${what}, e.g. 2 or 500m.`),
    memory: quantity(`Memory ${what}, e.g. 4Gi.`),
  });

const matcher = (kinds: readonly [string, string], what: string, cluster: string): UnionSpec => ({
  type: 'union',
  description: `A KubeVirt ${what} the VM takes: a ${cluster} name, or { name, kind }.`,
  options: [
    formatted('dnsSubdomain', `The name of a ${cluster}.`),
    object(
      what === 'instance type' ? 'Instance type' : 'Preference',
      `The ${what} by name and kind.`,
      {
        name: formatted('dnsSubdomain', `The ${what}'s name.`),
        kind: choice(kinds, `${kinds[0]} (cluster-wide) or ${kinds[1]} (in the build namespace).`, { default: kinds[0] }),
      },
      { required: ['name'] },
    ),
  ],
});

export const kubevirtSpec: ObjectSpec = object(
  'KubeVirt settings',
  "Cluster settings of the kubevirt engine (ignored by the local engine). At the top of the build file they apply to every VM; a VM's own kubevirt block overrides them key by key (a key's value is replaced, not merged). CLI flags and action inputs override both.",
  {
    storageClassName: formatted('dnsSubdomain', "StorageClass of the VM's DataVolumes (disks, ISOs, outputs).", { defaultText: "the cluster's default StorageClass" }),
    volumeMode: choice(['Filesystem', 'Block'], 'Volume mode of the DataVolumes.', { defaultText: "the StorageProfile's (CDI fills it in)" }),
    accessMode: choice(['ReadWriteOnce', 'ReadWriteMany', 'ReadWriteOncePod'], 'Access mode of the DataVolumes.', { defaultText: "the StorageProfile's (CDI fills it in)" }),
    nodeSelector: labels('Node labels the VM and its helper pods need, e.g. kubernetes.io/arch: amd64.'),
    tolerations: list(toleration, 'Taints the VM and its helper pods tolerate.'),
    affinity: affinity,
    resources: object(
      'Resources',
      "The VM's compute resources (spec.template.spec.domain.resources).",
      { requests: resourceList('requests'), limits: resourceList('limits') },
      { hints: { cpu: 'requests.cpu or limits.cpu', memory: 'requests.memory or limits.memory' } },
    ),
    instancetype: matcher(['VirtualMachineClusterInstancetype', 'VirtualMachineInstancetype'], 'instance type', 'VirtualMachineClusterInstancetype'),
    preference: matcher(['VirtualMachineClusterPreference', 'VirtualMachinePreference'], 'preference', 'VirtualMachineClusterPreference'),
    httpServerImage: formatted('image', 'Image of the HTTP file-server pod (any image with busybox); a mirror for air-gapped clusters.', { default: 'docker.io/library/busybox:1.37' }),
    sshJumpImage: formatted('image', 'Image of the SSH jump pod for VMs on custom-VPC subnets (any image with busybox).', { defaultText: 'httpServerImage' }),
  },
  {
    hints: {
      storageClass: 'storageClassName',
      storage_class: 'storageClassName',
      instanceType: 'instancetype',
      instance_type: 'instancetype',
      accessModes: 'accessMode (one mode)',
      node_selector: 'nodeSelector',
      images: 'httpServerImage and sshJumpImage',
    },
  },
);
