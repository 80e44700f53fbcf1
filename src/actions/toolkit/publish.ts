/**
 * Publishing a disk as a KubeVirt containerDisk from an action: the inputs shared by the
 * publish-containerdisk action and the whole-build action (image, tags, credentials …), and the
 * call into src/core/oci. The password is masked the moment it is read and never stored.
 */
import { UserError } from '../../core/errors.js';
import type { Compression, ManifestFormat } from '../../core/oci/media-types.js';
import { publishContainerDisk, type PublishResult } from '../../core/oci/publish.js';
import { sbomBeside, sbomReferrer } from '../../core/sbom/sbom-referrer.js';
import { booleanInput, enumInput, keyValueInput, listInput, optionalInput } from './inputs.js';
import { secretInput, type ActionContext } from './run-action.js';

export interface PublishInputs {
  image: string;
  refs: string[];
  username?: string;
  password?: string;
  insecure: boolean;
  compression: Compression;
  format: ManifestFormat;
  platform?: string;
  labels: Record<string, string>;
}

/** `tags` are tags of `image`; an entry with '/' or '@'/':' after the last '/' is a full reference. */
export function imageRefs(image: string, tags: string[]): string[] {
  const list = tags.length > 0 ? tags : ['latest'];
  return list.map((t) => (t.includes('/') ? t : `${image}:${t}`));
}

/** The repository part of a reference (what attest-build-provenance calls subject-name). */
export function imageName(ref: string): string {
  const at = ref.indexOf('@');
  const noDigest = at >= 0 ? ref.slice(0, at) : ref;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

export function publishInputs(ctx: ActionContext): PublishInputs | undefined {
  const image = optionalInput('image');
  if (!image) return undefined;
  if (/[:@]/.test(image.slice(image.lastIndexOf('/') + 1))) throw new UserError(`input 'image': give the repository without a tag (e.g. ghcr.io/acme/debian); tags go in 'tags'`);
  const username = optionalInput('username');
  const password = secretInput(ctx, 'password');
  if (username && !password) throw new UserError(`input 'username' needs 'password' (e.g. \${{ secrets.GITHUB_TOKEN }} for ghcr.io)`);
  const platform = optionalInput('platform');
  return {
    image,
    refs: imageRefs(image, listInput('tags')),
    ...(username ? { username } : {}),
    ...(password ? { password } : {}),
    insecure: booleanInput('insecure', false),
    compression: enumInput('compression', ['gzip', 'zstd'] as const, 'gzip'),
    format: enumInput('manifest-format', ['oci', 'docker'] as const, 'oci'),
    ...(platform ? { platform } : {}),
    labels: keyValueInput('labels'),
  };
}

/** Pushes `disk`; its SBOM (`sbom`, else <disk>.spdx.json when the build wrote one) goes with it as an OCI referrer. */
export async function publishDisk(ctx: ActionContext, disk: string, p: PublishInputs, title?: string, sbom?: string): Promise<PublishResult> {
  const env = ctx.env;
  const referrer = await sbomReferrer(sbom ?? sbomBeside(disk), sbom !== undefined);
  const source = env.GITHUB_REPOSITORY ? `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}` : undefined;
  return publishContainerDisk({
    disk,
    refs: p.refs,
    labels: p.labels,
    compression: p.compression,
    format: p.format,
    insecure: p.insecure,
    ...(p.platform ? { platform: p.platform } : {}),
    auth: p.username ? { username: p.username, password: p.password } : {},
    build: { ...(source ? { source } : {}), ...(env.GITHUB_SHA ? { revision: env.GITHUB_SHA } : {}), ...(title ? { title } : {}) },
    logger: ctx.logger,
    masker: ctx.masker,
    env,
    signal: ctx.signal,
    progressIntervalMs: 10_000,
    ...(referrer ? { referrers: [referrer] } : {}),
  });
}
