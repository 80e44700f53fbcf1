/** The build file's `kubevirt:` block, and the same settings given as flags or action inputs. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkKubevirtOptions, parseKubevirtOptions, type KubevirtOptionStrings } from '../../../src/core/config/kubevirt-options.js';
import { effectiveSettings } from '../../../src/core/config/kubevirt-settings.js';
import { buildOf, problemsOf } from './helpers.js';

const VM = `layers:
  - name: base
    vms:
      - name: web
        source: { containerDisk: quay.io/containerdisks/debian:12 }
`;

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

describe('the kubevirt block', () => {
  it('loads every key at build and VM level, with the build block positions kept', () => {
    const build = buildOf(`name: b
kubevirt:
  storageClassName: fast.example.com
  volumeMode: Block
  accessMode: ReadWriteMany
  nodeSelector: { kubernetes.io/arch: amd64, dedicated: "" }
  tolerations: [{ key: dedicated, operator: Exists, effect: NoExecute, tolerationSeconds: 30 }, { operator: Exists }]
  affinity:
    podAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
        - { weight: 10, podAffinityTerm: { topologyKey: kubernetes.io/hostname, labelSelector: { matchLabels: { app: x } } } }
  resources: { requests: { cpu: 1, memory: 1Gi }, limits: { cpu: 1500m } }
  instancetype: { name: u1.large, kind: VirtualMachineInstancetype }
  preference: fedora
  httpServerImage: registry.local:5000/busybox:1.37
  sshJumpImage: registry.local:5000/busybox@sha256:${'a'.repeat(64)}
${VM}        kubevirt: { storageClassName: other, instancetype: u1.small }
`);
    expect(build.kubevirt).toMatchObject({
      storageClassName: 'fast.example.com',
      volumeMode: 'Block',
      accessMode: 'ReadWriteMany',
      nodeSelector: { 'kubernetes.io/arch': 'amd64', dedicated: '' },
      tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }, { operator: 'Exists' }],
      resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1500m' } },
      instancetype: { name: 'u1.large', kind: 'VirtualMachineInstancetype' },
      preference: { name: 'fedora', kind: 'VirtualMachineClusterPreference' },
    });
    expect(build.kubevirt?.positions?.volumeMode?.line).toBe(4);
    const vm = build.layers[0]!.vms[0]!;
    expect(vm.kubevirt).toEqual({ storageClassName: 'other', instancetype: { name: 'u1.small', kind: 'VirtualMachineClusterInstancetype' } });
    const effective = effectiveSettings(build.kubevirt, vm.kubevirt, { volumeMode: 'Filesystem' });
    expect(effective.settings).toMatchObject({ storageClassName: 'other', volumeMode: 'Filesystem', accessMode: 'ReadWriteMany' });
    expect(effective.origin).toMatchObject({ storageClassName: 'vm', volumeMode: 'option', accessMode: 'build' });
  });

  it('reports wrong values at their line, with what was expected', () => {
    expect(
      problemsOf(`name: b
kubevirt:
  volumeMode: block
  nodeSelector: { "bad key!": x }
  tolerations: [{ key: k, operator: Exists, value: v }, { value: v }, { key: k, tolerationSeconds: 5 }]
  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: k, operator: Gt, values: [a] }, { key: k, operator: Exists, values: [a] }] }] } } }
  resources: { requests: { memory: 2Gi, cpu: 2 }, limits: { memory: 1Gi, cpu: 2000m } }
  instancetype: { name: x, kind: VirtualMachinePreference }
  storageClass: fast
${VM}`),
    ).toEqual([
      "3:15: kubevirt.volumeMode: 'block' is not valid; expected one of Filesystem, Block; did you mean 'Block'?",
      expect.stringMatching(/^4:19: kubevirt\.nodeSelector\["bad key!"\]: 'bad key!' is not a valid key here; expected a label key/),
      '5:52: kubevirt.tolerations[0].value: a toleration with operator Exists matches any value; expected no value (or operator: Equal)',
      '5:57: kubevirt.tolerations[1]: a toleration without a key matches every taint only with operator: Exists; expected a key, or operator: Exists',
      '5:100: kubevirt.tolerations[2].tolerationSeconds: tolerationSeconds applies to the NoExecute effect only; expected effect: NoExecute',
      expect.stringMatching(
        /^6:\d+: kubevirt\.affinity\.nodeAffinity\.requiredDuringSchedulingIgnoredDuringExecution\.nodeSelectorTerms\[0\]\.matchExpressions\[0\]\.values: operator Gt needs exactly one value, an integer$/,
      ),
      expect.stringMatching(/^6:\d+: kubevirt\.affinity\..*matchExpressions\[1\]\.values: operator Exists takes no values$/),
      '7:36: kubevirt.resources.requests.memory: the memory request 2Gi is above its limit 1Gi; expected a request at most the limit',
      expect.stringMatching(/^8:34: kubevirt\.instancetype\.kind: 'VirtualMachinePreference' is not valid; expected one of VirtualMachineClusterInstancetype, VirtualMachineInstancetype/),
      "9:3: kubevirt.storageClass: unknown key 'storageClass'; did you mean 'storageClassName'?",
    ]);
  });
});

describe('the same settings as flags and action inputs', () => {
  it('parses node selectors, kubectl-style tolerations, YAML blocks and KIND/NAME references', () => {
    expect(
      parseKubevirtOptions(
        {
          storageClassName: 'fast',
          nodeSelector: ['kubernetes.io/arch=amd64', 'pool = builds'],
          tolerations: ['dedicated=builds:NoSchedule', 'gpu', 'spot:NoExecute'],
          affinity: '{nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: a, operator: Exists}]}]}}}',
          resources: '{"requests": {"cpu": 2}}',
          instancetype: 'virtualmachineinstancetype/u1.medium',
          preference: 'fedora',
        },
        NAMES,
      ),
    ).toEqual({
      storageClassName: 'fast',
      nodeSelector: { 'kubernetes.io/arch': 'amd64', pool: 'builds' },
      tolerations: [
        { key: 'dedicated', operator: 'Equal', value: 'builds', effect: 'NoSchedule' },
        { key: 'gpu', operator: 'Exists' },
        { key: 'spot', operator: 'Exists', effect: 'NoExecute' },
      ],
      affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'a', operator: 'Exists' }] }] } } },
      resources: { requests: { cpu: '2' } },
      instancetype: { name: 'u1.medium', kind: 'VirtualMachineInstancetype' },
      preference: { name: 'fedora', kind: 'VirtualMachineClusterPreference' },
    });
  });

  it('refuses wrong values naming the flag, with the build file rules', () => {
    expect(() => parseKubevirtOptions({ volumeMode: 'Blok', tolerations: ['k=v:Sometimes'], instancetype: 'virtualmachinepreference/x', nodeSelector: ['novalue'] }, NAMES)).toThrow(
      /--node-selector: expected KEY=VALUE \(a node label\), got 'novalue'\n--instancetype: expected \[KIND\/\]NAME with KIND virtualmachineclusterinstancetype or virtualmachineinstancetype/,
    );
    expect(() => parseKubevirtOptions({ volumeMode: 'Blok', tolerations: ['k=v:Sometimes'] }, NAMES)).toThrow(/--volume-mode: 'Blok' is not valid[^\n]*\n--toleration \(\[0\]\.effect\): 'Sometimes' is not valid/);
    expect(() => parseKubevirtOptions({ affinity: '{ nodeAffinity: [' }, NAMES)).toThrow(/--affinity: not YAML or JSON/);
    expect(() => parseKubevirtOptions({ resources: '{requests: {memory: 2Gi}, limits: {memory: 1Gi}}' }, NAMES)).toThrow(/--resources \(requests\.memory\): the memory request 2Gi is above its limit 1Gi/);
  });

  it('property: any toleration written KEY[=VALUE][:EFFECT] reads back as that toleration', () => {
    const name = fc.stringMatching(/^[a-z0-9]([a-z0-9._-]{0,20}[a-z0-9])?$/);
    fc.assert(
      fc.property(name, fc.option(name, { nil: undefined }), fc.option(fc.constantFrom('NoSchedule', 'PreferNoSchedule', 'NoExecute'), { nil: undefined }), (key, value, effect) => {
        const text = `${key}${value !== undefined ? `=${value}` : ''}${effect ? `:${effect}` : ''}`;
        const [t] = parseKubevirtOptions({ tolerations: [text] }, NAMES).tolerations!;
        expect(t).toEqual({ key, operator: value === undefined ? 'Exists' : 'Equal', ...(value !== undefined ? { value } : {}), ...(effect ? { effect } : {}) });
      }),
      { numRuns: 200 },
    );
  });

  it('property: settings the checker accepts pass it again unchanged (what the engine re-checks)', () => {
    const quantity = fc.oneof(
      fc.integer({ min: 1, max: 64 }).map(String),
      fc.integer({ min: 1, max: 4000 }).map((n) => `${n}m`),
      fc.integer({ min: 1, max: 64 }).map((n) => `${n}Gi`),
    );
    fc.assert(
      fc.property(
        fc.record(
          {
            storageClassName: fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/),
            volumeMode: fc.constantFrom('Filesystem', 'Block'),
            nodeSelector: fc.dictionary(fc.stringMatching(/^[a-z]{1,8}(\/[a-z]{1,8})?$/), fc.stringMatching(/^([a-z0-9]{1,8})?$/), { maxKeys: 3 }),
            resources: fc.record({ limits: fc.record({ cpu: quantity }, { requiredKeys: [] }) }, { requiredKeys: [] }),
          },
          { requiredKeys: [] },
        ),
        (given) => {
          const once = checkKubevirtOptions(given, {});
          expect(checkKubevirtOptions(once as Record<string, unknown>, {})).toEqual(once);
        },
      ),
      { numRuns: 100 },
    );
  });
});
