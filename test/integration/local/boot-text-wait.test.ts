/**
 * Boot commands that watch the screen, on the real test guest under QEMU/TCG: `<wait 'boot:'>`
 * finds syslinux's prompt by OCR of the VNC framebuffer with no bootWait at all, the typed line
 * boots the guest, and `<waitSerial 'TEXT'>` follows it on the serial log. A text that never shows
 * fails within bootTextTimeout, naming the text, quoting the screen and saving it — and after
 * stop() no QEMU is left.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Duplex } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vm } from '../../../src/core/config/model.js';
import type { VmHandle } from '../../../src/core/engine.js';
import { memoryLogger } from '../../../src/core/log.js';
import { closeSharedOcr } from '../../../src/core/ocr/screen-reader.js';
import { typeBootCommand } from '../../../src/core/pipeline/steps/boot-command.js';
import { TextWaitTimeoutError } from '../../../src/core/pipeline/steps/text-waits.js';
import { LocalEngine } from '../../../src/engines/local/engine.js';
import { ensureGuestImage } from '../../fixtures/guest.js';
import { buildOf, communicator, vmOf } from './build-model.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-text-wait-'));
mkdirSync(path.join(tmp, 'run'));
let image = '';

beforeAll(async () => {
  image = await ensureGuestImage();
}, 900_000);

afterAll(async () => {
  await closeSharedOcr();
  rmSync(tmp, { recursive: true, force: true });
});

function qemuProcessesMentioning(marker: string): number[] {
  return readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      return cmdline.includes(marker) && cmdline.includes('qemu-system') ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

/** The test guest with no bootWait and no communicator: only its boot command's waits matter. */
function textWaitVm(name: string, bootTextTimeout: number, bootCommand: string[]): Vm {
  return vmOf({
    name,
    source: { kind: 'path', path: image },
    disks: [{ name: 'root', sizeBytes: 256 * 1024 * 1024, bus: 'virtio' }],
    communicator: communicator({ type: 'none' }),
    bootWait: -1,
    bootTextTimeout,
    bootCommand,
  });
}

async function boot(name: string, vm: Vm): Promise<{ handle: VmHandle; logDir: string; engine: LocalEngine }> {
  const engine = new LocalEngine({ runtimeRoot: path.join(tmp, 'run'), portLockDir: path.join(tmp, 'locks'), cacheDir: path.join(tmp, 'cache') });
  const logDir = path.join(tmp, name, 'logs');
  const handle = await engine.startVm({
    build: buildOf(tmp, vm),
    vm,
    workDir: path.join(tmp, name, 'work'),
    logDir,
    logger: memoryLogger().logger,
    signal: AbortSignal.timeout(120_000),
  });
  return { handle, logDir, engine };
}

/**
 * The VM's VNC stream with the server's answers held back `delayMs` once the first screen is asked
 * for (a FramebufferUpdateRequest, RFB message type 3, 10 bytes). A QEMU too busy to answer within
 * one poll, as under TCG on a loaded runner, cannot be arranged on demand: this delay stands in.
 */
function slowScreens(handle: VmHandle, delayMs: number): VmHandle {
  const delayed = (server: Duplex): Duplex => {
    let asked = false;
    let order = Promise.resolve();
    const client = new Duplex({
      write(chunk: Buffer, _encoding, done) {
        if (chunk.length === 10 && chunk[0] === 3) asked = true;
        server.write(chunk, done);
      },
      read() {},
      final(done) {
        server.end();
        done();
      },
      destroy(err, done) {
        server.destroy();
        done(err);
      },
    });
    server.on('data', (data: Buffer) => {
      if (!asked) {
        client.push(data);
        return;
      }
      const due = Date.now() + delayMs;
      order = order.then(() => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())))).then(() => void client.push(data));
    });
    server.on('end', () => void order.then(() => client.push(null)));
    server.on('error', (err) => client.destroy(err));
    return client;
  };
  return new Proxy(handle, {
    get(target, key) {
      if (key === 'openVnc') return async (signal: AbortSignal) => delayed(await target.openVnc(signal));
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe('text waits on the real test guest', () => {
  it("<wait 'boot:'> types at syslinux's prompt with no bootWait; <waitSerial> sees the guest boot", async () => {
    const vm = textWaitVm('textwait', 120_000, ["<wait 'boot:'>", 'guest<enter>', "<waitSerial 'guest: modules loaded'>"]);
    const { handle, logDir, engine } = await boot('ok', vm);
    const { logger, lines } = memoryLogger();
    try {
      const started = Date.now();
      await typeBootCommand({ vm, handle, logDir, logger, signal: AbortSignal.timeout(240_000) });
      const seconds = (Date.now() - started) / 1000;
      expect(lines.join('\n')).toMatch(/screen text \/boot:\/ appeared after/);
      expect(lines.join('\n')).toMatch(/serial console text \/guest: modules loaded\/ appeared after/);
      // The typed line reached the boot loader: the kernel got it as its command line.
      expect(readFileSync(path.join(logDir, 'serial.log'), 'latin1')).toMatch(/guest: modules loaded/);
      // Each element's screenshot has its text beside it; the first shows the prompt.
      expect(readFileSync(path.join(logDir, 'bootcommand-01.txt'), 'utf8')).toMatch(/boot ?:/i);
      expect(existsSync(path.join(logDir, 'bootcommand-03.txt'))).toBe(true);
      console.log(`typed after <wait 'boot:'> and saw the guest boot in ${seconds.toFixed(1)} s`);
    } finally {
      await handle.stop();
      await engine.close();
    }
    expect(qemuProcessesMentioning(tmp)).toEqual([]);
  }, 300_000);

  it('a VNC server slower to send the first screen than one poll still gets its wait (answers held back 1.5 s)', async () => {
    const vm = textWaitVm('slowvnc', 120_000, ["<wait 'boot:'>", 'guest<enter>', "<waitSerial 'guest: modules loaded'>"]);
    const { handle, logDir, engine } = await boot('slowvnc', vm);
    const { logger, lines } = memoryLogger();
    try {
      await typeBootCommand({ vm, handle: slowScreens(handle, 1500), logDir, logger, signal: AbortSignal.timeout(240_000) });
      expect(lines.join('\n')).toMatch(/screen text \/boot:\/ appeared after/);
      expect(readFileSync(path.join(logDir, 'serial.log'), 'latin1')).toMatch(/guest: modules loaded/);
    } finally {
      await handle.stop();
      await engine.close();
    }
    expect(qemuProcessesMentioning(tmp)).toEqual([]);
  }, 300_000);

  it('a text that never shows fails within bootTextTimeout, naming it, quoting the screen and saving it; nothing is left running', async () => {
    const vm = textWaitVm('miss', 20_000, ["<wait 'boot:'>", "<wait 'no such text on any screen'>", 'guest<enter>']);
    const { handle, logDir, engine } = await boot('miss', vm);
    let failure: unknown;
    const started = Date.now();
    try {
      await typeBootCommand({ vm, handle, logDir, logger: memoryLogger().logger, signal: AbortSignal.timeout(240_000) }).catch((err: unknown) => (failure = err));
    } finally {
      await handle.stop();
      await engine.close();
    }
    const elapsed = Date.now() - started;
    expect(failure).toBeInstanceOf(TextWaitTimeoutError);
    const err = failure as TextWaitTimeoutError;
    expect(err.message).toMatch(/^boot command: no screen text \/no such text on any screen\/ within 20s \(bootTextTimeout\); the screen read:\n/);
    expect(err.message).toMatch(/\| .*boot ?:/i);
    expect(err.screenshot).toBe(path.join(logDir, 'bootcommand-wait-02-missed.png'));
    expect(existsSync(err.screenshot!)).toBe(true);
    expect(readFileSync(path.join(logDir, 'bootcommand-wait-02-missed.txt'), 'utf8')).toMatch(/boot ?:/i);
    // The first wait (under TCG: up to a few seconds) plus 20 s and one last read of the screen.
    expect(elapsed).toBeLessThan(20_000 + 60_000);
    expect(qemuProcessesMentioning(tmp)).toEqual([]);
  }, 300_000);
});
