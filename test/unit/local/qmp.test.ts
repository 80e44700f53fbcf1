import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { QmpClient, QmpError, parseQmpLine, type QmpEvent } from '../../../src/engines/local/qmp.js';

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

  it('connecting to a socket nobody serves fails fast', async () => {
    await expect(QmpClient.connect(path.join(tmp, 'absent.sock'))).rejects.toThrow(/ENOENT/);
  });
});

describe('QMP message parsing', () => {
  it('classifies greetings, returns, errors and events', () => {
    expect(parseQmpLine('{"QMP": {"version": {"qemu": {"major": 7}}, "capabilities": []}}')).toMatchObject({ kind: 'greeting' });
    expect(parseQmpLine('{"return": {}, "id": 3}')).toEqual({ kind: 'return', id: 3, value: {} });
    expect(parseQmpLine('{"error": {"class": "GenericError", "desc": "bad"}, "id": 4}')).toEqual({ kind: 'error', id: 4, errorClass: 'GenericError', description: 'bad' });
    expect(parseQmpLine('{"event": "SHUTDOWN", "data": {"guest": true}, "timestamp": {"seconds": 1, "microseconds": 2}}')).toMatchObject({
      kind: 'event',
      event: { event: 'SHUTDOWN', data: { guest: true } },
    });
    expect(() => parseQmpLine('[1]')).toThrow(/not a JSON object/);
    expect(() => parseQmpLine('{oops')).toThrow();
  });

  it('property: a return or error with any id and payload comes back intact', () => {
    fc.assert(
      fc.property(fc.nat(), fc.jsonValue(), fc.string(), fc.string(), (id, value, cls, desc) => {
        expect(parseQmpLine(JSON.stringify({ return: value, id }))).toEqual({ kind: 'return', id, value: JSON.parse(JSON.stringify(value)) });
        expect(parseQmpLine(JSON.stringify({ error: { class: cls, desc }, id }))).toEqual({ kind: 'error', id, errorClass: cls, description: desc });
      }),
    );
  });
});
