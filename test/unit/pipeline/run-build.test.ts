/**
 * The build pipeline through its public entry (runBuild), on the in-memory fake engine — the
 * engine stands in for QEMU/KubeVirt, which the unit tier cannot run; everything else (the phase
 * runner, the cleanup stack, the HTTP server, layer keys and the layer cache, the manifest) is the
 * real code. In the spirit of Packer's multistep step tests (packer-plugin-sdk multistep/
 * basic_runner_test.go): what runs, in which order, what is cleaned up and what is reported when a
 * step fails, hangs or is cancelled.
 */
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CancelledError } from '../../../src/core/abort.js';
import { UserError } from '../../../src/core/errors.js';
import { PhaseTimeoutError } from '../../../src/core/pipeline/phase.js';
import { formatBuildSummary } from '../../../src/core/pipeline/summary.js';
import { FakeEngine, FakeWorld } from '../../helpers/fake-engine.js';
import { FakeBuildDir, leftOnDisk, runOnFake, workDirsOf, type FakeLayerSpec } from './fake-build.js';

let dir: FakeBuildDir;
beforeEach(() => {
  dir = new FakeBuildDir();
});
afterEach(() => dir.dispose());

const oneVm = (extra: string[] = []): FakeLayerSpec[] => [{ name: 'base', vms: [{ name: 'web', extra }] }];
const phasesOf = (r: { result: { phases: { vm: string; phase: string; status: string }[] } }, vm: string) => r.result.phases.filter((p) => p.vm === vm).map((p) => `${p.phase}: ${p.status}`);

/** Whether something still listens on the port (the build's HTTP server after cleanup must not). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

describe('a build that succeeds', () => {
  it('starts, shuts down, exports and stops the VM in that order, and leaves only the outputs', async () => {
    const build = dir.load(oneVm());
    const run = await runOnFake(dir, build);
    expect(run.result.error).toBeUndefined();
    expect(run.result.status).toBe('succeeded');
    expect(run.engine.world.log()).toEqual(['web startVm', 'web waitForShutdown', 'web exportDisk', 'web stop']);
    expect(inOrder(phasesOf(run, 'base/web'), ['start vm: ok', 'boot command: skipped', 'provision: skipped', 'shutdown: ok', 'export disk: ok', 'checksum: ok'])).toBe(true);
    expect(phasesOf(run, 'base/web').filter((p) => !/: (ok|skipped)$/.test(p))).toEqual([]);
    expect(run.engine.world.running()).toEqual([]);
    expect(leftOnDisk(workDirsOf(run.engine))).toEqual([]);

    const [output] = run.result.outputs;
    expect(output).toMatchObject({ layer: 'base', vm: 'web', format: 'qcow2' });
    expect(readFileSync(output!.image, 'utf8')).toContain('fake disk of web');
    expect(readFileSync(output!.checksumFile, 'utf8')).toBe(`${output!.sha256}  ${path.basename(output!.image)}\n`);
    const manifest = dir.manifest();
    expect(manifest).toMatchObject({ status: 'succeeded', build: { name: 'fake', engine: 'local' }, outputs: [{ vm: 'web', sha256: output!.sha256 }] });
    expect(manifest.error).toBeUndefined();
  });

  it('serves httpContent to the guest while it runs and closes the server afterwards', async () => {
    const build = dir.load(oneVm(['httpContent: { /seed.sh: "echo hi" }']));
    const run = await runOnFake(dir, build);
    expect(run.result.status).toBe('succeeded');
    const port = run.engine.world.callsOf('web', 'startVm')[0]!.detail!.httpPort as number;
    expect(port).toBeGreaterThan(0);
    expect(await listening(port)).toBe(false);
    // Newest first: the VM, then the HTTP server it used.
    expect(kindsOf(run.cleanups)).toEqual(['vm', 'http']);
    expect(leftOnDisk(workDirsOf(run.engine))).toEqual([]);
  });

  it('forces the VM off when it does not stop within shutdownTimeout, and still exports it', async () => {
    const world = new FakeWorld().script('web', 'waitForShutdown', { never: true });
    const build = dir.load(oneVm(['shutdownTimeout: 50ms']));
    const run = await runOnFake(dir, build, { world });
    expect(run.result.status).toBe('succeeded');
    expect(world.log()).toEqual(['web startVm', 'web waitForShutdown', 'web stop', 'web exportDisk', 'web stop']);
    expect(run.lines.join('\n')).toMatch(/did not stop within shutdownTimeout \(50ms\); forcing it off/);
  });
});

/** Whether `want` occurs in `have` in this order (other entries may come between). */
function inOrder(have: string[], want: string[]): boolean {
  let i = 0;
  for (const h of have) if (h === want[i]) i++;
  return i === want.length;
}

/**
 * The VM's stop and the HTTP server's close, in the order they ran. Other cleanups (an SSH session
 * never opened, the work folder) are checked by their effect instead, so the names of the steps
 * that register them are free to change.
 */
function kindsOf(cleanups: string[]): string[] {
  return cleanups.flatMap((c) => (/^vm /.test(c) ? ['vm'] : /http/.test(c) ? ['http'] : []));
}

describe('onError', () => {
  it('cleanup (the default): a failed shutdown stops the VM, removes the work folder and reports the error with the console tail', async () => {
    const world = new FakeWorld().script('web', 'waitForShutdown', { fail: 'monitor socket closed' });
    const run = await runOnFake(dir, dir.load(oneVm()), { world });
    expect(run.result.status).toBe('failed');
    expect(run.result.error?.message).toBe('monitor socket closed');
    expect(dir.manifest()).toMatchObject({ status: 'failed', error: 'monitor socket closed', outputs: [] });
    expect(world.running()).toEqual([]);
    // The screen and console are read while the VM still runs, then it is stopped.
    expect(world.log()).toEqual(['web startVm', 'web waitForShutdown', 'web openVnc', 'web serialTail', 'web stop']);
    expect(leftOnDisk(workDirsOf(run.engine))).toEqual([]);
    // What people debugging need: the console's last lines, kept in the VM's log folder.
    const logDir = world.callsOf('web', 'startVm')[0]!.detail!.logDir as string;
    expect(readFileSync(path.join(logDir, 'serial-tail.txt'), 'utf8')).toContain('web login:');
    expect(run.lines.join('\n')).toMatch(/last serial console lines/);
    expect(run.lines.join('\n')).toMatch(/no screenshot: fake engine: web has no display/);
    expect(phasesOf(run, 'base/web')).toContain('shutdown: failed');
  });

  it('a guest that refuses its CPU model: the failure report says which cpuModel to set', async () => {
    const world = new FakeWorld().script('web', 'waitForShutdown', { fail: 'timed out waiting for shutdown' });
    void world.whenCalled('web', 'startVm').then(() => {
      for (const vm of world.vms.values()) if (vm.name === 'web') vm.serial.push('Fatal glibc error: CPU does not support x86-64-v2', '[    2.5] Kernel panic - not syncing: Attempted to kill init!');
    });
    const run = await runOnFake(dir, dir.load(oneVm()), { world });
    expect(run.result.status).toBe('failed');
    expect(run.lines.join('\n')).toMatch(/the guest refuses its CPU model \(it needs x86-64-v2\).*cpuModel/);
  });

  it('abort: leaves the VM running and the work folder in place, and says what it left', async () => {
    const world = new FakeWorld().script('web', 'exportDisk', { fail: 'no space left on device' });
    const run = await runOnFake(dir, dir.load(oneVm()), { world, onError: 'abort' });
    try {
      expect(run.result.status).toBe('failed');
      expect(run.result.error?.message).toBe('no space left on device');
      expect(world.log()).not.toContain('web stop');
      // The VM had been shut down for the export: abort keeps what exists, it does not restart anything.
      expect(world.callsOf('web', 'stop')).toEqual([]);
      expect(run.cleanups).toEqual([]);
      const [workDir] = workDirsOf(run.engine);
      expect(existsSync(workDir!)).toBe(true);
      const warning = run.lines.find((l) => l.includes('onError=abort'));
      expect(warning).toMatch(/leaving for debugging: .*vm web/);
    } finally {
      const { rmSync } = await import('node:fs');
      for (const w of workDirsOf(run.engine)) rmSync(w, { recursive: true, force: true });
    }
  });

  it('abort: a VM that failed while running is left running', async () => {
    const world = new FakeWorld().script('web', 'waitForShutdown', { fail: 'monitor socket closed' });
    const run = await runOnFake(dir, dir.load(oneVm()), { world, onError: 'abort' });
    try {
      expect(run.result.status).toBe('failed');
      expect(world.running().map((v) => v.name)).toEqual(['web']);
    } finally {
      for (const v of world.vms.values()) v.running = false;
      const { rmSync } = await import('node:fs');
      for (const w of workDirsOf(run.engine)) rmSync(w, { recursive: true, force: true });
    }
  });

  it('abort also skips cleanup on cancellation (Packer: "On halt or cancel, cleanups are skipped")', async () => {
    const world = new FakeWorld().script('web', 'exportDisk', { hang: true });
    const ac = new AbortController();
    void world.whenCalled('web', 'exportDisk').then(() => ac.abort());
    const run = await runOnFake(dir, dir.load(oneVm()), { world, onError: 'abort', signal: ac.signal });
    try {
      expect(run.result.status).toBe('cancelled');
      expect(run.cleanups).toEqual([]);
      expect(existsSync(workDirsOf(run.engine)[0]!)).toBe(true);
    } finally {
      const { rmSync } = await import('node:fs');
      for (const w of workDirsOf(run.engine)) rmSync(w, { recursive: true, force: true });
    }
  });
});

describe('which failure is reported', () => {
  it('the VM that failed, not the sibling that was stopped because of it', async () => {
    // db is listed first and is cancelled; web fails: the build reports web's error.
    const world = new FakeWorld().script('db', 'waitForShutdown', { hang: true }).script('web', 'exportDisk', { fail: 'export of web failed' });
    const layers: FakeLayerSpec[] = [{ name: 'base', vms: [{ name: 'db' }, { name: 'web' }] }];
    const run = await runOnFake(dir, dir.load(layers), { world });
    expect(run.result.status).toBe('failed');
    expect(run.result.error?.message).toBe('export of web failed');
    expect(phasesOf(run, 'base/db')).toContain('shutdown: cancelled');
    expect(world.running()).toEqual([]);
    expect(run.result.outputs).toEqual([]);
  });

  it('the step error, not a cleanup that failed after it (the cleanup failure is a warning)', async () => {
    const world = new FakeWorld().script('web', 'exportDisk', { fail: 'export failed' }).script('web', 'stop', { fail: 'qemu already gone' });
    const run = await runOnFake(dir, dir.load(oneVm()), { world });
    expect(run.result.error?.message).toBe('export failed');
    expect(run.lines.join('\n')).toMatch(/warn: .*cleanup of vm web failed: qemu already gone/);
    // One failing cleanup never stops the others.
    expect(leftOnDisk(workDirsOf(run.engine))).toEqual([]);
  });

  it('a phase timeout names the phase and the limit', async () => {
    const world = new FakeWorld().script('web', 'exportDisk', { hang: true });
    const run = await runOnFake(dir, dir.load(oneVm()), { world, phaseTimeouts: { export: 50 } });
    expect(run.result.status).toBe('failed');
    expect(run.result.error).toBeInstanceOf(PhaseTimeoutError);
    expect(run.result.error?.message).toBe("phase 'export disk' timed out after 50ms");
    expect(world.running()).toEqual([]);
  });

  it('a start failure: nothing to stop, the error as the engine gave it', async () => {
    const world = new FakeWorld().script('web', 'startVm', { fail: 'qemu-system-x86_64: -accel kvm: failed to initialize kvm' });
    const run = await runOnFake(dir, dir.load(oneVm()), { world });
    expect(run.result.error?.message).toMatch(/failed to initialize kvm/);
    expect(world.log()).toEqual(['web startVm']);
    expect(kindsOf(run.cleanups)).toEqual([]);
    expect(leftOnDisk(workDirsOf(run.engine))).toEqual([]);
  });

  it('a later layer failing keeps the earlier layer outputs in the manifest', async () => {
    const world = new FakeWorld().script('app', 'exportDisk', { fail: 'app export failed' });
    const layers: FakeLayerSpec[] = [
      { name: 'base', vms: [{ name: 'web' }] },
      { name: 'apps', vms: [{ name: 'app', source: 'source: { from: base/web }' }] },
    ];
    const run = await runOnFake(dir, dir.load(layers), { world });
    expect(run.result.status).toBe('failed');
    expect(run.result.error?.message).toBe('app export failed');
    expect(dir.manifest().outputs.map((o) => `${o.layer}/${o.vm}`)).toEqual(['base/web']);
  });

  it('cancellation wins over a failure it caused', async () => {
    const world = new FakeWorld().script('web', 'exportDisk', { hang: true });
    const ac = new AbortController();
    void world.whenCalled('web', 'exportDisk').then(() => ac.abort(new Error('the runner sent SIGTERM')));
    const run = await runOnFake(dir, dir.load(oneVm()), { world, signal: ac.signal });
    expect(run.result.status).toBe('cancelled');
    expect(run.result.error).toBeInstanceOf(CancelledError);
    expect(dir.manifest()).toMatchObject({ status: 'cancelled', error: 'Build was cancelled.' });
  });
});

/**
 * Cancelling while each phase runs: the phase ends cancelled, every cleanup registered so far runs
 * newest-first, nothing is left running or on disk, the build says cancelled. Each case names how
 * to hold the build in that phase and when to pull the plug.
 */
interface CancelCase {
  phase: string;
  layers: FakeLayerSpec[];
  /** Which VM's record holds the cancelled phase. */
  vm: string;
  hold?: (world: FakeWorld) => void;
  /** Cancel when this engine call starts, or when this log line appears. */
  at: { call: [string, Parameters<FakeWorld['whenCalled']>[1]] } | { line: RegExp };
  /** The VM's stop and the HTTP server's close (kindsOf), newest first, for `vm`. */
  cleanups: string[];
}

const http = 'httpContent: { /seed.sh: "echo hi" }';
const CANCEL_CASES: CancelCase[] = [
  { phase: 'start vm', vm: 'web', layers: oneVm([http]), hold: (w) => w.script('web', 'startVm', { hang: true }), at: { call: ['web', 'startVm'] }, cleanups: ['http'] },
  { phase: 'boot wait', vm: 'web', layers: oneVm([http, 'bootWait: 1h']), at: { line: /==> boot wait/ }, cleanups: ['vm', 'http'] },
  {
    phase: 'boot command',
    vm: 'web',
    layers: oneVm([http, 'bootCommand: ["<enter>"]']),
    hold: (w) => w.script('web', 'openVnc', { hang: true }),
    at: { call: ['web', 'openVnc'] },
    cleanups: ['vm', 'http'],
  },
  {
    phase: 'wait for db',
    vm: 'app',
    layers: [
      {
        name: 'base',
        vms: [
          { name: 'db', extra: ['bootWait: 1h'] },
          { name: 'app', dependsOn: ['db'] },
        ],
      },
    ],
    at: { line: /\[base\/app\] ==> wait for db/ },
    cleanups: ['vm'],
  },
  {
    phase: 'wait for ssh',
    vm: 'web',
    layers: oneVm([http, 'communicator: { type: ssh, sshUsername: root, sshPassword: pw, sshTimeout: 1h }']),
    hold: (w) => w.script('web', 'sshAddress', { hang: true }),
    at: { call: ['web', 'sshAddress'] },
    cleanups: ['vm', 'http'],
  },
  {
    phase: 'keep running for app',
    vm: 'db',
    layers: [{ name: 'base', vms: [{ name: 'db' }, { name: 'app', dependsOn: ['db'] }] }],
    hold: (w) => w.script('app', 'startVm', { hang: true }),
    at: { line: /\[base\/db\] ==> keep running for app/ },
    cleanups: ['vm'],
  },
  { phase: 'shutdown', vm: 'web', layers: oneVm([http]), hold: (w) => w.script('web', 'waitForShutdown', { hang: true }), at: { call: ['web', 'waitForShutdown'] }, cleanups: ['vm', 'http'] },
  { phase: 'export disk', vm: 'web', layers: oneVm([http]), hold: (w) => w.script('web', 'exportDisk', { hang: true }), at: { call: ['web', 'exportDisk'] }, cleanups: ['vm', 'http'] },
];

describe('cancellation during each phase', () => {
  it.each(CANCEL_CASES)('$phase: cancelled, every cleanup run newest-first, nothing left', async (c) => {
    const world = new FakeWorld();
    c.hold?.(world);
    const ac = new AbortController();
    if ('call' in c.at) void world.whenCalled(c.at.call[0], c.at.call[1]).then(() => setImmediate(() => ac.abort()));
    const line = 'line' in c.at ? c.at.line : undefined;
    const started = Date.now();
    const run = await runOnFake(dir, dir.load(c.layers), {
      world,
      signal: ac.signal,
      ...(line ? { onLine: (l: string) => line.test(l) && setImmediate(() => ac.abort()) } : {}),
    });
    expect(Date.now() - started, 'cancellation is prompt').toBeLessThan(5_000);
    expect(run.result.status).toBe('cancelled');
    expect(run.result.error).toBeInstanceOf(CancelledError);
    const layer = c.layers[0]!.name;
    expect(run.result.phases.find((p) => p.vm === `${layer}/${c.vm}` && p.phase === c.phase)?.status).toBe('cancelled');
    const mine = run.lines.filter((l) => l.includes(`[${layer}/${c.vm}] cleanup: `) || (c.layers[0]!.vms.length === 1 && / cleanup: |^debug: cleanup: /.test(l)));
    expect(kindsOf(mine.map((l) => l.replace(/^.*cleanup: /, '')))).toEqual(c.cleanups);
    expect(world.running()).toEqual([]);
    expect(leftOnDisk(workDirsOf(run.engine))).toEqual([]);
    for (const call of world.calls.filter((x) => x.method === 'startVm' && x.outcome === 'ok')) {
      if (call.detail?.httpPort !== undefined) expect(await listening(call.detail.httpPort as number)).toBe(false);
    }
    expect(dir.manifest().status).toBe('cancelled');
  });

  it('a cancelled build starts nothing more: no later phase, no later layer', async () => {
    const world = new FakeWorld().script('web', 'waitForShutdown', { hang: true });
    const ac = new AbortController();
    void world.whenCalled('web', 'waitForShutdown').then(() => ac.abort());
    const layers: FakeLayerSpec[] = [
      { name: 'base', vms: [{ name: 'web' }] },
      { name: 'apps', vms: [{ name: 'app' }] },
    ];
    const run = await runOnFake(dir, dir.load(layers), { world, signal: ac.signal });
    expect(run.result.status).toBe('cancelled');
    expect(world.log()).toEqual(['web startVm', 'web waitForShutdown', 'web stop']);
  });
});

describe('layers and dependsOn', () => {
  it('a later layer starts from the earlier layer output', async () => {
    const layers: FakeLayerSpec[] = [
      { name: 'base', vms: [{ name: 'web' }] },
      { name: 'apps', vms: [{ name: 'app', source: 'source: { from: base/web }' }] },
    ];
    const run = await runOnFake(dir, dir.load(layers));
    expect(run.result.status).toBe('succeeded');
    const base = run.result.outputs.find((o) => o.vm === 'web')!;
    expect(run.engine.world.callsOf('app', 'startVm')[0]!.detail!.parentDisk).toBe(base.image);
    // Layers run in order: the second VM starts after the first was stopped.
    expect(run.engine.world.log()).toEqual(['web startVm', 'web waitForShutdown', 'web exportDisk', 'web stop', 'app startVm', 'app waitForShutdown', 'app exportDisk', 'app stop']);
  });

  it('the VMs of a layer run together; a dependent provisions only after its dependency, which stays up until then', async () => {
    // app is slow to start; db is ready at once but must not shut down before app is past provisioning.
    const world = new FakeWorld().script('app', 'startVm', { delayMs: 150 });
    const layers: FakeLayerSpec[] = [{ name: 'base', vms: [{ name: 'db' }, { name: 'app', dependsOn: ['db'] }] }];
    const run = await runOnFake(dir, dir.load(layers), { world });
    expect(run.result.status).toBe('succeeded');
    const appStarted = world.callsOf('app', 'startVm')[0]!;
    const dbStarted = world.callsOf('db', 'startVm')[0]!;
    const dbShutdown = world.callsOf('db', 'waitForShutdown')[0]!;
    expect(dbStarted.startedAt).toBeLessThan(appStarted.endedAt!);
    expect(dbShutdown.startedAt).toBeGreaterThanOrEqual(appStarted.endedAt!);
    expect(phasesOf(run, 'base/app')).toContain('wait for db: ok');
    expect(phasesOf(run, 'base/db')).toContain('keep running for app: ok');
  });

  it('a dependency that fails fails its dependent, and the dependency error is the one reported', async () => {
    const world = new FakeWorld().script('db', 'startVm', { fail: 'db would not boot' });
    const layers: FakeLayerSpec[] = [{ name: 'base', vms: [{ name: 'db' }, { name: 'app', dependsOn: ['db'] }] }];
    const run = await runOnFake(dir, dir.load(layers), { world });
    expect(run.result.error?.message).toBe('db would not boot');
    expect(world.running()).toEqual([]);
  });
});

describe('--only and --until', () => {
  const twoLayers: FakeLayerSpec[] = [
    { name: 'base', vms: [{ name: 'web' }] },
    { name: 'apps', vms: [{ name: 'app', source: 'source: { from: base/web }' }] },
  ];

  it('--until stops after the named layer', async () => {
    const run = await runOnFake(dir, dir.load(twoLayers), { until: 'base' });
    expect(run.result.status).toBe('succeeded');
    expect(run.result.outputs.map((o) => o.vm)).toEqual(['web']);
    expect(run.engine.world.callsOf('app')).toEqual([]);
  });

  it.each(['only', 'until'] as const)('--%s with an unknown layer is a user error naming the layers', async (flag) => {
    await expect(runOnFake(dir, dir.load(twoLayers), { [flag]: 'nope' })).rejects.toThrow(new UserError(`--${flag} nope: no such layer (layers: base, apps)`));
  });

  it('--only without the earlier layers in the cache fails and says to build them first', async () => {
    const run = await runOnFake(dir, dir.load(twoLayers), { only: 'apps', layerCache: dir.cache });
    expect(run.result.status).toBe('failed');
    expect(run.result.error).toBeInstanceOf(UserError);
    expect(run.result.error?.message).toBe('layer base is not in the layer cache; build it first (run without --only)');
    expect(run.engine.world.calls).toEqual([]);
  });

  it('--only rebuilds just that layer, the earlier ones from the cache', async () => {
    const build = dir.load(twoLayers);
    const first = await runOnFake(dir, build, { layerCache: dir.cache });
    expect(first.result.status).toBe('succeeded');
    const second = await runOnFake(dir, build, { layerCache: dir.cache, only: 'apps', force: true });
    expect(second.result.status).toBe('succeeded');
    expect(second.engine.world.log()).toEqual(['app startVm', 'app waitForShutdown', 'app exportDisk', 'app stop']);
    expect(second.result.outputs.map((o) => `${o.vm} ${o.reused ? 'reused' : 'built'}`)).toEqual(['web reused', 'app built']);
  });
});

describe('the layer cache', () => {
  const twoLayers = (appExtra: string[] = [], webExtra: string[] = []): FakeLayerSpec[] => [
    { name: 'base', vms: [{ name: 'web', extra: webExtra }] },
    { name: 'apps', vms: [{ name: 'app', source: 'source: { from: base/web }', extra: appExtra }] },
  ];

  it('reuses unchanged layers without starting a VM, with the same digests', async () => {
    const first = await runOnFake(dir, dir.load(twoLayers()), { layerCache: dir.cache });
    const again = await runOnFake(dir, dir.load(twoLayers()), { layerCache: dir.cache });
    expect(again.result.status).toBe('succeeded');
    expect(again.engine.world.calls).toEqual([]);
    expect(again.result.outputs.map((o) => [o.vm, o.sha256, o.reused])).toEqual(first.result.outputs.map((o) => [o.vm, o.sha256, true]));
    expect(again.result.phases.map((p) => `${p.vm} ${p.phase} ${p.status}`)).toEqual(['base/web layer reused', 'apps/app layer reused']);
    for (const o of again.result.outputs) expect(readFileSync(o.image, 'utf8')).toContain(`fake disk of ${o.vm}`);
  });

  it('rebuilds a changed layer and every layer after a changed one', async () => {
    await runOnFake(dir, dir.load(twoLayers()), { layerCache: dir.cache });
    const appChanged = await runOnFake(dir, dir.load(twoLayers(['cpu: 2'])), { layerCache: dir.cache });
    expect(appChanged.result.outputs.map((o) => `${o.vm} ${o.reused ? 'reused' : 'built'}`)).toEqual(['web reused', 'app built']);
    const baseChanged = await runOnFake(dir, dir.load(twoLayers(['cpu: 2'], ['cpu: 2'])), { layerCache: dir.cache });
    expect(baseChanged.result.outputs.map((o) => `${o.vm} ${o.reused ? 'reused' : 'built'}`)).toEqual(['web built', 'app built']);
  });

  it('--force rebuilds cached layers', async () => {
    await runOnFake(dir, dir.load(twoLayers()), { layerCache: dir.cache });
    const forced = await runOnFake(dir, dir.load(twoLayers()), { layerCache: dir.cache, force: true });
    expect(forced.engine.world.log((c) => c.method === 'startVm')).toEqual(['web startVm', 'app startVm']);
  });

  const why = (r: { result: { layers: { layer: string; action: string; reason: string }[] } }) => r.result.layers.map((l) => `${l.layer} ${l.action}: ${l.reason}`);

  it('says why each layer was built or reused, in the result, the summary and the manifest', async () => {
    const first = await runOnFake(dir, dir.load(twoLayers()), { layerCache: dir.cache });
    expect(why(first)).toEqual(['base built: not built before', 'apps built: not built before']);
    const again = await runOnFake(dir, dir.load(twoLayers()), { layerCache: dir.cache });
    expect(why(again)).toEqual(['base reused: reused', 'apps reused: reused']);
    const changed = await runOnFake(dir, dir.load(twoLayers(['cpu: 2'])), { layerCache: dir.cache });
    expect(why(changed)).toEqual(['base reused: reused', 'apps built: build file changed']);
    expect(changed.lines).toContain('info: layer apps: building (build file changed)');
    expect(formatBuildSummary(changed.result, String)).toMatch(/layers:\n {4}base {2}reused {2}cache key [0-9a-f]{12}\n {4}apps {2}built {3}build file changed\n/);
    expect(dir.manifest().layers).toEqual([
      { layer: 'base', key: expect.stringMatching(/^[0-9a-f]{64}$/), action: 'reused', reason: 'reused' },
      { layer: 'apps', key: expect.stringMatching(/^[0-9a-f]{64}$/), action: 'built', reason: 'build file changed' },
    ]);
    const noCache = await runOnFake(dir, dir.load(twoLayers()));
    expect(why(noCache)).toEqual(['base built: layer cache off', 'apps built: layer cache off']);
  });

  it('--force-layer rebuilds that layer only; a layer whose parent output is the same is reused', async () => {
    await runOnFake(dir, dir.load(twoLayers()), { layerCache: dir.cache });
    const forced = await runOnFake(dir, dir.load(twoLayers()), { layerCache: dir.cache, forceLayers: ['base'] });
    expect(why(forced)).toEqual(['base built: forced', 'apps reused: reused']);
    expect(forced.engine.world.log((c) => c.method === 'startVm')).toEqual(['web startVm']);
    await expect(runOnFake(dir, dir.load(twoLayers()), { layerCache: dir.cache, forceLayers: ['bsae'] })).rejects.toThrow('--force-layer bsae: no such layer (layers: base, apps)');
  });

  it('maxAge: a cached layer older than that is rebuilt, a younger one reused', async () => {
    const aged = (maxAge: string): FakeLayerSpec[] => [{ ...twoLayers()[0]!, maxAge }, twoLayers()[1]!];
    await runOnFake(dir, dir.load(aged('1h')), { layerCache: dir.cache });
    const young = await runOnFake(dir, dir.load(aged('1h')), { layerCache: dir.cache });
    expect(why(young)).toEqual(['base reused: reused', 'apps reused: reused']);
    await new Promise((r) => setTimeout(r, 20));
    const old = await runOnFake(dir, dir.load(aged('10ms')), { layerCache: dir.cache });
    expect(why(old)[0]).toMatch(/^base built: older than maxAge \(10ms\): built \d{4}-\d\d-\d\dT/);
    expect(old.engine.world.log((c) => c.method === 'startVm')).toEqual(['web startVm']);
    // The rebuilt entry is young again.
    expect(why(await runOnFake(dir, dir.load(aged('1h')), { layerCache: dir.cache }))[0]).toBe('base reused: reused');
  });

  it('maxAge and kept layers: one whose age the engine cannot tell is rebuilt', async () => {
    const engine = new FakeEngine(new FakeWorld(), { keepsLayers: true, name: 'kubevirt' });
    await runOnFake(dir, dir.load(twoLayers()), { engine, layerCache: dir.cache });
    const emptyCache = new FakeBuildDir();
    try {
      const again = await runOnFake(emptyCache, emptyCache.load([{ ...twoLayers()[0]!, maxAge: '1h' }, twoLayers()[1]!]), { engine, layerCache: emptyCache.cache });
      expect(why(again)[0]).toBe('base built: older than maxAge (1h0m0s): its build time is unknown');
    } finally {
      emptyCache.dispose();
    }
  });

  it('keeps nothing of a failed layer: the next run reuses the good layer and rebuilds the failed one', async () => {
    const world = new FakeWorld().script('app', 'exportDisk', { fail: 'boom' });
    const failed = await runOnFake(dir, dir.load(twoLayers()), { layerCache: dir.cache, world });
    expect(failed.result.status).toBe('failed');
    const retry = await runOnFake(dir, dir.load(twoLayers()), { layerCache: dir.cache });
    expect(retry.result.status).toBe('succeeded');
    expect(retry.engine.world.log((c) => c.method === 'startVm')).toEqual(['app startVm']);
  });

  it('reuses layers the engine keeps itself, fetching them when the local cache lacks them', async () => {
    const world = new FakeWorld();
    const engine = new FakeEngine(world, { keepsLayers: true, name: 'kubevirt' });
    const first = await runOnFake(dir, dir.load(twoLayers()), { engine, layerCache: dir.cache });
    expect(first.result.outputs.map((o) => o.keptAs)).toEqual(['fake kept base/web', 'fake kept apps/app']);
    const emptyCache = new FakeBuildDir();
    try {
      const calls = world.calls.length;
      const again = await runOnFake(emptyCache, emptyCache.load(twoLayers()), { engine, layerCache: emptyCache.cache });
      expect(again.result.status).toBe('succeeded');
      expect(world.log().slice(calls)).toEqual(['findKeptLayer', 'web downloadKept', 'findKeptLayer', 'app downloadKept']);
      expect(again.result.outputs.map((o) => [o.vm, o.sha256])).toEqual(first.result.outputs.map((o) => [o.vm, o.sha256]));
    } finally {
      emptyCache.dispose();
    }
  });
});
