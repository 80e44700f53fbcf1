/**
 * Special files where a regular file is expected: a FIFO in httpDirectory against the real HTTP
 * server, and openRegularFile on a FIFO, devices and /proc. Nothing may block; each is refused.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type RunningHttpServer } from '../../../src/core/httpserver/http-server.js';
import { memoryLogger } from '../../../src/core/log.js';
import type { ShellProvisioner } from '../../../src/core/config/model.js';
import { DiskFormatError, inspectDisk } from '../../../src/core/oci/disk-format.js';
import type { ProvisionerContext } from '../../../src/core/provisioners/context.js';
import type { RemoteSession } from '../../../src/core/provisioners/remote-session.js';
import { runShell } from '../../../src/core/provisioners/shell.js';
import { oneVm, problemsOf } from '../config/helpers.js';
import { NotRegularFileError, openRegularFile } from '../../../src/core/regular-file.js';

/** A raw GET that gives up after `ms`, so a hung server fails the test instead of hanging it. */
function get(port: number, urlPath: string, ms = 5_000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.write(`GET ${urlPath} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no answer for ${urlPath} within ${ms} ms`));
    }, ms);
    const chunks: Buffer[] = [];
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', reject);
    sock.on('end', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(text.split(' ')[1]), body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-special-'));
const fifo = path.join(tmp, 'http', 'pipe.cfg');

beforeAll(() => {
  spawnSync('mkdir', ['-p', path.join(tmp, 'http')]);
  writeFileSync(path.join(tmp, 'http', 'preseed.cfg'), 'd-i foo\n');
  expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('httpDirectory holding a FIFO (real HTTP server)', () => {
  let server: RunningHttpServer;
  const { logger, lines } = memoryLogger();
  beforeAll(async () => {
    server = await startHttpServer({ source: { directory: path.join(tmp, 'http') }, logger });
  });
  afterAll(() => server.close());

  it('answers 403 at once instead of blocking on open, and keeps serving', async () => {
    // Before: open() of the FIFO waited for a writer for ever; the request never got an answer.
    const refused = await get(server.port, '/pipe.cfg');
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('not a regular file');
    expect(lines.join('\n')).toContain(`${fifo} is a FIFO (named pipe), not a regular file; refused`);
    expect(await get(server.port, '/preseed.cfg')).toMatchObject({ status: 200, body: 'd-i foo\n' });
  });
});

describe('openRegularFile', () => {
  it.each([
    [fifo, 'a FIFO (named pipe)'],
    ['/dev/zero', 'a character device'],
    ['/dev/urandom', 'a character device'],
    ['/proc/self/mem', 'a kernel interface file (/proc or /sys)'],
    ['/proc/self/status', 'a kernel interface file (/proc or /sys)'],
    [os.tmpdir(), 'a folder'],
  ])('refuses %s (%s) without blocking', async (file, kind) => {
    await expect(openRegularFile(file)).rejects.toThrow(new NotRegularFileError(file, kind));
  });

  it('opens a regular file', async () => {
    const { handle, stats } = await openRegularFile(path.join(tmp, 'http', 'preseed.cfg'));
    expect(stats.size).toBe(8);
    expect((await handle.readFile()).toString()).toBe('d-i foo\n');
    await handle.close();
  });
});

describe('a FIFO or device where a file is needed elsewhere', () => {
  it('as a disk to publish: a located error at once (inspectDisk)', async () => {
    // Before: open() waited for a writer for ever.
    await expect(inspectDisk(fifo)).rejects.toThrow(new DiskFormatError(`${fifo}: a FIFO (named pipe), not a regular file; expected a qcow2 or raw disk file`));
    await expect(inspectDisk('/dev/zero')).rejects.toThrow(/a character device, not a regular file/);
  });

  it('as a shell provisioner script: refused before anything reaches the guest (the guest session is a stub that must not be used)', async () => {
    const { logger } = memoryLogger();
    const unused = new Proxy(
      {},
      {
        get: () => {
          throw new Error('the guest session was used');
        },
      },
    ) as RemoteSession;
    const ctx = { logger, vars: {}, buildDir: tmp, signal: new AbortController().signal } as unknown as ProvisionerContext;
    for (const script of [fifo, '/dev/zero', '/proc/self/mem']) {
      const p = { type: 'shell', script, environmentVars: [], env: {}, executeCommand: '{{ .Command }}', remoteFolder: '/tmp', startRetryTimeout: 0, validExitCodes: [0] } as unknown as ShellProvisioner;
      await expect(runShell(p, ctx, unused, logger, ctx.signal)).rejects.toThrow(`shell: script ${script}: ${script} is`);
    }
  });
});

describe('validation names a special file where the build file wants a file', () => {
  it('a FIFO as a provisioner script is a located problem at load time', () => {
    const problems = problemsOf(oneVm('source: { path: x }\ncommunicator: { sshUsername: u }\nprovisioners: [{ type: shell, script: http/pipe.cfg }]'), { dir: tmp, checkFiles: true }).filter((p) =>
      p.includes('pipe.cfg'),
    );
    expect(problems).toEqual([`8:47: layers[0].vms[0].provisioners[0].script: ${fifo} is a FIFO (named pipe), not a regular file; expected a regular file`]);
  });
});
