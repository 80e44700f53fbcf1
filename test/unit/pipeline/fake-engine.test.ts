/**
 * The fake engine keeps the Engine seam's promises (src/core/engine.ts) that the pipeline suite
 * relies on: scripts do what they say, calls are recorded in order, and a VM detached by one
 * "process" is attached by another through plain JSON.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBuildText } from '../../../src/core/config/load.js';
import type { Vm } from '../../../src/core/config/model.js';
import { memoryLogger } from '../../../src/core/log.js';
import type { AttachVmRequest, DetachedVm, StartVmRequest } from '../../../src/core/engine.js';
import { FakeEngine, FakeWorld, notPlainJson } from '../../helpers/fake-engine.js';
import { buildYaml } from './fake-build.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-fake-engine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const build = loadBuildText(buildYaml([{ name: 'base', vms: [{ name: 'web' }, { name: 'db' }] }]), path.join(dir, 'build.yaml'), { env: {} });
const [web, db] = build.layers[0]!.vms as [Vm, Vm];
const { logger } = memoryLogger();
const signal = new AbortController().signal;
const start = (vm = web, extra: Partial<StartVmRequest> = {}): StartVmRequest => ({ build, vm, workDir: dir, logDir: dir, logger, signal, ...extra });
const attachReq = (vm = web): AttachVmRequest => ({ build, vm, workDir: dir, logDir: dir, logger, signal });

describe('FakeEngine', () => {
  it('runs a VM through the handle and records every call in order', async () => {
    const engine = new FakeEngine();
    const handle = await engine.startVm(start(web, { http: { port: 8123 } }));
    expect(handle.isRunning()).toBe(true);
    expect(handle.httpEndpoint()).toEqual({ ip: '10.0.2.2', port: 8123 });
    await handle.powerOff();
    expect(await handle.waitForShutdown(1000, signal)).toBe(true);
    expect(handle.isRunning()).toBe(false);
    const file = path.join(dir, 'web.qcow2');
    await handle.exportDisk({ destination: file, format: 'qcow2', compress: true, logger, signal });
    expect(readFileSync(file, 'utf8')).toMatch(/fake disk of web[\s\S]*format qcow2 compressed zstd/);
    await handle.stop();
    expect(engine.world.log()).toEqual(['web startVm', 'web powerOff', 'web waitForShutdown', 'web exportDisk', 'web stop']);
    expect(engine.world.calls.every((c) => c.outcome === 'ok' && c.endedAt! >= c.startedAt)).toBe(true);
  });

  it('refuses to export a running VM, as a real disk would be inconsistent', async () => {
    const handle = await new FakeEngine().startVm(start());
    await expect(handle.exportDisk({ destination: path.join(dir, 'x'), format: 'raw', compress: false, logger, signal })).rejects.toThrow(/still running/);
  });

  it('fails, hangs until aborted, delays, and lets the guest ignore the power button, as scripted', async () => {
    const world = new FakeWorld().script('web', 'startVm', { fail: 'no kvm' }, 1).script('db', 'sshAddress', { hang: true }).script('db', 'waitForShutdown', { never: true }, 1);
    const engine = new FakeEngine(world);
    await expect(engine.startVm(start())).rejects.toThrow('no kvm');
    // `times: 1`: the second start succeeds.
    await expect(engine.startVm(start())).resolves.toBeDefined();

    const h = await engine.startVm(start(db));
    const ac = new AbortController();
    const pending = h.sshAddress(ac.signal);
    await world.whenCalled('db', 'sshAddress');
    ac.abort(new Error('gave up'));
    await expect(pending).rejects.toThrow('gave up');

    const t0 = performance.now();
    expect(await h.waitForShutdown(40, signal)).toBe(false);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(35);
    expect(h.isRunning()).toBe(true);
    expect(await h.waitForShutdown(40, signal)).toBe(true);
    expect(() => world.script('web', 'stop', { never: true })).toThrow(/'never' is for waitForShutdown, not stop/);
  });

  it('has no display or SSH server unless a test names one', async () => {
    const world = new FakeWorld();
    const h = await new FakeEngine(world).startVm(start());
    await expect(h.openVnc(signal)).rejects.toThrow(/no display/);
    await expect(h.sshAddress(signal)).rejects.toThrow(/no SSH server for web/);
    world.sshServer('web', { host: '127.0.0.1', port: 2222 });
    await expect(h.sshAddress(signal)).resolves.toEqual({ host: '127.0.0.1', port: 2222 });
  });
});

describe('detach and attach', () => {
  it('hands a running VM from one process to another through JSON', async () => {
    const world = new FakeWorld().sshServer('web', { host: '127.0.0.1', port: 2222 });
    const first = new FakeEngine(world, { label: 'build-vm' });
    const second = new FakeEngine(world, { label: 'snapshot' });
    const handle = await first.startVm(start());
    const record = await first.detach(handle);
    await first.close();
    expect(notPlainJson(record)).toBeUndefined();
    expect(record).toMatchObject({ engine: 'local', vm: 'web', sshEndpoint: { host: '127.0.0.1', port: 2222, display: '127.0.0.1:2222' } });

    const handoff = JSON.parse(JSON.stringify({ engine: record.engine, record })) as { record: DetachedVm };
    const again = await second.attach(handoff.record, attachReq());
    expect(again.isRunning()).toBe(true);
    await again.stop();
    // Both handles see the one VM.
    expect(handle.isRunning()).toBe(false);
    expect(world.log().map((l, i) => `${world.calls[i]!.engine}: ${l}`)).toEqual(['build-vm: web startVm', 'build-vm: web detach', 'build-vm: close', 'snapshot: web attach', 'snapshot: web stop']);
  });

  it('refuses records that are not plain JSON, of another engine, of another VM or of no VM', async () => {
    const world = new FakeWorld();
    const engine = new FakeEngine(world);
    const record = await engine.detach(await engine.startVm(start()));
    await expect(engine.attach({ ...record, state: { ...record.state, when: new Date(0) } }, attachReq())).rejects.toThrow(/not plain JSON \(\$\.state\.when is Date\)/);
    await expect(new FakeEngine(world, { name: 'kubevirt' }).attach(record, attachReq())).rejects.toThrow(/a local record cannot attach to the kubevirt engine/);
    await expect(engine.attach(record, attachReq(db))).rejects.toThrow(/for web, not db/);
    await expect(engine.attach({ ...record, state: { fakeVmId: 'gone' } }, attachReq())).rejects.toThrow(/no VM gone/);
  });

  it('notPlainJson names what JSON would lose', () => {
    expect(notPlainJson({ a: [1, 'x', null, { b: true }] })).toBeUndefined();
    expect(notPlainJson({ a: [1, undefined] })).toBe('$.a[1] is undefined');
    expect(notPlainJson({ f: () => 1 })).toBe('$.f is function');
    expect(notPlainJson({ n: Number.NaN })).toBe('$.n is NaN');
    expect(notPlainJson(new Map())).toBe('$ is Map');
  });
});
