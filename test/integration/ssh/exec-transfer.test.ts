/**
 * SshCommunicator against a real OpenSSH server: exit statuses, live output, pty, disconnect
 * detection, and transfers of files and trees — with SFTP and, on a server without the sftp
 * subsystem, with the command fallback. The "remote" side is this machine's filesystem, owned
 * by the test user, so results are checked directly.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ConnectionLostError, type SshCommunicator } from '../../../src/core/communicator/ssh-communicator.js';
import { connectSsh } from '../../../src/core/communicator/ssh-connect.js';
import { memoryLogger } from '../../../src/core/log.js';
import { startSshd, type TestSshd } from '../../helpers/sshd.js';
import { sshConfig } from './helpers.js';

async function collect(comm: SshCommunicator, command: string, pty?: boolean) {
  let stdout = '';
  let stderr = '';
  const result = await comm.exec(command, { onStdout: (c) => (stdout += c.toString()), onStderr: (c) => (stderr += c.toString()), ...(pty === undefined ? {} : { pty }) });
  return { ...result, stdout, stderr };
}

/** A local tree: a/1.txt, a/sub/2.bin (executable), a/.hidden, a/empty/ */
async function makeTree(root: string): Promise<string> {
  const a = path.join(root, 'a');
  await mkdir(path.join(a, 'sub'), { recursive: true });
  await mkdir(path.join(a, 'empty'));
  await writeFile(path.join(a, '1.txt'), 'one\n');
  await writeFile(path.join(a, 'sub', '2.bin'), Buffer.from([0, 1, 2, 255, 10, 13]), { mode: 0o755 });
  await writeFile(path.join(a, '.hidden'), 'dot');
  return a;
}

async function listTree(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await readdir(dir, { withFileTypes: true })).sort((x, y) => x.name.localeCompare(y.name))) {
    const rel = prefix + e.name;
    if (e.isDirectory()) out.push(rel + '/', ...(await listTree(path.join(dir, e.name), rel + '/')));
    else out.push(rel);
  }
  return out;
}

const TREE = ['.hidden', '1.txt', 'empty/', 'sub/', 'sub/2.bin'];

let local: string;
beforeAll(async () => {
  local = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-local-'));
});
afterAll(async () => {
  await rm(local, { recursive: true, force: true });
});

describe('exec', () => {
  let sshd: TestSshd;
  let comm: SshCommunicator;
  beforeAll(async () => {
    sshd = await startSshd();
    comm = await connectSsh(sshConfig(sshd), { host: sshd.host, port: sshd.port }, { logger: memoryLogger().logger, signal: AbortSignal.timeout(20_000) });
  });
  afterAll(async () => {
    await comm?.close();
    await sshd?.stop();
  });

  test.each([0, 1, 3, 42, 255])('exit status %i', async (code) => {
    const r = await collect(comm, `echo out; echo err >&2; exit ${code}`);
    expect(r).toMatchObject({ exitCode: code, disconnected: false, stdout: 'out\n', stderr: 'err\n' });
  });

  test('output arrives while the command runs', async () => {
    const seen: Array<{ text: string; at: number }> = [];
    const started = Date.now();
    const r = await comm.exec('echo first; sleep 1; echo second', { onStdout: (c) => seen.push({ text: c.toString(), at: Date.now() - started }) });
    expect(r.exitCode).toBe(0);
    const first = seen.find((s) => s.text.includes('first'))!;
    const second = seen.find((s) => s.text.includes('second'))!;
    expect(second.at - first.at).toBeGreaterThanOrEqual(800);
  });

  test('stdin is passed and closed', async () => {
    const r = await comm.exec('tr a-z A-Z', { stdin: 'hello\n', onStdout: () => {} });
    expect(r.exitCode).toBe(0);
    expect((await collect(comm, 'cat')).exitCode).toBe(0); // no stdin: EOF at once, no hang
  });

  test('pty on request; without it no terminal', async () => {
    expect((await collect(comm, 'tty', true)).stdout).toMatch(/^\/dev\/pts\/\d+/);
    const plain = await collect(comm, 'tty', false);
    expect(plain.stdout).toMatch(/not a tty/);
    expect(plain.exitCode).toBe(1);
  });

  test('death by signal reports 128+N and the signal', async () => {
    const r = await collect(comm, 'kill -TERM $$');
    expect(r).toMatchObject({ exitCode: 143, exitSignal: 'TERM', disconnected: false });
  });

  test('abort kills the remote command and rejects promptly', async () => {
    const controller = new AbortController();
    const marker = `ruddervirt-abort-${process.pid}`;
    const pending = comm.exec(`sleep 30 # ${marker}`, { signal: controller.signal });
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    controller.abort(new Error('stop it'));
    await expect(pending).rejects.toThrow('stop it');
    expect(Date.now() - started).toBeLessThan(1000);
    // The command runs under `sh -c "…marker"`; "[r]…" matches it but not this pgrep's own shell.
    // A killed process may take a moment to go on a loaded machine: allow up to 3 s.
    let left = '';
    for (let i = 0; i < 15; i++) {
      left = (await collect(comm, `pgrep -a -u ${sshd.user} -f '[r]${marker.slice(1)}' || true`)).stdout.trim();
      if (!left) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(left).toBe('');
  });

  test('a command that kills its own session is a disconnect, not an exit status', async () => {
    const own = await connectSsh(sshConfig(sshd), { host: sshd.host, port: sshd.port }, { logger: memoryLogger().logger, signal: AbortSignal.timeout(20_000) });
    let closed = false;
    own.onClose(() => (closed = true));
    // $PPID is the per-session sshd process: killing it drops the connection, like a reboot.
    const r = await own.exec('kill -9 $PPID; sleep 5');
    expect(r).toEqual({ disconnected: true });
    expect(own.connected).toBe(false);
    expect(closed).toBe(true);
    await expect(own.exec('true')).rejects.toBeInstanceOf(ConnectionLostError);
    await own.close();
  });
});

describe.each([
  { name: 'SFTP', sftp: true, kind: 'sftp' },
  { name: 'no sftp subsystem (command fallback)', sftp: false, kind: 'exec' },
])('transfers over $name', ({ sftp, kind }) => {
  let sshd: TestSshd;
  let comm: SshCommunicator;
  let remote: string;
  let tree: string;
  beforeAll(async () => {
    sshd = await startSshd({ sftp });
    comm = await connectSsh(sshConfig(sshd), { host: sshd.host, port: sshd.port }, { logger: memoryLogger().logger, signal: AbortSignal.timeout(20_000) });
    remote = await sshd.remoteDir();
    tree = await makeTree(await mkdtemp(path.join(local, `tree-${kind}-`)));
  });
  afterAll(async () => {
    await comm?.close();
    await sshd?.stop();
  });

  test('uses the expected backend', async () => {
    expect(await comm.fileTransferKind()).toBe(kind);
  });

  test('upload data with a mode, creating parent folders', async () => {
    const target = path.join(remote, 'data', 'deep', 'x.sh');
    await comm.upload(target, '#!/bin/sh\necho hi\n', 0o750);
    expect(await readFile(target, 'utf8')).toBe('#!/bin/sh\necho hi\n');
    const st = await stat(target);
    expect(st.mode & 0o777).toBe(0o750);
    expect(st.uid).toBe(sshd.uid);
    await comm.upload(path.join(remote, 'data', 'stream.bin'), Readable.from([Buffer.alloc(300_000, 7)]));
    expect((await readFile(path.join(remote, 'data', 'stream.bin'))).equals(Buffer.alloc(300_000, 7))).toBe(true);
  });

  test('upload many chunks and a large file byte for byte, replacing a longer file, and an empty one', async () => {
    // Writes go out without waiting for each answer: every chunk must still land at its offset.
    const small = Array.from({ length: 3000 }, (_, i) => randomBytes(1 + (i % 97)));
    const target = path.join(remote, 'many', 'chunks.bin');
    await comm.upload(target, Readable.from(small));
    expect((await readFile(target)).equals(Buffer.concat(small))).toBe(true);
    const big = randomBytes(9 * 1024 * 1024 + 123);
    const file = path.join(local, `big-${kind}.bin`);
    await writeFile(file, big);
    await comm.uploadPath(file, target);
    expect((await readFile(target)).equals(big)).toBe(true);
    await comm.upload(target, 'short', 0o600);
    expect(await readFile(target, 'utf8')).toBe('short');
    expect((await stat(target)).mode & 0o777).toBe(0o600);
    await comm.upload(target, Buffer.alloc(0));
    expect((await stat(target)).size).toBe(0);
  });

  test('an upload whose parent is a file is a clear error', async () => {
    await writeFile(path.join(remote, 'plain'), 'x');
    await expect(comm.upload(path.join(remote, 'plain', 'inside', 'x.txt'), 'data')).rejects.toThrow(/plain/);
    expect(await readFile(path.join(remote, 'plain'), 'utf8')).toBe('x');
  });

  test('remove: a file goes, a missing one is fine, a directory is a clear error and stays', async () => {
    const target = path.join(remote, 'rm', 'script.sh');
    await comm.upload(target, 'echo hi\n', 0o755);
    await comm.remove(target);
    await expect(stat(target)).rejects.toThrow(/ENOENT/);
    await comm.remove(target);
    await expect(comm.remove(path.join(remote, 'rm'))).rejects.toThrow(/rm/);
    expect((await stat(path.join(remote, 'rm'))).isDirectory()).toBe(true);
  });

  test('upload a file: to a path, and into a folder given with a trailing slash', async () => {
    const file = path.join(tree, '1.txt');
    await comm.uploadPath(file, path.join(remote, 'f', 'renamed.txt'));
    expect(await readFile(path.join(remote, 'f', 'renamed.txt'), 'utf8')).toBe('one\n');
    await comm.uploadPath(file, path.join(remote, 'g') + '/');
    expect(await readFile(path.join(remote, 'g', '1.txt'), 'utf8')).toBe('one\n');
  });

  test('upload a directory without a trailing slash: the directory lands inside the destination', async () => {
    const dest = path.join(remote, 'up1');
    await comm.uploadPath(tree, dest);
    expect(await listTree(path.join(dest, 'a'))).toEqual(TREE);
    expect((await stat(path.join(dest, 'a', 'sub', '2.bin'))).mode & 0o111).not.toBe(0);
    expect(await readFile(path.join(dest, 'a', 'sub', '2.bin'))).toEqual(Buffer.from([0, 1, 2, 255, 10, 13]));
  });

  test('upload a directory with a trailing slash: only its contents', async () => {
    const dest = path.join(remote, 'up2');
    await comm.uploadPath(tree + '/', dest);
    expect(await listTree(dest)).toEqual(TREE);
  });

  test('upload follows a symlinked file', async () => {
    const dir = await mkdtemp(path.join(local, 'links-'));
    await writeFile(path.join(dir, 'real'), 'target');
    await symlink(path.join(dir, 'real'), path.join(dir, 'link'));
    await comm.uploadPath(dir + '/', path.join(remote, 'links'));
    expect(await readFile(path.join(remote, 'links', 'link'), 'utf8')).toBe('target');
  });

  test('download a file: to a path, and into a folder given with a trailing slash', async () => {
    const src = path.join(remote, 'up2', '1.txt');
    const out = await mkdtemp(path.join(local, 'down-file-'));
    await comm.downloadPath(src, path.join(out, 'new', 'copy.txt'));
    expect(await readFile(path.join(out, 'new', 'copy.txt'), 'utf8')).toBe('one\n');
    await comm.downloadPath(src, path.join(out, 'into') + '/');
    expect(await readFile(path.join(out, 'into', '1.txt'), 'utf8')).toBe('one\n');
  });

  test('download a directory: with a trailing slash its contents, without it the directory itself', async () => {
    const out = await mkdtemp(path.join(local, 'down-dir-'));
    await comm.downloadPath(path.join(remote, 'up2') + '/', path.join(out, 'contents'));
    expect(await listTree(path.join(out, 'contents'))).toEqual(TREE);
    await mkdir(path.join(out, 'existing'));
    await comm.downloadPath(path.join(remote, 'up2'), path.join(out, 'existing'));
    expect(await listTree(path.join(out, 'existing', 'up2'))).toEqual(TREE);
    expect(await readFile(path.join(out, 'existing', 'up2', 'sub', '2.bin'))).toEqual(Buffer.from([0, 1, 2, 255, 10, 13]));
    expect((await stat(path.join(out, 'existing', 'up2', 'sub', '2.bin'))).mode & 0o111).not.toBe(0);
  });

  test('download a glob', async () => {
    const out = await mkdtemp(path.join(local, 'down-glob-'));
    await comm.downloadPath(path.join(remote, 'up2', '*.txt'), out);
    expect(await listTree(out)).toEqual(['1.txt']);
    await expect(comm.downloadPath(path.join(remote, 'up2', '*.nope'), out)).rejects.toThrow(/no remote file matches/);
  });

  test('a missing remote path is a clear error', async () => {
    await expect(comm.downloadPath(path.join(remote, 'does-not-exist'), local)).rejects.toThrow(/does not exist/);
  });
});
