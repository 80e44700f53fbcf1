/** The QMP client against a real QEMU (message parsing and connection errors: test/unit/local/qmp.test.ts). */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { QmpClient, QmpError, type QmpEvent } from '../../../src/engines/local/qmp.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-qmp-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function connectWhenReady(socket: string): Promise<QmpClient> {
  for (let i = 0; i < 200; i++) {
    try {
      return await QmpClient.connect(socket);
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('QMP socket never opened');
}

describe('QMP client (real QEMU)', () => {
  it('negotiates, runs commands, reports errors and events, and quit ends QEMU', async () => {
    const socket = path.join(tmp, 'qmp.sock');
    const qemu = spawn('qemu-system-x86_64', ['-machine', 'pc', '-accel', 'tcg', '-nodefaults', '-display', 'none', '-S', '-chardev', `socket,id=m,path=${socket},server=on,wait=off`, '-mon', 'chardev=m,mode=control'], {
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((r) => qemu.on('exit', (c) => r(c)));
    try {
      const qmp = await connectWhenReady(socket);
      expect(await qmp.execute('query-status')).toMatchObject({ status: 'prelaunch', running: false });
      const events: QmpEvent[] = [];
      qmp.on('event', (e) => events.push(e));
      await qmp.execute('cont');
      expect(await qmp.execute('query-status')).toMatchObject({ status: 'running', running: true });
      await expect(qmp.execute('no-such-command')).rejects.toThrow(QmpError);
      await expect(qmp.execute('no-such-command')).rejects.toThrow(/QMP no-such-command: CommandNotFound/);
      await qmp.execute('stop');
      await new Promise((r) => setTimeout(r, 200));
      expect(events.map((e) => e.event)).toContain('STOP');
      await qmp.quit();
      expect(await exited).toBe(0);
      expect(qmp.isClosed).toBe(true);
      await expect(qmp.execute('query-status')).rejects.toThrow(/connection is closed/);
    } finally {
      qemu.kill('SIGKILL');
    }
  });
});
