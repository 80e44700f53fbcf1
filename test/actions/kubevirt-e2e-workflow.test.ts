/**
 * .github/workflows/kubevirt-e2e.yml: the real-cluster job passes the same real validator as the
 * other workflows (@action-validator/core, the engine of @action-validator/cli), and wires what
 * the tests expect: KVM opened by GitHub's udev rule before the cluster exists, KubeVirt and CDI
 * installed by our own setup-cluster action (for the module case, Kube-OVN on a cluster made
 * without a CNI, which kind must not wait for, and the external network its egress gateways
 * leave through), and the e2e tests given the cluster's kubeconfig in
 * the variable their switch reads (test/e2e/helpers/e2e-cluster.ts, exercised against the harness
 * in test/integration/kubevirt-cluster/e2e-cluster-switch.test.ts).
 */
import * as validator from '@action-validator/core';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { E2E_KUBECONFIG_ENV, EGRESS_EXTERNAL_SUBNET, e2eCluster } from '../e2e/helpers/e2e-cluster.js';
import { startKubeHarness } from '../kube-harness/index.js';
import { repoRoot } from '../helpers/node24.js';

const text = readFileSync(path.join(repoRoot, '.github', 'workflows', 'kubevirt-e2e.yml'), 'utf8');
interface Step {
  name?: string;
  id?: string;
  run?: string;
  uses?: string;
  if?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Job {
  'runs-on': string;
  strategy: { matrix: { include: { case: string; tests: string; 'kube-ovn': boolean }[] } };
  steps: Step[];
}
const workflow = parse(text) as { permissions: Record<string, string>; jobs: Record<string, Job> };
const job = workflow.jobs.e2e!;
const at = (pattern: RegExp) => job.steps.findIndex((s) => pattern.test(`${s.name ?? ''}\n${s.run ?? ''}\n${s.uses ?? ''}`));

describe('.github/workflows/kubevirt-e2e.yml', () => {
  it('passes the workflow validator', () => {
    expect(validator.validateWorkflow(text).errors).toEqual([]);
  });

  it('runs on a GitHub-hosted ubuntu-24.04 runner, read-only', () => {
    expect(job['runs-on']).toBe('ubuntu-24.04');
    expect(workflow.permissions).toEqual({ contents: 'read' });
  });

  it('opens /dev/kvm with the udev rule before the kind cluster is created, then installs KubeVirt and CDI with setup-cluster', () => {
    const kvm = at(/99-kvm4all\.rules/);
    const kind = at(/kind create cluster/);
    const setup = job.steps.findIndex((s) => s.uses === './actions/setup-cluster');
    expect(kvm).toBeGreaterThanOrEqual(0);
    expect(job.steps[kvm]!.run).toContain('KERNEL=="kvm", GROUP="kvm", MODE="0666", OPTIONS+="static_node=kvm"');
    expect(job.steps[kvm]!.run).toMatch(/udevadm trigger --name-match=kvm/);
    expect(kind).toBeGreaterThan(kvm);
    expect(setup).toBeGreaterThan(kind);
    expect(job.steps[setup]!.with).toMatchObject({ engine: 'kubevirt', 'install-kubevirt': 'true' });
    // The inputs it passes are inputs setup-cluster has.
    const inputs = Object.keys((parse(readFileSync(path.join(repoRoot, 'actions', 'setup-cluster', 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> }).inputs);
    for (const name of Object.keys(job.steps[setup]!.with ?? {})) expect(inputs).toContain(name);
  });

  it('installs Kube-OVN only for the module case, through setup-cluster on a cluster made without a CNI', () => {
    const setup = job.steps.find((s) => s.uses === './actions/setup-cluster')!;
    expect(setup.with?.['install-kube-ovn']).toBe('${{ matrix.kube-ovn }}');
    expect(at(/disableDefaultCNI: \$\{\{ matrix\.kube-ovn \}\}/)).toBeGreaterThanOrEqual(0);
    // Nothing else installs it (setup-cluster waits for it to be ready before KubeVirt).
    expect(at(/helm install|multus-daemonset/)).toBe(-1);
    expect(job.strategy.matrix.include.map((c) => [c.case, c['kube-ovn']])).toEqual([
      ['build', false],
      ['module', true],
    ]);
  });

  it("does not sit out kind's --wait on the cluster without a CNI: its node is Ready only once setup-cluster has installed Kube-OVN", () => {
    const create = job.steps[at(/kind create cluster/)]!.run!;
    // kind waits the whole --wait for a Ready node and then goes on without an error
    // (kubernetes-sigs/kind pkg/cluster/internal/create/actions/waitforready/waitforready.go@v0.30.0).
    expect(create).toContain("--wait ${{ matrix.kube-ovn && '0s' || '5m' }}");
  });

  it(`creates Kube-OVN's external Subnet ${EGRESS_EXTERNAL_SUBNET} for the module case's egress gateway, after setup-cluster and before the tests`, () => {
    const setup = job.steps.findIndex((s) => s.uses === './actions/setup-cluster');
    const external = at(/kind: Subnet/);
    const tests = job.steps.findIndex((s) => s.env?.[E2E_KUBECONFIG_ENV] !== undefined);
    expect(external).toBeGreaterThan(setup);
    expect(tests).toBeGreaterThan(external);
    const step = job.steps[external]!;
    expect(step.if).toBe('matrix.kube-ovn');
    // The YAML kubectl applies, with the shell's values in place of the kind network's.
    const applied = /kubectl apply -f - <<EOF\n([\s\S]*?)\nEOF\n/.exec(step.run!)![1]!.replace('$cidr', '172.18.0.0/16').replace('$gateway', '172.18.0.1').replace('$excluded', '172.18.0.2');
    const [nad, subnet] = parseAllDocuments(applied).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string }; spec: Record<string, any> }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(nad).toMatchObject({ kind: 'NetworkAttachmentDefinition', metadata: { name: EGRESS_EXTERNAL_SUBNET, namespace: 'kube-system' } });
    expect(JSON.parse(nad!.spec.config)).toMatchObject({ type: 'macvlan', master: 'eth0', ipam: { type: 'kube-ovn', provider: `${EGRESS_EXTERNAL_SUBNET}.kube-system` } });
    // Kube-OVN finds the attachment from the Subnet's provider, `<nad>.<namespace>`.
    expect(subnet).toEqual({
      apiVersion: 'kubeovn.io/v1',
      kind: 'Subnet',
      metadata: { name: EGRESS_EXTERNAL_SUBNET },
      spec: { protocol: 'IPv4', provider: `${EGRESS_EXTERNAL_SUBNET}.kube-system`, cidrBlock: '172.18.0.0/16', gateway: '172.18.0.1', excludeIps: ['172.18.0.2'] },
    });
    expect(step.run).toContain(`kubectl wait --for=condition=Ready subnet.kubeovn.io/${EGRESS_EXTERNAL_SUBNET}`);
    // It is the subnet the engine's gateways name by default, and the one the module test checks for.
    expect(readFileSync(path.join(repoRoot, 'src', 'engines', 'kubevirt', 'manifests', 'render-options.ts'), 'utf8')).toContain(`DEFAULT_EGRESS_EXTERNAL_SUBNET = '${EGRESS_EXTERNAL_SUBNET}'`);
    const moduleTest = readFileSync(path.join(repoRoot, job.strategy.matrix.include.find((c) => c['kube-ovn'])!.tests), 'utf8');
    expect(moduleTest).toMatch(/internet: true/);
    expect(moduleTest).toContain('await cluster.ensureEgressExternalSubnet()');
  });

  it("states kind's local-path access and volume mode in its StorageProfile after setup-cluster and before the tests (CDI does not know the provisioner)", () => {
    const patch = at(/kubectl patch storageprofile standard/);
    const setup = job.steps.findIndex((s) => s.uses === './actions/setup-cluster');
    const tests = job.steps.findIndex((s) => s.env?.[E2E_KUBECONFIG_ENV] !== undefined);
    expect(patch).toBeGreaterThan(setup);
    expect(patch).toBeLessThan(tests);
    // Both cases use kind's default class; the harness plays the same merge patch on an unknown
    // provisioner's profile in test/integration/kube-harness/upstream-fidelity.test.ts.
    expect(job.steps[patch]!.if).toBeUndefined();
    const body = /--type merge -p '([^']+)'/.exec(job.steps[patch]!.run!)?.[1];
    expect(JSON.parse(body!)).toEqual({ spec: { claimPropertySets: [{ accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' }] } });
  });

  it(`gives the tests the cluster's kubeconfig in ${E2E_KUBECONFIG_ENV}, and every test file it names exists and reads it`, () => {
    const run = job.steps.find((s) => s.env?.[E2E_KUBECONFIG_ENV] !== undefined)!;
    expect(run.env![E2E_KUBECONFIG_ENV]).toBe('${{ env.KUBECONFIG }}');
    expect(run.run).toContain(`--preserve-env=PATH,CI,GITHUB_ACTIONS,${E2E_KUBECONFIG_ENV}`);
    expect(run.run).toContain('${{ matrix.tests }}');
    for (const c of job.strategy.matrix.include) {
      expect(existsSync(path.join(repoRoot, c.tests)), c.tests).toBe(true);
      expect(readFileSync(path.join(repoRoot, c.tests), 'utf8')).toMatch(/await e2eCluster\(/);
    }
  });

  it('deletes the cluster whatever happened', () => {
    const last = job.steps.at(-1)!;
    expect(last.if).toBe('always()');
    expect(last.run).toMatch(/kind delete cluster/);
  });
});

describe(`the module test's cluster checks, through the ${E2E_KUBECONFIG_ENV} switch`, () => {
  it('keeps outputs as VolumeSnapshots where the default storage class has a VolumeSnapshotClass, else as DataVolumes (kind: local-path, no snapshots)', async () => {
    for (const [snapshotClass, kind] of [
      [true, 'VolumeSnapshot'],
      [false, 'DataVolume'],
    ] as const) {
      const harness = await startKubeHarness({ accelerator: 'tcg', snapshotClass });
      try {
        const cluster = await e2eCluster({}, { [E2E_KUBECONFIG_ENV]: harness.kubeconfigPath });
        expect(cluster.kind).toBe('kubeconfig');
        expect(await cluster.keptKind()).toBe(kind);
      } finally {
        await harness.close();
      }
    }
  });

  it(`fails at once on a real cluster without ${EGRESS_EXTERNAL_SUBNET}; on the harness makes it, with the attachment its provider names`, async () => {
    const own = await e2eCluster({ accelerator: 'tcg' }, {});
    try {
      const real = await e2eCluster({}, { [E2E_KUBECONFIG_ENV]: own.kubeconfigPath });
      await expect(real.ensureEgressExternalSubnet()).rejects.toThrow(`the cluster has no Kube-OVN Subnet ${EGRESS_EXTERNAL_SUBNET}`);
      await own.ensureEgressExternalSubnet();
      await own.ensureEgressExternalSubnet();
      const objects = own.harness!.objects();
      expect(objects.filter((o) => o.kind === 'Subnet' && o.name === EGRESS_EXTERNAL_SUBNET)).toHaveLength(1);
      expect(objects.filter((o) => o.kind === 'NetworkAttachmentDefinition' && o.namespace === 'kube-system' && o.name === EGRESS_EXTERNAL_SUBNET)).toHaveLength(1);
      // Made once, it is there for a real-cluster run too.
      await real.ensureEgressExternalSubnet();
    } finally {
      await own.close();
    }
  });
});
