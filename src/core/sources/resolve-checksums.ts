/**
 * `checksum: file:…` → the digest it names, for every url and iso source of a build, before
 * anything else happens: so a missing, unsigned or tampered checksum file stops the build before
 * any VM starts, and the layer key holds the digest itself (a republished checksum file with a new
 * digest rebuilds the layer). Packer does the same at config time (packer-plugin-sdk
 * multistep/commonsteps/iso_config.go, Prepare: "failing early if a checksum is incorrect").
 *
 * With `checksumSignature` and `checksumKeyring`, the checksum file must carry a good signature by
 * a key of that keyring (checksum-signature.ts) before any line of it is read.
 */
import path from 'node:path';
import type { Build, Checksum, ChecksumFile, SourcePosition, Vm } from '../config/model.js';
import { BuildFileError, type BuildProblem } from '../config/problems.js';
import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { parseChecksumList, pickChecksum } from './checksum-list.js';
import { verifyDetachedSignature, type GoodSignature } from './checksum-signature.js';
import { isChecksumFile } from './known-checksum.js';
import { readSmallFile } from './small-file.js';

export interface ResolveChecksumsOptions {
  logger: Logger;
  signal: AbortSignal;
  env?: NodeJS.ProcessEnv;
}

/** Where a checksum file came from, for logs and the manifest. */
export interface ResolvedChecksum {
  vm: string;
  checksum: Checksum;
  file: string;
  line: number;
  signedBy?: GoodSignature;
}

/** A short name for messages: the URL as written, or the path relative to the build file's folder. */
function shown(location: string, build: Build): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return location;
  const rel = path.relative(build.dir, location);
  return rel && !rel.startsWith('..') ? rel : location;
}

/**
 * Replaces every ChecksumFile in `build` (in place) by the digest it names. Throws a
 * BuildFileError naming each source whose checksum file cannot be read, verified or searched.
 */
export async function resolveSourceChecksums(build: Build, options: ResolveChecksumsOptions): Promise<ResolvedChecksum[]> {
  const files = new Map<string, Promise<Buffer>>();
  const read = (location: string) => {
    let p = files.get(location);
    if (!p) {
      p = readSmallFile(location, options.signal);
      p.catch(() => undefined);
      files.set(location, p);
    }
    return p;
  };
  const verified = new Map<string, Promise<GoodSignature>>();
  const problems: BuildProblem[] = [];
  const resolved: ResolvedChecksum[] = [];

  for (const [li, layer] of build.layers.entries()) {
    for (const [vi, vm] of layer.vms.entries()) {
      const source = vm.source;
      if ((source.kind !== 'url' && source.kind !== 'iso') || !isChecksumFile(source.checksum)) continue;
      const ref = source.checksum;
      const base = source.kind === 'iso' ? 'source.iso' : 'source';
      const report = (field: string, message: string) => problems.push(located(build, vm, li, vi, `${base}.${field}`, message));
      const fileName = shown(ref.file, build);
      let text: Buffer;
      try {
        text = await read(ref.file);
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        report('checksum', `checksum file ${fileName} ${err.message}`);
        continue;
      }
      let signedBy: GoodSignature | undefined;
      if (ref.signature !== undefined && ref.keyring !== undefined) {
        const key = `${ref.file}\0${ref.signature}\0${ref.keyring}`;
        let check = verified.get(key);
        if (!check) {
          check = verify(ref, text, build, read, options);
          check.catch(() => undefined);
          verified.set(key, check);
        }
        try {
          signedBy = await check;
        } catch (err) {
          if (!(err instanceof UserError)) throw err;
          report('checksumSignature', err.message);
          continue;
        }
      }
      const list = parseChecksumList(text.toString('utf8'));
      const picked = pickChecksum(list, source.url);
      if ('error' in picked) {
        report('checksum', `checksum file ${fileName}: ${picked.error}`);
        continue;
      }
      source.checksum = picked.checksum;
      const entry = { vm: `${layer.name}/${vm.name}`, checksum: picked.checksum, file: ref.file, line: picked.entry.line, ...(signedBy ? { signedBy } : {}) };
      resolved.push(entry);
      const by = signedBy ? `, signed by ${signedBy.userId} (${signedBy.primaryFingerprint})` : '';
      options.logger.info(`source ${entry.vm}: ${picked.checksum.algorithm}:${picked.checksum.hex} from ${fileName} line ${picked.entry.line}${by}`);
    }
  }
  if (problems.length > 0) throw new BuildFileError(problems);
  return resolved;
}

async function verify(ref: ChecksumFile, data: Buffer, build: Build, read: (l: string) => Promise<Buffer>, options: ResolveChecksumsOptions): Promise<GoodSignature> {
  const sigName = shown(ref.signature!, build);
  const fileName = shown(ref.file, build);
  const keyring = shown(ref.keyring!, build);
  let signature: Buffer;
  try {
    signature = await read(ref.signature!);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UserError(`signature ${sigName} ${err.message}`);
  }
  let verdict;
  try {
    verdict = await verifyDetachedSignature({ data, signature, keyring: ref.keyring!, signal: options.signal, ...(options.env ? { env: options.env } : {}) });
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UserError(`signature ${sigName} of ${fileName} could not be checked: ${err.message}`);
  }
  if ('bad' in verdict) throw new UserError(`signature ${sigName} of checksum file ${fileName} is refused with keyring ${keyring}: ${verdict.bad}`);
  return verdict.good;
}

function located(build: Build, vm: Vm, li: number, vi: number, field: string, message: string): BuildProblem {
  const positions = vm.positions ?? {};
  let key = field;
  let pos: SourcePosition | undefined = positions[key];
  while (!pos && key.includes('.')) {
    key = key.slice(0, key.lastIndexOf('.'));
    pos = positions[key];
  }
  return { file: pos?.file ?? build.file, line: pos?.line ?? 1, column: pos?.column ?? 1, path: `layers[${li}].vms[${vi}].${field}`, message };
}
