/**
 * The content key of a layer: a sha256 over everything that can change what the layer builds —
 * its VMs' resolved configuration, the bytes of every local file they use (httpDirectory, scripts,
 * uploaded files, cdrom files, a local source disk) and the digests of the outputs they start
 * from. Same key, same image: the layer can be reused instead of rebuilt.
 */
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Build, Layer, Vm } from '../config/model.js';
import { hashFile, type DigestMemo } from './digest-memo.js';

/** Bumped when the meaning of a key changes, so old cache entries are never reused by mistake. */
const KEY_VERSION = 'ruddervirt-layer-key/1';

/** Every regular file under `p` (or `p` itself) with its digest, paths relative to `p`; big files' digests come from `memo` when unchanged. */
async function hashTree(p: string, memo?: DigestMemo): Promise<[string, string][]> {
  const digest = async (file: string) => (memo ? (await memo.sha256(file)).sha256 : hashFile(file));
  let info;
  try {
    info = await stat(p);
  } catch {
    return [[p, 'missing']];
  }
  if (!info.isDirectory()) return [['.', await digest(p)]];
  const out: [string, string][] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) out.push([path.relative(p, full), await digest(full)]);
    }
  };
  await walk(p);
  return out;
}

/** Local files a VM reads while it is built, resolved against the build file's folder. */
export function localInputs(build: Build, vm: Vm): string[] {
  const files: string[] = [];
  const add = (f: string | undefined) => f && files.push(path.resolve(build.dir, f));
  if (vm.source.kind === 'path') add(vm.source.path);
  add(vm.httpDirectory);
  for (const c of vm.cdroms) {
    for (const f of c.files ?? []) add(f);
    add(c.iso);
  }
  for (const p of vm.provisioners) {
    if (p.type === 'shell') {
      add(p.script);
      for (const s of p.scripts ?? []) add(s);
    } else if (p.type === 'file' && p.direction === 'upload') {
      for (const s of p.sources) add(s);
    }
  }
  add(vm.communicator.sshPrivateKeyFile);
  return files;
}

/** What went into a layer's key, in parts, so a later build can say which of them changed. */
export interface LayerKeyParts {
  /** The VMs' resolved configuration and the build's networks. */
  config: string;
  /** The bytes of the local files the VMs read. */
  files: string;
  /** "layer/vm" → the digest of the parent output a VM starts from. */
  parents: Record<string, string>;
  /** VM name → the source reference and the digest it named (containerDisk tags). */
  sources: Record<string, { reference: string; digest: string }>;
}

/**
 * `parents` maps "layer/vm" to the sha256 of that VM's output, for `source: {from: …}`;
 * `sourceDigests` maps a VM's name to the digest its source reference resolved to (a
 * containerDisk tag's manifest digest), so the same tag pointing at new bytes gives a new key.
 * `memo` remembers the digests of big local files (a source disk) between builds.
 */
export async function layerKey(build: Build, layer: Layer, parents: ReadonlyMap<string, string>, sourceDigests: ReadonlyMap<string, string> = new Map(), memo?: DigestMemo): Promise<string> {
  return (await layerKeyWithParts(build, layer, parents, sourceDigests, memo)).key;
}

/** The key and its parts (see LayerKeyParts); the key is the same as layerKey's. */
export async function layerKeyWithParts(
  build: Build,
  layer: Layer,
  parents: ReadonlyMap<string, string>,
  sourceDigests: ReadonlyMap<string, string> = new Map(),
  memo?: DigestMemo,
): Promise<{ key: string; parts: LayerKeyParts }> {
  const hash = createHash('sha256');
  const config = createHash('sha256');
  const files = createHash('sha256');
  const parts: LayerKeyParts = { config: '', files: '', parents: {}, sources: {} };
  const both = (h: ReturnType<typeof createHash>, text: string) => {
    hash.update(text);
    h.update(text);
  };
  hash.update(KEY_VERSION + '\0');
  // The VMs' networks (CIDRs, internet access) shape what provisioners can do.
  both(config, JSON.stringify(build.network) + '\0');
  for (const vm of layer.vms) {
    // Where a key was written does not change the image, nor do the verify checks run on it afterwards; everything else may.
    const { positions: _positions, verify: _verify, ...vmConfig } = vm;
    both(config, JSON.stringify(vmConfig) + '\0');
    for (const file of localInputs(build, vm)) {
      both(files, `file ${path.relative(build.dir, file)}\0`);
      for (const [rel, digest] of await hashTree(file, memo)) both(files, `${rel} ${digest}\0`);
    }
    if (vm.source.kind === 'from') {
      const parent = `${vm.source.layer}/${vm.source.vm}`;
      const digest = parents.get(parent) ?? 'unknown';
      hash.update(`parent ${digest}\0`);
      parts.parents[parent] = digest;
    }
    const pinned = sourceDigests.get(vm.name);
    if (pinned) {
      hash.update(`source ${pinned}\0`);
      parts.sources[vm.name] = { reference: vm.source.kind === 'containerDisk' ? vm.source.image : vm.source.kind, digest: pinned };
    }
  }
  parts.config = config.digest('hex');
  parts.files = files.digest('hex');
  return { key: hash.digest('hex'), parts };
}
