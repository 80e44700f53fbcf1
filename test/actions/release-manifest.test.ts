/**
 * The pure parts of install-kubevirt: where the release files come from (a mirror's `{version}`
 * template), how often progress is checked, what a release-URL input accepts, and how a broken
 * manifest is reported (URL and line). The install itself runs against the kube harness (with
 * nothing installed, playing virt-operator and cdi-operator) in setup-cluster-install-kubevirt.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { installPollIntervalMs, releaseManifestUrls } from '../../src/actions/toolkit/kubevirt-cluster.js';
import { InputError, parseHttpUrl } from '../../src/actions/toolkit/inputs.js';
import { parseManifest } from '../../src/actions/toolkit/release-manifest.js';

describe('install-kubevirt release files', () => {
  it('are GitHub release downloads by default and a mirror folder when given', () => {
    expect(releaseManifestUrls({ kubevirt: 'v1.9.0', cdi: 'v1.66.0' })).toEqual([
      'https://github.com/kubevirt/kubevirt/releases/download/v1.9.0/kubevirt-operator.yaml',
      'https://github.com/kubevirt/kubevirt/releases/download/v1.9.0/kubevirt-cr.yaml',
      'https://github.com/kubevirt/containerized-data-importer/releases/download/v1.66.0/cdi-operator.yaml',
      'https://github.com/kubevirt/containerized-data-importer/releases/download/v1.66.0/cdi-cr.yaml',
    ]);
    expect(releaseManifestUrls({ kubevirt: 'v1.9.0', cdi: 'v1.66.0' }, { kubevirt: 'https://m.example/kv/{version}/', cdi: 'https://m.example/cdi-fixed' })).toEqual([
      'https://m.example/kv/v1.9.0/kubevirt-operator.yaml',
      'https://m.example/kv/v1.9.0/kubevirt-cr.yaml',
      'https://m.example/cdi-fixed/cdi-operator.yaml',
      'https://m.example/cdi-fixed/cdi-cr.yaml',
    ]);
  });

  it('progress is checked every 10 s, more often under short timeouts, never more than 4 times a second', () => {
    expect(installPollIntervalMs(15 * 60_000)).toBe(10_000);
    expect(installPollIntervalMs(30_000)).toBe(1000);
    expect(installPollIntervalMs(1000)).toBe(250);
  });

  it('release URL inputs must be http(s) without credentials', () => {
    const sample = { '{version}': 'v1.0.0' };
    expect(parseHttpUrl('kubevirt-release-url', ' http://mirror.local/kv/{version} ', sample)).toBe('http://mirror.local/kv/{version}');
    expect(() => parseHttpUrl('kubevirt-release-url', 'mirror.local/kv', sample)).toThrow(InputError);
    expect(() => parseHttpUrl('kubevirt-release-url', 'file:///srv/kv', sample)).toThrow("input 'kubevirt-release-url': expected an http:// or https:// URL, got 'file:///srv/kv'");
    const withPassword = () => parseHttpUrl('cdi-release-url', 'https://user:s3cret@mirror.local/cdi', sample);
    expect(withPassword).toThrow(/user name or password/);
    expect(withPassword).not.toThrow(/s3cret/);
  });
});

describe('parseManifest', () => {
  const url = 'https://mirror.local/kv/v1.9.0/kubevirt-operator.yaml';

  it('reads every object of a multi-document file in order, skipping empty documents, keeping x-kubernetes-* keys', () => {
    const text =
      '---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: kubevirt\n---\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: kubevirts.kubevirt.io\nspec:\n  x-kubernetes-preserve-unknown-fields: true\n';
    const objects = parseManifest(url, text);
    expect(objects.map((o) => o.kind)).toEqual(['Namespace', 'CustomResourceDefinition']);
    expect(objects[1]!.spec).toEqual({ 'x-kubernetes-preserve-unknown-fields': true });
  });

  it('names the URL and line of a document that is not an object', () => {
    expect(() => parseManifest(url, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\nkind: Role\nmetadata: {}\n')).toThrow(
      `${url} line 6: expected a Kubernetes object with apiVersion, kind and metadata.name (missing apiVersion, metadata.name)`,
    );
    expect(() => parseManifest(url, 'apiVersion: v1\nkind: [\n')).toThrow(new RegExp(`^${url.replaceAll('.', '\\.')} line \\d+: not valid YAML`));
    expect(() => parseManifest(url, '<html>Not Found</html>')).toThrow(/expected a Kubernetes object/);
    expect(() => parseManifest(url, '---\n')).toThrow(`${url} holds no Kubernetes objects`);
  });
});
