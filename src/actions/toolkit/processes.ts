/**
 * Finding our own leftover processes by a marker in their command line (a work-dir path that only
 * they carry), for post steps that run after the process that started them is gone. Never matches
 * by program name: other jobs' QEMUs on a self-hosted runner are none of our business.
 */
import { readdirSync, readFileSync } from 'node:fs';

export function processesWithMarker(marker: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(marker)) out.push(Number(entry));
    } catch {
      // ended while we looked
    }
  }
  return out;
}

/** SIGTERM, a grace period, then SIGKILL for whatever still runs; returns the pids found. */
export async function stopProcessesWithMarker(marker: string, graceMs = 10_000): Promise<number[]> {
  const pids = processesWithMarker(marker);
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && processesWithMarker(marker).length > 0) await new Promise((r) => setTimeout(r, 200));
  for (const pid of processesWithMarker(marker)) signal(pid, 'SIGKILL');
  return pids;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}
