/**
 * pullContainerDisk: a containerDisk image reference → the disk it carries, on this machine.
 * The same registry client publish uses (credentials from flags, the environment or the docker
 * config and its helpers; --ca-file / --insecure; plain http on loopback; token auth; retries),
 * reading instead of writing:
 *  1. resolve the reference to a manifest digest (from an index: the build's platform, and we say
 *     which one was picked);
 *  2. when that digest is cached (disk-cache.ts), use it — no layer is read;
 *  3. otherwise stream every layer once, each verified against its digest as it arrives and
 *     resumed where it broke off, into extract-disk.ts, which keeps the single file under /disk;
 *  4. store it in the cache by digest and remember what the reference resolved to, so a later
 *     build without the registry still finds it.
 * The digest (not the tag) is what a layer key and the manifest record, so a moved tag is noticed.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { abortReason } from '../../abort.js';
import { UserError } from '../../errors.js';
import { withLock } from '../../file-lock.js';
import { formatBytes, type Logger, type SecretMasker } from '../../log.js';
import { isSha256Digest, type Descriptor, type Digest } from '../digest.js';
import { classifyDiskHeader, DiskFormatError } from '../disk-format.js';
import { DOCKER_MANIFEST, isIndexType, OCI_MANIFEST } from '../media-types.js';
import { DEFAULT_PLATFORM, formatPlatform, parsePlatform, type Platform } from '../platform.js';
import type { RegistryAuthOptions } from '../publish.js';
import { ImageReferenceError, parseImageReference, type ImageReference } from '../reference.js';
import { RegistryClient } from '../registry/client.js';
import { CredentialError, resolveCredential } from '../registry/credentials.js';
import { HttpNetworkError } from '../registry/http.js';
import { RegistryError } from '../registry/registry-error.js';
import type { RetryPolicy } from '../registry/retry.js';
import { streamBlob } from './blob-stream.js';
import { ContainerDiskCache, defaultContainerDiskCacheDir, type CachedDisk } from './disk-cache.js';
import { ContainerDiskContentError, extractContainerDisk, type LayerSource } from './extract-disk.js';
import { layerCompressionOf, LAYER_MEDIA_TYPES } from './layer-media.js';
import { PlatformNotFoundError, selectPlatform } from './select-platform.js';

export interface ContainerDiskPullOptions {
  /** registry/repository[:tag][@digest]; no tag means latest. */
  image: string;
  /** Which manifest of an index to use; default linux/amd64. */
  platform?: Platform | string;
  /** The containerdisks cache folder; default defaultContainerDiskCacheDir(env). */
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
  logger: Logger;
  signal?: AbortSignal;
  /** Plain http and unverified TLS for a registry that is not on loopback. */
  insecure?: boolean;
  /** PEM file of CA certificates to trust. */
  caFile?: string;
  auth?: RegistryAuthOptions;
  /** Secrets found (passwords, tokens) are added here so no log line can show them. */
  masker?: Pick<SecretMasker, 'add'>;
  /** How often progress lines are written while layers stream (default 5 s). */
  progressIntervalMs?: number;
  retry?: RetryPolicy;
  /**
   * What the reference resolved to earlier in this build (resolveContainerDisk), so the disk pulled
   * is the one a layer key was computed from even if the tag moves in between.
   */
  resolved?: ResolvedContainerDisk;
}

export interface ResolvedContainerDisk {
  image: string;
  /** What the reference names at the registry: the index for a multi-platform image, else the manifest. */
  referenceDigest: Digest;
  /** The manifest whose layers hold the disk: the cache key and the layer-key input. */
  digest: Digest;
  /** The platform picked from an index (undefined for a single-manifest image). */
  platform?: string;
  /** True when the registry could not be reached and the cache's last resolution was used. */
  offline: boolean;
}

export interface PulledContainerDisk extends ResolvedContainerDisk {
  /** The extracted disk file (inside the cache: use it read-only, e.g. as a backing file). */
  path: string;
  /** Its name under /disk. */
  name: string;
  sha256: string;
  size: number;
  format: 'qcow2' | 'raw';
  fromCache: boolean;
}

interface ParsedManifest {
  layers: Descriptor[];
}

const MAX_INDEX_DEPTH = 2;

function toUserError(err: unknown, image: string): never {
  if (err instanceof UserError) throw err;
  if (
    err instanceof RegistryError ||
    err instanceof CredentialError ||
    err instanceof ContainerDiskContentError ||
    err instanceof PlatformNotFoundError ||
    err instanceof DiskFormatError ||
    err instanceof ImageReferenceError ||
    err instanceof HttpNetworkError
  ) {
    // The client names publish's flags; a build takes the same settings from its environment.
    const message = err.message.replace(
      "pass the registry's CA with --ca-file, or --insecure to skip verification",
      "trust the registry's CA with --ca-file (publish) or RUDDERVIRT_REGISTRY_CA_FILE (build), or skip verification with --insecure or RUDDERVIRT_REGISTRY_INSECURE=true",
    );
    throw new UserError(message.includes(image) ? `containerDisk ${message}` : `containerDisk ${image}: ${message}`);
  }
  throw err;
}

/** Could not talk to the registry at all (as opposed to: it answered no). */
function isUnreachable(err: unknown): boolean {
  return err instanceof HttpNetworkError || (err instanceof RegistryError && err.status === 0);
}

/** One pull's registry connection and cache, closed by close(). */
class PullSession {
  readonly ref: ImageReference;
  readonly platform: Platform;
  readonly cache: ContainerDiskCache;
  private client: RegistryClient | undefined;
  /** Manifests read while resolving, by digest, so the pull does not read them twice. */
  readonly manifests = new Map<Digest, Buffer>();

  constructor(readonly opts: ContainerDiskPullOptions) {
    try {
      this.ref = parseImageReference(opts.image);
    } catch (err) {
      toUserError(err, opts.image);
    }
    try {
      this.platform = typeof opts.platform === 'string' ? parsePlatform(opts.platform) : (opts.platform ?? DEFAULT_PLATFORM);
    } catch (err) {
      throw new UserError(`containerDisk ${opts.image}: ${(err as Error).message}`);
    }
    this.cache = new ContainerDiskCache(opts.cacheDir ?? defaultContainerDiskCacheDir(opts.env));
  }

  get image(): string {
    return this.opts.image;
  }

  async connect(): Promise<RegistryClient> {
    if (this.client) return this.client;
    const { opts, ref } = this;
    const ca = opts.caFile
      ? await readFile(opts.caFile).catch((err: NodeJS.ErrnoException) => {
          throw new UserError(`${opts.caFile}: cannot read the CA file (${err.code ?? String(err)})`);
        })
      : undefined;
    const resolved = await resolveCredential(ref.registry, {
      ...opts.auth,
      env: opts.env ?? process.env,
      logger: opts.logger,
      ...(opts.signal ? { signal: opts.signal } : {}),
      onSecret: (s) => opts.masker?.add(s),
    });
    opts.logger.debug(`${ref.registry}: credentials: ${resolved.source}`);
    this.client = new RegistryClient({
      registry: ref.registry,
      ...(opts.insecure !== undefined ? { insecure: opts.insecure } : {}),
      ...(ca ? { ca } : {}),
      ...(resolved.credential ? { credential: resolved.credential } : {}),
      credentialSource: resolved.source,
      logger: opts.logger,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.retry ? { retry: opts.retry } : {}),
      onSecret: (s) => opts.masker?.add(s),
    });
    await this.client.connect();
    return this.client;
  }

  close(): void {
    this.client?.close();
  }

  private async manifest(reference: string): Promise<{ mediaType: string; digest: Digest; body: Buffer }> {
    const client = await this.connect();
    const got = await client.getManifest(this.ref.repository, reference);
    if (!got) throw new RegistryError(`${this.image}: the registry has no manifest ${reference} in ${this.ref.repository}`, 404);
    this.manifests.set(got.digest, got.body);
    return got;
  }

  async resolve(): Promise<ResolvedContainerDisk> {
    const { ref, image, platform } = this;
    const platformKey = formatPlatform(platform);
    if (ref.digest) {
      // A digest never moves: what it resolved to once holds for good.
      const known = await this.cache.lastResolved(image, platformKey);
      if (known && (await this.cache.lookup(known.digest)))
        return {
          image,
          referenceDigest: known.referenceDigest,
          digest: known.digest,
          ...(known.platform ? { platform: known.platform } : {}),
          offline: false,
        };
      if (!isSha256Digest(ref.digest)) throw new UserError(`containerDisk ${image}: only sha256 digests can be verified`);
    }
    let top;
    try {
      top = await this.manifest(ref.digest ?? ref.tag ?? 'latest');
    } catch (err) {
      if (!isUnreachable(err)) throw err;
      const known = await this.cache.lastResolved(image, platformKey);
      if (!known || !(await this.cache.lookup(known.digest))) throw err;
      this.opts.logger.warn(`containerDisk ${image}: the registry cannot be reached (${(err as Error).message}); using ${known.digest}, what it resolved to on ${known.resolvedAt}, from the cache`);
      return {
        image,
        referenceDigest: known.referenceDigest,
        digest: known.digest,
        ...(known.platform ? { platform: known.platform } : {}),
        offline: true,
      };
    }
    let current = top;
    let picked: string | undefined;
    for (let depth = 0; isIndexType(current.mediaType); depth++) {
      if (depth >= MAX_INDEX_DEPTH) throw new ContainerDiskContentError(`${image}: image indexes nest deeper than ${MAX_INDEX_DEPTH}`);
      const index = JSON.parse(current.body.toString('utf8')) as {
        manifests?: Descriptor[];
      };
      const choice = selectPlatform(index.manifests ?? [], platform, image);
      picked = choice.platform;
      this.opts.logger.info(`containerDisk ${image}: picked ${choice.platform} (${choice.descriptor.digest}) from an index of ${(index.manifests ?? []).length} manifests`);
      current = await this.manifest(choice.descriptor.digest);
    }
    if (current.mediaType !== OCI_MANIFEST && current.mediaType !== DOCKER_MANIFEST) {
      throw new ContainerDiskContentError(`${image}: the registry answered a '${current.mediaType || 'unknown'}' document, not an image manifest (expected ${OCI_MANIFEST} or ${DOCKER_MANIFEST})`);
    }
    return {
      image,
      referenceDigest: top.digest,
      digest: current.digest,
      ...(picked ? { platform: picked } : {}),
      offline: false,
    };
  }

  async parsedManifest(digest: Digest): Promise<ParsedManifest> {
    const body = this.manifests.get(digest) ?? (await this.manifest(digest)).body;
    const doc = JSON.parse(body.toString('utf8')) as { layers?: Descriptor[] };
    const layers = doc.layers ?? [];
    if (layers.length === 0) throw new ContainerDiskContentError(`${this.image}: manifest ${digest} has no layers, so no disk`);
    for (const [i, l] of layers.entries()) {
      if (!layerCompressionOf(l.mediaType)) {
        throw new ContainerDiskContentError(`${this.image}: layer ${i + 1} (${l.digest}) has media type '${l.mediaType}', which is not an image layer (expected one of ${LAYER_MEDIA_TYPES.join(', ')})`);
      }
      if (!isSha256Digest(l.digest) || !Number.isSafeInteger(l.size) || l.size < 0) throw new ContainerDiskContentError(`${this.image}: layer ${i + 1} has no valid sha256 digest and size`);
    }
    return { layers };
  }
}

/** Lines like "pull guest:latest 12.0 MiB / 40.0 MiB (30.0%) 85.3 MB/s", at most one per interval. */
class PullProgress {
  private readonly started = Date.now();
  private last = Date.now();
  private done = 0;
  constructor(
    private readonly logger: Logger,
    private readonly phase: string,
    private readonly total: number,
    private readonly intervalMs: number,
  ) {}

  add(bytes: number): void {
    this.done += bytes;
    if (Date.now() - this.last >= this.intervalMs) this.report();
  }

  private rate(): string {
    const seconds = Math.max((Date.now() - this.started) / 1000, 0.001);
    return `${(this.done / seconds / 1e6).toFixed(1)} MB/s`;
  }

  report(): void {
    this.last = Date.now();
    this.logger.progress({
      phase: this.phase,
      done: this.done,
      total: this.total,
      unit: 'bytes',
      message: this.rate(),
    });
  }
}

async function diskFormat(file: string, image: string, name: string): Promise<'qcow2' | 'raw'> {
  const fh = await open(file, 'r');
  try {
    const header = Buffer.alloc(512);
    const { bytesRead } = await fh.read(header, 0, header.length, 0);
    if (bytesRead === 0) throw new ContainerDiskContentError(`${image}: /disk/${name} is empty`);
    return classifyDiskHeader(`${image}: /disk/${name}`, header.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

/** The reference's current digest (from the registry; from the cache when the registry is unreachable), without pulling layers. */
export async function resolveContainerDisk(opts: ContainerDiskPullOptions): Promise<ResolvedContainerDisk> {
  const session = new PullSession(opts);
  try {
    return await session.resolve();
  } catch (err) {
    if (opts.signal?.aborted) throw abortReason(opts.signal);
    toUserError(err, opts.image);
  } finally {
    session.close();
  }
}

export async function pullContainerDisk(opts: ContainerDiskPullOptions): Promise<PulledContainerDisk> {
  const session = new PullSession(opts);
  const { logger, image } = { logger: opts.logger, image: opts.image };
  try {
    const resolved = opts.resolved ?? (await session.resolve());
    const cached = await session.cache.lookup(resolved.digest);
    if (cached) {
      logger.info(`containerDisk ${image}: using the cached disk ${cached.path} (${resolved.digest}, ${formatBytes(cached.size)})`);
      await remember(session, resolved);
      return pulled(resolved, cached, true);
    }
    if (resolved.offline) throw new RegistryError(`${image}: the registry cannot be reached and ${resolved.digest} is not in the cache`, 0);
    // One build at a time extracts into an entry: a second build pulling the same digest waits,
    // then finds the first one's disk instead of pulling every layer again beside it.
    await mkdir(session.cache.dir, { recursive: true });
    return await withLock(
      session.cache.lockFile(resolved.digest),
      async () => {
        const theirs = await session.cache.lookup(resolved.digest);
        if (theirs) {
          logger.info(`containerDisk ${image}: using the disk another build just pulled, ${theirs.path} (${resolved.digest})`);
          await remember(session, resolved);
          return pulled(resolved, theirs, true);
        }
        return pullIntoCache(session, resolved, opts);
      },
      {
        ...(opts.signal ? { signal: opts.signal } : {}),
        onWait: (owner) => logger.info(`containerDisk ${image}: another build (pid ${owner.pid}) is pulling ${resolved.digest} into the cache; waiting for it`),
      },
    );
  } catch (err) {
    // Cancelled: the caller's reason, not whichever stream noticed first.
    if (opts.signal?.aborted) throw abortReason(opts.signal);
    toUserError(err, image);
  } finally {
    session.close();
  }
}

/** Pulls the layers of `resolved` and extracts its disk into the cache (the caller holds the entry's lock). */
async function pullIntoCache(session: PullSession, resolved: ResolvedContainerDisk, opts: ContainerDiskPullOptions): Promise<PulledContainerDisk> {
  const { logger, image } = opts;
  const { layers } = await session.parsedManifest(resolved.digest);
  const client = await session.connect();
  const total = layers.reduce((n, l) => n + l.size, 0);
  logger.info(`containerDisk ${image}: pulling ${resolved.digest} (${layers.length} layer${layers.length === 1 ? '' : 's'}, ${formatBytes(total)})`);
  const progress = new PullProgress(logger, `pull ${image}`, total, opts.progressIntervalMs ?? 5000);
  const sources: LayerSource[] = layers.map((l, i) => ({
    label: `layer ${i + 1}/${layers.length} (${l.digest})`,
    compression: layerCompressionOf(l.mediaType)!,
    open: () => {
      let seen = 0;
      return streamBlob({
        client,
        repo: session.ref.repository,
        blob: l,
        image,
        logger,
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.retry ? { retry: opts.retry } : {}),
        onBytes: (received) => {
          // A resumed read starts again below what we counted; count only new bytes.
          if (received > seen) progress.add(received - seen);
          seen = Math.max(seen, received);
        },
      });
    },
  }));
  const staging = await session.cache.staging();
  try {
    const started = Date.now();
    const disk = await extractContainerDisk(sources, staging, image, opts.signal);
    progress.report();
    const format = await diskFormat(disk.file, image, disk.name);
    const stored = await session.cache.store(staging, disk.file, {
      image,
      digest: resolved.digest,
      ...(resolved.referenceDigest !== resolved.digest ? { indexDigest: resolved.referenceDigest } : {}),
      ...(resolved.platform ? { platform: resolved.platform } : {}),
      file: disk.name,
      size: disk.size,
      sha256: disk.sha256,
      format,
      pulledAt: new Date().toISOString(),
    });
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    logger.info(
      `containerDisk ${image}: extracted /disk/${disk.name} (${format}, ${formatBytes(disk.size)}, sha256:${disk.sha256}) in ${seconds.toFixed(1)}s, ${(total / seconds / 1e6).toFixed(1)} MB/s from the registry`,
    );
    await remember(session, resolved);
    return pulled(resolved, stored, false);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function remember(session: PullSession, resolved: ResolvedContainerDisk): Promise<void> {
  if (resolved.offline) return;
  await session.cache.rememberTag(
    {
      image: resolved.image,
      referenceDigest: resolved.referenceDigest,
      digest: resolved.digest,
      ...(resolved.platform ? { platform: resolved.platform } : {}),
      resolvedAt: new Date().toISOString(),
    },
    formatPlatform(session.platform),
  );
}

function pulled(resolved: ResolvedContainerDisk, disk: CachedDisk, fromCache: boolean): PulledContainerDisk {
  return {
    ...resolved,
    path: disk.path,
    name: disk.file,
    sha256: disk.sha256,
    size: disk.size,
    format: disk.format,
    fromCache,
  };
}
