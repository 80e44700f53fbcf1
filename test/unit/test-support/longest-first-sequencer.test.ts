/**
 * The test run's file order (test/longest-first-sequencer.ts): the files that boot the Debian
 * image start once about five minutes of work on two workers is under way, so on a fresh machine
 * they do not hold a worker while the image is built in the background.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deferDebianImageFiles } from '../../longest-first-sequencer.js';

interface File {
  name: string;
  seconds?: number;
  debian: boolean;
}

const order = (files: File[]) =>
  deferDebianImageFiles(
    files,
    (f) => f.seconds,
    (f) => f.debian,
  ).map((f) => f.name);

describe('deferDebianImageFiles', () => {
  it('moves the Debian image files behind 600 s of other files (300 s on two workers), longest first kept', () => {
    const files: File[] = [
      { name: 'real-debian', seconds: 340, debian: true },
      { name: 'module', seconds: 250, debian: false },
      { name: 'chain', seconds: 220, debian: false },
      { name: 'kubevirt-real-debian', seconds: 150, debian: true },
      { name: 'installer', seconds: 150, debian: false },
      { name: 'local-build', seconds: 170, debian: false },
      { name: 'unit', seconds: 1, debian: false },
    ];
    expect(order(files)).toEqual(['module', 'chain', 'installer', 'real-debian', 'kubevirt-real-debian', 'local-build', 'unit']);
  });

  it('puts them last when the other files are shorter than the wait, and counts unknown files as 10 s', () => {
    expect(
      order([
        { name: 'debian', seconds: 300, debian: true },
        { name: 'new', debian: false },
        { name: 'short', seconds: 5, debian: false },
      ]),
    ).toEqual(['new', 'short', 'debian']);
  });

  it('keeps every file once and the others in their order (property)', () => {
    const file = fc.record({ name: fc.uuid(), seconds: fc.option(fc.integer({ min: 0, max: 900 }), { nil: undefined }), debian: fc.boolean() });
    fc.assert(
      fc.property(fc.array(file, { maxLength: 40 }), (files) => {
        const out = order(files);
        expect([...out].sort()).toEqual(files.map((f) => f.name).sort());
        expect(out.filter((n) => !files.find((f) => f.name === n)!.debian)).toEqual(files.filter((f) => !f.debian).map((f) => f.name));
        // Before the first Debian file: at least 600 s of others, or all of them.
        const first = out.findIndex((n) => files.find((f) => f.name === n)!.debian);
        if (first < 0) return;
        const before = out.slice(0, first).reduce((s, n) => s + (files.find((f) => f.name === n)!.seconds ?? 10), 0);
        const others = files.filter((f) => !f.debian).length;
        expect(before >= 600 || first === others).toBe(true);
      }),
    );
  });
});
