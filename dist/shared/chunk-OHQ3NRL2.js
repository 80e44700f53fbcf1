import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);

// src/actions/toolkit/processes.ts
import { readdirSync, readFileSync } from "node:fs";
function processesWithMarker(marker) {
  const out = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ").includes(marker)) out.push(Number(entry));
    } catch {
    }
  }
  return out;
}
async function stopProcessesWithMarker(marker, graceMs = 1e4) {
  const pids = processesWithMarker(marker);
  for (const pid of pids) signal(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && processesWithMarker(marker).length > 0) await new Promise((r) => setTimeout(r, 200));
  for (const pid of processesWithMarker(marker)) signal(pid, "SIGKILL");
  return pids;
}
function signal(pid, sig) {
  try {
    process.kill(pid, sig);
  } catch {
  }
}

export {
  stopProcessesWithMarker
};
