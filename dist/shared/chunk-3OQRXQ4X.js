import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  booleanInput,
  enumInput,
  keyValueInput,
  listInput,
  optionalInput,
  secretInput
} from "./chunk-QMTQOFVL.js";
import {
  publishContainerDisk
} from "./chunk-YCUA3BH2.js";
import {
  sbomBeside,
  sbomReferrer
} from "./chunk-ZEOXAAFA.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/actions/toolkit/publish.ts
function imageRefs(image, tags) {
  const list = tags.length > 0 ? tags : ["latest"];
  return list.map((t) => t.includes("/") ? t : `${image}:${t}`);
}
function imageName(ref) {
  const at = ref.indexOf("@");
  const noDigest = at >= 0 ? ref.slice(0, at) : ref;
  const slash = noDigest.lastIndexOf("/");
  const colon = noDigest.lastIndexOf(":");
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}
function publishInputs(ctx) {
  const image = optionalInput("image");
  if (!image) return void 0;
  if (/[:@]/.test(image.slice(image.lastIndexOf("/") + 1))) throw new UserError(`input 'image': give the repository without a tag (e.g. ghcr.io/acme/debian); tags go in 'tags'`);
  const username = optionalInput("username");
  const password = secretInput(ctx, "password");
  if (username && !password) throw new UserError(`input 'username' needs 'password' (e.g. \${{ secrets.GITHUB_TOKEN }} for ghcr.io)`);
  const platform = optionalInput("platform");
  return {
    image,
    refs: imageRefs(image, listInput("tags")),
    ...username ? { username } : {},
    ...password ? { password } : {},
    insecure: booleanInput("insecure", false),
    compression: enumInput("compression", ["gzip", "zstd"], "gzip"),
    format: enumInput("manifest-format", ["oci", "docker"], "oci"),
    ...platform ? { platform } : {},
    labels: keyValueInput("labels")
  };
}
async function publishDisk(ctx, disk, p, title, sbom) {
  const env = ctx.env;
  const referrer = await sbomReferrer(sbom ?? sbomBeside(disk), sbom !== void 0);
  const source = env.GITHUB_REPOSITORY ? `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}` : void 0;
  return publishContainerDisk({
    disk,
    refs: p.refs,
    labels: p.labels,
    compression: p.compression,
    format: p.format,
    insecure: p.insecure,
    ...p.platform ? { platform: p.platform } : {},
    auth: p.username ? { username: p.username, password: p.password } : {},
    build: { ...source ? { source } : {}, ...env.GITHUB_SHA ? { revision: env.GITHUB_SHA } : {}, ...title ? { title } : {} },
    logger: ctx.logger,
    masker: ctx.masker,
    env,
    signal: ctx.signal,
    progressIntervalMs: 1e4,
    ...referrer ? { referrers: [referrer] } : {}
  });
}

export {
  imageName,
  publishInputs,
  publishDisk
};
