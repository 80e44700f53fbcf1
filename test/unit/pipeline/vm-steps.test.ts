/**
 * The VM step list run in the stage actions' slices (VM_STAGES): build-vm, provision and snapshot,
 * each as its own "process" (its own FakeEngine over one FakeWorld, the VM handed over through a
 * JSON record as the job's handoff file carries it). Together the slices must do what the whole
 * list does; on failure a slice cleans up or leaves the VM as onError says.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VM_STAGES, VM_STEPS, type VmStepName } from '../../../src/core/pipeline/vm-steps.js';
import { FakeWorld } from '../../helpers/fake-engine.js';
import { FakeBuildDir, runOnFake, runStage } from './fake-build.js';

let dir: FakeBuildDir;
beforeEach(() => {
  dir = new FakeBuildDir();
});
afterEach(() => dir.dispose());

const webVm = (extra: string[] = []) => dir.load([{ name: 'base', vms: [{ name: 'web', extra }] }]);

describe('VM_STAGES', () => {
  it('are slices of the one step list, in its order, covering every step a single VM runs', () => {
    const { verify, ...buildStages } = VM_STAGES;
    const slices: readonly VmStepName[] = Object.values(buildStages).flat();
    const inOrder = slices.map((s) => VM_STEPS.indexOf(s));
    expect(inOrder.every((i) => i >= 0)).toBe(true);
    expect([...inOrder].sort((a, b) => a - b)).toEqual(inOrder);
    // Only the layer-wide waits (dependsOn among VMs built together) are whole-build only.
    expect(VM_STEPS.filter((s) => !slices.includes(s))).toEqual(['wait for dependencies', 'keep running for dependents']);
    // verify boots the finished image as build-vm boots the source, then runs checks no whole build runs.
    expect(verify).toEqual([...VM_STAGES['build-vm'], 'verify checks']);
    expect(VM_STEPS).not.toContain('verify checks');
  });
});

describe('the stage slices, one process each', () => {
  it('build-vm, provision and snapshot hand the VM over through JSON and end with the same output as a whole build', async () => {
    const world = new FakeWorld();
    const build = webVm(['httpContent: { /seed.sh: "echo hi" }']);
    const boot = await runStage(dir, world, build, 'build-vm', undefined);
    expect(boot.handoff).toMatchObject({ engine: 'local', vm: 'web' });
    expect(world.running().map((v) => v.name)).toEqual(['web']);
    const provision = await runStage(dir, world, build, 'provision', boot.handoff);
    const snapshot = await runStage(dir, world, build, 'snapshot', provision.handoff);

    expect(world.calls.map((c) => `${c.engine}: ${c.vm ? `${c.vm} ` : ''}${c.method}`)).toEqual([
      'build-vm: web startVm',
      'build-vm: web detach',
      'build-vm: close',
      'provision: web attach',
      'provision: web detach',
      'provision: close',
      'snapshot: web attach',
      'snapshot: web waitForShutdown',
      'snapshot: web exportDisk',
      'snapshot: web stop',
      'snapshot: close',
    ]);
    expect(world.running()).toEqual([]);
    expect(snapshot.handoff).toBeUndefined();
    // build-vm's HTTP server lived only as long as its process.
    expect(boot.lines.some((l) => /cleanup: http server/.test(l))).toBe(true);
    expect(boot.phases.map((p) => `${p.phase}: ${p.status}`)).toEqual(['http server: ok', 'start vm: ok', 'boot command: skipped', 'wait for ssh: skipped']);
    expect(provision.phases.map((p) => `${p.phase}: ${p.status}`)).toEqual(['wait for ssh: skipped', 'provision: skipped']);
    expect(snapshot.phases.map((p) => `${p.phase}: ${p.status}`)).toEqual(['sbom: skipped', 'shutdown: ok', 'export disk: ok', 'checksum: ok']);

    const output = snapshot.state.output!;
    expect(readFileSync(output.checksumFile, 'utf8')).toContain(output.sha256);
    const elsewhere = new FakeBuildDir();
    try {
      const whole = await runOnFake(elsewhere, build);
      expect(whole.result.outputs[0]!.sha256).toBe(output.sha256);
    } finally {
      elsewhere.dispose();
    }
  });

  it('a failing snapshot stops the attached VM (onError cleanup) and keeps nothing running', async () => {
    const world = new FakeWorld().script('web', 'waitForShutdown', { fail: 'guest agent gone' });
    const build = webVm();
    const boot = await runStage(dir, world, build, 'build-vm', undefined);
    await expect(runStage(dir, world, build, 'snapshot', boot.handoff)).rejects.toThrow('guest agent gone');
    expect(world.running()).toEqual([]);
    expect(world.log().slice(-3)).toEqual(['web serialTail', 'web stop', 'close']);
  });

  it('a failing slice with onError abort leaves the VM running, detached for a person to reach', async () => {
    const world = new FakeWorld().script('web', 'waitForShutdown', { fail: 'guest agent gone' });
    const build = webVm();
    const boot = await runStage(dir, world, build, 'build-vm', undefined);
    await expect(runStage(dir, world, build, 'snapshot', boot.handoff, { onError: 'abort' })).rejects.toThrow('guest agent gone');
    expect(world.running().map((v) => v.name)).toEqual(['web']);
    expect(world.callsOf('web', 'stop')).toEqual([]);
    expect(world.callsOf('web', 'detach').map((c) => c.engine)).toEqual(['build-vm', 'snapshot']);
  });

  it('cancelling a slice stops the VM it attached', async () => {
    const world = new FakeWorld().script('web', 'exportDisk', { hang: true });
    const build = webVm();
    const boot = await runStage(dir, world, build, 'build-vm', undefined);
    const ac = new AbortController();
    void world.whenCalled('web', 'exportDisk').then(() => ac.abort());
    await expect(runStage(dir, world, build, 'snapshot', boot.handoff, { signal: ac.signal })).rejects.toThrow(/cancelled/i);
    expect(world.running()).toEqual([]);
    expect(existsSync(path.join(dir.outputDir, 'base-web.qcow2.sha256'))).toBe(false);
  });

  it('a VM the build-vm slice could not start leaves no handoff and nothing running', async () => {
    const world = new FakeWorld().script('web', 'startVm', { fail: 'no such disk' });
    await expect(runStage(dir, world, webVm(), 'build-vm', undefined)).rejects.toThrow('no such disk');
    expect(world.running()).toEqual([]);
    expect(world.callsOf('web', 'detach')).toEqual([]);
  });
});
