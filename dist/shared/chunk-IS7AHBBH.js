import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  saveScreenshot
} from "./chunk-WE3FYFX2.js";

// src/actions/toolkit/failure-report.ts
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
var SERIAL_TAIL_LINES = 30;
async function captureFailure(vm, handle, logDir, logger) {
  if (handle) {
    const quick = AbortSignal.timeout(1e4);
    try {
      await saveScreenshot(handle, path.join(logDir, "failure.png"), quick);
    } catch (err) {
      logger.debug(`no failure screenshot: ${err instanceof Error ? err.message : String(err)}`);
    }
    try {
      const tail = await handle.serialTail(SERIAL_TAIL_LINES);
      if (tail.length > 0) await writeFile(path.join(logDir, "serial-tail.txt"), tail.join("\n") + "\n");
    } catch (err) {
      logger.debug(`no serial console: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return readFailure(vm, logDir);
}
async function readFailure(vm, logDir) {
  const files = await readdir(logDir).catch(() => []);
  const text = files.includes("serial-tail.txt") ? await readFile(path.join(logDir, "serial-tail.txt"), "utf8") : "";
  const serialTail = text.trim() === "" ? [] : text.replace(/\s+$/, "").split("\n");
  return { vm, serialTail, screenshots: files.filter((f) => f.endsWith(".png")).sort(), where: `log-dir ${logDir}` };
}

export {
  captureFailure,
  readFailure
};
