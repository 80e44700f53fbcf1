import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/core/sbom/sbom-referrer.ts
import { readFile } from "node:fs/promises";

// src/core/sbom/spdx.ts
import { randomUUID } from "node:crypto";
var SPDX_MEDIA_TYPE = "application/spdx+json";
var PURL_TYPE = { dpkg: "deb", rpm: "rpm", apk: "apk" };
function idPart(text) {
  return text.replace(/[^A-Za-z0-9.-]/g, "-");
}
function purl(manager, os, pkg) {
  const namespace = os.id ? `/${encodeURIComponent(os.id.toLowerCase())}` : "";
  const qualifiers = [];
  if (pkg.arch) qualifiers.push(["arch", pkg.arch]);
  if (os.id && os.versionId) qualifiers.push(["distro", `${os.id}-${os.versionId}`]);
  let version = pkg.version;
  const epoch = manager === "rpm" ? /^(\d+):(.*)$/.exec(version) : null;
  if (epoch) {
    qualifiers.push(["epoch", epoch[1]]);
    version = epoch[2];
  }
  if (pkg.source && pkg.source.name !== pkg.name && manager !== "rpm") qualifiers.push(["upstream", pkg.source.version ? `${pkg.source.name}@${pkg.source.version}` : pkg.source.name]);
  qualifiers.sort(([a], [b]) => a < b ? -1 : 1);
  const q = qualifiers.length > 0 ? "?" + qualifiers.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&") : "";
  return `pkg:${PURL_TYPE[manager]}${namespace}/${encodeURIComponent(pkg.name)}@${encodeURIComponent(version)}${q}`;
}
function buildSpdx(input) {
  const image = {
    SPDXID: "SPDXRef-Image",
    name: input.name,
    downloadLocation: "NOASSERTION",
    filesAnalyzed: false,
    licenseConcluded: "NOASSERTION",
    licenseDeclared: "NOASSERTION",
    copyrightText: "NOASSERTION",
    primaryPackagePurpose: "OPERATING-SYSTEM",
    ...input.os.prettyName ? { comment: `A virtual machine disk image of ${input.os.prettyName}` } : {}
  };
  const seen = /* @__PURE__ */ new Map();
  const packages = input.packages.map((p) => {
    const base = `SPDXRef-Package-${PURL_TYPE[input.manager]}-${idPart(p.name)}${p.arch ? `-${idPart(p.arch)}` : ""}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return {
      SPDXID: n === 0 ? base : `${base}-${n}`,
      name: p.name,
      versionInfo: p.version,
      downloadLocation: "NOASSERTION",
      filesAnalyzed: false,
      licenseConcluded: "NOASSERTION",
      licenseDeclared: "NOASSERTION",
      copyrightText: "NOASSERTION",
      ...p.homepage && /^https?:\/\//.test(p.homepage) ? { homepage: p.homepage } : {},
      ...p.source ? { sourceInfo: `built from source package ${p.source.name}${p.source.version ? ` ${p.source.version}` : ""}` } : {},
      ...p.license ? { comment: `declared license: ${p.license}` } : {},
      externalRefs: [{ referenceCategory: "PACKAGE-MANAGER", referenceType: "purl", referenceLocator: purl(input.manager, input.os, p) }]
    };
  });
  return {
    spdxVersion: "SPDX-2.3",
    dataLicense: "CC0-1.0",
    SPDXID: "SPDXRef-DOCUMENT",
    name: input.name,
    documentNamespace: `urn:uuid:${input.uuid ?? randomUUID()}`,
    creationInfo: {
      created: input.created,
      creators: [`Tool: ${input.tool.name}-${input.tool.version}`],
      comment: `Read from the guest's ${input.manager} database over SSH after provisioning.`
    },
    documentDescribes: [image.SPDXID],
    packages: [image, ...packages],
    relationships: [
      { spdxElementId: "SPDXRef-DOCUMENT", relationshipType: "DESCRIBES", relatedSpdxElement: image.SPDXID },
      ...packages.map((p) => ({ spdxElementId: image.SPDXID, relationshipType: "CONTAINS", relatedSpdxElement: p.SPDXID }))
    ]
  };
}

// src/core/sbom/sbom-referrer.ts
function sbomBeside(image) {
  return `${image}.spdx.json`;
}
async function sbomReferrer(file, required = false) {
  let bytes;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = err.code;
    if (code === "ENOENT" && !required) return void 0;
    throw new UserError(`${file}: cannot read the SBOM (${code ?? String(err)})`);
  }
  let doc;
  try {
    doc = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new UserError(`${file}: not JSON; expected an SPDX 2.3 JSON document`);
  }
  if (typeof doc.spdxVersion !== "string" || !doc.spdxVersion.startsWith("SPDX-")) throw new UserError(`${file}: no spdxVersion; expected an SPDX JSON document`);
  const created = typeof doc.creationInfo?.created === "string" ? doc.creationInfo.created : void 0;
  return { artifactType: SPDX_MEDIA_TYPE, mediaType: SPDX_MEDIA_TYPE, bytes, ...created ? { annotations: { "org.opencontainers.image.created": created } } : {} };
}

export {
  buildSpdx,
  sbomBeside,
  sbomReferrer
};
