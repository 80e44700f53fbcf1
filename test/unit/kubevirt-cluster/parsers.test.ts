/**
 * The pure parts of the cluster operations: parsing what the API server and KubeVirt/CDI write
 * (Status bodies, progress strings, object states), backoff, and the sparse raw-disk writer.
 * Parsers get fast-check properties besides examples.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { judgeSnapshot } from '../../../src/engines/kubevirt/cluster/capture-wait.js';
import { judgeDataVolume, parseProgress } from '../../../src/engines/kubevirt/cluster/data-volume-wait.js';
import { formatEvents } from '../../../src/engines/kubevirt/cluster/events.js';
import { judgeExport, pickDiskLink, type VirtualMachineExportObject } from '../../../src/engines/kubevirt/cluster/export-download.js';
import { isTransient, kubeApiError, KubeApiError } from '../../../src/engines/kubevirt/cluster/kube-api-error.js';
import { judgePodServing } from '../../../src/engines/kubevirt/cluster/pod-wait.js';
import { backoffDelay, withRetries } from '../../../src/engines/kubevirt/cluster/retry.js';
import { SparseFileWriter } from '../../../src/engines/kubevirt/cluster/sparse-file-writer.js';
import { judgeVmiRunning, judgeVmiStopped, judgeVmStarting } from '../../../src/engines/kubevirt/cluster/vmi-wait.js';

const meta = (name = 'x') => ({ apiVersion: 'v1', kind: 'Thing', metadata: { name } });

describe('Status bodies → KubeApiError', () => {
  it('reads reason, message, causes and Retry-After', () => {
    const body = JSON.stringify({
      kind: 'Status',
      status: 'Failure',
      reason: 'Invalid',
      code: 422,
      message: 'DataVolume.cdi.kubevirt.io "a" is invalid',
      details: { causes: [{ field: 'spec.source', message: 'Required value' }] },
    });
    const err = kubeApiError('POST', '/apis/x', 422, body);
    expect(err.reason).toBe('Invalid');
    expect(err.message).toBe('POST /apis/x: 422 Invalid: DataVolume.cdi.kubevirt.io "a" is invalid (spec.source: Required value)');
    expect(kubeApiError('GET', '/p', 429, '{}', '7').retryAfterSeconds).toBe(7);
    expect(kubeApiError('GET', '/p', 503, '<html>proxy down</html>').detail).toBe('<html>proxy down</html>');
    expect(kubeApiError('GET', '/p', 503, '').reason).toBe('InternalError');
  });

  it('never throws, whatever the body', () => {
    fc.assert(
      fc.property(fc.integer({ min: 400, max: 599 }), fc.oneof(fc.string(), fc.json()), (status, body) => {
        const err = kubeApiError('GET', '/x', status, body);
        expect(err).toBeInstanceOf(KubeApiError);
        expect(err.status).toBe(status);
      }),
    );
  });

  it('keeps reason and message of any Status', () => {
    fc.assert(
      fc.property(fc.constantFrom('NotFound', 'AlreadyExists', 'Conflict', 'Forbidden', 'Expired'), fc.string({ minLength: 1 }), (reason, message) => {
        const err = kubeApiError('PUT', '/x', 409, JSON.stringify({ kind: 'Status', reason, message }));
        expect(err.reason).toBe(reason);
        expect(err.detail).toBe(message);
        expect(err.alreadyExists).toBe(reason === 'AlreadyExists');
      }),
    );
  });

  it('treats overload, server errors, lock conflicts and broken connections as transient, and nothing else', () => {
    const e = (status: number, reason: string) => new KubeApiError('X', '/', status, reason, '');
    expect([e(500, 'InternalError'), e(503, ''), e(429, 'TooManyRequests'), e(409, 'Conflict')].every(isTransient)).toBe(true);
    expect([e(409, 'AlreadyExists'), e(404, 'NotFound'), e(403, 'Forbidden'), e(422, 'Invalid')].some(isTransient)).toBe(false);
    expect(isTransient(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransient(new Error('socket hang up'))).toBe(true);
    expect(isTransient(new Error('bad input'))).toBe(false);
  });
});

describe('backoff and retries', () => {
  it('waits between half and all of the capped exponential delay', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 60_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, base, max, r) => {
        const exp = Math.min(max, base * 2 ** (attempt - 1));
        const d = backoffDelay(attempt, base, max, () => r);
        expect(d).toBeGreaterThanOrEqual(Math.floor(exp / 2));
        expect(d).toBeLessThanOrEqual(Math.ceil(exp));
      }),
    );
  });

  it('retries transient failures only, and honours Retry-After', async () => {
    let tries = 0;
    const started = Date.now();
    const value = await withRetries(
      async () => {
        tries++;
        if (tries === 1) throw new KubeApiError('GET', '/', 429, 'TooManyRequests', '', 1);
        return 'ok';
      },
      { signal: AbortSignal.timeout(10_000), baseDelayMs: 1 },
    );
    expect(value).toBe('ok');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    let forbidden = 0;
    await expect(
      withRetries(
        async () => {
          forbidden++;
          throw new KubeApiError('GET', '/', 403, 'Forbidden', 'no');
        },
        { signal: AbortSignal.timeout(10_000), baseDelayMs: 1 },
      ),
    ).rejects.toThrow('403 Forbidden');
    expect(forbidden).toBe(1);
  });
});

describe("CDI's progress and DataVolume states", () => {
  it('parses "%.2f%%" progress for every value, and nothing else', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), (hundredths) => {
        const pct = hundredths / 100;
        expect(parseProgress(`${pct.toFixed(2)}%`)).toBeCloseTo(pct, 5);
      }),
    );
    fc.assert(fc.property(fc.string(), (s) => void parseProgress(s)));
    expect(parseProgress('N/A')).toBeUndefined();
    expect(parseProgress('100.0%')).toBe(100);
    expect(parseProgress('101%')).toBeUndefined();
    expect(parseProgress(undefined)).toBeUndefined();
  });

  it('judges DataVolumes: done, waits for a consumer, failed with CDI reason, or waiting with progress', () => {
    const dv = (status: object) => ({ ...meta(), status });
    expect(judgeDataVolume(dv({ phase: 'Succeeded', progress: '100.0%' }))).toEqual({ done: 'succeeded' });
    expect(judgeDataVolume(dv({ phase: 'WaitForFirstConsumer' }))).toEqual({ done: 'waits-for-consumer' });
    expect(judgeDataVolume(dv({ phase: 'ImportInProgress', progress: '45.34%' }))).toEqual({ waiting: 'ImportInProgress 45.3%' });
    expect(judgeDataVolume(dv({ phase: 'Failed', conditions: [{ type: 'Running', status: 'False', reason: 'Error', message: 'checksum mismatch' }] }))).toEqual({ failed: 'Error: checksum mismatch' });
    expect(judgeDataVolume(dv({ phase: 'ImportInProgress', restartCount: 3, conditions: [{ type: 'Running', status: 'False', message: 'HTTP 404' }] }))).toEqual({
      failed: 'its importer failed 3 times; last: HTTP 404',
    });
    expect(judgeDataVolume(undefined)).toEqual({ waiting: 'not created yet' });
  });
});

describe('VM, VMI, pod, snapshot and export states', () => {
  it('VMI running, failing or still starting, with the conditions that say why', () => {
    const vmi = (status: object) => ({ ...meta(), status });
    expect('done' in judgeVmiRunning(vmi({ phase: 'Running' }))).toBe(true);
    expect(judgeVmiRunning(vmi({ phase: 'Scheduling', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] }))).toEqual({ waiting: 'Scheduling; PodScheduled=False (Unschedulable)' });
    expect(judgeVmiRunning(vmi({ phase: 'Succeeded' }))).toEqual({ failed: 'the guest powered off before the build could use it' });
    expect(judgeVmStarting({ ...meta(), status: { printableStatus: 'ErrImagePull', conditions: [{ type: 'Ready', status: 'False', message: 'image not found' }] } })).toEqual({ failed: 'ErrImagePull: image not found' });
    expect(judgeVmStarting({ ...meta(), status: { printableStatus: 'Provisioning' } })).toEqual({ waiting: 'Provisioning' });
    expect(judgeVmiStopped(undefined)).toEqual({ done: 'deleted' });
    expect(judgeVmiStopped(vmi({ phase: 'Succeeded' }))).toEqual({ done: 'succeeded' });
    expect(judgeVmiStopped(vmi({ phase: 'Running' }))).toEqual({ waiting: 'still Running' });
  });

  it('file-server pod: its IP once running; an image that cannot be pulled fails at once', () => {
    expect(judgePodServing({ ...meta(), status: { phase: 'Running', podIP: '10.244.0.7' } })).toEqual({ done: '10.244.0.7' });
    expect(judgePodServing({ ...meta(), status: { phase: 'Pending', containerStatuses: [{ name: 'httpd', state: { waiting: { reason: 'ImagePullBackOff', message: 'busybox:1.37 not found' } } }] } })).toEqual({
      failed: 'container httpd: ImagePullBackOff: busybox:1.37 not found',
    });
    expect(judgePodServing({ ...meta(), status: { phase: 'Running' } })).toEqual({ waiting: 'Running' });
  });

  it('snapshots: ready; failed on phase Failed or an error past the grace period; a transient error is waited out', () => {
    expect(judgeSnapshot({ ...meta(), status: { readyToUse: true } })).toEqual({ done: true });
    // external-snapshotter v8.6.0 client/apis/volumesnapshot/v1/types.go: errors are retried and cleared, so a fresh one is waited out.
    const now = Date.parse('2026-12-05T10:00:00Z');
    expect(judgeSnapshot({ ...meta(), status: { readyToUse: false, error: { message: 'Snapshot status update failed, conflict', time: '2026-12-05T09:59:00Z' } } }, now)).toEqual({
      waiting: 'the snapshot controller reports "Snapshot status update failed, conflict" and retries',
    });
    expect(judgeSnapshot({ ...meta(), status: { readyToUse: false, error: { message: 'driver failed' } } }, now)).toEqual({ waiting: 'the snapshot controller reports "driver failed" and retries' });
    expect(judgeSnapshot({ ...meta(), status: { readyToUse: false, error: { message: 'driver failed', time: '2026-12-05T09:54:00Z' } } }, now)).toEqual({
      failed: 'driver failed (reported since 2026-12-05T09:54:00Z, still not ready)',
    });
    // kubevirt v1.9.0 pkg/storage/snapshot/snapshot.go: a VM snapshot fails with phase Failed at its deadline.
    expect(judgeSnapshot({ ...meta(), status: { phase: 'Failed', readyToUse: false, error: { message: 'x', time: '2026-12-05T09:59:59Z' } } }, now)).toEqual({ failed: 'x' });
    expect(judgeSnapshot({ ...meta(), status: { phase: 'InProgress' } })).toEqual({ waiting: 'phase InProgress' });
  });

  const exported = (links: object, phase = 'Ready'): VirtualMachineExportObject => ({ apiVersion: 'export.kubevirt.io/v1', kind: 'VirtualMachineExport', metadata: { name: 'e' }, status: { phase, links } });
  const volume = (name: string, ...formats: string[]) => ({ name, formats: formats.map((f) => ({ format: f, url: `https://h/${name}.${f}` })) });

  it('export: ready only with links; Terminated and Skipped fail', () => {
    expect('done' in judgeExport(exported({ internal: { volumes: [volume('a', 'raw')] } }))).toBe(true);
    expect(judgeExport(exported({}))).toEqual({ waiting: 'Ready' });
    expect('failed' in judgeExport(exported({}, 'Terminated'))).toBe(true);
    expect('failed' in judgeExport(exported({}, 'Skipped'))).toBe(true);
  });

  it('picks gzip over raw, the named volume, and the external link only when preferred', () => {
    const object = exported({ internal: { volumes: [volume('other', 'raw', 'gzip'), volume('root', 'raw', 'gzip', 'dir')] }, external: { volumes: [volume('root', 'raw')] } });
    expect(pickDiskLink(object, 'root', false)).toMatchObject({ format: 'gzip', external: false, url: new URL('https://h/root.gzip') });
    expect(pickDiskLink(object, 'root', true)).toMatchObject({ format: 'raw', external: true });
    expect(() => pickDiskLink(exported({ internal: { volumes: [volume('root', 'dir', 'tar.gz')] } }), 'root', false)).toThrow(/offers no raw or gzip disk link/);
  });

  it('formats events oldest first, with counts, keeping the last ones', () => {
    const ev = (reason: string, t: string, count = 1) => ({ ...meta(reason), type: 'Warning', reason, message: `${reason} happened `, lastTimestamp: t, count, involvedObject: { kind: 'Pod', name: 'p' } });
    expect(formatEvents([ev('B', '2026-01-02T00:00:00Z', 4), ev('A', '2026-01-01T00:00:00Z'), ev('C', '2026-01-03T00:00:00Z')], 2)).toEqual(['Pod p: Warning B (x4): B happened', 'Pod p: Warning C: C happened']);
  });
});

describe('SparseFileWriter', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-sparse-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;

  it('writes exactly the bytes it is given, however they are chunked and wherever the zeros are', async () => {
    const piece = fc.oneof(
      fc.integer({ min: 1, max: 200_000 }).map((len) => Buffer.alloc(len)),
      fc.uint8Array({ minLength: 1, maxLength: 70_000 }).map((a) => Buffer.from(a)),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { minLength: 0, maxLength: 8 }), async (pieces) => {
        const file = path.join(dir, `f${n++}`);
        await pipeline(Readable.from(pieces), new SparseFileWriter(file));
        expect(readFileSync(file).equals(Buffer.concat(pieces))).toBe(true);
      }),
      { numRuns: 40 },
    );
  });
});
