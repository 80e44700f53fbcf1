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
