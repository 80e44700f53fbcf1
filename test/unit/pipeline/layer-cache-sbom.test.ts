/** A cached layer keeps each image's SBOM: a reused layer's image comes back with the SBOM it was built with. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LayerCache } from '../../../src/core/pipeline/layer-cache.js';
import type { VmOutput } from '../../../src/core/pipeline/manifest.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function temp(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'rvtest-cache-sbom-'));
  dirs.push(d);
  return d;
}

function output(dir: string, vm: string, sbom: boolean): VmOutput {
  mkdirSync(dir, { recursive: true });
  const image = path.join(dir, `base-${vm}.qcow2`);
  writeFileSync(image, `disk of ${vm}`);
  if (sbom) writeFileSync(`${image}.spdx.json`, `{"spdxVersion":"SPDX-2.3","name":"${vm}"}`);
  return { layer: 'base', vm, image, format: 'qcow2', compressed: false, bytes: 10, sha256: 'ab'.repeat(32), checksumFile: `${image}.sha256`, ...(sbom ? { sbom: `${image}.spdx.json` } : {}) };
}

describe('the layer cache and SBOMs', () => {
  it('stores an SBOM beside its image and restores it; an image without one gets none, and a stale one is removed', async () => {
    const root = temp();
    const cache = new LayerCache(path.join(root, 'cache'));
    await cache.store('k1', 'base', [output(path.join(root, 'built'), 'web', true), output(path.join(root, 'built'), 'db', false)]);
    const entry = (await cache.lookup('k1'))!;
    expect(entry.outputs.map((o) => o.sbom)).toEqual(['base-web.qcow2.spdx.json', undefined]);

    const out = path.join(root, 'out');
    mkdirSync(out);
    // Left by an earlier build of another image: it must not stay beside the restored one.
    writeFileSync(path.join(out, 'base-db.qcow2.spdx.json'), 'stale');
    const restored = await cache.restore(entry, out);
    expect(restored.map((o) => o.sbom)).toEqual([path.join(out, 'base-web.qcow2.spdx.json'), undefined]);
    expect(readFileSync(path.join(out, 'base-web.qcow2.spdx.json'), 'utf8')).toBe('{"spdxVersion":"SPDX-2.3","name":"web"}');
    expect(existsSync(path.join(out, 'base-db.qcow2.spdx.json'))).toBe(false);
    expect(existsSync(path.join(out, 'base-web.qcow2.spdx.json.new.partial'))).toBe(false);
  });
});
