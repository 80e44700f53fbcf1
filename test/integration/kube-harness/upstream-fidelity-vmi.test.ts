/**
 * Upstream behaviour that needs a running QEMU: a VMI whose guest ignores the ACPI power button
 * (here: no operating system at all, SeaBIOS finds nothing to boot) is killed after its grace
 * period and ends Failed, with its launcher pod. One guest boots (TCG); run this file on its own.
 */
import { CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';
import { VMI, blankDisk, createCustom, waitFor, type Loose } from './helpers.js';

let harness: KubeHarness;
let kc: KubeConfig;

beforeAll(async () => {
  harness = await startKubeHarness({ accelerator: 'tcg' });
  kc = harness.kubeConfig();
});

afterAll(async () => {
  await harness?.close();
});

describe('a guest killed after its grace period (kubevirt/kubevirt v1.9.0)', () => {
  // pkg/virt-handler/vm.go calculateVmPhaseForStatusReason: ReasonDestroyed with ACPI tried is Failed
  // ("destroyed after the graceperiod expired"); ReasonShutdown is Succeeded.
  it('ends Failed, and so does its launcher pod', async () => {
    const ns = await harness.createNamespace();
    await blankDisk(kc, ns, 'empty');
    await createCustom(kc, VMI, ns, {
      apiVersion: 'kubevirt.io/v1',
      kind: 'VirtualMachineInstance',
      metadata: { name: 'deaf' },
      spec: {
        terminationGracePeriodSeconds: 2,
        domain: { devices: { disks: [{ name: 'root', disk: { bus: 'virtio' } }] }, resources: { requests: { memory: '64Mi' } } },
        volumes: [{ name: 'root', persistentVolumeClaim: { claimName: 'empty' } }],
      },
    });
    const { object: running } = await waitFor(kc, VMI, ns, 'deaf', (o) => o.status?.phase === 'Running', 120_000);
    const core = kc.makeApiClient(CoreV1Api);
    const launcher = (await core.listNamespacedPod({ namespace: ns, labelSelector: `kubevirt.io/created-by=${running.metadata.uid}` })).items[0]!;
    const seenPhases: string[] = [];
    const final = (o: Loose) => ['Succeeded', 'Failed'].includes(o.status?.phase);
    const vmiEnded = waitFor(
      kc,
      VMI,
      ns,
      'deaf',
      (o) => {
        seenPhases.push(o.status?.phase);
        return final(o);
      },
      60_000,
    );
    const podEnded = waitFor(kc, { group: '', version: 'v1', plural: 'pods' }, ns, launcher.metadata!.name!, final, 60_000);
    await kc.makeApiClient(CustomObjectsApi).deleteNamespacedCustomObject({ ...VMI, namespace: ns, name: 'deaf' });
    expect((await vmiEnded).object.status.phase).toBe('Failed');
    expect(seenPhases).not.toContain('Succeeded');
    expect((await podEnded).object.status.phase).toBe('Failed');
    await harness.deleteNamespace(ns);
  }, 240_000);
});
