/**
 * The harness cleans up after itself: close() and an aborted signal stop its servers and the
 * processes it started (file-server pods) and remove its folder; its kubeconfig works with
 * client-node as written.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { startKubeHarness } from '../../kube-harness/index.js';

const parent = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-harness-parent-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

function processesUnder(dir: string): string[] {
  return execFileSync('ps', ['-eo', 'args'])
    .toString()
    .split('\n')
    .filter((l) => l.includes(dir));
}

function reachable(url: string, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    https
      .get(`${url}/healthz`, { ca }, (res) => {
        res.resume();
        resolve(true);
      })
      .on('error', () => resolve(false));
  });
}

describe('kube harness lifecycle', () => {
  it('writes a kubeconfig client-node uses as it is, and close() leaves no process, port or file', async () => {
    const harness = await startKubeHarness({ accelerator: 'tcg', workDir: parent });
    expect(path.dirname(harness.workDir)).toBe(parent);
    const kc = new KubeConfig();
    kc.loadFromFile(harness.kubeconfigPath);
    expect(kc.getCurrentCluster()?.server).toBe(harness.url);
    expect(readFileSync(harness.kubeconfigPath, 'utf8')).toContain(harness.token);
    const core = kc.makeApiClient(CoreV1Api);
    const ns = await harness.createNamespace();
    await core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'files' }, stringData: { 'a.txt': 'a' } } });
    await core.createNamespacedPod({
      namespace: ns,
      body: {
        metadata: { name: 'http' },
        spec: {
          containers: [{ name: 'httpd', image: 'docker.io/library/busybox:1.37', command: ['busybox', 'httpd', '-f', '-p', '8080', '-h', '/srv'], volumeMounts: [{ name: 'files', mountPath: '/srv' }] }],
          volumes: [{ name: 'files', secret: { secretName: 'files' } }],
        },
      },
    });
    for (let i = 0; i < 200 && (await core.readNamespacedPod({ namespace: ns, name: 'http' })).status?.phase !== 'Running'; i++) await new Promise((r) => setTimeout(r, 25));
    expect(processesUnder(harness.workDir).some((l) => l.includes('httpd'))).toBe(true);

    await harness.close();
    expect(existsSync(harness.workDir)).toBe(false);
    expect(processesUnder(harness.workDir)).toEqual([]);
    expect(await reachable(harness.url, harness.caCert)).toBe(false);
    expect(await reachable(harness.uploadProxyUrl, harness.caCert)).toBe(false);
    await harness.close(); // idempotent
  });

  it('closes when its signal aborts', async () => {
    const abort = new AbortController();
    const harness = await startKubeHarness({ accelerator: 'tcg', workDir: parent, signal: abort.signal });
    expect(await reachable(harness.url, harness.caCert)).toBe(true);
    abort.abort();
    for (let i = 0; i < 100 && existsSync(harness.workDir); i++) await new Promise((r) => setTimeout(r, 20));
    expect(existsSync(harness.workDir)).toBe(false);
    expect(await reachable(harness.url, harness.caCert)).toBe(false);
  });
});
