/**
 * The ConfigMap that keeps an output's SBOM in the cluster (manifests/sbom-config-map.ts): plain
 * under data while it fits, gzipped under binaryData past that, refused beyond a ConfigMap's 1 MiB;
 * read back only for the output it describes.
 */
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ANNOTATION_SBOM_OF_SHA256, CONFIG_MAP_LIMIT, SBOM_GZIP_KEY, SBOM_KEY, SbomTooLargeError, sbomConfigMap, sbomConfigMapName, sbomFromConfigMap } from '../../../src/engines/kubevirt/manifests/sbom-config-map.js';

const owner = { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', name: 'debian-base-debian-k3x9a-output', uid: 'u-1' };
const scope = { build: 'debian', layer: 'base', vm: 'debian' };
const SHA = 'a'.repeat(64);

describe('sbomConfigMap', () => {
  it('a small SPDX document: plain under data, owned by the output, labelled, with the sha256 it describes', () => {
    const document = JSON.stringify({ spdxVersion: 'SPDX-2.3', packages: [{ name: 'openssh-server', versionInfo: '1:9.2p1-2+deb12u3' }] });
    const cm = sbomConfigMap({ namespace: 'ns', owner, scope, sha256: SHA, document });
    expect(cm.metadata).toEqual({
      name: 'debian-base-debian-k3x9a-output-sbom',
      namespace: 'ns',
      labels: { 'app.kubernetes.io/managed-by': 'ruddervirt', 'ruddervirt.io/build': 'debian', 'ruddervirt.io/layer': 'base', 'ruddervirt.io/vm': 'debian', 'ruddervirt.io/component': 'sbom' },
      annotations: { [ANNOTATION_SBOM_OF_SHA256]: SHA },
      ownerReferences: [owner],
    });
    expect(cm.data).toEqual({ [SBOM_KEY]: document });
    expect(cm.binaryData).toBeUndefined();
    expect(sbomFromConfigMap(cm, SHA)).toEqual({ document });
  });

  it('past the limit it is gzipped under binaryData, and read back the same', () => {
    // A desktop image's SBOM: thousands of similar package entries, which compress well.
    const packages = Array.from({ length: 9000 }, (_, i) => ({ SPDXID: `SPDXRef-Package-deb-pkg${i}`, name: `pkg${i}`, versionInfo: `1.${i}-1`, downloadLocation: 'NOASSERTION' }));
    const document = JSON.stringify({ spdxVersion: 'SPDX-2.3', packages });
    expect(Buffer.byteLength(document)).toBeGreaterThan(CONFIG_MAP_LIMIT);
    const cm = sbomConfigMap({ namespace: 'ns', owner, scope, sha256: SHA, document });
    expect(cm.data).toBeUndefined();
    expect(Buffer.from(cm.binaryData![SBOM_GZIP_KEY]!, 'base64').length).toBeLessThan(CONFIG_MAP_LIMIT);
    expect(sbomFromConfigMap(cm, SHA)).toEqual({ document });
  });

  it('refuses a document that does not fit even gzipped (random bytes do not compress)', () => {
    const document = randomBytes(1024 * 1024).toString('base64');
    expect(() => sbomConfigMap({ namespace: 'ns', owner, scope, sha256: SHA, document })).toThrow(SbomTooLargeError);
    expect(() => sbomConfigMap({ namespace: 'ns', owner, scope, sha256: SHA, document })).toThrow(/more than a ConfigMap holds \(1 MiB\)/);
  });

  it('the name is a DNS subdomain of at most 253 characters, even for the longest output name', () => {
    const name = sbomConfigMapName(`${'a'.repeat(248)}-out.x`);
    expect(name.length).toBeLessThanOrEqual(253);
    expect(name).toMatch(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/);
    expect(name.endsWith('-sbom')).toBe(true);
  });
});

describe('sbomFromConfigMap', () => {
  it('is not used for another output: the sha256 annotation must match, and a document must be there', () => {
    const cm = sbomConfigMap({ namespace: 'ns', owner, scope, sha256: SHA, document: '{}' });
    expect(sbomFromConfigMap(cm, 'b'.repeat(64))).toEqual({ problem: `ConfigMap ${cm.metadata.name} describes output sha256 ${SHA}, not ${'b'.repeat(64)}` });
    expect(sbomFromConfigMap({ metadata: { name: 'x', annotations: { [ANNOTATION_SBOM_OF_SHA256]: SHA } } }, SHA)).toEqual({ problem: 'ConfigMap x has no sbom.spdx.json or sbom.spdx.json.gz' });
    expect(sbomFromConfigMap({ metadata: { name: 'x', annotations: { [ANNOTATION_SBOM_OF_SHA256]: SHA } }, binaryData: { [SBOM_GZIP_KEY]: 'bm90IGd6aXA=' } }, SHA)).toMatchObject({
      problem: expect.stringMatching(/^ConfigMap x: sbom\.spdx\.json\.gz is not gzip/),
    });
  });

  it('property: any document (plain or gzipped) comes back as it went in, for its own sha256 only', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 2000 }), fc.boolean(), fc.stringMatching(/^[0-9a-f]{64}$/), (text, big, sha) => {
        // Padding past the limit takes the gzip path without building megabytes per run of random text.
        const document = big ? text + ' '.repeat(CONFIG_MAP_LIMIT + 1) : text;
        const cm = sbomConfigMap({ namespace: 'ns', owner, scope, sha256: sha, document });
        expect(cm.data === undefined).toBe(big);
        expect(sbomFromConfigMap(cm, sha)).toEqual({ document });
        expect(sbomFromConfigMap(cm, sha === SHA ? 'b'.repeat(64) : SHA)).toHaveProperty('problem');
      }),
      { numRuns: 40 },
    );
  });
});
