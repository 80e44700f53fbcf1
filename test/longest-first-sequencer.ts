/**
 * Test files in the order that finishes soonest on a two-worker machine: longest first
 * (LPT scheduling), from the per-file durations of a full run recorded in test/durations.json
 * (`node scripts/test.mjs --record-durations`). A fresh clone has no vitest result cache, and
 * vitest's own fallback (larger files first) started the 8-minute real-Debian file last, leaving
 * one worker idle for minutes at the end. Files the record does not know (new ones) go first:
 * they may be long, and a short one costs little at the front.
 *
 * Files that boot the real Debian image (test/fixtures/debian.ts) start once about
 * DEBIAN_IMAGE_WAIT_S of work is under way instead: on a fresh machine `npm test` builds that
 * image in the background (about 8 minutes from setup, vitest starting about 3 minutes in), and a
 * file started at once holds a worker while it waits. Where the image is cached this only moves
 * them a little later; they still end long before the run does.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export const DURATIONS_FILE = path.join(import.meta.dirname, 'durations.json');
/** Seconds of wall time into the run before the Debian image files start. */
const DEBIAN_IMAGE_WAIT_S = 300;
const WORKERS = 2; // vitest.config.ts maxWorkers
/** What a file the record does not know is taken to last. */
const UNKNOWN_FILE_S = 10;

function bootsDebianImage(file: string): boolean {
  try {
    return readFileSync(file, 'utf8').includes('ensureDebianImage(');
  } catch {
    return false;
  }
}

/**
 * `ordered` with the files that boot the Debian image moved to where about DEBIAN_IMAGE_WAIT_S of
 * wall time (on WORKERS workers) has been started before them, their own order kept.
 */
export function deferDebianImageFiles<T>(ordered: T[], seconds: (f: T) => number | undefined, bootsDebian: (f: T) => boolean): T[] {
  const waiting = ordered.filter(bootsDebian);
  const rest = ordered.filter((f) => !bootsDebian(f));
  let at = 0;
  for (let started = 0; at < rest.length && started / WORKERS < DEBIAN_IMAGE_WAIT_S; at++) started += seconds(rest[at]!) ?? UNKNOWN_FILE_S;
  return [...rest.slice(0, at), ...waiting, ...rest.slice(at)];
}

function recordedSeconds(): Map<string, number> {
  try {
    const record = JSON.parse(readFileSync(DURATIONS_FILE, 'utf8')) as { files?: Record<string, number> };
    return new Map(Object.entries(record.files ?? {}));
  } catch {
    return new Map();
  }
}

export default class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const seconds = recordedSeconds();
    if (seconds.size === 0) return super.sort(files);
    const root = path.dirname(import.meta.dirname);
    const known = (spec: TestSpecification) => seconds.get(path.relative(root, spec.moduleId).split(path.sep).join('/'));
    const unknown = await super.sort(files.filter((f) => known(f) === undefined));
    const timed = files.filter((f) => known(f) !== undefined).sort((a, b) => known(b)! - known(a)!);
    return deferDebianImageFiles([...unknown, ...timed], known, (f) => bootsDebianImage(f.moduleId));
  }
}
