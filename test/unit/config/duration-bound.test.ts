/**
 * One duration bound everywhere: the longest delay a Node.js timer holds (2^31-1 ms, 596h31m23.647s).
 * Node fires a longer setTimeout after 1 ms, so a duration past it must be refused where it is read —
 * the build file, a boot-command wait, an action input, PACKER_KEY_INTERVAL — never handed to a timer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDurationInput } from '../../../src/actions/toolkit/inputs.js';
import { resolveKeyInterval } from '../../../src/core/bootcommand/key-interval.js';
import { scanBootCommand } from '../../../src/core/bootcommand/parser.js';
import { findBadWaits } from '../../../src/core/config/boot-waits.js';
import { checkDuration, MAX_DURATION_MS, MAX_DURATION_TEXT, timerDelay } from '../../../src/core/duration.js';
import { sleep } from '../../../src/core/abort.js';
import { buildOf, oneVm, problemsOf } from './helpers.js';

const TOO_LONG = `longer than the longest duration, ${MAX_DURATION_TEXT} (the longest a timer can hold)`;

describe('the duration bound', () => {
  it('is the longest delay a Node.js timer holds: one more millisecond fires at once', async () => {
    expect(MAX_DURATION_MS).toBe(2 ** 31 - 1);
    expect(MAX_DURATION_TEXT).toBe('596h31m23.647s');
    // Node's own behaviour, which is why the bound exists: past it, setTimeout fires after ~1 ms.
    const fired = await new Promise<number>((resolve) => {
      const started = performance.now();
      const warn = process.emitWarning;
      process.emitWarning = () => undefined; // TimeoutOverflowWarning
      setTimeout(() => resolve(performance.now() - started), MAX_DURATION_MS + 1);
      process.emitWarning = warn;
    });
    expect(fired).toBeLessThan(1_000);
    expect(checkDuration('596h31m23.647s')).toEqual({ ms: MAX_DURATION_MS });
    expect(checkDuration('596h31m23.648s')).toEqual({ error: `'596h31m23.648s' is ${TOO_LONG}` });
    expect(checkDuration('-600h')).toEqual({ error: `'-600h' is ${TOO_LONG}` });
    expect(checkDuration('5 minutes')).toEqual({ error: "'5 minutes' is not a Go duration such as 500ms, 30s, 5m or 1h30m" });
  });

  it('timerDelay refuses what no timer can hold instead of letting it fire at once', () => {
    expect(timerDelay(MAX_DURATION_MS)).toBe(MAX_DURATION_MS);
    expect(timerDelay(-5)).toBe(0);
    expect(() => timerDelay(600 * 3_600_000)).toThrow(RangeError);
    expect(() => timerDelay(Number.NaN)).toThrow(RangeError);
  });

  it('sleep still waits the whole time past the bound (in pieces), rather than returning at once', async () => {
    const controller = new AbortController();
    let settled = false;
    const pending = sleep(MAX_DURATION_MS + 10, controller.signal).then(
      () => (settled = true),
      () => undefined,
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
    controller.abort();
    await pending;
  });
});

describe('build-file durations past the bound are refused, naming the maximum', () => {
  it.each([
    ['shutdownTimeout: 600h', '7:26: layers[0].vms[0].shutdownTimeout'],
    ['bootWait: 600h', '7:19: layers[0].vms[0].bootWait'],
    ['bootKeyInterval: 600h', '7:26: layers[0].vms[0].bootKeyInterval'],
    ['communicator: { sshUsername: u, sshKeepAliveInterval: 600h }', '7:63: layers[0].vms[0].communicator.sshKeepAliveInterval'],
    ['communicator: { sshUsername: u, sshTimeout: 99999999999h }', '7:53: layers[0].vms[0].communicator.sshTimeout'],
    ['provisioners: [{ type: shell, inline: [x], timeout: 600h }]\ncommunicator: { sshUsername: u }', '7:61: layers[0].vms[0].provisioners[0].timeout'],
    ['provisioners: [{ type: shell, inline: [x], pauseBefore: 600h }]\ncommunicator: { sshUsername: u }', '7:65: layers[0].vms[0].provisioners[0].pauseBefore'],
  ])('%s', (line, where) => {
    const value = /: ([0-9]+h)\b/.exec(line)![1]!;
    expect(problemsOf(oneVm(`source: { path: x }\n${line}`))).toEqual([`${where}: '${value}' is ${TOO_LONG}; expected a Go duration such as 30s or 5m, at most ${MAX_DURATION_TEXT}`]);
  });

  it('accepts the bound itself', () => {
    const vm = buildOf(oneVm('source: { path: x }\nshutdownTimeout: 596h31m23.647s'), { checkFiles: false }).layers[0]!.vms[0]!;
    expect(vm.shutdownTimeout).toBe(MAX_DURATION_MS);
  });
});

describe('boot-command waits: validation and typing agree', () => {
  it('refuses <wait99999999999h> at validation, with the parser’s reason', () => {
    // Before: validation passed it and typing failed ("longer than the longest Go duration").
    expect(problemsOf(oneVm('source: { path: x }\nbootCommand: ["<esc><wait99999999999h>"]'))).toEqual([
      `7:29: layers[0].vms[0].bootCommand[0]: '<wait99999999999h>' is not a valid wait: Invalid wait duration "99999999999h": it is ${TOO_LONG}`,
    ]);
  });

  it('refuses <wait600h> and a bare integer past the bound at validation and when typed', () => {
    for (const token of ['<wait600h>', '<wait2147484>', '<wait9223372036854775807>']) {
      expect(findBadWaits([token])).toHaveLength(1);
      expect(scanBootCommand(token).problems).toHaveLength(1);
    }
  });

  it('for any wait token, validation refuses it exactly when the parser does', () => {
    const number = fc.oneof(fc.bigInt({ min: 0n, max: 10n ** 21n }).map(String), fc.constantFrom('0', '1', '596', '2147483', '2147484', '9223372036854775807'));
    const part = fc.tuple(fc.constantFrom('', '', '-'), number, fc.constantFrom('', '.5', '.999'), fc.constantFrom('ns', 'us', 'µs', 'ms', 's', 'm', 'h'));
    const token = fc.oneof(
      fc.array(part, { minLength: 1, maxLength: 3 }).map((parts) => `<wait${parts.map((p) => p.join('')).join('')}>`),
      number.map((n) => `<wait${n}>`),
    );
    fc.assert(
      fc.property(token, (t) => {
        expect(findBadWaits([t]).length > 0).toBe(scanBootCommand(t).problems.length > 0);
      }),
      { numRuns: 500 },
    );
  });
});

describe('durations from outside the build file', () => {
  it('an action input past the bound is an input error naming the maximum', () => {
    expect(() => parseDurationInput('timeout', '600h')).toThrow(`at most ${MAX_DURATION_TEXT}, got '600h'`);
    expect(parseDurationInput('timeout', '596h31m23.647s')).toBe(MAX_DURATION_MS);
  });

  it('PACKER_KEY_INTERVAL past the bound is ignored, as any value Packer cannot use', () => {
    expect(resolveKeyInterval({ env: { PACKER_KEY_INTERVAL: '600h' } })).toBe(100);
    expect(resolveKeyInterval({ env: { PACKER_KEY_INTERVAL: '20ms' } })).toBe(20);
  });
});
