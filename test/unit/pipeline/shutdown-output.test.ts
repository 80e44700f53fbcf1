/**
 * shutdownCommand output reaches the log one line per line, however the SSH channel chunks it.
 * The communicator and VM handle are fakes (only their exec callbacks and shutdown wait matter
 * here); the real SSH path is covered by the e2e builds.
 */
import { describe, expect, it } from 'vitest';
import type { Vm } from '../../../src/core/config/model.js';
import type { RemoteCommunicator } from '../../../src/core/communicator/types.js';
import type { VmHandle } from '../../../src/core/engine.js';
import { memoryLogger } from '../../../src/core/log.js';
import { shutdownVm } from '../../../src/core/pipeline/steps/shutdown.js';

describe('shutdown step with a fake communicator', () => {
  it('logs shutdownCommand output per line, joining lines split across chunks and flushing the last', async () => {
    const { logger, lines } = memoryLogger();
    const comm = {
      exec: async (_command: string, options: { onStdout?: (c: Buffer) => void; onStderr?: (c: Buffer) => void }) => {
        for (const chunk of ['Stopping se', 'rvices\r\nsync', 'ed\nbye']) options.onStdout?.(Buffer.from(chunk));
        options.onStderr?.(Buffer.from('warn: one\nwarn: t'));
        options.onStderr?.(Buffer.from('wo\n'));
        return { exitCode: 0 };
      },
    } as unknown as RemoteCommunicator;
    const handle = { waitForShutdown: async () => true } as unknown as VmHandle;
    const vm = { name: 'web', shutdownCommand: 'sudo poweroff', shutdownTimeout: 1000, communicator: { type: 'ssh' } } as unknown as Vm;
    await shutdownVm({ vm, handle, comm, logger, signal: new AbortController().signal });
    await new Promise((r) => setImmediate(r));
    const logged = lines.map((l) => l.replace(/^.*?(?=Stopping|synced|bye|warn:)/, ''));
    for (const want of ['Stopping services', 'synced', 'bye', 'warn: one', 'warn: two']) expect(logged).toContain(want);
    expect(logged.some((l) => l === 'Stopping se' || l === 'sync' || l === 'warn: t')).toBe(false);
  });
});
