/** The cluster-setting inputs of the kubevirt-capable actions, read as the runner passes them (INPUT_* variables). */
import { afterEach, describe, expect, it } from 'vitest';
import { kubevirtSettingsInput } from '../../src/actions/toolkit/kubevirt-settings-input.js';

const set: string[] = [];
function input(name: string, value: string): void {
  const key = `INPUT_${name.toUpperCase()}`;
  process.env[key] = value;
  set.push(key);
}
afterEach(() => {
  for (const k of set.splice(0)) delete process.env[k];
});

describe('kubevirt cluster-setting inputs', () => {
  it('are empty when none is given', () => {
    expect(kubevirtSettingsInput()).toEqual({});
  });

  it('reads each input as the build file would write it', () => {
    input('storage-class', 'fast');
    input('volume-mode', 'Block');
    input('node-selector', 'kubernetes.io/arch=amd64\n# a comment\npool=builds\n');
    input('tolerations', 'dedicated=builds:NoSchedule\nspot');
    input('resources', 'requests: { cpu: 2 }\nlimits: { memory: 8Gi }');
    input('instancetype', 'virtualmachineinstancetype/u1.large');
    input('http-server-image', 'mirror.local/busybox:1.37');
    expect(kubevirtSettingsInput()).toEqual({
      storageClassName: 'fast',
      volumeMode: 'Block',
      nodeSelector: { 'kubernetes.io/arch': 'amd64', pool: 'builds' },
      tolerations: [
        { key: 'dedicated', operator: 'Equal', value: 'builds', effect: 'NoSchedule' },
        { key: 'spot', operator: 'Exists' },
      ],
      resources: { requests: { cpu: '2' }, limits: { memory: '8Gi' } },
      instancetype: { name: 'u1.large', kind: 'VirtualMachineInstancetype' },
      httpServerImage: 'mirror.local/busybox:1.37',
    });
  });

  it('refuses a wrong value naming the input', () => {
    input('access-mode', 'ReadWriteSometimes');
    input('affinity', '{nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {}}}');
    expect(() => kubevirtSettingsInput()).toThrow(
      /input 'access-mode': 'ReadWriteSometimes' is not valid; expected one of ReadWriteOnce, ReadWriteMany, ReadWriteOncePod[\s\S]*input 'affinity' \(nodeAffinity\.requiredDuringSchedulingIgnoredDuringExecution\): missing required key 'nodeSelectorTerms'/,
    );
  });
});
