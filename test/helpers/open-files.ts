/** What this process holds open, read from /proc/self/fd: the proof that a file was closed. */
import { readdirSync, readlinkSync } from 'node:fs';

export function openFilesUnder(dir: string): string[] {
  const open: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(dir)) open.push(target);
    } catch {
      // The descriptor readdir itself used is gone by now.
    }
  }
  return open;
}

/** Closing is asynchronous (the fs thread pool): waits up to `ms` for `dir` to hold nothing open. */
export async function waitUntilClosed(dir: string, ms = 5_000): Promise<string[]> {
  const end = Date.now() + ms;
  while (openFilesUnder(dir).length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return openFilesUnder(dir);
}
