/**
 * Test files in the order that finishes soonest on a two-worker machine: longest first
 * (LPT scheduling), from the per-file durations of a full run recorded in test/durations.json
 * (`node scripts/test.mjs --record-durations`). A fresh clone has no vitest result cache, and
 * vitest's own fallback (larger files first) started the 8-minute real-Debian file last, leaving
 * one worker idle for minutes at the end. Files the record does not know (new ones) go first:
 * they may be long, and a short one costs little at the front.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

export const DURATIONS_FILE = path.join(import.meta.dirname, 'durations.json');

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
    return [...unknown, ...timed];
  }
}
