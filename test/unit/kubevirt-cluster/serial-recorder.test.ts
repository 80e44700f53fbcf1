/**
 * The serial recorder's joining of the launcher's console log (the past) and the console stream
 * (from the connection on). KubeVirt cannot run here: both sources are in-memory streams standing
 * in for the pod log and the `console` websocket (the harness's own console is covered by the
 * kube-harness tests).
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { SerialRecorder } from '../../../src/engines/kubevirt/cluster/serial-recorder.js';

const signal = new AbortController().signal;
const tick = () => new Promise((r) => setTimeout(r, 10));

describe('SerialRecorder (in-memory stand-ins for the pod log and console websocket)', () => {
  it('reads the past from the log, then what the stream brings, from any offset', async () => {
    const stream = new PassThrough();
    const recorder = new SerialRecorder({
      openConsole: async () => stream,
      history: async () => {
        // Written while the log was being read: arrives through the stream too.
        stream.write('boot');
        return ['SeaBIOS', 'boot'];
      },
    });
    const first = await recorder.read(0, signal);
    expect(first.toString()).toBe('SeaBIOS\nboot\nboot');
    stream.write(': ');
    await tick();
    expect((await recorder.read(first.length, signal)).toString()).toBe(': ');
    expect((await recorder.read(0, signal)).toString()).toBe('SeaBIOS\nboot\nboot: ');
    recorder.close();
    expect(stream.destroyed).toBe(true);
  });

  it('without a console stream, the whole log is read again on every call', async () => {
    let lines = ['one'];
    const recorder = new SerialRecorder({ openConsole: () => Promise.reject(new Error('403 forbidden')), history: async () => lines });
    expect((await recorder.read(0, signal)).toString()).toBe('one\n');
    lines = ['one', 'two'];
    expect((await recorder.read(4, signal)).toString()).toBe('two\n');
  });

  it('a stream that ended fails reads past what was recorded, naming why', async () => {
    const stream = new PassThrough();
    const recorder = new SerialRecorder({ openConsole: async () => stream, history: async () => [] });
    await recorder.read(0, signal);
    stream.end('bye');
    stream.resume();
    await tick();
    expect((await recorder.read(0, signal)).toString()).toBe('bye');
    await expect(recorder.read(3, signal)).rejects.toThrow(/serial console stream ended/);
  });
});

describe('SerialRecorder when nobody reads', () => {
  it('lets the console go after 10 s without a read, and starts over from the log on the next one', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const streams: PassThrough[] = [];
      let lines = ['boot:'];
      const recorder = new SerialRecorder({
        openConsole: async () => {
          streams.push(new PassThrough());
          return streams.at(-1)!;
        },
        history: async () => lines,
      });
      expect((await recorder.read(0, signal)).toString()).toBe('boot:\n');
      vi.advanceTimersByTime(10_001);
      expect(streams[0]!.destroyed).toBe(true);
      lines = ['boot:', 'login:'];
      expect((await recorder.read(0, signal)).toString()).toBe('boot:\nlogin:\n');
      expect(streams).toHaveLength(2);
      recorder.close();
    } finally {
      vi.useRealTimers();
    }
  });
});
