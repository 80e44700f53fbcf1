/**
 * Picks the manifest for one platform from an image index (OCI index or Docker manifest list), as
 * a container runtime does: same os and architecture, and the same variant when one is asked for.
 * Entries without a platform, or for "unknown/unknown" (buildx's attestation manifests), never match.
 */
import type { Descriptor } from '../digest.js';
import { formatPlatform, type Platform } from '../platform.js';

export interface PlatformChoice {
  descriptor: Descriptor;
  platform: string;
}

export class PlatformNotFoundError extends Error {
  override name = 'PlatformNotFoundError';
}

export function selectPlatform(manifests: readonly Descriptor[], wanted: Platform, image: string): PlatformChoice {
  const candidates = manifests.filter((m) => m.platform && m.platform.os === wanted.os && m.platform.architecture === wanted.architecture);
  const exact = wanted.variant === undefined ? candidates : candidates.filter((m) => m.platform?.variant === wanted.variant);
  const chosen = exact[0];
  if (!chosen) {
    const offered = manifests.map((m) => (m.platform ? formatPlatform(m.platform) : 'no platform')).join(', ');
    throw new PlatformNotFoundError(`${image}: the image index has no ${formatPlatform(wanted)} manifest (it offers: ${offered || 'nothing'})`);
  }
  return { descriptor: chosen, platform: formatPlatform(chosen.platform!) };
}
