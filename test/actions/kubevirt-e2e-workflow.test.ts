/**
 * .github/workflows/kubevirt-e2e.yml: the real-cluster job passes the same real validator as the
 * other workflows (@action-validator/core, the engine of @action-validator/cli), and wires what
 * the tests expect: KVM opened by GitHub's udev rule before the cluster exists, KubeVirt and CDI
 * installed by our own setup-cluster action, and the e2e tests given the cluster's kubeconfig in
 * the variable their switch reads (test/e2e/helpers/e2e-cluster.ts, exercised against the harness
 * in test/integration/kubevirt-cluster/e2e-cluster-switch.test.ts).
 */
import * as validator from '@action-validator/core';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { E2E_KUBECONFIG_ENV } from '../e2e/helpers/e2e-cluster.js';
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
