/**
 * setup-cluster's `emulation: auto` without RUDDERVIRT_ACCEL: the runner is the node (kind), so the
 * local engine's KVM probe (src/engines/local/accelerator.ts) decides whether KubeVirt must emulate.
 * Every other setup-cluster test says RUDDERVIRT_ACCEL outright, which skips the probe.
 *
 * /dev/kvm cannot be toggled here, so the QEMU binary is faked: a qemu-system-x86_64 first on PATH
 * that behaves as QEMU does under a KVM that opens but hangs (nested without VMX): the probe
 * guest prints its real-mode letter and never gets further. Where /dev/kvm opens, that fake
 * decides; where it does not (as on this machine), the probe stops at the device. Either way
 * the action must turn on useEmulation. The Kubernetes side is the kube harness without KubeVirt
 * (`installed: false`, playing virt-operator and cdi-operator), the release files served by a
 * local mirror.
 */
import { chmodSync, constants, accessSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/node24.js';
import { bundleActions, type Bundle } from './helpers/bundle.js';
import { startInstallCluster, type InstallCluster } from './helpers/install-cluster.js';
import { RunnerJob } from './helpers/runner.js';

const RELEASES = path.join(repoRoot, 'test', 'fixtures', 'kubevirt-release');
const KUBEVIRT = { apiVersion: 'kubevirt.io/v1', kind: 'KubeVirt', namespace: 'kubevirt', name: 'kubevirt' };

/** A static file server over test/fixtures/kubevirt-release, as a release mirror would be. */
async function startMirror(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const file = path.join(RELEASES, decodeURIComponent(new URL(req.url ?? '/', 'http://mirror').pathname));
    const text = file.startsWith(RELEASES + path.sep) && existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    res.writeHead(text === undefined ? 404 : 200, { 'content-type': 'application/yaml' });
    res.end(text ?? 'Not Found');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function kvmOpens(): boolean {
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

describe('setup-cluster emulation: auto (QEMU binary faked: /dev/kvm cannot be toggled here; kube harness without KubeVirt)', () => {
  let bundle: Bundle;
  let dir: string;
  let cluster: InstallCluster;
  let mirror: Awaited<ReturnType<typeof startMirror>>;
  let fakeBin: string;
  let qemuCalls: string;

  beforeAll(async () => {
    bundle = bundleActions();
    dir = mkdtempSync(path.join(os.tmpdir(), 'rvtest-probe-'));
    fakeBin = path.join(dir, 'bin');
    mkdirSync(fakeBin);
    qemuCalls = path.join(dir, 'qemu-calls.log');
    // The probe guest's debug console is QEMU's stdout: 'R' is its real-mode letter; then it hangs.
    writeFileSync(path.join(fakeBin, 'qemu-system-x86_64'), `#!/bin/sh\necho "$*" >> '${qemuCalls}'\nprintf R\nexec sleep 60\n`);
    chmodSync(path.join(fakeBin, 'qemu-system-x86_64'), 0o755);
    mirror = await startMirror();
    cluster = await startInstallCluster();
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
    await mirror?.close();
    bundle?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('without RUDDERVIRT_ACCEL, a KVM that hangs the probe guest (fake QEMU) turns on useEmulation in the KubeVirt resource', async () => {
    const job = new RunnerJob(bundle.dir, dir);
    try {
      const r = await job.run(
        'setup-cluster',
        {
          engine: 'kubevirt',
          kubeconfig: cluster.kubeconfig,
          namespace: 'rv-probe',
          'install-kubevirt': 'true',
          'kubevirt-release-url': `${mirror.url}/kubevirt/{version}`,
          'cdi-release-url': `${mirror.url}/cdi/{version}`,
          'install-packages': 'false',
          'install-timeout': '30s',
        },
        // Empty is unset for the probe (accelerator.ts), whatever the test process inherited.
        { env: { RUDDERVIRT_ACCEL: '', PATH: `${fakeBin}${path.delimiter}${process.env.PATH ?? ''}` } },
      );
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(r.outputs).toMatchObject({ engine: 'kubevirt', namespace: 'rv-probe', accelerator: 'tcg' });

      // The probe ran and said no (chooseAccelerator warns only when it decided, not when told).
      const warnings = r.annotations.filter((a) => a.level === 'warning').map((a) => a.message);
      const probe = warnings.find((w) => w.includes('KVM is not usable here ('));
      expect(probe, r.stdout).toBeDefined();
      if (kvmOpens()) {
        expect(probe).toContain('/dev/kvm opens, but under KVM the guest ran in real mode, then hung entering protected mode');
        expect(readFileSync(qemuCalls, 'utf8')).toMatch(/-accel kvm/);
      } else {
        expect(probe).toMatch(/\/dev\/kvm (does not exist|is not readable and writable)/);
      }

      expect(r.stdout).toContain('KubeVirt: software emulation turned on (the nodes have no usable KVM)');
      expect(cluster.mergePatches()).toHaveLength(1);
      expect(cluster.mergePatches()[0]).toMatchObject({
        path: '/apis/kubevirt.io/v1/namespaces/kubevirt/kubevirts/kubevirt',
        body: { spec: { configuration: { developerConfiguration: { useEmulation: true } } } },
      });
      expect(cluster.harness.getObject(KUBEVIRT)).toMatchObject({ spec: { configuration: { developerConfiguration: { useEmulation: true } } }, status: { phase: 'Deployed' } });
      expect(r.stdout).toContain('KubeVirt: Deployed (software emulation)');
    } finally {
      await job.finish();
    }
  });
});
