import { afterEach, describe, expect, it, vi } from 'vitest';
import { memoryLogger } from '../../../src/core/log.js';
import { resolveKeyInterval } from '../../../src/core/bootcommand/key-interval.js';
import { planBootCommand } from '../../../src/core/bootcommand/plan.js';
import { sleep } from '../../../src/core/abort.js';
import { typeKeyEvents } from '../../../src/core/bootcommand/type-key-events.js';
import type { KeyEvent, KeySink } from '../../../src/core/bootcommand/types.js';

/** A real KeySink that keeps what it receives, with the (fake or real) clock time of each event. */
class RecordingSink implements KeySink {
  readonly received: { key: number; down: boolean; at: number }[] = [];
  constructor(private readonly failAt = -1) {}
  async keyEvent(key: number, down: boolean): Promise<void> {
    if (this.received.length === this.failAt) throw new Error('connection reset');
    this.received.push({ key, down, at: Date.now() });
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('typeKeyEvents', () => {
  it('sends every key event, sleeping the interval after each one and the wait for a wait (fake timers)', async () => {
    vi.useFakeTimers({ now: 0 });
    const sink = new RecordingSink();
    const plan = planBootCommand('Ab<wait2s>c');
    const done = typeKeyEvents(plan, sink, { intervalMs: 100 });
    await vi.runAllTimersAsync();
    await done;
    // Shift↓ A↓ A↑ Shift↑ b↓ b↑ at 100 ms steps, then 2 s, then c↓ c↑.
    expect(sink.received).toEqual([
      { key: 0xffe1, down: true, at: 0 },
      { key: 0x41, down: true, at: 100 },
      { key: 0x41, down: false, at: 200 },
      { key: 0xffe1, down: false, at: 300 },
      { key: 0x62, down: true, at: 400 },
      { key: 0x62, down: false, at: 500 },
      { key: 0x63, down: true, at: 2600 },
      { key: 0x63, down: false, at: 2700 },
    ]);
    expect(Date.now()).toBe(2800); // Packer sleeps after the last event too
  });

  it('types a bare event list with a real short interval', async () => {
    const sink = new RecordingSink();
    const events: KeyEvent[] = [{ key: 0x61, down: true }, { key: 0x61, down: false }, { wait: 30 }, { key: 0x62, down: true }];
    const started = Date.now();
    await typeKeyEvents(events, sink, { intervalMs: 5 });
    expect(sink.received.map(({ key, down }) => ({ key, down }))).toEqual(events.filter((e) => !('wait' in e)));
    expect(sink.received[2]!.at - sink.received[1]!.at).toBeGreaterThanOrEqual(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
  });

  it('calls onElementDone once per element, in order, after that element’s events', async () => {
    const sink = new RecordingSink();
    const seen: string[] = [];
    const plan = planBootCommand(['', 'a', '<ent', 'er>', '']);
    await typeKeyEvents(plan, sink, {
      intervalMs: 0,
      onElementDone: async (element) => {
        await Promise.resolve();
        seen.push(`${element}@${sink.received.length}`);
      },
    });
    expect(seen).toEqual(['0@0', '1@2', '2@2', '3@4', '4@4']);
  });

  it('reports progress per element and each wait, never the characters typed', async () => {
    const { logger, lines } = memoryLogger();
    await typeKeyEvents(planBootCommand(['pass', 'w0rd<wait10ms>']), new RecordingSink(), { intervalMs: 0, logger });
    expect(lines).toEqual(['info: typing the boot command 1 / 2 (50.0%)', 'debug: boot command: waiting 10ms', 'info: typing the boot command 2 / 2 (100.0%)']);
  });

  it('stops at the first failed key event and reports it', async () => {
    const sink = new RecordingSink(3);
    await expect(typeKeyEvents(planBootCommand('abc'), sink, { intervalMs: 0 })).rejects.toThrow('connection reset');
    expect(sink.received).toHaveLength(3);
  });

  it('is cancelled by the AbortSignal during a wait, and sends nothing after', async () => {
    vi.useFakeTimers({ now: 0 });
    const sink = new RecordingSink();
    const abort = new AbortController();
    const typing = typeKeyEvents(planBootCommand('a<wait1h>b'), sink, { intervalMs: 10, signal: abort.signal });
    const outcome = typing.then(
      () => 'finished',
      (err: unknown) => err,
    );
    await vi.advanceTimersByTimeAsync(60_000);
    abort.abort(new Error('build cancelled'));
    await vi.runAllTimersAsync();
    expect(await outcome).toEqual(new Error('build cancelled'));
    expect(sink.received.map((e) => e.key)).toEqual([0x61, 0x61]);
    expect(vi.getTimerCount()).toBe(0); // no timer left behind
  });

  it('does not start when the signal is already aborted', async () => {
    const sink = new RecordingSink();
    await expect(typeKeyEvents(planBootCommand('a'), sink, { intervalMs: 0, signal: AbortSignal.abort() })).rejects.toThrow();
    expect(sink.received).toEqual([]);
  });

  it('sleeps waits longer than a Node timer can hold (2^31-1 ms) in pieces', async () => {
    vi.useFakeTimers({ now: 0 });
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const finished = sleep(30 * 24 * 3_600_000);
    await vi.advanceTimersByTimeAsync(2 ** 31);
    let settled = false;
    void finished.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.runAllTimersAsync();
    await finished;
    expect(Date.now()).toBe(30 * 24 * 3_600_000);
    const delays = setTimeoutSpy.mock.calls.map((call) => Number(call[1]));
    expect(delays.length).toBe(2);
    expect(Math.max(...delays)).toBeLessThanOrEqual(2 ** 31 - 1);
    setTimeoutSpy.mockRestore();
  });
});

describe('resolveKeyInterval', () => {
  it.each<[NodeJS.ProcessEnv, number | undefined, number]>([
    [{}, undefined, 100],
    [{ PACKER_KEY_INTERVAL: '10ms' }, undefined, 10],
    [{ PACKER_KEY_INTERVAL: '1.5s' }, undefined, 1500],
    [{ PACKER_KEY_INTERVAL: 'fast' }, undefined, 100], // not a Go duration: ignored, as Packer does
    [{ PACKER_KEY_INTERVAL: '10' }, undefined, 100],
    [{ PACKER_KEY_INTERVAL: '0' }, undefined, 0],
    [{ PACKER_KEY_INTERVAL: '-5ms' }, undefined, 0],
    [{ PACKER_KEY_INTERVAL: '10ms' }, 20, 20], // bootKeyInterval wins when positive
    [{ PACKER_KEY_INTERVAL: '10ms' }, 0, 10],
    [{}, 5, 5],
  ])('env %j, bootKeyInterval %s → %i ms', (env, bootKeyInterval, expected) => {
    expect(resolveKeyInterval({ env, bootKeyInterval })).toBe(expected);
  });
});
