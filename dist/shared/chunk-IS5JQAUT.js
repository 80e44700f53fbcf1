import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  BuildFileError
} from "./chunk-MF7EYUNN.js";
import {
  dyingWithParent,
  findOnPath
} from "./chunk-JKYMEDOZ.js";
import {
  isChecksumFile
} from "./chunk-IGBDJUBW.js";
import {
  abortReason
} from "./chunk-BHXEFIUH.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/core/sources/resolve-checksums.ts
import path2 from "node:path";

// src/core/sources/checksum-list.ts
var DIGEST_HEX_LENGTH = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };
var OTHER_HEX_LENGTH = { 56: "sha224", 96: "sha384" };
var BSD_LINE = /^([A-Za-z][A-Za-z0-9-]*)\s*\((.*)\)\s*=\s*([0-9A-Fa-f]+)$/;
var GNU_LINE = /^(\\?)([0-9A-Fa-f]+)(?: ([ *?]?)(.*))?$/;
function bsdAlgorithm(tag) {
  const t = tag.toLowerCase().replace(/^sha2-/, "sha").replace(/^sha-/, "sha");
  return Object.hasOwn(DIGEST_HEX_LENGTH, t) ? t : { unsupported: tag };
}
function algorithmOfLength(length) {
  const found = Object.entries(DIGEST_HEX_LENGTH).find(([, n]) => n === length)?.[0];
  return found ?? { unsupported: OTHER_HEX_LENGTH[length] ?? `a ${length}-digit digest` };
}
function unescapeName(name) {
  return name.replace(/\\(.)/g, (_, c) => c === "n" ? "\n" : c === "r" ? "\r" : c);
}
function clearSignedText(text) {
  const lines = text.split(/\r?\n/);
  const begin = lines.findIndex((l) => l.trimEnd() === "-----BEGIN PGP SIGNED MESSAGE-----");
  if (begin === -1) return void 0;
  let i = begin + 1;
  while (i < lines.length && lines[i].trim() !== "") i++;
  const body = [];
  for (i++; i < lines.length; i++) {
    const l = lines[i];
    if (l.trimEnd() === "-----BEGIN PGP SIGNATURE-----") return body.join("\n");
    body.push(l.startsWith("- ") ? l.slice(2) : l);
  }
  return void 0;
}
function parseChecksumList(text) {
  const signed = clearSignedText(text);
  const lines = (signed ?? text).split("\n");
  const entries = [];
  const ignored = [];
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    const n = i + 1;
    const trimmed = line.trim();
    if (trimmed === "" || /^[#/-]/.test(trimmed)) return;
    const bsd = BSD_LINE.exec(trimmed);
    if (bsd) {
      const [, tag = "", name = "", hex = ""] = bsd;
      entries.push({ line: n, algorithm: bsdAlgorithm(tag), hex: hex.toLowerCase(), name });
      return;
    }
    const gnu = GNU_LINE.exec(trimmed);
    if (gnu) {
      const [, escaped = "", hex = "", , rest] = gnu;
      const name = rest === void 0 ? void 0 : escaped ? unescapeName(rest.trimStart()) : rest.trimStart();
      entries.push({ line: n, algorithm: algorithmOfLength(hex.length), hex: hex.toLowerCase(), ...name ? { name } : {} });
      return;
    }
    ignored.push(n);
  });
  return { entries, ignored, clearSigned: signed !== void 0 };
}
function segments(p) {
  return p.split("/").filter((s) => s !== "" && s !== ".");
}
function matchScore(name, target) {
  const want = segments(name);
  if (want.length === 0 || want.length > target.length) return 0;
  const tail = target.slice(target.length - want.length);
  return want.every((s, i) => s === tail[i]) ? want.length : 0;
}
function sourceSegments(source) {
  try {
    const url = new URL(source);
    return segments(url.pathname).map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  } catch {
    return segments(source);
  }
}
var shown = (e) => e.name === void 0 ? `line ${e.line} (a digest without a name)` : `'${e.name}' (line ${e.line})`;
function pickChecksum(list, source) {
  const target = sourceSegments(source);
  const fileName = target.at(-1) ?? source;
  const named = list.entries.filter((e) => e.name !== void 0);
  let candidates;
  if (named.length === 0) {
    candidates = list.entries;
    if (candidates.length === 0) {
      const more = list.ignored.length > 0 ? `; ${list.ignored.length} line${list.ignored.length === 1 ? " was" : "s were"} not a checksum line (first: line ${list.ignored[0]})` : "";
      return { error: `it holds no checksums (expected lines like 'HASH  ${fileName}' or 'SHA256 (${fileName}) = HASH')${more}` };
    }
  } else {
    let best = 0;
    candidates = [];
    for (const e of named) {
      const score = matchScore(e.name, target);
      if (score === 0 || score < best) continue;
      if (score > best) candidates = [];
      best = score;
      candidates.push(e);
    }
    if (candidates.length === 0) {
      const names = named.slice(0, 5).map((e) => `'${e.name}'`);
      const last = (e) => segments(e.name).at(-1) ?? "";
      const sameName = named.filter((e) => last(e) === fileName);
      const otherCase = named.find((e) => last(e).toLowerCase() === fileName.toLowerCase() && last(e) !== fileName);
      const hint = sameName.length > 0 ? `; ${sameName.map((e) => `'${e.name}'`).join(" and ")} ha${sameName.length === 1 ? "s" : "ve"} that file name in another folder than the source URL's (${target.slice(0, -1).join("/") || "/"})` : otherCase ? `; '${otherCase.name}' (line ${otherCase.line}) differs only in case` : "";
      return { error: `no entry for '${fileName}' (it lists ${named.length} file${named.length === 1 ? "" : "s"}: ${names.join(", ")}${named.length > 5 ? ", \u2026" : ""})${hint}` };
    }
  }
  const digests = new Set(candidates.map((e) => `${JSON.stringify(e.algorithm)}:${e.hex}`));
  if (digests.size > 1) {
    return { error: `${candidates.length} entries match '${fileName}' equally well with different digests: ${candidates.map(shown).join(", ")}; name the file in the source URL so only one matches` };
  }
  const entry = candidates[0];
  if (typeof entry.algorithm !== "string") {
    return { error: `the entry for '${fileName}' (line ${entry.line}) is ${entry.algorithm.unsupported}; expected md5, sha1, sha256 or sha512 (publishers offer SHA256SUMS or SHA512SUMS)` };
  }
  const want = DIGEST_HEX_LENGTH[entry.algorithm];
  if (entry.hex.length !== want) return { error: `the entry for '${fileName}' (line ${entry.line}) has ${entry.hex.length} hex digits; a ${entry.algorithm} digest has ${want}` };
  return { checksum: { algorithm: entry.algorithm, hex: entry.hex }, entry };
}

// src/core/sources/checksum-signature.ts
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
var ARMOR_BEGIN = /^-----BEGIN PGP ([A-Z ]+)-----$/;
function crc24(data) {
  let crc = 11994318;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 16777216) crc ^= 25578747;
    }
  }
  return crc & 16777215;
}
function dearmor(text, kind) {
  const lines = text.split(/\r?\n/).map((l) => l.trimEnd());
  const parts = [];
  for (let i = 0; i < lines.length; i++) {
    const m = ARMOR_BEGIN.exec(lines[i]);
    if (!m || m[1] !== kind) continue;
    let j = i + 1;
    if (/^[A-Za-z][\w-]*: /.test(lines[j] ?? "")) {
      while (j < lines.length && lines[j] !== "") j++;
    }
    const body = [];
    let checksum;
    for (; j < lines.length && lines[j] !== `-----END PGP ${kind}-----`; j++) {
      const l = lines[j];
      if (l === "") continue;
      if (/^=[A-Za-z0-9+/]{4}$/.test(l)) checksum = l.slice(1);
      else body.push(l);
    }
    if (j >= lines.length) throw new UserError(`the armored ${kind.toLowerCase()} starting on line ${i + 1} has no END line`);
    const b64 = body.join("");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new UserError(`the armored ${kind.toLowerCase()} starting on line ${i + 1} is not base64`);
    const data = Buffer.from(b64, "base64");
    if (checksum !== void 0 && Buffer.from(checksum, "base64").readUIntBE(0, 3) !== crc24(data)) {
      throw new UserError(`the armored ${kind.toLowerCase()} starting on line ${i + 1} is damaged: its CRC-24 does not match`);
    }
    parts.push(data);
    i = j;
  }
  return parts.length > 0 ? Buffer.concat(parts) : void 0;
}
function verdictOfStatus(status, keyring) {
  const lines = status.split("\n").filter((l) => l.startsWith("[GNUPG:] ")).map((l) => l.slice(9).split(" "));
  const words = (tag) => lines.filter((l) => l[0] === tag);
  const userOf = (l) => l.slice(2).join(" ");
  for (const [tag, why] of [
    ["BADSIG", "BAD signature: the checksum file was changed after it was signed"],
    ["EXPKEYSIG", "the signing key has expired"],
    ["REVKEYSIG", "the signing key was revoked"],
    ["EXPSIG", "the signature has expired"]
  ]) {
    const hit = words(tag)[0];
    if (hit) return { bad: `${why} (key ${hit[1]}${hit.length > 2 ? `, ${userOf(hit)}` : ""})` };
  }
  const valid = words("VALIDSIG")[0];
  const good = words("GOODSIG")[0];
  if (valid && good) return { good: { fingerprint: valid[1], primaryFingerprint: valid[10] ?? valid[1], userId: userOf(good) } };
  const missing = words("NO_PUBKEY").map((l) => l[1]);
  if (missing.length > 0) return { bad: `signed by key ${missing.join(", ")}, which is not in the keyring ${keyring}` };
  if (words("NODATA").length > 0 || words("BADARMOR").length > 0) return { bad: "it is not an OpenPGP signature (no signature packet found)" };
  const err = words("ERRSIG")[0];
  if (err) return { bad: `the signature by key ${err[1]} could not be checked (gpgv error code ${err[6] ?? "?"}: ${err[6] === "4" ? "unknown algorithm" : "malformed or unsupported"})` };
  return { bad: "gpgv found no valid signature" };
}
async function verifyDetachedSignature(req) {
  const env = req.env ?? process.env;
  if (!findOnPath("gpgv", env)) throw new UserError(`'gpgv' was not found on PATH; checking checksumSignature needs it (Debian/Ubuntu: sudo apt-get install -y gpgv)`);
  const home = await mkdtemp(path.join(os.tmpdir(), "ruddervirt-gpgv-"));
  try {
    const dataFile = path.join(home, "checksums");
    const sigFile = path.join(home, "checksums.sig");
    await writeFile(dataFile, req.data);
    await writeFile(sigFile, req.signature);
    let keyring = path.resolve(req.keyring);
    const keyBytes = await readFile(keyring).catch((err) => {
      throw new UserError(`keyring ${req.keyring} ${err.code === "ENOENT" ? "does not exist" : `cannot be read: ${err.message}`}`);
    });
    if (keyBytes.subarray(0, 64).toString("latin1").includes("-----BEGIN PGP")) {
      const binary = dearmor(keyBytes.toString("latin1"), "PUBLIC KEY BLOCK");
      if (!binary) throw new UserError(`keyring ${req.keyring} is armored text but holds no PUBLIC KEY BLOCK`);
      keyring = path.join(home, "keyring.gpg");
      await writeFile(keyring, binary);
    }
    const status = await runGpgv(["--homedir", home, "--status-fd", "1", "--keyring", keyring, sigFile, dataFile], env, req.signal);
    return verdictOfStatus(status, req.keyring);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}
function runGpgv(args, env, signal) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(abortReason(signal));
    const run = dyingWithParent("gpgv", args, env);
    const child = spawn(run.command, run.args, { stdio: ["ignore", "pipe", "pipe"], env: { ...env, LC_ALL: "C", LANGUAGE: "" } });
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (c) => stdout += c);
    child.stderr.resume();
    const onAbort = () => child.kill("SIGKILL");
    signal.addEventListener("abort", onAbort, { once: true });
    child.on("error", (err) => {
      signal.removeEventListener("abort", onAbort);
      reject(err);
    });
    child.on("close", () => {
      signal.removeEventListener("abort", onAbort);
      if (signal.aborted) reject(abortReason(signal));
      else resolve(stdout);
    });
  });
}

// src/core/sources/small-file.ts
import { readFile as readFile2, stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
var SMALL_FILE_MAX_BYTES = 16 * 1024 * 1024;
var FETCH_TIMEOUT_MS = 6e4;
function asUrl(location) {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return void 0;
  return new URL(location);
}
async function readSmallFile(location, signal) {
  const url = asUrl(location);
  if (!url || url.protocol === "file:") return readLocal(url ? fileURLToPath(url) : location);
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UserError(`unsupported scheme '${url.protocol}' (expected http://, https://, file:// or a path)`);
  let response;
  const timeout = AbortSignal.timeout(FETCH_TIMEOUT_MS);
  try {
    response = await fetch(url, { signal: AbortSignal.any([signal, timeout]), redirect: "follow" });
  } catch (err) {
    if (signal.aborted) throw err;
    if (timeout.aborted) throw new UserError(`no answer within ${FETCH_TIMEOUT_MS / 1e3}s`);
    throw new UserError(`could not be fetched: ${describeFetchError(err)}`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => void 0);
    throw new UserError(`could not be fetched: HTTP ${response.status} ${response.statusText}`.trimEnd());
  }
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > SMALL_FILE_MAX_BYTES) {
    await response.body.cancel().catch(() => void 0);
    throw new UserError(`is ${declared} bytes, more than a checksum file or signature can be (at most ${SMALL_FILE_MAX_BYTES})`);
  }
  const chunks = [];
  let size = 0;
  try {
    for await (const chunk of response.body) {
      size += chunk.length;
      if (size > SMALL_FILE_MAX_BYTES) {
        await response.body.cancel().catch(() => void 0);
        throw new UserError(`is more than ${SMALL_FILE_MAX_BYTES} bytes, more than a checksum file or signature can be`);
      }
      chunks.push(Buffer.from(chunk));
    }
  } catch (err) {
    if (err instanceof UserError || signal.aborted) throw err;
    throw new UserError(`could not be read to the end: ${describeFetchError(err)}`);
  }
  return Buffer.concat(chunks);
}
async function readLocal(file) {
  const info = await stat(file).catch((err) => {
    throw new UserError(err.code === "ENOENT" ? `does not exist (looked for ${file})` : `cannot be read: ${err.message}`);
  });
  if (!info.isFile()) throw new UserError(`is not a regular file (${file})`);
  if (info.size > SMALL_FILE_MAX_BYTES) throw new UserError(`is ${info.size} bytes, more than a checksum file or signature can be (at most ${SMALL_FILE_MAX_BYTES})`);
  return readFile2(file);
}
function describeFetchError(err) {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause;
  const code = cause?.code;
  if (code === "ECONNREFUSED") return `connection refused (${cause.message.replace(/^connect ECONNREFUSED /, "")})`;
  if (code === "ENOTFOUND") return `host not found (${cause.message.replace(/^getaddrinfo ENOTFOUND /, "")})`;
  return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
}

// src/core/sources/resolve-checksums.ts
function shown2(location, build) {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) return location;
  const rel = path2.relative(build.dir, location);
  return rel && !rel.startsWith("..") ? rel : location;
}
async function resolveSourceChecksums(build, options) {
  const files = /* @__PURE__ */ new Map();
  const read = (location) => {
    let p = files.get(location);
    if (!p) {
      p = readSmallFile(location, options.signal);
      p.catch(() => void 0);
      files.set(location, p);
    }
    return p;
  };
  const verified = /* @__PURE__ */ new Map();
  const problems = [];
  const resolved = [];
  for (const [li, layer] of build.layers.entries()) {
    for (const [vi, vm] of layer.vms.entries()) {
      const source = vm.source;
      if (source.kind !== "url" && source.kind !== "iso" || !isChecksumFile(source.checksum)) continue;
      const ref = source.checksum;
      const base = source.kind === "iso" ? "source.iso" : "source";
      const report = (field, message) => problems.push(located(build, vm, li, vi, `${base}.${field}`, message));
      const fileName = shown2(ref.file, build);
      let text;
      try {
        text = await read(ref.file);
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        report("checksum", `checksum file ${fileName} ${err.message}`);
        continue;
      }
      let signedBy;
      if (ref.signature !== void 0 && ref.keyring !== void 0) {
        const key = `${ref.file}\0${ref.signature}\0${ref.keyring}`;
        let check = verified.get(key);
        if (!check) {
          check = verify(ref, text, build, read, options);
          check.catch(() => void 0);
          verified.set(key, check);
        }
        try {
          signedBy = await check;
        } catch (err) {
          if (!(err instanceof UserError)) throw err;
          report("checksumSignature", err.message);
          continue;
        }
      }
      const list = parseChecksumList(text.toString("utf8"));
      const picked = pickChecksum(list, source.url);
      if ("error" in picked) {
        report("checksum", `checksum file ${fileName}: ${picked.error}`);
        continue;
      }
      source.checksum = picked.checksum;
      const entry = { vm: `${layer.name}/${vm.name}`, checksum: picked.checksum, file: ref.file, line: picked.entry.line, ...signedBy ? { signedBy } : {} };
      resolved.push(entry);
      const by = signedBy ? `, signed by ${signedBy.userId} (${signedBy.primaryFingerprint})` : "";
      options.logger.info(`source ${entry.vm}: ${picked.checksum.algorithm}:${picked.checksum.hex} from ${fileName} line ${picked.entry.line}${by}`);
    }
  }
  if (problems.length > 0) throw new BuildFileError(problems);
  return resolved;
}
async function verify(ref, data, build, read, options) {
  const sigName = shown2(ref.signature, build);
  const fileName = shown2(ref.file, build);
  const keyring = shown2(ref.keyring, build);
  let signature;
  try {
    signature = await read(ref.signature);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UserError(`signature ${sigName} ${err.message}`);
  }
  let verdict;
  try {
    verdict = await verifyDetachedSignature({ data, signature, keyring: ref.keyring, signal: options.signal, ...options.env ? { env: options.env } : {} });
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UserError(`signature ${sigName} of ${fileName} could not be checked: ${err.message}`);
  }
  if ("bad" in verdict) throw new UserError(`signature ${sigName} of checksum file ${fileName} is refused with keyring ${keyring}: ${verdict.bad}`);
  return verdict.good;
}
function located(build, vm, li, vi, field, message) {
  const positions = vm.positions ?? {};
  let key = field;
  let pos = positions[key];
  while (!pos && key.includes(".")) {
    key = key.slice(0, key.lastIndexOf("."));
    pos = positions[key];
  }
  return { file: pos?.file ?? build.file, line: pos?.line ?? 1, column: pos?.column ?? 1, path: `layers[${li}].vms[${vi}].${field}`, message };
}

export {
  resolveSourceChecksums
};
