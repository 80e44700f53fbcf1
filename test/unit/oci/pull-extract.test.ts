/**
 * The containerDisk extraction without a registry: layer tars made in memory with tar-stream, fed
 * to extractContainerDisk as gzip, zstd or plain tar; the whiteout logic checked against a model
 * of an unpacked filesystem (fast-check); the sparse writer against the bytes it was given.
 */
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { classifyEntry, DiskTree, LayerPathError, type EntryKind } from '../../../src/core/oci/pull/disk-tree.js';
import { extractContainerDisk, type LayerSource } from '../../../src/core/oci/pull/extract-disk.js';
import type { LayerCompression } from '../../../src/core/oci/pull/layer-media.js';
import { SparseFileWriter } from '../../../src/core/oci/pull/sparse-file.js';
import { tarOf, type TarSpec } from '../../helpers/layer-tar.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-extract-test-'));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function layer(entries: TarSpec[], compression: LayerCompression = 'none'): Promise<LayerSource> {
  const tar = await tarOf(entries);
  const blob = compression === 'gzip' ? zlib.gzipSync(tar) : compression === 'zstd' ? zlib.zstdCompressSync(tar) : tar;
  return {
    label: `a ${compression} layer`,
    compression,
    // Small pieces, so entries straddle chunk boundaries as they do off the network.
    open: async function* () {
      for (let i = 0; i < blob.length; i += 1000) yield blob.subarray(i, i + 1000);
    },
  };
}

const staging = () => mkdtemp(path.join(work, 'stage-'));
const IMAGE = 'registry.example/disks/test:v1';

describe('extractContainerDisk', () => {
  test('applies whiteouts across gzip, zstd and plain layers and keeps the one file left under /disk', async () => {
    const disk = Buffer.concat([Buffer.from('QFI\xfb'), Buffer.alloc(70_000, 7)]);
    const dir = await staging();
    const out = await extractContainerDisk(
      [
        await layer(
          [
            { name: 'disk/', type: 'directory' },
            { name: 'disk/old.img', data: Buffer.alloc(5000, 1) },
            { name: 'etc/motd', data: Buffer.from('hi') },
          ],
          'gzip',
        ),
        await layer([{ name: 'disk/.wh.old.img' }, { name: 'disk/new.qcow2', data: disk }], 'zstd'),
        await layer([{ name: 'usr/share/doc/readme', data: Buffer.from('x') }], 'none'),
      ],
      dir,
      IMAGE,
    );
    expect(out.name).toBe('new.qcow2');
    expect((await readFile(out.file)).equals(disk)).toBe(true);
    expect(out.sha256).toBe(createHash('sha256').update(disk).digest('hex'));
    // The hidden file of the first layer is gone from the staging folder as well.
    expect(await readdir(dir)).toEqual([path.basename(out.file)]);
  });

  test('an opaque /disk in a later layer hides every file below it', async () => {
    const out = await extractContainerDisk(
      [
        await layer([
          { name: 'disk/a.img', data: Buffer.from('a') },
          { name: 'disk/b.img', data: Buffer.from('b') },
        ]),
        await layer([{ name: 'disk/.wh..wh..opq' }, { name: 'disk/c.img', data: Buffer.from('c') }]),
      ],
      await staging(),
      IMAGE,
    );
    expect(out.name).toBe('c.img');
  });

  const refusals: [string, TarSpec[][], RegExp][] = [
    ['several files', [[{ name: 'disk/a.img', data: Buffer.from('a') }], [{ name: 'disk/b.qcow2', data: Buffer.from('b') }]], /registry\.example\/disks\/test:v1: \/disk holds 2 entries \(a\.img, b\.qcow2\)/],
    ['no file', [[{ name: 'disk/', type: 'directory' }]], /test:v1: \/disk is empty once every layer is applied/],
    ['every file whited out', [[{ name: 'disk/a.img', data: Buffer.from('a') }], [{ name: 'disk/.wh.a.img' }]], /\/disk is empty/],
    ['no /disk at all', [[{ name: 'etc/motd', data: Buffer.from('x') }]], /test:v1: the image has no \/disk folder, so it is not a containerDisk/],
    ['/disk whited out', [[{ name: 'disk/a.img', data: Buffer.from('a') }], [{ name: '.wh.disk' }]], /no \/disk folder/],
    ['a path escaping /disk', [[{ name: 'disk/../../etc/shadow', data: Buffer.from('x') }]], /test:v1: a none layer: the layer entry 'disk\/\.\.\/\.\.\/etc\/shadow' points outside the image root; refusing the image/],
    ['a path leaving /disk', [[{ name: 'disk/../etc/passwd', data: Buffer.from('x') }]], /the layer entry 'disk\/\.\.\/etc\/passwd' escapes \/disk/],
    ['a symlink as the disk', [[{ name: 'disk/disk.img', type: 'symlink', linkname: '/etc/shadow' }]], /the only entry under \/disk is disk\.img -> \/etc\/shadow \(a symbolic link\)/],
    ['a directory as the disk', [[{ name: 'disk/sub/x.img', data: Buffer.from('x') }]], /the only entry under \/disk is sub\/ \(a directory\)/],
  ];
  test.each(refusals)('refuses %s, naming the image and what it found', async (_what, layers, message) => {
    const dir = await staging();
    await expect(extractContainerDisk(await Promise.all(layers.map((l) => layer(l))), dir, IMAGE)).rejects.toThrow(message);
  });

  test('a layer that is not the compression its media type says is refused naming the layer', async () => {
    const plain = await layer([{ name: 'disk/a.img', data: Buffer.from('a') }]);
    await expect(extractContainerDisk([{ ...plain, compression: 'gzip' }], await staging(), IMAGE)).rejects.toThrow(/test:v1: a none layer: the layer cannot be read as a gzip-compressed tar/);
  });
});

describe('classifyEntry', () => {
  const segment = fc.constantFrom('disk', 'a', 'b.img', '..', '.', '.wh.a', '.wh..wh..opq', 'etc', '');
  test('never lets a name out of the root or out of /disk: what it accepts normalises to where it says', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 6 }), fc.boolean(), (parts, leadingSlash) => {
        const name = (leadingSlash ? '/' : '') + parts.join('/');
        let change;
        try {
          change = classifyEntry(name);
        } catch (err) {
          expect(err).toBeInstanceOf(LayerPathError);
          // Refused names really do climb: normalising them leaves a '..' at the front, or they started in disk/ and left it.
          const normal = path.posix.normalize(name.replace(/^\/+/, ''));
          const rawFirst = parts.filter((p) => p !== '' && p !== '.')[0];
          expect(normal.startsWith('..') || (rawFirst === 'disk' && normal !== 'disk' && !normal.startsWith('disk/'))).toBe(true);
          return;
        }
        const normal = path.posix.normalize(name.replace(/^\/+/, '')).replace(/\/$/, '');
        if (change.type === 'add') expect(normal).toBe(`disk/${change.name}`);
        if (change.type === 'whiteout') expect(normal).toBe(`disk/.wh.${change.name}`);
        if (change.type === 'subdirectory') expect(normal.startsWith(`disk/${change.name}/`)).toBe(true);
        if (change.type === 'none') expect(normal === 'disk' || normal.startsWith('disk/')).toBe(false);
      }),
    );
  });
});

/**
 * The model: a whole unpacked filesystem as path → kind, each layer applied the way the OCI image
 * spec describes (whiteouts and opaque markers hide lower layers only; a later entry replaces an
 * earlier one of the same path, a non-directory replaces a directory with everything below it).
 */
type Op = { path: string; kind: 'file' | 'directory' } | { whiteout: string } | { opaque: string };

function applyModel(layers: Op[][]): Map<string, { kind: EntryKind; layer: number }> {
  let state = new Map<string, { kind: EntryKind; layer: number }>();
  const under = (p: string, root: string) => (root === '' ? true : p === root || p.startsWith(`${root}/`));
  layers.forEach((ops, layerIndex) => {
    const lower = new Map(state);
    for (const op of ops) {
      if ('whiteout' in op) for (const p of lower.keys()) if (under(p, op.whiteout)) state.delete(p);
      if ('opaque' in op) for (const p of lower.keys()) if (op.opaque === '' ? true : p.startsWith(`${op.opaque}/`)) state.delete(p);
    }
    const ensureDirectories = (p: string, depth: number) => {
      const parts = p.split('/');
      for (let i = 1; i <= depth; i++) {
        const ancestor = parts.slice(0, i).join('/');
        const a = state.get(ancestor);
        if (!a || a.kind !== 'directory') {
          for (const q of [...state.keys()]) if (q.startsWith(`${ancestor}/`)) state.delete(q);
          state.set(ancestor, { kind: 'directory', layer: layerIndex });
        }
      }
    };
    for (const op of ops) {
      // A marker lives in its folder: unpacking it creates the folder (containerd does the same
      // for implied directories, archive/tar.go), whatever it hides below.
      if ('whiteout' in op) ensureDirectories(op.whiteout, op.whiteout.split('/').length - 1);
      if ('opaque' in op && op.opaque !== '') ensureDirectories(op.opaque, op.opaque.split('/').length);
      if (!('path' in op)) continue;
      ensureDirectories(op.path, op.path.split('/').length - 1);
      if (op.kind !== 'directory') for (const p of [...state.keys()]) if (p.startsWith(`${op.path}/`)) state.delete(p);
      const old = state.get(op.path);
      if (!(old && old.kind === 'directory' && op.kind === 'directory')) state.set(op.path, { kind: op.kind, layer: layerIndex });
    }
    state = new Map(state);
  });
  return state;
}

function tarName(op: Op): { name: string; kind: EntryKind } {
  if ('path' in op) return { name: op.kind === 'directory' ? `${op.path}/` : op.path, kind: op.kind };
  if ('whiteout' in op) {
    const i = op.whiteout.lastIndexOf('/');
    return { name: i < 0 ? `.wh.${op.whiteout}` : `${op.whiteout.slice(0, i)}/.wh.${op.whiteout.slice(i + 1)}`, kind: 'file' };
  }
  return { name: op.opaque === '' ? '.wh..wh..opq' : `${op.opaque}/.wh..wh..opq`, kind: 'file' };
}

describe('DiskTree', () => {
  const child = fc.constantFrom('a', 'b', 'c');
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ path: child.map((c) => `disk/${c}`), kind: fc.constantFrom('file' as const, 'directory' as const) }),
    fc.record({ path: fc.tuple(child, child).map(([c, d]) => `disk/${c}/${d}`), kind: fc.constant('file' as const) }),
    fc.record({ path: fc.constant('disk'), kind: fc.constantFrom('file' as const, 'directory' as const) }),
    fc.record({ path: fc.constant('etc/x'), kind: fc.constant('file' as const) }),
    fc.record({ whiteout: child.map((c) => `disk/${c}`) }),
    fc.record({ whiteout: fc.constant('disk') }),
    fc.record({ opaque: fc.constantFrom('disk', '') }),
  );

  test('agrees with an unpacked filesystem on what /disk holds after any layers', () => {
    fc.assert(
      fc.property(fc.array(fc.array(op, { maxLength: 6 }), { minLength: 1, maxLength: 4 }), (layers) => {
        const tree = new DiskTree<string>();
        layers.forEach((ops, i) => {
          tree.beginLayer(i);
          for (const o of ops) {
            const { name, kind } = tarName(o);
            tree.record(classifyEntry(name), kind, kind === 'file' ? `${i}` : undefined);
          }
          tree.commitLayer();
        });
        const model = applyModel(layers);
        const disk = model.get('disk');
        expect(tree.hasDiskDirectory()).toBe(disk?.kind === 'directory');
        const expected = [...model.entries()]
          .filter(([p]) => /^disk\/[^/]+$/.test(p))
          .map(([p, e]) => ({ name: p.slice(5), kind: e.kind, ...(e.kind === 'file' ? { layer: e.layer } : {}) }))
          .sort((a, b) => (a.name < b.name ? -1 : 1));
        const got = tree.children().map((e) => ({ name: e.name, kind: e.kind, ...(e.kind === 'file' ? { layer: e.layer } : {}) }));
        expect(got).toEqual(tree.hasDiskDirectory() ? expected : []);
      }),
      { numRuns: 500 },
    );
  });
});

describe('SparseFileWriter', () => {
  test('writes exactly the bytes given, in any chunking, with holes where whole blocks are zero', async () => {
    const piece = fc.oneof(
      fc.integer({ min: 1, max: 20_000 }).map((n) => Buffer.alloc(n)),
      fc.uint8Array({ minLength: 1, maxLength: 9000 }).map((a) => Buffer.from(a)),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 8 }), async (pieces) => {
        const file = path.join(work, `sparse-${n++}`);
        const w = await SparseFileWriter.create(file);
        for (const p of pieces) await w.write(p);
        const done = await w.finish();
        const all = Buffer.concat(pieces);
        expect(done.size).toBe(all.length);
        expect(done.sha256).toBe(createHash('sha256').update(all).digest('hex'));
        expect((await readFile(file)).equals(all)).toBe(true);
        await rm(file);
      }),
      { numRuns: 60 },
    );
  });

  test('a 64 MiB disk with 1 MiB of data takes about 1 MiB', async () => {
    const file = path.join(work, 'big-sparse');
    const w = await SparseFileWriter.create(file);
    await w.write(Buffer.alloc(1024 * 1024, 0xab));
    for (let i = 0; i < 63; i++) await w.write(Buffer.alloc(1024 * 1024));
    await w.finish();
    const st = await stat(file);
    expect(st.size).toBe(64 * 1024 * 1024);
    expect(st.blocks * 512).toBeLessThan(2 * 1024 * 1024);
  });
});
