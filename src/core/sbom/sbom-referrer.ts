/**
 * An image's SBOM (<image>.spdx.json, written by the build's export step) as the OCI referrer
 * publish attaches to the pushed image: artifactType application/spdx+json, the document as its
 * one layer.
 */
import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.js';
import type { ReferrerDocument } from '../oci/referrers.js';
import { SPDX_MEDIA_TYPE } from './spdx.js';

export function sbomBeside(image: string): string {
  return `${image}.spdx.json`;
}

/** The SBOM at `file` as a referrer; undefined when there is none and `required` is false. */
export async function sbomReferrer(file: string, required = false): Promise<ReferrerDocument | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return undefined;
    throw new UserError(`${file}: cannot read the SBOM (${code ?? String(err)})`);
  }
  let doc: { spdxVersion?: unknown; creationInfo?: { created?: unknown } };
  try {
    doc = JSON.parse(bytes.toString('utf8')) as typeof doc;
  } catch {
    throw new UserError(`${file}: not JSON; expected an SPDX 2.3 JSON document`);
  }
  if (typeof doc.spdxVersion !== 'string' || !doc.spdxVersion.startsWith('SPDX-')) throw new UserError(`${file}: no spdxVersion; expected an SPDX JSON document`);
  const created = typeof doc.creationInfo?.created === 'string' ? doc.creationInfo.created : undefined;
  return { artifactType: SPDX_MEDIA_TYPE, mediaType: SPDX_MEDIA_TYPE, bytes, ...(created ? { annotations: { 'org.opencontainers.image.created': created } } : {}) };
}
