import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  sleep
} from "./chunk-BHXEFIUH.js";

// src/core/process-liveness.ts
import { readFileSync } from "node:fs";
function processStartTime(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return void 0;
  }
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  if (fields[0] === "Z" || fields[0] === "X") return void 0;
  return fields[19];
}
function ownerAlive(owner) {
  const now = processStartTime(owner.pid);
  return now !== void 0 && (owner.startTime === void 0 || owner.startTime === now);
}

// src/core/file-lock.ts
import { open, readFile, unlink } from "node:fs/promises";
import os from "node:os";
async function tryLock(file) {
  const me = { pid: process.pid, startTime: processStartTime(process.pid) ?? "", host: os.hostname(), startedAt: (/* @__PURE__ */ new Date()).toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(file, "wx", 420);
      await fh.writeFile(JSON.stringify(me) + "\n");
      await fh.close();
      return {
        release: async () => {
          const now = await readOwner(file);
          if (now?.pid === me.pid && now.startTime === me.startTime) await unlink(file).catch(() => void 0);
        }
      };
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
    }
    const owner = await readOwner(file);
    if (owner && (owner.host !== me.host || ownerAlive(owner))) return { heldBy: owner };
    await unlink(file).catch(() => void 0);
  }
  throw new Error(`${file}: could not take the lock`);
}
async function withLock(file, fn, options = {}) {
  let told = false;
  for (; ; ) {
    const got = await tryLock(file);
    if (got.release) {
      try {
        return await fn();
      } finally {
        await got.release();
      }
    }
    if (!told) options.onWait?.(got.heldBy);
    told = true;
    await sleep(options.pollMs ?? 250, options.signal);
  }
}
async function readOwner(file) {
  try {
    const v = JSON.parse(await readFile(file, "utf8"));
    return typeof v.pid === "number" && typeof v.startTime === "string" && typeof v.host === "string" ? v : void 0;
  } catch {
    return void 0;
  }
}

export {
  processStartTime,
  ownerAlive,
  tryLock,
  withLock,
  readOwner
};
