/**
 * Log groups in the runner's log come from the phase runner's events, not from reading "==>"
 * lines back: the real phase runner (core/pipeline/phase.ts) and the real ActionLogger over the
 * real @actions/core, whose ::group::/::endgroup:: commands are read off stdout.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ActionLogger } from '../../src/actions/toolkit/action-logger.js';
import { SecretMasker } from '../../src/core/log.js';
import { createPhaseRunner } from '../../src/core/pipeline/phase.js';

let stdout: string[];

beforeEach(() => {
  stdout = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
});
afterEach(() => vi.restoreAllMocks());

/** The step's stdout as lines, with the "done in …" durations made stable. */
function lines(): string[] {
  return stdout
    .join('')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.replace(/done in \S+$/, 'done'));
}

function logger(): ActionLogger {
  return new ActionLogger({ masker: new SecretMasker() });
}

const never = new AbortController().signal;

describe('log groups from phase events', () => {
  it('one group per phase, its ==> and <== lines inside; a skipped phase is one line outside any group', async () => {
    const root = logger();
    const phases = createPhaseRunner('base/web', root.child('base/web'), never);
    await phases.run('boot wait', async () => root.child('base/web').info('waiting'));
    phases.skip('boot command', 'none given');
    await phases.run('ssh', async () => {});
    root.closeGroup();
    expect(lines()).toEqual([
      '::group::[base/web] boot wait',
      '[base/web] ==> boot wait',
      '[base/web] waiting',
      '[base/web] <== boot wait done',
      '::endgroup::',
      '[base/web] ==> boot command: skipped (none given)',
      '::group::[base/web] ssh',
      '[base/web] ==> ssh',
      '[base/web] <== ssh done',
      '::endgroup::',
    ]);
  });

  it('text that merely looks like a phase (a guest printing "==> x") opens no group', () => {
    const root = logger();
    root.child('base/web').info('==> evil\n<== evil done');
    root.closeGroup();
    expect(lines()).toEqual(['[base/web] ==> evil', '[base/web] <== evil done']);
  });

  it("VMs side by side: a phase's end closes only its own group, never the one another VM opened since", async () => {
    const root = logger();
    const a = createPhaseRunner('base/a', root.child('base/a'), never);
    const b = createPhaseRunner('base/b', root.child('base/b'), never);
    let endA!: () => void;
    let endB!: () => void;
    const runA = a.run('provision', () => new Promise<void>((resolve) => (endA = resolve)));
    const runB = b.run('provision', () => new Promise<void>((resolve) => (endB = resolve)));
    endA();
    await runA;
    expect(lines().filter((l) => l.startsWith('::'))).toEqual(['::group::[base/a] provision', '::endgroup::', '::group::[base/b] provision']);
    endB();
    await runB;
    expect(lines().filter((l) => l.startsWith('::'))).toEqual(['::group::[base/a] provision', '::endgroup::', '::group::[base/b] provision', '::endgroup::']);
  });

  it('a failed phase closes its group, so the failure output after it is not folded away', async () => {
    const root = logger();
    const phases = createPhaseRunner('base/web', root, never);
    await expect(phases.run('ssh', () => Promise.reject(new Error('no route')))).rejects.toThrow('no route');
    root.error('last screen: login:');
    expect(lines()).toEqual(['::group::ssh', '==> ssh', '::endgroup::', 'last screen: login:']);
  });

  it('startGroup opens a section of the step and closes the group before it; groups off writes no commands', async () => {
    const root = logger();
    root.startGroup('source for base/web');
    root.info('downloading');
    root.startGroup('publish registry/x:1');
    root.closeGroup();
    expect(lines()).toEqual(['::group::source for base/web', 'downloading', '::endgroup::', '::group::publish registry/x:1', '::endgroup::']);

    stdout.length = 0;
    const quiet = new ActionLogger({ masker: new SecretMasker(), groups: false });
    quiet.startGroup('x');
    await createPhaseRunner('v', quiet, never).run('p', async () => {});
    quiet.closeGroup();
    expect(lines()).toEqual(['==> p', '<== p done']);
  });
});
