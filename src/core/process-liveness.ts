/**
 * Whether the process that wrote a lock or a work folder still runs. A pid alone is not enough: a
 * killed build's pid may be reused, and a killed orphan may linger as a zombie until PID 1 reaps it
 * (containers often run a PID 1 that reaps slowly). /proc/<pid>/stat gives the state and the start
 * time (field 22, proc(5)), which together tell the same live process from a new one.
 */
import { readFileSync } from 'node:fs';

/** /proc/<pid>/stat start time, or undefined when there is no such live (non-zombie) process. */
export function processStartTime(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  return fields[19];
}

/** The owner (pid, and start time when recorded) is the same process, still running. */
export function ownerAlive(owner: { pid: number; startTime?: string }): boolean {
  const now = processStartTime(owner.pid);
  return now !== undefined && (owner.startTime === undefined || owner.startTime === now);
}
