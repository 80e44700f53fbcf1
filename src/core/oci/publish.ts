/**
 * publishContainerDisk: a disk file (or one per platform) → a KubeVirt containerDisk image pushed to
 * every given reference, or written to an OCI layout. The GitHub action, `ruddervirt publish` and
 * `ruddervirt build` all call this.
 *
 * Order of work, chosen so nothing is sent twice:
 *  1. read what each tag holds now; if an image there carries the same `shasum` label (the disk's
 *     sha256) and compression, its layer is reused and the disk is never compressed;
 *  2. otherwise stream the layer once per registry (cross-repository mounts cover the other
 *     repositories of that registry);
 *  3. push the config, the manifest(s), the index, and tag; a tag already pointing at the same
 *     digest is left alone.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../errors.js';
import type { Logger, SecretMasker } from '../log.js';
import { DEFAULT_LEVEL, defaultConcurrency, LEVEL_RANGE } from './block-compressor.js';
import { sha256File } from './disk-digest.js';
import { DiskFormatError, inspectDisk, type DiskInfo } from './disk-format.js';
import { streamDiskLayer, diskLayerTarSize, type LayerDigests } from './disk-layer.js';
import type { Descriptor, Digest } from './digest.js';
import type { ExistingTag } from './existing-image.js';
import { buildImageConfig, buildIndex, buildManifest, OCI_ANNOTATION, SHASUM_LABEL, type Blob, type ExistingImage } from './image-documents.js';
import type { ImageTarget } from './image-target.js';
import { layerCompression, mediaTypesFor, type Compression, type ManifestFormat } from './media-types.js';
import { OciLayoutError, OciLayoutTarget } from './oci-layout.js';
import { DEFAULT_PLATFORM, formatPlatform, parsePlatform, type Platform } from './platform.js';
import { ImageReferenceError, parseImageReference, type ImageReference } from './reference.js';
import { RegistryClient } from './registry/client.js';
import { CredentialError, resolveCredential } from './registry/credentials.js';
import { HttpNetworkError } from './registry/http.js';
import { RegistryError } from './registry/registry-error.js';
import { RegistryTarget } from './registry-target.js';
import { attachReferrer, type AttachedReferrer, type ReferrerDocument } from './referrers.js';
import { TransferProgress } from './transfer-progress.js';

export interface PlatformDisk {
  path: string;
  platform: Platform | string;
}

export interface RegistryAuthOptions {
  username?: string;
  password?: string;
  /** A docker config.json to read instead of $DOCKER_CONFIG/config.json or ~/.docker/config.json. */
  dockerConfig?: string;
}

export interface BuildInfo {
  /** org.opencontainers.image.source, e.g. the repository URL. */
  source?: string;
  /** org.opencontainers.image.revision, e.g. the commit. */
  revision?: string;
  /** org.opencontainers.image.created (RFC 3339); default SOURCE_DATE_EPOCH, else the disk's mtime. */
  created?: string;
  /** org.opencontainers.image.title. */
  title?: string;
}

export interface PublishOptions {
  /** One disk (with `platform`), or one disk per platform for a multi-platform index. */
  disk: string | readonly PlatformDisk[];
  /** Where to push: registry/repo:tag …; with `ociLayout`, the tags to write (a bare tag is fine). */
  refs: readonly string[];
  labels?: Record<string, string>;
  compression?: Compression;
  compressionLevel?: number;
  platform?: Platform | string;
  format?: ManifestFormat;
  /** Plain http and unverified TLS for registries off loopback (loopback gets plain http anyway). */
  insecure?: boolean;
  /** PEM file of CA certificates to trust. */
  caFile?: string;
  auth?: RegistryAuthOptions;
  build?: BuildInfo;
  /** Write an OCI layout directory instead of pushing. */
  ociLayout?: string;
  /** Documents to attach to the pushed image as OCI referrers (an SBOM): pushed after the tags, to every registry target. */
  referrers?: readonly ReferrerDocument[];
  logger: Logger;
  signal?: AbortSignal;
  /** Secrets found (passwords, tokens) are added here so no log line can show them. */
  masker?: SecretMasker;
  env?: NodeJS.ProcessEnv;
  /** How often progress is reported: a few times a second on a terminal, every few seconds in CI. */
  progressIntervalMs?: number;
  /** Tuning, mostly for tests. */
  blockSize?: number;
  concurrency?: number;
}

export interface PublishResult {
  /** The digest the tags point at: the manifest, or the index for several platforms. */
  digest: Digest;
  mediaType: string;
  /** Every reference written, fully qualified. */
  refs: string[];
  /** Compressed layer bytes the registries acknowledged, restarts included (0 when every layer was reused). */
  uploadedBytes: number;
  layers: { platform: string; digest: Digest; size: number; diffId: Digest; reused: boolean }[];
  /** The referrers attached, per registry repository. */
  referrers: (AttachedReferrer & { repository: string })[];
}

interface DiskJob {
  path: string;
  platform: Platform;
  info: DiskInfo;
  diskDigest?: Digest;
}

interface LayerResult {
  descriptor: Descriptor;
  diffId: Digest;
  diskDigest: Digest;
  reused: boolean;
}

/** A reused layer turned out not to be the bytes this disk compresses to. */
class ForeignLayer extends Error {
  override name = 'ForeignLayer';
}

function userError(err: unknown): never {
  if (err instanceof UserError) throw err;
  if (err instanceof RegistryError || err instanceof CredentialError || err instanceof DiskFormatError || err instanceof ImageReferenceError || err instanceof OciLayoutError) {
    throw new UserError(err.message);
  }
  // Retries are done by now (registry/retry.ts): the registry cannot be reached, a setup matter.
  if (err instanceof HttpNetworkError) throw new UserError(`cannot reach the registry: ${err.message}; check the address, the port and that it is running`);
  throw err;
}

function toPlatform(value: Platform | string, what: string): Platform {
  if (typeof value !== 'string') return value;
  try {
    return parsePlatform(value);
  } catch (err) {
    throw new UserError(`${what}: ${(err as Error).message}`);
  }
}

function createdTime(opts: PublishOptions, jobs: DiskJob[]): string {
  if (opts.build?.created) {
    const t = Date.parse(opts.build.created);
    if (Number.isNaN(t)) throw new UserError(`created time '${opts.build.created}' is not an RFC 3339 date`);
    return new Date(t).toISOString().replace(/\.000Z$/, 'Z');
  }
  const epoch = (opts.env ?? process.env).SOURCE_DATE_EPOCH;
  if (epoch !== undefined && epoch !== '') {
    if (!/^\d+$/.test(epoch)) throw new UserError(`SOURCE_DATE_EPOCH='${epoch}' is not a number of seconds`);
    return new Date(Number(epoch) * 1000).toISOString().replace(/\.000Z$/, 'Z');
  }
  // The newest disk's mtime: the same files published again give the same config, so nothing changes.
  return new Date(Math.max(...jobs.map((j) => j.info.mtime)) * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

const LABEL_KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

function checkOptions(opts: PublishOptions): { compression: Compression; level: number; format: ManifestFormat } {
  const compression = opts.compression ?? 'gzip';
  if (compression !== 'gzip' && compression !== 'zstd') throw new UserError(`compression '${String(compression)}' is not supported (expected gzip or zstd)`);
  const format = opts.format ?? 'oci';
  if (format !== 'oci' && format !== 'docker') throw new UserError(`format '${String(format)}' is not supported (expected oci or docker)`);
  if (format === 'docker' && compression === 'zstd') {
    throw new UserError('the docker manifest format has no zstd layer type; use --format oci with zstd, or gzip');
  }
  const [lo, hi] = LEVEL_RANGE[compression];
  const level = opts.compressionLevel ?? DEFAULT_LEVEL[compression];
  if (!Number.isInteger(level) || level < lo || level > hi) throw new UserError(`${compression} level ${level} is out of range (expected ${lo}-${hi})`);
  for (const key of Object.keys(opts.labels ?? {})) {
    if (!LABEL_KEY.test(key)) throw new UserError(`label key '${key}' must start with a letter or digit and use only letters, digits, '.', '_', '/', '-'`);
  }
  if (opts.refs.length === 0 && !opts.ociLayout) throw new UserError('no image reference to push to');
  return { compression, level, format };
}

async function prepareDisks(opts: PublishOptions): Promise<DiskJob[]> {
  const entries: { path: string; platform: Platform }[] =
    typeof opts.disk === 'string'
      ? [{ path: opts.disk, platform: opts.platform === undefined ? DEFAULT_PLATFORM : toPlatform(opts.platform, 'platform') }]
      : opts.disk.map((d) => ({ path: d.path, platform: toPlatform(d.platform, `platform of ${d.path}`) }));
  if (entries.length === 0) throw new UserError('no disk to publish');
  const seen = new Set<string>();
  for (const e of entries) {
    const key = formatPlatform(e.platform);
    if (seen.has(key)) throw new UserError(`two disks are given for platform ${key}; an index holds one image per platform`);
    seen.add(key);
  }
  const jobs: DiskJob[] = [];
  for (const e of entries) {
    try {
      jobs.push({ ...e, info: await inspectDisk(e.path) });
    } catch (err) {
      userError(err);
    }
  }
  return jobs;
}

/** Groups references into targets: one per registry repository, holding all of its tags. */
function parseRefs(refs: readonly string[]): Map<string, { ref: ImageReference; tags: string[] }> {
  const groups = new Map<string, { ref: ImageReference; tags: string[] }>();
  for (const text of refs) {
    let ref: ImageReference;
    try {
      ref = parseImageReference(text);
    } catch (err) {
      userError(err);
    }
    if (ref.digest !== undefined) throw new UserError(`cannot push to '${text}': a digest reference names content, not a place; give a tag`);
    const key = `${ref.registry}/${ref.repository}`;
    const group = groups.get(key) ?? { ref, tags: [] };
    const tag = ref.tag ?? 'latest';
    if (!group.tags.includes(tag)) group.tags.push(tag);
    groups.set(key, group);
  }
  return groups;
}

/** A bare tag, or the tag of a full reference, for the ref.name of an OCI layout entry. */
function layoutTag(text: string): string {
  if (/^[\w][\w.-]{0,127}$/.test(text)) return text;
  try {
    return parseImageReference(text).tag ?? 'latest';
  } catch (err) {
    userError(err);
  }
}

export async function publishContainerDisk(opts: PublishOptions): Promise<PublishResult> {
  const { compression, level, format } = checkOptions(opts);
  const types = mediaTypesFor(format, compression);
  const jobs = await prepareDisks(opts);
  const created = createdTime(opts, jobs);
  const logger = opts.logger;
  const env = opts.env ?? process.env;
  const clients: RegistryClient[] = [];
  const targets: ImageTarget[] = [];
  try {
    if (opts.ociLayout) {
      const layout = new OciLayoutTarget(opts.ociLayout, opts.refs.length ? [...new Set(opts.refs.map(layoutTag))] : ['latest']);
      await layout.init().catch(userError);
      targets.push(layout);
    } else {
      const ca = opts.caFile ? await readCa(opts.caFile) : undefined;
      const byRegistry = new Map<string, RegistryClient>();
      for (const { ref, tags } of parseRefs(opts.refs).values()) {
        let client = byRegistry.get(ref.registry);
        if (!client) {
          const resolved = await resolveCredential(ref.registry, {
            ...opts.auth,
            env,
            logger,
            signal: opts.signal,
            onSecret: (s) => opts.masker?.add(s),
          }).catch(userError);
          logger.debug(`${ref.registry}: credentials: ${resolved.source}`);
          client = new RegistryClient({
            registry: ref.registry,
            insecure: opts.insecure,
            ca,
            credential: resolved.credential,
            credentialSource: resolved.source,
            logger,
            signal: opts.signal,
            onSecret: (s) => opts.masker?.add(s),
          });
          clients.push(client);
          byRegistry.set(ref.registry, client);
          await client.connect().catch(userError);
        }
        targets.push(new RegistryTarget(client, ref.repository, tags, { logger, signal: opts.signal }));
      }
    }
    return await new Publisher(opts, jobs, targets, { compression, level, types, created }).run().catch(userError);
  } finally {
    for (const c of clients) c.close();
  }
}

async function readCa(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new UserError(`${file}: cannot read the CA file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

class Publisher {
  private readonly existing = new Map<ImageTarget, Map<string, ExistingTag | undefined>>();
  private uploadedBytes = 0;

  constructor(
    private readonly opts: PublishOptions,
    private readonly jobs: DiskJob[],
    private readonly targets: ImageTarget[],
    private readonly settings: { compression: Compression; level: number; types: ReturnType<typeof mediaTypesFor>; created: string },
  ) {}

  private get logger(): Logger {
    return this.opts.logger;
  }

  async run(): Promise<PublishResult> {
    for (const target of this.targets) {
      const tags = new Map<string, ExistingTag | undefined>();
      for (const tag of target.tags) tags.set(tag, await target.readExisting(tag));
      this.existing.set(target, tags);
    }
    const created = this.settings.created;
    const images: { platform: Platform; manifest: Blob; layer: LayerResult }[] = [];
    for (const job of this.jobs) {
      const layer = await this.layerFor(job);
      const labels: Record<string, string> = { [OCI_ANNOTATION.created]: created };
      const build = this.opts.build ?? {};
      if (build.source) labels[OCI_ANNOTATION.source] = build.source;
      if (build.revision) labels[OCI_ANNOTATION.revision] = build.revision;
      if (build.title) labels[OCI_ANNOTATION.title] = build.title;
      Object.assign(labels, this.opts.labels);
      labels[SHASUM_LABEL] = layer.diskDigest.slice('sha256:'.length);
      const config = buildImageConfig({ platform: job.platform, created, labels, diffId: layer.diffId }, this.settings.types);
      const configHolders: ImageTarget[] = [];
      for (const target of this.targets) {
        if (!(await this.obtainWithoutSending(target, config.descriptor.digest, configHolders))) await target.putBlob(config);
        configHolders.push(target);
      }
      const annotations = Object.fromEntries(Object.entries(labels).filter(([k]) => k.startsWith('org.opencontainers.image.')));
      images.push({ platform: job.platform, manifest: buildManifest(config.descriptor, layer.descriptor, this.settings.types, annotations), layer });
    }
    let top: Blob;
    if (images.length === 1) {
      top = images[0]!.manifest;
    } else {
      for (const target of this.targets) for (const image of images) await target.putManifest(image.manifest.descriptor.digest, image.manifest);
      top = buildIndex(
        images.map((i) => ({ descriptor: i.manifest.descriptor, platform: i.platform })),
        this.settings.types,
        Object.fromEntries(Object.entries({ [OCI_ANNOTATION.created]: created, ...this.opts.labels }).filter(([k]) => k.startsWith('org.opencontainers.image.'))),
      );
    }
    const refs: string[] = [];
    for (const target of this.targets) {
      for (const tag of target.tags) {
        if (this.existing.get(target)?.get(tag)?.digest === top.descriptor.digest) {
          this.logger.info(`${target.refFor(tag)} is already up to date`);
        } else {
          await target.putManifest(tag, top);
          this.logger.info(`pushed ${target.refFor(tag)}`);
        }
        refs.push(target.refFor(tag));
      }
    }
    const referrers: PublishResult['referrers'] = [];
    for (const doc of this.opts.referrers ?? []) {
      for (const target of this.targets) {
        if (!(target instanceof RegistryTarget)) {
          this.logger.warn(`${target.name}: ${doc.artifactType} not attached (referrers are pushed to registries, not written to an OCI layout)`);
          continue;
        }
        const attached = await attachReferrer(target.client, target.repo, top.descriptor, doc);
        this.logger.info(
          `attached ${doc.artifactType} to ${target.refFor(top.descriptor.digest)} as ${attached.digest}${attached.fallbackTag ? ` (listed under tag ${attached.fallbackTag}: the registry has no referrers API)` : ''}`,
        );
        referrers.push({ ...attached, repository: target.name });
      }
    }
    return {
      referrers,
      digest: top.descriptor.digest,
      mediaType: top.descriptor.mediaType,
      refs,
      uploadedBytes: this.uploadedBytes,
      layers: images.map((i) => ({
        platform: formatPlatform(i.platform),
        digest: i.layer.descriptor.digest,
        size: i.layer.descriptor.size,
        diffId: i.layer.diffId,
        reused: i.layer.reused,
      })),
    };
  }

  /** An existing layer made from the same disk with the same compression, found in any target's tags. */
  private async reusable(job: DiskJob): Promise<{ image: ExistingImage; target: ImageTarget }[]> {
    const candidates: { image: ExistingImage; target: ImageTarget }[] = [];
    for (const [target, tags] of this.existing) {
      for (const tag of tags.values()) {
        for (const image of tag?.images ?? []) {
          if (image.shasum && layerCompression(image.layer.mediaType) === this.settings.compression) candidates.push({ image, target });
        }
      }
    }
    if (candidates.length === 0) return [];
    // Only now is the disk worth hashing: some tag carries a disk checksum to compare with.
    job.diskDigest ??= await sha256File(job.path, this.opts.signal);
    const hex = job.diskDigest.slice('sha256:'.length);
    return candidates.filter((c) => c.image.shasum === hex || c.image.shasum === job.diskDigest);
  }

  private async layerFor(job: DiskJob): Promise<LayerResult> {
    const platform = formatPlatform(job.platform);
    const reuse = await this.reusable(job);
    const first = reuse[0];
    if (first) {
      const reused: LayerResult = {
        descriptor: { mediaType: this.settings.types.layer, digest: first.image.layer.digest, size: first.image.layer.size },
        diffId: first.image.diffId,
        diskDigest: job.diskDigest!,
        reused: true,
      };
      this.logger.info(`${platform}: ${job.path} is unchanged (shasum label matches ${first.target.name}); reusing layer ${reused.descriptor.digest}`);
      const holders = reuse.filter((c) => c.image.layer.digest === reused.descriptor.digest).map((c) => c.target);
      try {
        return await this.placeLayer(job, reused, [...new Set(holders)]);
      } catch (err) {
        if (!(err instanceof ForeignLayer)) throw err;
        // The existing layer was made by another tool and some target cannot get it without a
        // copy we cannot make; publish our own layer everywhere instead, so all tags agree.
        this.logger.info(`${platform}: ${err.message}; sending a fresh layer to every target`);
      }
    }
    return this.placeLayer(job, undefined, []);
  }

  /** Makes `known` (or a freshly streamed layer) present in every target, sending it only where it must. */
  private async placeLayer(job: DiskJob, known: LayerResult | undefined, holders: ImageTarget[]): Promise<LayerResult> {
    let layer = known;
    for (const target of this.targets) {
      if (layer && (holders.includes(target) ? await target.hasBlob(layer.descriptor.digest) : await this.obtainWithoutSending(target, layer.descriptor.digest, holders))) {
        if (!holders.includes(target)) holders.push(target);
        continue;
      }
      const streamed = await this.stream(job, target);
      if (layer && streamed.descriptor.digest !== layer.descriptor.digest) {
        if (layer.reused) throw new ForeignLayer(`the existing layer ${layer.descriptor.digest} is not what this disk compresses to (${streamed.descriptor.digest})`);
        // Our output is deterministic; that is what lets one layer serve every target.
        throw new Error(`layer for ${formatPlatform(job.platform)} came out as ${streamed.descriptor.digest} for ${target.name} but ${layer.descriptor.digest} before`);
      }
      layer ??= streamed;
      holders.push(target);
    }
    if (!layer) throw new Error('no target to publish to');
    return layer;
  }

  private async obtainWithoutSending(target: ImageTarget, digest: Digest, holders: ImageTarget[]): Promise<boolean> {
    if (await target.hasBlob(digest)) return true;
    for (const from of holders) {
      if (from.group === target.group && (await target.linkBlob(digest, from))) {
        this.logger.info(`mounted ${digest} from ${from.name} into ${target.name}`);
        return true;
      }
    }
    return false;
  }

  private async stream(job: DiskJob, target: ImageTarget): Promise<LayerResult> {
    const platform = formatPlatform(job.platform);
    const total = job.info.size;
    const progress = new TransferProgress(this.logger, `${platform} layer → ${target.name}`, total, this.opts.progressIntervalMs ?? 10_000);
    this.logger.info(`${platform}: sending ${path.basename(job.path)} (${job.info.format}, ${total} bytes; tar ${diskLayerTarSize(job.info)} bytes) to ${target.name} as ${this.settings.compression}`);
    let last: ReturnType<typeof streamDiskLayer> | undefined;
    const started = Date.now();
    // Acknowledged bytes count per upload session; a restart starts from 0 again.
    let earlierSessions = 0;
    let thisSession = 0;
    const result = await target.streamLayer(
      () => {
        last = streamDiskLayer({
          path: job.path,
          disk: job.info,
          compression: this.settings.compression,
          level: this.settings.level,
          concurrency: this.opts.concurrency ?? defaultConcurrency(),
          blockSize: this.opts.blockSize,
          signal: this.opts.signal,
          onRead: (n) => progress.update(n, undefined),
        });
        const stream = last;
        return { chunks: stream.chunks, release: (piece) => stream.release(piece), digest: () => stream.digests().digest };
      },
      (sent) => {
        if (sent < thisSession) earlierSessions += thisSession;
        thisSession = sent;
        progress.update(undefined, earlierSessions + thisSession);
      },
    );
    progress.finish();
    const digests: LayerDigests = last!.digests();
    if (digests.digest !== result.digest) throw new Error(`layer digest mismatch: produced ${digests.digest}, stored ${result.digest}`);
    this.uploadedBytes += earlierSessions + thisSession;
    job.diskDigest = digests.diskDigest;
    const seconds = (Date.now() - started) / 1000;
    this.logger.info(
      `${platform}: layer ${result.digest} (${result.size} bytes) stored in ${target.name} in ${seconds.toFixed(1)}s` +
        (result.resumes ? `, ${result.resumes} resumed chunk(s)` : '') +
        (result.restarts ? `, ${result.restarts} restart(s)` : ''),
    );
    return {
      descriptor: { mediaType: this.settings.types.layer, digest: result.digest, size: result.size },
      diffId: digests.diffId,
      diskDigest: digests.diskDigest,
      reused: false,
    };
  }
}
