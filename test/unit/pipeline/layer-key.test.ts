import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBuildText } from '../../../src/core/config/load.js';
import { LayerCache } from '../../../src/core/pipeline/layer-cache.js';
import { layerKey } from '../../../src/core/pipeline/layer-key.js';
import type { VmOutput } from '../../../src/core/pipeline/manifest.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-layerkey-'));
mkdirSync(path.join(tmp, 'http'), { recursive: true });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function setup(memory = '512Mi') {
  mkdirSync(path.join(tmp, 'http'), { recursive: true });
  writeFileSync(path.join(tmp, 'disk.qcow2'), 'not really a disk');
  const text = `name: keys
layers:
  - name: base
    vms:
      - name: a
        source: { path: disk.qcow2 }
        memory: ${memory}
        httpDirectory: http
        bootCommand: ["<enter>"]
  - name: app
    vms:
      - name: b
        source: { from: base/a }
        communicator: { type: none }
`;
  return loadBuildText(text, path.join(tmp, 'build.yaml'), { checkFiles: true });
}

describe('layer content key', () => {
  it('is stable for the same inputs and changes with config, files and parents', async () => {
    writeFileSync(path.join(tmp, 'http', 'seed.sh'), 'echo one');
    const build = setup();
    const [base, app] = build.layers as [(typeof build.layers)[0], (typeof build.layers)[0]];
    const k1 = await layerKey(build, base, new Map());
    expect(await layerKey(setup(), setup().layers[0]!, new Map())).toBe(k1);

    expect(await layerKey(setup('1Gi'), setup('1Gi').layers[0]!, new Map())).not.toBe(k1);

    writeFileSync(path.join(tmp, 'http', 'seed.sh'), 'echo two');
    expect(await layerKey(build, base, new Map())).not.toBe(k1);

    writeFileSync(path.join(tmp, 'disk.qcow2'), 'another disk');
    const kApp1 = await layerKey(build, app, new Map([['base/a', 'a'.repeat(64)]]));
    const kApp2 = await layerKey(build, app, new Map([['base/a', 'b'.repeat(64)]]));
    expect(kApp1).not.toBe(kApp2);
  });
});

describe('layer cache (real files)', () => {
  it('stores outputs and restores them byte for byte with their checksums', async () => {
    const cache = new LayerCache(path.join(tmp, 'cache'));
    const out1 = path.join(tmp, 'out1');
    mkdirSync(out1, { recursive: true });
    const image = path.join(out1, 'base-a.qcow2');
    writeFileSync(image, 'image bytes');
    const output: VmOutput = { layer: 'base', vm: 'a', image, format: 'qcow2', compressed: true, bytes: 11, sha256: 'f'.repeat(64), checksumFile: `${image}.sha256` };
    expect(await cache.lookup('k1')).toBeUndefined();
    await cache.store('k1', 'base', [output]);
    const entry = await cache.lookup('k1');
    expect(entry?.outputs.map((o) => o.vm)).toEqual(['a']);

    const out2 = path.join(tmp, 'out2');
    mkdirSync(out2, { recursive: true });
    const [restored] = await cache.restore(entry!, out2);
    expect(restored!.reused).toBe(true);
    expect(readFileSync(restored!.image, 'utf8')).toBe('image bytes');
    expect(readFileSync(restored!.checksumFile, 'utf8')).toBe(`${'f'.repeat(64)}  base-a.qcow2\n`);
  });
});

describe('layer content key and containerDisk sources', () => {
  it('changes when the tag names another digest, and not with the tag alone', async () => {
    const build = loadBuildText(
      `name: cd
layers:
  - name: base
    vms:
      - name: a
        source: { containerDisk: "127.0.0.1:5000/guest:latest" }
        communicator: { type: none }
`,
      path.join(tmp, 'cd.yaml'),
    );
    const layer = build.layers[0]!;
    const d1 = `sha256:${'1'.repeat(64)}`;
    const d2 = `sha256:${'2'.repeat(64)}`;
    const k1 = await layerKey(build, layer, new Map(), new Map([['a', d1]]));
    expect(await layerKey(build, layer, new Map(), new Map([['a', d1]]))).toBe(k1);
    expect(await layerKey(build, layer, new Map(), new Map([['a', d2]]))).not.toBe(k1);
    expect(await layerKey(build, layer, new Map())).not.toBe(k1);
  });
});
