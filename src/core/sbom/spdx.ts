/**
 * An SPDX 2.3 JSON document (SPDX specification v2.3, clauses 6–11; the JSON field names of its
 * schemas/spdx-schema.json) for one VM image: the image is the described package, and every package
 * of the guest's database is a package it CONTAINS, with its version and a purl
 * (package-url/purl-spec, types deb, rpm and apk) as a PACKAGE-MANAGER external reference.
 */
import { randomUUID } from 'node:crypto';
import type { GuestOs, GuestPackage, PackageManager } from './package-db.js';

export const SPDX_MEDIA_TYPE = 'application/spdx+json';

export interface SpdxPackage {
  SPDXID: string;
  name: string;
  versionInfo?: string;
  downloadLocation: 'NOASSERTION';
  filesAnalyzed: false;
  licenseConcluded: 'NOASSERTION';
  licenseDeclared: 'NOASSERTION';
  copyrightText: 'NOASSERTION';
  supplier?: string;
  homepage?: string;
  sourceInfo?: string;
  comment?: string;
  primaryPackagePurpose?: string;
  externalRefs?: { referenceCategory: 'PACKAGE-MANAGER'; referenceType: 'purl'; referenceLocator: string }[];
}

export interface SpdxDocument {
  spdxVersion: 'SPDX-2.3';
  dataLicense: 'CC0-1.0';
  SPDXID: 'SPDXRef-DOCUMENT';
  name: string;
  documentNamespace: string;
  creationInfo: { created: string; creators: string[]; comment?: string };
  documentDescribes: string[];
  packages: SpdxPackage[];
  relationships: { spdxElementId: string; relationshipType: 'DESCRIBES' | 'CONTAINS'; relatedSpdxElement: string }[];
}

export interface SbomInput {
  /** "build layer/vm", the document's and the image package's name. */
  name: string;
  manager: PackageManager;
  os: GuestOs;
  packages: readonly GuestPackage[];
  tool: { name: string; version: string };
  /** RFC 3339, seconds precision (SPDX's created). */
  created: string;
  /** For a fixed documentNamespace in tests; default a random UUID. */
  uuid?: string;
}

const PURL_TYPE: Record<PackageManager, string> = { dpkg: 'deb', rpm: 'rpm', apk: 'apk' };

/** SPDX identifiers allow letters, digits, '.' and '-' after "SPDXRef-". */
function idPart(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]/g, '-');
}

/** purl-spec: the name and version percent-encoded; qualifiers sorted by key. */
export function purl(manager: PackageManager, os: GuestOs, pkg: GuestPackage): string {
  const namespace = os.id ? `/${encodeURIComponent(os.id.toLowerCase())}` : '';
  const qualifiers: [string, string][] = [];
  if (pkg.arch) qualifiers.push(['arch', pkg.arch]);
  if (os.id && os.versionId) qualifiers.push(['distro', `${os.id}-${os.versionId}`]);
  let version = pkg.version;
  // rpm's epoch is a qualifier in purl, not part of the version.
  const epoch = manager === 'rpm' ? /^(\d+):(.*)$/.exec(version) : null;
  if (epoch) {
    qualifiers.push(['epoch', epoch[1]!]);
    version = epoch[2]!;
  }
  if (pkg.source && pkg.source.name !== pkg.name && manager !== 'rpm') qualifiers.push(['upstream', pkg.source.version ? `${pkg.source.name}@${pkg.source.version}` : pkg.source.name]);
  qualifiers.sort(([a], [b]) => (a < b ? -1 : 1));
  const q = qualifiers.length > 0 ? '?' + qualifiers.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&') : '';
  return `pkg:${PURL_TYPE[manager]}${namespace}/${encodeURIComponent(pkg.name)}@${encodeURIComponent(version)}${q}`;
}

export function buildSpdx(input: SbomInput): SpdxDocument {
  const image: SpdxPackage = {
    SPDXID: 'SPDXRef-Image',
    name: input.name,
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: 'NOASSERTION',
    copyrightText: 'NOASSERTION',
    primaryPackagePurpose: 'OPERATING-SYSTEM',
    ...(input.os.prettyName ? { comment: `A virtual machine disk image of ${input.os.prettyName}` } : {}),
  };
  const seen = new Map<string, number>();
  const packages = input.packages.map((p): SpdxPackage => {
    const base = `SPDXRef-Package-${PURL_TYPE[input.manager]}-${idPart(p.name)}${p.arch ? `-${idPart(p.arch)}` : ''}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return {
      SPDXID: n === 0 ? base : `${base}-${n}`,
      name: p.name,
      versionInfo: p.version,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      licenseConcluded: 'NOASSERTION',
      licenseDeclared: 'NOASSERTION',
      copyrightText: 'NOASSERTION',
      ...(p.homepage && /^https?:\/\//.test(p.homepage) ? { homepage: p.homepage } : {}),
      ...(p.source ? { sourceInfo: `built from source package ${p.source.name}${p.source.version ? ` ${p.source.version}` : ''}` } : {}),
      ...(p.license ? { comment: `declared license: ${p.license}` } : {}),
      externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: purl(input.manager, input.os, p) }],
    };
  });
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: input.name,
    documentNamespace: `urn:uuid:${input.uuid ?? randomUUID()}`,
    creationInfo: {
      created: input.created,
      creators: [`Tool: ${input.tool.name}-${input.tool.version}`],
      comment: `Read from the guest's ${input.manager} database over SSH after provisioning.`,
    },
    documentDescribes: [image.SPDXID],
    packages: [image, ...packages],
    relationships: [
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: image.SPDXID },
      ...packages.map((p) => ({ spdxElementId: image.SPDXID, relationshipType: 'CONTAINS' as const, relatedSpdxElement: p.SPDXID })),
    ],
  };
}
