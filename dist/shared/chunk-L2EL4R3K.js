import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  ToolError,
  findOnPath,
  missingToolError,
  runTool
} from "./chunk-JKYMEDOZ.js";
import {
  withLock
} from "./chunk-XHUVLOPP.js";
import {
  abortReason
} from "./chunk-BHXEFIUH.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/core/pipeline/layer-cache.ts
import { copyFile as copyFile2, mkdir as mkdir2, readFile, rename as rename2, rm as rm3, writeFile as writeFile2 } from "node:fs/promises";
import os from "node:os";
import path2 from "node:path";

// src/core/disk/sparse-copy.ts
import { constants } from "node:fs";
import { copyFile, open, rm, stat } from "node:fs/promises";
async function copySparse(from, to, signal) {
  if (signal?.aborted) throw abortReason(signal);
  try {
    await copyFile(from, to, constants.COPYFILE_FICLONE_FORCE);
    return "reflink";
  } catch (err) {
    if (!isNoReflink(err)) throw err;
  }
  if (findOnPath("cp")) {
    try {
      await runTool("cp", ["--sparse=always", "--reflink=never", "--", from, to], signal ? { signal } : {});
      return "sparse-cp";
    } catch (err) {
      if (!(err instanceof ToolError) || !/illegal option|unrecognized option|invalid option|usage:/i.test(err.stderr)) throw err;
    }
  }
  await copySkippingZeros(from, to, signal);
  return "sparse-read";
}
function isNoReflink(err) {
  const code = err?.code;
  return code === "ENOTSUP" || code === "EOPNOTSUPP" || code === "EXDEV" || code === "EINVAL" || code === "ENOSYS" || code === "ENOTTY" || code === "EBADF" || code === "ERR_FS_CP_EINVAL";
}
var HOLE_BLOCK = 64 * 1024;
var READ_SIZE = 4 * 1024 * 1024;
async function copySkippingZeros(from, to, signal) {
  const { size } = await stat(from);
  const src = await open(from, "r");
  try {
    const dst = await open(to, "w");
    try {
      const buf = Buffer.allocUnsafe(READ_SIZE);
      const zeros = Buffer.alloc(HOLE_BLOCK);
      for (let pos = 0; pos < size; ) {
        if (signal?.aborted) throw abortReason(signal);
        const { bytesRead } = await src.read(buf, 0, Math.min(READ_SIZE, size - pos), pos);
        if (bytesRead === 0) break;
        let runStart = -1;
        for (let off = 0; off < bytesRead; off += HOLE_BLOCK) {
          const end = Math.min(off + HOLE_BLOCK, bytesRead);
          const data = !buf.subarray(off, end).equals(zeros.subarray(0, end - off));
          if (data && runStart < 0) runStart = off;
          if (!data && runStart >= 0) {
            await dst.write(buf, runStart, off - runStart, pos + runStart);
            runStart = -1;
          }
        }
        if (runStart >= 0) await dst.write(buf, runStart, bytesRead - runStart, pos + runStart);
        pos += bytesRead;
      }
      await dst.truncate(size);
    } finally {
      await dst.close();
    }
  } catch (err) {
    await rm(to, { force: true });
    throw err;
  } finally {
    await src.close();
  }
}

// src/core/pipeline/digest-memo.ts
import { createHash } from "node:crypto";
import { createReadStream, readFileSync, statSync } from "node:fs";
import { mkdir, rename, rm as rm2, stat as stat2, writeFile } from "node:fs/promises";
import path from "node:path";
var DigestMemo = class {
  constructor(dir, options = {}) {
    this.dir = dir;
    this.minBytes = options.minBytes ?? 1024 * 1024;
    this.racyNs = options.racyNs ?? 2000000000n;
  }
  dir;
  minBytes;
  racyNs;
  /** The record file of `file` (an absolute path): named by the path's hash. */
  recordFile(file) {
    return path.join(this.dir, `${createHash("sha256").update(path.resolve(file)).digest("hex")}.json`);
  }
  async sha256(file, signal) {
    const abs = path.resolve(file);
    const before = statSync(abs, { bigint: true });
    if (before.size < BigInt(this.minBytes)) return { sha256: await hashFile(abs, signal), from: "hashed" };
    const record = this.read(abs);
    if (record && sameFile(record, abs, before)) return { sha256: record.sha256, from: "hit" };
    const sha256 = await hashFile(abs, signal);
    const after = await stat2(abs, { bigint: true });
    const settled = fingerprint(abs, after);
    const fresh = BigInt(Date.now()) * 1000000n - after.mtimeNs < this.racyNs;
    if (JSON.stringify(fingerprint(abs, before)) === JSON.stringify(settled) && !fresh) await this.write({ ...settled, sha256 });
    return { sha256, from: "hashed" };
  }
  read(abs) {
    try {
      return JSON.parse(readFileSync(this.recordFile(abs), "utf8"));
    } catch {
      return void 0;
    }
  }
  async write(record) {
    const file = this.recordFile(record.path);
    const pending = `${file}.${process.pid}.partial`;
    try {
      await mkdir(this.dir, { recursive: true });
      await writeFile(pending, JSON.stringify(record) + "\n");
      await rename(pending, file);
    } catch {
      await rm2(pending, { force: true }).catch(() => void 0);
    }
  }
};
function fingerprint(abs, s) {
  return { path: abs, dev: String(s.dev), ino: String(s.ino), size: String(s.size), mtimeNs: String(s.mtimeNs), ctimeNs: String(s.ctimeNs) };
}
function sameFile(record, abs, s) {
  const now = fingerprint(abs, s);
  return record.path === now.path && record.dev === now.dev && record.ino === now.ino && record.size === now.size && record.mtimeNs === now.mtimeNs && record.ctimeNs === now.ctimeNs && /^[0-9a-f]{64}$/.test(record.sha256);
}
async function hashFile(file, signal) {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, ...signal ? { signal } : {} })) hash.update(chunk);
  return hash.digest("hex");
}

// src/core/pipeline/layer-cache.ts
function defaultCacheRoot(env = process.env) {
  return env.RUDDERVIRT_CACHE_DIR ?? path2.join(env.XDG_CACHE_HOME ?? path2.join(os.homedir(), ".cache"), "ruddervirt");
}
var LayerCache = class {
  constructor(root) {
    this.root = root;
  }
  root;
  /** The folder holding one entry: everything a layer's reuse needs, and nothing else. */
  entryDir(key) {
    return path2.join(this.root, "layers", key);
  }
  /** Digests of big local inputs (source disks) by path, size, mtime and inode, kept beside the layers. */
  digestMemo() {
    return new DigestMemo(path2.join(this.root, "source-digests"));
  }
  /** `layer` names the layer the key was computed for (for log lines and remote cache keys). */
  async lookup(key, _layer) {
    try {
      const entry = JSON.parse(await readFile(path2.join(this.entryDir(key), "entry.json"), "utf8"));
      return entry.key === key ? entry : void 0;
    } catch {
      return void 0;
    }
  }
  /**
   * Held while an entry is written or read, so two builds sharing the cache never read an entry
   * another is replacing (file-lock.ts: a lock left by a killed build is taken over).
   */
  lockFile(key) {
    return `${this.entryDir(key)}.lock`;
  }
  /** Copies a cached layer's images into `outputDir`; returns them as build outputs. */
  async restore(entry, outputDir) {
    await mkdir2(path2.dirname(this.entryDir(entry.key)), { recursive: true });
    return withLock(this.lockFile(entry.key), async () => {
      const outputs = [];
      for (const o of entry.outputs) {
        const image = path2.join(outputDir, o.file);
        const checksumFile = `${image}.sha256`;
        const sbomFile = `${image}.spdx.json`;
        try {
          await copySparse(path2.join(this.entryDir(entry.key), o.file), `${image}.new.partial`);
          await writeFile2(`${checksumFile}.new.partial`, `${o.sha256}  ${o.file}
`);
          if (o.sbom) await copyFile2(path2.join(this.entryDir(entry.key), o.sbom), `${sbomFile}.new.partial`);
          await rm3(checksumFile, { force: true });
          await rm3(sbomFile, { force: true });
          await rename2(`${image}.new.partial`, image);
          await rename2(`${checksumFile}.new.partial`, checksumFile);
          if (o.sbom) await rename2(`${sbomFile}.new.partial`, sbomFile);
        } finally {
          await rm3(`${image}.new.partial`, { force: true });
          await rm3(`${checksumFile}.new.partial`, { force: true });
          await rm3(`${sbomFile}.new.partial`, { force: true });
        }
        outputs.push({ layer: entry.layer, vm: o.vm, image, format: o.format, compressed: o.compressed, bytes: o.bytes, sha256: o.sha256, checksumFile, ...o.sbom ? { sbom: sbomFile } : {}, reused: true });
      }
      return outputs;
    });
  }
  async store(key, layer, outputs) {
    await mkdir2(path2.dirname(this.entryDir(key)), { recursive: true });
    await withLock(this.lockFile(key), () => this.storeLocked(key, layer, outputs));
  }
  async storeLocked(key, layer, outputs) {
    const dir = this.entryDir(key);
    const staging = `${dir}.tmp-${process.pid}`;
    await rm3(staging, { recursive: true, force: true });
    await mkdir2(staging, { recursive: true });
    try {
      const entry = { key, layer, createdAt: (/* @__PURE__ */ new Date()).toISOString(), outputs: [] };
      for (const o of outputs) {
        const file = path2.basename(o.image);
        await copySparse(o.image, path2.join(staging, file));
        if (o.sbom) await copyFile2(o.sbom, path2.join(staging, `${file}.spdx.json`));
        entry.outputs.push({ vm: o.vm, file, format: o.format, compressed: o.compressed, bytes: o.bytes, sha256: o.sha256, ...o.sbom ? { sbom: `${file}.spdx.json` } : {} });
      }
      await writeFile2(path2.join(staging, "entry.json"), JSON.stringify(entry, null, 2) + "\n");
      await rm3(dir, { recursive: true, force: true });
      await rename2(staging, dir);
    } finally {
      await rm3(staging, { recursive: true, force: true });
    }
  }
};

// src/engines/local/accelerator.ts
import { spawn } from "node:child_process";
import { constants as constants2 } from "node:fs";
import { access, mkdtemp, readFile as readFile3, rm as rm4, writeFile as writeFile4 } from "node:fs/promises";
import os2 from "node:os";
import path4 from "node:path";

// src/engines/local/accelerator-verdict.ts
import { createHash as createHash2 } from "node:crypto";
import { readFileSync as readFileSync2, statSync as statSync2 } from "node:fs";
import { mkdir as mkdir3, readFile as readFile2, rename as rename3, writeFile as writeFile3 } from "node:fs/promises";
import path3 from "node:path";
function verdictKey(qemuBinary, kvmDevice, env) {
  try {
    const bootId = readFileSync2("/proc/sys/kernel/random/boot_id", "utf8").trim();
    const binary = findOnPath(qemuBinary, env);
    if (!binary) return void 0;
    const q = statSync2(binary);
    const d = statSync2(kvmDevice);
    const who = [process.getuid?.(), process.getgid?.(), ...process.getgroups?.() ?? []].join(",");
    return createHash2("sha256").update([bootId, binary, q.size, q.mtimeMs, kvmDevice, d.rdev, d.mode, d.uid, d.gid, who].join("\n")).digest("hex");
  } catch {
    return void 0;
  }
}
async function readVerdict(file, key) {
  try {
    const stored = JSON.parse(await readFile2(file, "utf8"));
    if (stored.key !== key) return void 0;
    if (stored.choice?.accelerator !== "kvm" && stored.choice?.accelerator !== "tcg") return void 0;
    return stored.choice;
  } catch {
    return void 0;
  }
}
async function writeVerdict(file, key, choice) {
  try {
    await mkdir3(path3.dirname(file), { recursive: true });
    const temp = `${file}.${process.pid}.tmp`;
    const stored = { key, choice: { accelerator: choice.accelerator, reason: choice.reason } };
    await writeFile3(temp, JSON.stringify(stored) + "\n");
    await rename3(temp, file);
  } catch {
  }
}

// src/engines/local/probe-firmware.ts
var CODE_AT_0 = "fab052e6e92e660f0116b8000f20c06683c8010f22c066ea1e000f00080066b810008ed88ec08ed0b050e6e9bf0010000031c0b9000c0000f3abc7050010000003200000c7050020000003300000c7050030000083000000b8001000000f22d80f20e083c8200f22e0b9800000c00f320d000100000f300f20c00d000000800f22c0ea89000f001800b04ce6e9b02ae6f4f4ebfd8db400000000000000000000ffff0000009acf00ffff00000092cf00ffff0000009aaf001f0098000f00";
var RESET_VECTOR_AT_FFF0 = "ea000000f0";
var PROBE_SUCCESS_STATUS = 85;
var PROBE_EXIT_DEVICE = "isa-debug-exit,iobase=0xf4,iosize=0x04";
var PROBE_STAGES = {
  "": "the guest never ran its first instruction",
  R: "the guest ran in real mode, then hung entering protected mode",
  RP: "the guest reached protected mode, then hung entering 64-bit long mode",
  RPL: "the guest reached 64-bit long mode"
};
function probeFirmwareImage() {
  const image = Buffer.alloc(65536, 244);
  Buffer.from(CODE_AT_0, "hex").copy(image, 0);
  Buffer.from(RESET_VECTOR_AT_FFF0, "hex").copy(image, 65520);
  return image;
}

// src/engines/local/accelerator.ts
var DEFAULT_PROBE_TIMEOUT_MS = 3e3;
var PROBE_STAGE_TIMEOUT_MS = 500;
var cache = /* @__PURE__ */ new Map();
function chooseAccelerator(options) {
  const env = options.env ?? process.env;
  const key = [options.qemuBinary ?? "qemu-system-x86_64", options.kvmDevice ?? "/dev/kvm", env.RUDDERVIRT_ACCEL ?? ""].join("\0");
  let choice = cache.get(key);
  if (!choice) {
    choice = rememberedProbe(options, env).then((c) => {
      if (c.accelerator === "tcg" && !env.RUDDERVIRT_ACCEL) {
        options.logger.warn(`KVM is not usable here (${c.reason}); using TCG software emulation, builds will be much slower`);
      } else {
        options.logger.info(`accelerator: ${c.accelerator} (${c.reason})`);
      }
      return c;
    });
    choice.catch(() => cache.delete(key));
    cache.set(key, choice);
  }
  return choice;
}
async function rememberedProbe(options, env) {
  const started = performance.now();
  const file = options.verdictFile ?? path4.join(defaultCacheRoot(env), "accelerator.json");
  const device = options.kvmDevice ?? "/dev/kvm";
  const worthIt = file !== false && !env.RUDDERVIRT_ACCEL && await access(device, constants2.R_OK | constants2.W_OK).then(
    () => true,
    () => false
  );
  const key = worthIt ? verdictKey(options.qemuBinary ?? "qemu-system-x86_64", device, env) : void 0;
  if (file !== false && key) {
    const known = await readVerdict(file, key);
    if (known) return { ...known, reason: `${known.reason}; probed earlier this boot`, elapsedMs: Math.round(performance.now() - started) };
  }
  const choice = await probeAccelerator(options);
  if (file !== false && key && choice.conclusive !== false) await writeVerdict(file, key, choice);
  return choice;
}
async function probeAccelerator(options) {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const env = options.env ?? process.env;
  const override = env.RUDDERVIRT_ACCEL;
  if (override !== void 0 && override !== "") {
    if (override !== "kvm" && override !== "tcg") {
      throw new UserError(`RUDDERVIRT_ACCEL must be 'kvm' or 'tcg', got '${override}'`);
    }
    return { accelerator: override, reason: `RUDDERVIRT_ACCEL=${override}`, elapsedMs: elapsed() };
  }
  const device = options.kvmDevice ?? "/dev/kvm";
  try {
    await access(device, constants2.R_OK | constants2.W_OK);
  } catch (err) {
    const code = err.code;
    const why = code === "ENOENT" ? `${device} does not exist` : `${device} is not readable and writable by this user (add it to the 'kvm' group)`;
    return { accelerator: "tcg", reason: why, elapsedMs: elapsed() };
  }
  const flags = await virtualizationFlag(options.cpuinfo ?? "/proc/cpuinfo");
  const probe = await runProbeGuest("kvm", { qemuBinary: options.qemuBinary, timeoutMs: options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS });
  if (probe.succeeded) {
    return { accelerator: "kvm", reason: `a probe guest reached long mode under KVM in ${probe.elapsedMs}ms`, elapsedMs: elapsed() };
  }
  const cpu = flags ? `the CPU shows ${flags}` : "the CPU shows no vmx/svm flag (nested virtualization is off)";
  return { accelerator: "tcg", reason: `${device} opens, but under KVM ${probe.outcome}; ${cpu}`, elapsedMs: elapsed(), conclusive: probe.stages.length > 0 };
}
async function virtualizationFlag(cpuinfo) {
  try {
    const text = await readFile3(cpuinfo, "utf8");
    return /^flags\s*:.*\b(vmx|svm)\b/m.exec(text)?.[1];
  } catch {
    return void 0;
  }
}
async function runProbeGuest(accelerator, options) {
  const dir = await mkdtemp(path4.join(os2.tmpdir(), "ruddervirt-accel-"));
  const started = performance.now();
  try {
    const bios = path4.join(dir, "probe.bin");
    await writeFile4(bios, probeFirmwareImage());
    const args = [
      "-accel",
      accelerator,
      "-machine",
      "pc",
      ...accelerator === "kvm" ? ["-cpu", "host"] : [],
      "-m",
      "16",
      "-nodefaults",
      "-no-user-config",
      "-display",
      "none",
      "-bios",
      bios,
      "-device",
      PROBE_EXIT_DEVICE,
      "-debugcon",
      "stdio"
    ];
    const result = await new Promise((resolve, reject) => {
      const child = spawn(options.qemuBinary ?? "qemu-system-x86_64", args, { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      let timedOut = false;
      const giveUp = () => {
        timedOut = true;
        child.kill("SIGKILL");
      };
      let timer = setTimeout(giveUp, options.timeoutMs);
      child.stdout.setEncoding("latin1").on("data", (c) => {
        if (stdout === "") {
          clearTimeout(timer);
          timer = setTimeout(giveUp, options.stageTimeoutMs ?? PROBE_STAGE_TIMEOUT_MS);
        }
        stdout += c;
      });
      child.stderr.setEncoding("utf8").on("data", (c) => stderr += c);
      child.on("error", (err) => {
        clearTimeout(timer);
        reject(err.code === "ENOENT" ? missingToolError(options.qemuBinary ?? "qemu-system-x86_64") : err);
      });
      child.on("close", (status) => {
        clearTimeout(timer);
        resolve({ status, timedOut, stdout, stderr });
      });
    });
    const elapsedMs = Math.round(performance.now() - started);
    const stages = result.stdout.replace(/[^RPL]/g, "");
    if (result.status === PROBE_SUCCESS_STATUS) return { succeeded: true, stages, outcome: PROBE_STAGES.RPL, elapsedMs };
    const progress = PROBE_STAGES[stages] ?? `the guest printed '${stages}'`;
    const outcome = result.timedOut ? `${progress} (probe stopped after ${elapsedMs}ms)` : `QEMU exited with status ${result.status}: ${result.stderr.trim().split("\n").slice(-3).join(" ") || progress}`;
    return { succeeded: false, stages, outcome, elapsedMs };
  } finally {
    await rm4(dir, { recursive: true, force: true });
  }
}

export {
  hashFile,
  defaultCacheRoot,
  LayerCache,
  chooseAccelerator
};
