import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryLogger } from '../../../src/core/log.js';
import { ProgressReporter } from '../../../src/core/progress-reporter.js';

describe('progress reporter', () => {
  it('reports start, each tenth once, and the end', () => {
    const { logger, lines } = memoryLogger();
    const p = new ProgressReporter(logger, 'download x', 1000);
    p.start();
    for (let done = 0; done <= 1000; done += 7) p.update(done);
    p.update(1000);
    p.finish('done');
    expect(lines[0]).toBe('info: download x 0 B / 1000 B (0.0%)');
    expect(lines.at(-1)).toBe('info: download x 1000 B / 1000 B (100.0%) done');
    expect(lines).toHaveLength(11); // start, 10%..90%, end
  });

  it('without a total, reports by time', () => {
    let now = 0;
    const { logger, lines } = memoryLogger();
    const p = new ProgressReporter(logger, 'copy', undefined, 10_000, () => now);
    p.start();
    for (let i = 1; i <= 100; i++) {
      now = i * 1000;
      p.add(1024);
    }
    p.finish();
    expect(lines).toHaveLength(12); // start, every 10 s over 100 s, end
    expect(lines.at(-1)).toBe('info: copy 100.0 KiB');
  });

  it('property: never more than 12 lines for any sequence of growing byte counts, the last one complete', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e12 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 500 }), (total, fractions) => {
        const { logger, lines } = memoryLogger();
        const p = new ProgressReporter(logger, 'x', total);
        p.start();
        for (const f of [...fractions].sort()) p.update(Math.floor(f * total));
        p.update(total);
        p.finish();
        expect(lines.length).toBeLessThanOrEqual(12);
        expect(lines.at(-1)).toMatch(/\(100\.0%\)$/);
      }),
    );
  });
});
