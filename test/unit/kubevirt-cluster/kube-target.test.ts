/**
 * Which cluster and namespace a build uses, decided as kubectl does: --kubeconfig, KUBECONFIG
 * (merged, first wins), ~/.kube/config, the in-cluster service account; and clear errors when
 * none is there or a file is broken.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { loadKubeTarget } from '../../../src/engines/kubevirt/cluster/kube-target.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-kubetarget-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(name: string, server: string, namespace?: string, extraContext?: string): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters:\n- name: ${name}\n  cluster:\n    server: ${server}`,
      `users:\n- name: ${name}\n  user:\n    token: t-${name}`,
      `contexts:\n- name: ${name}\n  context:\n    cluster: ${name}\n    user: ${name}${namespace ? `\n    namespace: ${namespace}` : ''}`,
      ...(extraContext ? [`- name: ${extraContext}\n  context:\n    cluster: ${name}\n    user: ${name}\n    namespace: other`] : []),
      `current-context: ${name}`,
      '',
    ].join('\n'),
  );
  return file;
}

describe('loadKubeTarget', () => {
  it('uses --kubeconfig and its context namespace; --namespace wins over it', () => {
    const file = kubeconfig('a', 'https://a.example:6443', 'builds');
    const t = loadKubeTarget({ kubeconfig: file, env: {} });
    expect(t.kc.getCurrentCluster()?.server).toBe('https://a.example:6443');
    expect(t.namespace).toBe('builds');
    expect(t.source).toBe(`kubeconfig ${file}`);
    expect(loadKubeTarget({ kubeconfig: file, namespace: 'mine', env: {} }).namespace).toBe('mine');
  });

  it('defaults the namespace to "default"', () => {
    expect(loadKubeTarget({ kubeconfig: kubeconfig('b', 'https://b.example'), env: {} }).namespace).toBe('default');
  });

  it('merges the KUBECONFIG files, the first file winning, skipping missing ones', () => {
    const first = kubeconfig('c', 'https://c.example', 'first');
    const second = kubeconfig('d', 'https://d.example', 'second');
    const t = loadKubeTarget({ env: { KUBECONFIG: [path.join(dir, 'missing'), first, second].join(path.delimiter) } });
    expect(t.kc.getCurrentCluster()?.server).toBe('https://c.example');
    expect(
      t.kc
        .getContexts()
        .map((c) => c.name)
        .sort(),
    ).toEqual(['c', 'd']);
    expect(t.namespace).toBe('first');
  });

  it('selects another context when asked, and names the contexts when it does not exist', () => {
    const file = kubeconfig('e', 'https://e.example', undefined, 'e-other');
    expect(loadKubeTarget({ kubeconfig: file, context: 'e-other', env: {} }).namespace).toBe('other');
    expect(() => loadKubeTarget({ kubeconfig: file, context: 'nope', env: {} })).toThrow(/has no context 'nope' \(contexts: e, e-other\)/);
  });

  it('falls back to ~/.kube/config', () => {
    const home = path.join(dir, 'home');
    mkdirSync(path.join(home, '.kube'), { recursive: true });
    writeFileSync(path.join(home, '.kube', 'config'), readFileSync(kubeconfig('f', 'https://f.example'), 'utf8'));
    expect(loadKubeTarget({ env: { HOME: home } }).kc.getCurrentCluster()?.server).toBe('https://f.example');
  });

  it("uses the pod's service account inside a cluster, with its namespace", () => {
    const sa = path.join(dir, 'sa');
    mkdirSync(sa, { recursive: true });
    writeFileSync(path.join(sa, 'token'), 'sa-token');
    writeFileSync(path.join(sa, 'ca.crt'), 'not really a cert');
    writeFileSync(path.join(sa, 'namespace'), 'ci-builds\n');
    const t = loadKubeTarget({ env: { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }, serviceAccountDir: sa });
    expect(t.kc.getCurrentCluster()?.server).toBe('https://10.96.0.1:443');
    expect(t.namespace).toBe('ci-builds');
    expect(t.source).toBe('in-cluster service account');
  });

  it('says how to configure a cluster when there is none, and names a broken or missing file', () => {
    expect(() => loadKubeTarget({ env: {} })).toThrow(UserError);
    expect(() => loadKubeTarget({ env: {} })).toThrow(/no Kubernetes cluster configured: pass --kubeconfig FILE, set KUBECONFIG/);
    expect(() => loadKubeTarget({ kubeconfig: path.join(dir, 'absent'), env: {} })).toThrow(/the kubeconfig .*absent does not exist/);
    const broken = path.join(dir, 'broken');
    writeFileSync(broken, 'clusters: [ {');
    expect(() => loadKubeTarget({ kubeconfig: broken, env: {} })).toThrow(/the kubeconfig .*broken cannot be read/);
    const empty = path.join(dir, 'empty');
    writeFileSync(empty, 'apiVersion: v1\nkind: Config\n');
    expect(() => loadKubeTarget({ kubeconfig: empty, env: {} })).toThrow(/has no current context with a cluster/);
  });
});
