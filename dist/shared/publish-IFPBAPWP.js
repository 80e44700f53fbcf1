import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  leanV8FromNowOn
} from "./chunk-QQETPMBK.js";
import {
  publishContainerDisk
} from "./chunk-YCUA3BH2.js";
import {
  sbomBeside,
  sbomReferrer
} from "./chunk-ZEOXAAFA.js";
import {
  terminalLogger
} from "./chunk-2CFR3PXE.js";
import {
  parseCommandArgs,
  parseKeyValues
} from "./chunk-FY4OBH6A.js";
import {
  UsageError
} from "./chunk-K4LUY5QM.js";
import "./chunk-W76QTMHQ.js";
import "./chunk-5Q37UMAS.js";
import "./chunk-JKYMEDOZ.js";
import "./chunk-BHXEFIUH.js";
import {
  SecretMasker,
  formatProgress
} from "./chunk-PXB3LWWR.js";
import "./chunk-YBXMTZXO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import "./chunk-U4LSYZ75.js";

// src/cli/commands/publish.ts
import { readFile } from "node:fs/promises";
import path from "node:path";
var usage = `Usage: ruddervirt publish DISK IMAGE_REF... [options]
       ruddervirt publish --disk PLATFORM=DISK... IMAGE_REF... [options]

Packages a qcow2 or raw disk as a KubeVirt containerDisk (one layer holding /disk/disk.qcow2 or
/disk/disk.img, owned by 107:107) and pushes it to every IMAGE_REF, streaming: the disk is compressed
while it is hashed and uploaded, with no temporary copy. Prints IMAGE@sha256:\u2026 last.

An image whose 'shasum' label already matches the disk is not sent again.

Options:
  --platform OS/ARCH        platform of DISK (default linux/amd64)
  --disk PLATFORM=PATH      one disk per platform, repeatable: pushes an index (multi-platform
                            image); every positional argument is then an IMAGE_REF
  --label KEY=VALUE         image label, repeatable
  --compression gzip|zstd   layer compression (default gzip)
  --compression-level N     gzip 1-9 (default 4), zstd 1-19 (default 3)
  --format oci|docker       manifest media types (default oci; docker = Docker v2 schema 2)
  --insecure                allow plain http and unverified TLS (always allowed for localhost)
  --ca-file PEM             trust this CA for the registry's certificate
  --username USER           registry user; the password comes from --password-file or
  --password-file FILE      RUDDERVIRT_REGISTRY_PASSWORD (else docker's config.json is used)
  --authfile PATH           docker config.json to read (default $DOCKER_CONFIG or ~/.docker)
  --oci-layout DIR          write an OCI layout directory instead of pushing (IMAGE_REFs, or
                            bare tags, name its entries; default 'latest')
  --source URL              org.opencontainers.image.source (default: the GitHub repository)
  --revision REV            org.opencontainers.image.revision (default: $GITHUB_SHA)
  --title TEXT              org.opencontainers.image.title
  --created RFC3339         image creation time (default $SOURCE_DATE_EPOCH, else the disk's mtime)
  --sbom FILE               attach this SPDX JSON document as an OCI referrer of the image
                            (default: DISK.spdx.json when the build wrote one; see --no-sbom)
  --no-sbom                 attach no SBOM
  --verbose                 debug output
`;
function cliLogger(stderr, masker, verbose) {
  const base = terminalLogger(stderr, masker, verbose);
  const tty = stderr.isTTY === true;
  if (!tty) return { logger: base, tty };
  let progressShown = false;
  const clear = () => {
    if (progressShown) stderr.write("\r\x1B[K");
    progressShown = false;
  };
  const wrap = (l) => ({
    info: (m) => (clear(), l.info(m)),
    warn: (m) => (clear(), l.warn(m)),
    error: (m) => (clear(), l.error(m)),
    debug: (m) => (clear(), l.debug(m)),
    progress: (p) => {
      stderr.write(`\r\x1B[K${masker.mask(formatProgress(p))}`);
      progressShown = true;
      if (p.total !== void 0 && p.done === p.total) clear();
    },
    child: (prefix) => wrap(l.child(prefix))
  });
  return { logger: wrap(base), tty };
}
function parseDiskFlag(value) {
  const eq = value.indexOf("=");
  if (eq <= 0 || eq === value.length - 1) throw new UsageError(`--disk expects PLATFORM=PATH (e.g. linux/arm64=arm64.qcow2), got '${value}'`);
  return { platform: value.slice(0, eq), path: value.slice(eq + 1) };
}
var publishCommand = {
  name: "publish",
  summary: "Push a disk to a registry as a KubeVirt containerDisk",
  usage,
  async run(args, io) {
    leanV8FromNowOn();
    const { values, positionals } = parseCommandArgs(args, {
      platform: { type: "string" },
      disk: { type: "string", multiple: true },
      label: { type: "string", multiple: true },
      compression: { type: "string" },
      "compression-level": { type: "string" },
      format: { type: "string" },
      insecure: { type: "boolean" },
      "ca-file": { type: "string" },
      username: { type: "string" },
      "password-file": { type: "string" },
      authfile: { type: "string" },
      "oci-layout": { type: "string" },
      source: { type: "string" },
      revision: { type: "string" },
      title: { type: "string" },
      created: { type: "string" },
      sbom: { type: "string" },
      "no-sbom": { type: "boolean" },
      verbose: { type: "boolean" }
    });
    const resolvePath = (p) => path.resolve(io.cwd, p);
    let disk;
    let refs;
    if (values.disk?.length) {
      if (values.platform) throw new UsageError("--platform is for a single DISK; with --disk give PLATFORM=PATH for each");
      disk = values.disk.map(parseDiskFlag).map((d) => ({ ...d, path: resolvePath(d.path) }));
      refs = positionals;
    } else {
      const [first, ...rest] = positionals;
      if (first === void 0) throw new UsageError("missing DISK");
      disk = resolvePath(first);
      refs = rest;
    }
    const layout = values["oci-layout"] ? resolvePath(values["oci-layout"]) : void 0;
    if (refs.length === 0 && !layout) throw new UsageError("missing IMAGE_REF (where to push), or --oci-layout DIR");
    const compression = values.compression ?? "gzip";
    if (compression !== "gzip" && compression !== "zstd") throw new UsageError(`--compression must be gzip or zstd, got '${compression}'`);
    const format = values.format ?? "oci";
    if (format !== "oci" && format !== "docker") throw new UsageError(`--format must be oci or docker, got '${format}'`);
    let level;
    if (values["compression-level"] !== void 0) {
      level = Number(values["compression-level"]);
      if (!Number.isInteger(level)) throw new UsageError(`--compression-level must be a whole number, got '${values["compression-level"]}'`);
    }
    const masker = new SecretMasker();
    let password = io.env.RUDDERVIRT_REGISTRY_PASSWORD;
    if (values["password-file"]) {
      try {
        password = (await readFile(resolvePath(values["password-file"]), "utf8")).replace(/\r?\n$/, "");
      } catch (err) {
        throw new UserError(`--password-file ${values["password-file"]}: ${err.code ?? String(err)}`);
      }
    }
    if (values.username && !password) throw new UsageError("--username needs --password-file or RUDDERVIRT_REGISTRY_PASSWORD");
    masker.add(password);
    const { logger, tty } = cliLogger(io.stderr, masker, values.verbose === true);
    const env = io.env;
    const source = values.source ?? (env.GITHUB_REPOSITORY ? `${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY}` : void 0);
    const revision = values.revision ?? env.GITHUB_SHA;
    if (values.sbom !== void 0 && values["no-sbom"]) throw new UsageError("--sbom and --no-sbom cannot be used together");
    const sbomFile = values["no-sbom"] ? void 0 : values.sbom !== void 0 ? resolvePath(values.sbom) : typeof disk === "string" ? sbomBeside(disk) : void 0;
    const referrer = sbomFile ? await sbomReferrer(sbomFile, values.sbom !== void 0) : void 0;
    const result = await publishContainerDisk({
      ...referrer ? { referrers: [referrer] } : {},
      disk,
      refs,
      labels: parseKeyValues(values.label, "--label"),
      compression,
      compressionLevel: level,
      platform: values.platform,
      format,
      insecure: values.insecure === true,
      caFile: values["ca-file"] ? resolvePath(values["ca-file"]) : void 0,
      auth: {
        ...values.username ? { username: values.username, password } : {},
        ...values.authfile ? { dockerConfig: resolvePath(values.authfile) } : {}
      },
      build: {
        ...source ? { source } : {},
        ...revision ? { revision } : {},
        ...values.title ? { title: values.title } : {},
        ...values.created ? { created: values.created } : {}
      },
      ociLayout: layout,
      logger,
      masker,
      env,
      signal: io.signal,
      progressIntervalMs: tty ? 250 : 1e4
    });
    const names = [...new Set(result.refs.map((r) => r.replace(/:[\w][\w.-]{0,127}$/, "")))];
    for (const name of names) io.stdout.write(`${name}@${result.digest}
`);
    return 0;
  }
};
export {
  publishCommand
};
