/**
 * Labels of layer outputs kept between kubevirt builds: the label-safe form of a layer's content
 * key (properties over arbitrary keys, fast-check), the selectors a build finds them by, and the
 * patch that takes an output out of its run.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ANNOTATION_LAYER_KEY, ANNOTATION_SHA256, keepOutputPatch, keptOutputSelector, layerKeyLabel } from '../../../src/engines/kubevirt/manifests/kept-layer-labels.js';
import { LABEL_LAYER_KEY, LABEL_RUN } from '../../../src/engines/kubevirt/manifests/labels.js';
import { cloneSourceOf } from '../../../src/engines/kubevirt/cluster/kept-layers.js';

/** Kubernetes' rule for label values (apimachinery validation.IsValidLabelValue). */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const layerKey = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));

describe('layerKeyLabel', () => {
  it('is a valid label value for every key (property)', () => {
    fc.assert(
      fc.property(layerKey, (key) => {
        const label = layerKeyLabel(key);
        expect(label.length).toBeLessThanOrEqual(63);
        expect(label).toMatch(LABEL_VALUE);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives distinct keys distinct labels (property), including keys that differ only in the last digit', () => {
    fc.assert(
      fc.property(layerKey, layerKey, (a, b) => {
        fc.pre(a !== b);
        expect(layerKeyLabel(a)).not.toBe(layerKeyLabel(b));
      }),
      { numRuns: 2000 },
    );
    const key = createHash('sha256').update('layer').digest('hex');
    const twin = key.slice(0, 63) + (key.endsWith('0') ? '1' : '0');
    expect(layerKeyLabel(key)).not.toBe(layerKeyLabel(twin));
  });

  it('is the same number: the label reads back as the key', () => {
    fc.assert(
      fc.property(layerKey, (key) => {
        const back = [...layerKeyLabel(key)].reduce((n, d) => n * 36n + BigInt(parseInt(d, 36)), 0n);
        expect(back.toString(16).padStart(64, '0')).toBe(key);
      }),
    );
  });

  it('refuses what is not a layer key', () => {
    for (const bad of ['', 'abc', 'A'.repeat(64), `${'0'.repeat(63)}g`, '0'.repeat(65)]) expect(() => layerKeyLabel(bad)).toThrow(/a layer key is a lower-case sha256/);
  });
});

describe('keptOutputSelector', () => {
  const key = 'f'.repeat(64);
  it('narrows to build, layer, VM and key; without a key it asks for any kept output', () => {
    expect(keptOutputSelector({ build: 'web', layer: 'base', vm: 'db' }, key)).toBe(
      `app.kubernetes.io/managed-by=ruddervirt,ruddervirt.io/build=web,ruddervirt.io/component=output,ruddervirt.io/layer=base,ruddervirt.io/vm=db,${LABEL_LAYER_KEY}=${layerKeyLabel(key)}`,
    );
    expect(keptOutputSelector({ build: 'web' })).toBe(`app.kubernetes.io/managed-by=ruddervirt,ruddervirt.io/build=web,ruddervirt.io/component=output,${LABEL_LAYER_KEY}`);
  });
});

describe('keepOutputPatch', () => {
  it('drops the owner and the run label, adds the key label and the facts a reuse needs', () => {
    const key = createHash('sha256').update('k').digest('hex');
    const sha = createHash('sha256').update('disk').digest('hex');
    const patch = keepOutputPatch({ key, runId: 'k3x9a', sha256: sha, bytes: 1234, format: 'qcow2', compressed: false, now: new Date('2026-01-02T03:04:05Z') }) as {
      metadata: { ownerReferences: null; labels: Record<string, string | null>; annotations: Record<string, string> };
    };
    expect(patch.metadata.ownerReferences).toBeNull();
    expect(patch.metadata.labels[LABEL_RUN]).toBeNull();
    expect(patch.metadata.labels[LABEL_LAYER_KEY]).toBe(layerKeyLabel(key));
    expect(patch.metadata.annotations[ANNOTATION_LAYER_KEY]).toBe(key);
    expect(patch.metadata.annotations[ANNOTATION_SHA256]).toBe(sha);
    expect(patch.metadata.annotations['ruddervirt.io/output-bytes']).toBe('1234');
    expect(patch.metadata.annotations['ruddervirt.io/kept-from-run']).toBe('k3x9a');
    expect(patch.metadata.annotations['ruddervirt.io/last-used']).toBe('2026-01-02T03:04:05.000Z');
  });
});

describe('cloneSourceOf', () => {
  it('clones a kept DataVolume as a PVC and restores a kept VolumeSnapshot', () => {
    expect(cloneSourceOf({ ref: { apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'DataVolume', namespace: 'b', name: 'o' } })).toEqual({ pvc: { namespace: 'b', name: 'o' } });
    expect(cloneSourceOf({ ref: { apiVersion: 'snapshot.storage.k8s.io/v1', kind: 'VolumeSnapshot', namespace: 'b', name: 'o' } })).toEqual({ snapshot: { namespace: 'b', name: 'o' } });
  });
});
