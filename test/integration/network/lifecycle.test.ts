/**
 * The lifetime of a layer's networks with real QEMU processes (no guest OS needed: a blank disk):
 * the switches open with the layer's first VM, survive a sibling whose start is cancelled, and
 * are gone — sockets, folder, relays — once the last VM stops, whether it was stopped or QEMU
 * ended by itself.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Build, Vm } from '../../../src/core/config/model.js';
import { LineLogger, memoryLogger } from '../../../src/core/log.js';
import { LocalEngine } from '../../../src/engines/local/engine.js';
import type { QemuMachine } from '../../../src/engines/local/machine.js';
import { buildOf, communicator, vmOf } from '../local/build-model.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-netlife-test-'));
const runtimeRoot = path.join(tmp, 'run');
const blank = path.join(tmp, 'blank.qcow2');

beforeAll(() => {
  if (spawnSync('qemu-system-x86_64', ['--version']).error) throw new Error('qemu-system-x86_64 is missing: apt-get install -y qemu-system-x86 (scripts/setup.mjs installs it)');
  mkdirSync(runtimeRoot);
  const r = spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', blank, '32M'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`qemu-img: ${r.stderr} (apt-get install -y qemu-utils)`);
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function processesMentioning(marker: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(marker)) found.push(`${pid}: ${cmdline.slice(0, 160)}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function layerBuild(vms: Vm[]): Build {
  return buildOf(tmp, vms[0]!, {
    name: 'netlife',
    network: { vpcs: [{ name: 'dark', internet: false, subnets: [{ name: 'backend', cidr: '10.20.0.0/24' }] }] },
    layers: [{ name: 'l', vms }],
  });
}

function request(build: Build, vm: Vm, extra: { signal?: AbortSignal; logger?: LineLogger } = {}) {
  return {
    build,
    vm,
    workDir: path.join(tmp, vm.name, 'work'),
    logDir: path.join(tmp, vm.name, 'logs'),
    http: { port: 8123 },
    logger: extra.logger ?? memoryLogger().logger,
    signal: extra.signal ?? AbortSignal.timeout(60_000),
  };
}

const switchDirs = () => readdirSync(runtimeRoot).filter((d) => existsSync(path.join(runtimeRoot, d)) && readdirSync(path.join(runtimeRoot, d)).some((f) => /^s\d+-\d+\.sock$/.test(f)));

describe('layer networks around real QEMU processes', () => {
  it('a cancelled sibling does not take the shared switch; the last VM to stop does; a VM that exits by itself lets go too', async () => {
    const slowQemu = path.join(tmp, 'slow-qemu.sh');
    writeFileSync(slowQemu, '#!/bin/sh\nsleep 1\nexec qemu-system-x86_64 "$@"\n');
    chmodSync(slowQemu, 0o755);
    const vm = (name: string) => vmOf({ name, source: { kind: 'path', path: blank }, nics: [{ model: 'virtio', subnet: 'backend' }], communicator: communicator() });
    const [first, cancelled, third] = [vm('first'), vm('cancelled'), vm('third')];
    const build = layerBuild([first, cancelled, third]);

    const fast = new LocalEngine({ runtimeRoot, accelerator: 'tcg' });
    const slow = new LocalEngine({ runtimeRoot, accelerator: 'tcg', qemuBinary: slowQemu });
    const running = (await fast.startVm(request(build, first))) as QemuMachine;
    try {
      expect(switchDirs()).toHaveLength(1);
      // The restricted user-mode NIC's relay and the stream NIC are on QEMU's command line.
      const cmdline = readFileSync(`/proc/${running.pid}/cmdline`, 'utf8').split('\0');
      expect(cmdline.some((a) => a.startsWith('user,id=net0,') && a.includes(',restrict=on,') && a.includes('guestfwd=tcp:10.0.2.4:8123-cmd:'))).toBe(true);
      expect(cmdline.some((a) => a.startsWith('stream,id=net1,server=off,addr.type=unix,addr.path='))).toBe(true);

      const controller = new AbortController();
      const logger = new LineLogger((_level, line) => {
        if (line.includes('starting qemu')) setTimeout(() => controller.abort(new Error('Build was cancelled.')), 200);
      });
      await expect(slow.startVm(request(build, cancelled, { signal: controller.signal, logger }))).rejects.toThrow('Build was cancelled.');
      await new Promise((r) => setTimeout(r, 1500)); // past the wrapper's sleep
      expect(switchDirs()).toHaveLength(1);
      expect(running.running).toBe(true);

      // A third VM joins the same switch; its QEMU ends by itself (quit over QMP, as a guest power-off would).
      const thirdVm = (await fast.startVm(request(build, third))) as QemuMachine;
      expect(switchDirs()).toHaveLength(1);
      await thirdVm.qmpExecute('quit').catch(() => undefined);
      expect(await thirdVm.waitForShutdown(10_000, AbortSignal.timeout(15_000))).toBe(true);
      expect(switchDirs()).toHaveLength(1);
    } finally {
      await running.stop();
    }
    // The last holder stopped: switches, sockets and runtime folders are gone at once.
    await new Promise((r) => setTimeout(r, 300)); // the self-exited VM's release runs in the background
    expect(readdirSync(runtimeRoot)).toEqual([]);
    expect(processesMentioning(tmp)).toEqual([]);
    await fast.close();
    await slow.close();
  }, 120_000);

  it('engine.close() closes networks a caller left open', async () => {
    const a = vmOf({ name: 'left', source: { kind: 'path', path: blank }, nics: [{ model: 'e1000', subnet: 'backend' }] });
    const engine = new LocalEngine({ runtimeRoot, accelerator: 'tcg' });
    await engine.startVm(request(layerBuild([a]), a));
    expect(switchDirs()).toHaveLength(1);
    await engine.close();
    expect(readdirSync(runtimeRoot)).toEqual([]);
    expect(processesMentioning(tmp)).toEqual([]);
  }, 60_000);
});
