import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  MAX_DURATION_MS
} from "./chunk-YBXMTZXO.js";

// src/core/abort.ts
var CancelledError = class extends Error {
  name = "CancelledError";
  constructor(message = "Build was cancelled.") {
    super(message);
  }
};
function abortReason(signal) {
  return signal.reason instanceof Error ? signal.reason : new CancelledError();
}
function throwIfAborted(signal) {
  if (signal.aborted) throw abortReason(signal);
}
async function sleep(ms, signal) {
  let left = Math.max(0, ms);
  do {
    if (signal?.aborted) throw abortReason(signal);
    const chunk = Math.min(left, MAX_DURATION_MS);
    left -= chunk;
    await new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortReason(signal));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, chunk);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  } while (left > 0);
}

export {
  CancelledError,
  abortReason,
  throwIfAborted,
  sleep
};
