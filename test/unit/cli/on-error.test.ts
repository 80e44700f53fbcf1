/** --on-error ask and abort on the CLI: the question a person answers, and what abort prints and records. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { describeAbandoned, readAbandoned, recordAbandoned, forgetAbandoned } from '../../../src/cli/abandoned.js';
import { terminalAsker } from '../../../src/cli/ask-on-error.js';
import type { Build } from '../../../src/core/config/model.js';

function streams() {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (d: Buffer) => (text += d.toString()));
  /** Types a line once the n-th question is on the screen, as a person at a terminal does. */
  const answer = async (n: number, line: string) => {
    while ((text.match(/\[r\] retry the step\? /g) ?? []).length < n) await new Promise((r) => setTimeout(r, 5));
    input.write(`${line}\n`);
  };
  return { input, output, text: () => text, answer };
}

describe('--on-error ask', () => {
  it('asks again on an answer it does not know, and takes c/a/r or the words', async () => {
    const s = streams();
    const ask = terminalAsker(s.input, s.output, new AbortController().signal, (x) => x.replaceAll('hunter2', '***'));
    const answer = ask({ vm: 'base/web', phase: 'provision 1/1: shell', error: new Error('exit 3 (password hunter2)') });
    await s.answer(1, 'maybe');
    await s.answer(2, 'R');
    expect(await answer).toBe('retry');
    expect(s.text()).toMatch(/vm base\/web: step 'provision 1\/1: shell' failed: exit 3 \(password \*\*\*\)/);
    expect(s.text()).not.toContain('hunter2');
    expect(s.text()).toMatch(/please answer c, a or r/);
    const second = ask({ vm: 'base/web', phase: 'shutdown', error: 'x' });
    await s.answer(3, 'abort');
    expect(await second).toBe('abort');
  });

  it('asks one VM at a time: the second question waits for the first answer', async () => {
    const s = streams();
    const ask = terminalAsker(s.input, s.output, new AbortController().signal, (x) => x);
    const first = ask({ vm: 'l/a', phase: 'p', error: 'e1' });
    const second = ask({ vm: 'l/b', phase: 'p', error: 'e2' });
    await s.answer(1, 'c');
    expect(await first).toBe('cleanup');
    expect(s.text()).toContain('vm l/a');
    expect(s.text()).not.toContain('vm l/b');
    await s.answer(2, 'a');
    expect(await second).toBe('abort');
  });

  it('cancellation answers cleanup, the safe choice', async () => {
    const s = streams();
    const abort = new AbortController();
    const ask = terminalAsker(s.input, s.output, abort.signal, (x) => x);
    const answer = ask({ vm: 'l/a', phase: 'p', error: 'e' });
    abort.abort();
    expect(await answer).toBe('cleanup');
  });
});

describe('--on-error abort report', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  const build = { layers: [{ name: 'base', vms: [{ name: 'web', communicator: { type: 'ssh', sshUsername: 'debian' } }] }] } as unknown as Build;

  it('says how to reach a local VM and records it for cleanup', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'rv-abandoned-'));
    dirs.push(out);
    const abandoned = [
      {
        vm: 'base/web',
        left: ['vm web'],
        logDir: path.join(out, 'logs', 'base-web'),
        workDir: '/tmp/ruddervirt-x-web-1',
        detached: { engine: 'local' as const, vm: 'web', sshEndpoint: { host: '127.0.0.1', port: 2231, display: '127.0.0.1:2231' }, state: { vnc: { host: '127.0.0.1', port: 5901 } } },
      },
    ];
    const text = describeAbandoned(build, abandoned, out);
    expect(text).toMatch(/vm base\/web is left running for debugging/);
    expect(text).toMatch(/ssh -p 2231 .* debian@127\.0\.0\.1/);
    expect(text).toMatch(/vnc: +127\.0\.0\.1:5901/);
    expect(text).toContain(path.join(out, 'logs', 'base-web', 'serial.log'));
    expect(text).toContain(`ruddervirt cleanup ${out}`);
    await recordAbandoned(out, abandoned);
    const read = await readAbandoned(out);
    expect(read.map((r) => r.vm)).toEqual(abandoned);
    await forgetAbandoned(read[0]!.file);
    expect(await readAbandoned(out)).toEqual([]);
  });

  it('says so when the VM could not outlive the build', () => {
    const text = describeAbandoned(build, [{ vm: 'base/web', left: ['vm web'], logDir: '/x' }], '/out');
    expect(text).toMatch(/left as it was \(it could not outlive this process\)/);
    expect(text).not.toMatch(/ssh -p/);
  });
});
