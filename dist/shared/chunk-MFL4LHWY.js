import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  ownerAlive,
  readOwner
} from "./chunk-XHUVLOPP.js";

// src/core/oci/pull/disk-cache.ts
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
function defaultContainerDiskCacheDir(env = process.env) {
  const root = env.RUDDERVIRT_CACHE_DIR ?? path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"), "ruddervirt");
  return path.join(path.resolve(root), "containerdisks");
}
var hexOf = (digest) => digest.slice("sha256:".length);
var ContainerDiskCache = class {
  constructor(dir) {
    this.dir = dir;
  }
  dir;
  entryDir(digest) {
    return path.join(this.dir, hexOf(digest));
  }
  tagFile(image, platform) {
    return path.join(this.dir, "tags", `${createHash("sha256").update(`${image}
${platform}`).digest("hex").slice(0, 40)}.json`);
  }
  /** The lock a build holds while it pulls `digest` into the cache (file-lock.ts), beside the entry. */
  lockFile(digest) {
    return `${this.entryDir(digest)}.lock`;
  }
  /** The cached disk for a manifest digest, when it is complete (its file is there at its size). */
  async lookup(digest) {
    const dir = this.entryDir(digest);
    let info;
    try {
      info = JSON.parse(await readFile(path.join(dir, "image.json"), "utf8"));
    } catch {
      return void 0;
    }
    const file = path.join(dir, path.basename(info.file));
    const st = await stat(file).catch(() => void 0);
    if (!st?.isFile() || st.size !== info.size) return void 0;
    return { ...info, path: file };
  }
  /**
   * A private folder next to the entries (same filesystem, so the final rename is atomic). Staging
   * folders of pulls whose process is gone (killed outright) are removed first.
   */
  async staging() {
    for (const n of await readdir(this.dir).catch(() => [])) {
      if (n.startsWith(".staging-") && !isAlive(Number(n.split("-")[1]))) await rm(path.join(this.dir, n), { recursive: true, force: true });
    }
    const dir = path.join(this.dir, `.staging-${process.pid}-${randomBytes(4).toString("hex")}`);
    await mkdir(dir, { recursive: true });
    return dir;
  }
  /**
   * Moves a staged disk into the cache. `stagingDir` must hold only `stagedFile`; it becomes the
   * entry. When another process stored the same digest first, theirs is kept and ours removed.
   */
  async store(stagingDir, stagedFile, info) {
    const name = path.basename(info.file);
    if (path.basename(stagedFile) !== name) await rename(stagedFile, path.join(stagingDir, name));
    await writeFile(path.join(stagingDir, `${name}.sha256`), `${info.sha256}  ${name}
`);
    await writeFile(path.join(stagingDir, "image.json"), JSON.stringify(info, null, 2) + "\n");
    const dir = this.entryDir(info.digest);
    try {
      await rename(stagingDir, dir);
    } catch (err) {
      const code = err.code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw err;
      await rm(stagingDir, { recursive: true, force: true });
      const theirs = await this.lookup(info.digest);
      if (theirs) return theirs;
      throw err;
    }
    return { ...info, path: path.join(dir, name) };
  }
  /** `wantedPlatform` is the platform the build asked for (the lookup key), not the one an index offered. */
  async rememberTag(record, wantedPlatform) {
    const file = this.tagFile(record.image, wantedPlatform);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(record, null, 2) + "\n");
    await rename(tmp, file);
  }
  async lastResolved(image, wantedPlatform) {
    try {
      return JSON.parse(await readFile(this.tagFile(image, wantedPlatform), "utf8"));
    } catch {
      return void 0;
    }
  }
  /** Every complete entry. */
  async list() {
    const names = await readdir(this.dir).catch(() => []);
    const out = [];
    for (const n of names) {
      if (!/^[a-f0-9]{64}$/.test(n)) continue;
      const e = await this.lookup(`sha256:${n}`);
      if (e) out.push(e);
    }
    return out;
  }
  /**
   * Removes every entry (or those last pulled before `olderThan`), the tag records and any
   * staging folder a killed pull left; returns what was removed and the bytes freed.
   */
  async prune(olderThan) {
    const removed = [];
    let bytes = 0;
    for (const e of await this.list()) {
      if (olderThan && new Date(e.pulledAt) >= olderThan) continue;
      const st = await stat(e.path).catch(() => void 0);
      bytes += st ? st.blocks * 512 : e.size;
      await rm(path.dirname(e.path), { recursive: true, force: true });
      removed.push(e);
    }
    for (const n of await readdir(this.dir).catch(() => [])) {
      const stale = n.startsWith(".staging-") && !isAlive(Number(n.split("-")[1]));
      const incomplete = /^[a-f0-9]{64}$/.test(n) && !await this.lookup(`sha256:${n}`);
      const deadLock = /^[a-f0-9]{64}\.lock$/.test(n) && !await lockHeld(path.join(this.dir, n));
      if (stale || incomplete || deadLock || n === "tags" && !olderThan) await rm(path.join(this.dir, n), { recursive: true, force: true });
    }
    return { removed, bytes };
  }
};
async function lockHeld(file) {
  const owner = await readOwner(file);
  return owner !== void 0 && ownerAlive(owner);
}
function isAlive(pid) {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === "EPERM";
  }
}

export {
  defaultContainerDiskCacheDir,
  ContainerDiskCache
};
