/**
 * containerDisk sources as an engine sees them: the digest a reference names now (for the layer
 * key, before anything is pulled), then the disk itself. One instance serves one engine, and the
 * digest resolved for a reference is the one pulled later in the same build, even if the tag
 * moves in between — the layer key and the disk it describes always agree.
 */
import type { Vm } from '../../config/model.js';
import type { SourceDigest } from '../../engine.js';
import { SecretMasker, type Logger } from '../../log.js';
import { pullContainerDisk, resolveContainerDisk, type ContainerDiskPullOptions, type PulledContainerDisk, type ResolvedContainerDisk } from './pull.js';

export interface ContainerDiskSource {
  /** What the reference resolves to now (or last time, from the cache, when the registry is unreachable). */
  resolve(image: string, logger: Logger, signal: AbortSignal): Promise<ResolvedContainerDisk>;
  /** The extracted disk, from the cache when its digest is there. */
  pull(image: string, logger: Logger, signal: AbortSignal): Promise<PulledContainerDisk>;
}

/** Registry and cache settings shared by every pull; the image, logger and signal come per call. */
export type ContainerDiskSettings = Omit<ContainerDiskPullOptions, 'image' | 'logger' | 'signal' | 'resolved'>;

/**
 * Registry passwords and tokens found while pulling go to the masker of the logger the build
 * writes to (the CLI's and the actions' loggers carry one; the actions' also tell the runner).
 */
export function secretsOf(logger: Logger): Pick<SecretMasker, 'add'> | undefined {
  const l = logger as Logger & { addSecret?: (s: string | undefined) => void; masker?: SecretMasker };
  if (typeof l.addSecret === 'function') return { add: (s) => l.addSecret!(s) };
  return l.masker instanceof SecretMasker ? l.masker : undefined;
}

/**
 * The registry settings a build takes from its environment, where publish takes flags:
 * RUDDERVIRT_REGISTRY_CA_FILE (PEM CAs to trust) and RUDDERVIRT_REGISTRY_INSECURE=true (plain
 * http and unverified TLS off loopback). Credentials come from the environment and docker config
 * as for publish (registry/credentials.ts).
 */
export function containerDiskSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): ContainerDiskSettings {
  return {
    env,
    ...(env.RUDDERVIRT_REGISTRY_CA_FILE ? { caFile: env.RUDDERVIRT_REGISTRY_CA_FILE } : {}),
    ...(/^(1|true|yes)$/i.test(env.RUDDERVIRT_REGISTRY_INSECURE ?? '') ? { insecure: true } : {}),
  };
}

export function createContainerDiskSource(settings: ContainerDiskSettings = {}): ContainerDiskSource {
  const resolved = new Map<string, Promise<ResolvedContainerDisk>>();
  const withMasker = (logger: Logger) => {
    const masker = settings.masker ?? secretsOf(logger);
    return masker ? { masker } : {};
  };
  const resolve = (image: string, logger: Logger, signal: AbortSignal) => {
    let r = resolved.get(image);
    if (!r) {
      r = resolveContainerDisk({ ...settings, ...withMasker(logger), image, logger, signal });
      resolved.set(image, r);
      // A failed resolution is not remembered: the next caller tries again.
      r.catch(() => resolved.delete(image));
    }
    return r;
  };
  // VMs of one layer that start from the same image share one pull rather than race two.
  const pulls = new Map<string, Promise<PulledContainerDisk>>();
  return {
    resolve,
    pull(image, logger, signal) {
      let p = pulls.get(image);
      if (!p) {
        p = resolve(image, logger, signal).then((pinned) => pullContainerDisk({ ...settings, ...withMasker(logger), image, logger, signal, resolved: pinned }));
        pulls.set(image, p);
        p.catch(() => pulls.delete(image));
      }
      return p;
    },
  };
}

/**
 * Engine.sourceDigest for engines that pull containerDisks through `source`: the manifest digest a
 * VM's containerDisk reference names now (an index resolved to this platform's manifest), or
 * undefined for other kinds of source. The layer key records it, so a moved tag rebuilds the layer.
 */
export async function containerDiskDigest(source: ContainerDiskSource, vm: Vm, logger: Logger, signal: AbortSignal): Promise<SourceDigest | undefined> {
  if (vm.source.kind !== 'containerDisk') return undefined;
  const r = await source.resolve(vm.source.image, logger, signal);
  return { reference: vm.source.image, digest: r.digest, ...(r.referenceDigest !== r.digest ? { indexDigest: r.referenceDigest } : {}), ...(r.platform ? { platform: r.platform } : {}) };
}
