/**
 * The guest fixture's plumbing without booting anything: the cache key, the build lock, the
 * serial-escape stripper, the keyboard map, and build-guest.sh's report of missing packages.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile, mkdir, access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLock, GUEST, GUEST_SOURCE_DIR, guestImageKey, stripTerminalEscapes } from '../../fixtures/guest.js';
import { qcodesFor } from './boot-guest.js';

const temps: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-guest-fixture-'));
  temps.push(dir);
  return dir;
}
afterEach(async () => {
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('guest image cache key', () => {
  it('is 16 hex, follows the script and data files, ignores documentation', async () => {
    const copy = path.join(await tempDir(), 'guest');
    await cp(GUEST_SOURCE_DIR, copy, { recursive: true });
    const original = await guestImageKey();
    expect(original).toMatch(/^[0-9a-f]{16}$/);
    expect(await guestImageKey(copy)).toBe(original);

    await writeFile(path.join(copy, 'NOTES.md'), 'documentation only\n');
    expect(await guestImageKey(copy)).toBe(original);

    const rcS = path.join(copy, 'rootfs', 'etc', 'init.d', 'rcS');
    await writeFile(rcS, (await readFile(rcS, 'utf8')) + '# changed\n');
    const changed = await guestImageKey(copy);
    expect(changed).not.toBe(original);

    // Same bytes under another name is another image.
    await rm(path.join(copy, 'NOTES.md'));
    await cp(path.join(copy, 'boot'), path.join(copy, 'boot2'), { recursive: true });
    expect(await guestImageKey(copy)).not.toBe(changed);
  });
});

describe('build lock', () => {
  it('waits for a live owner and takes over from a dead one', async () => {
    const dir = await tempDir();
    const lock = path.join(dir, 'x.lock');

    // A dead owner: a process that has already exited.
    const dead = spawnSync('true');
    expect(dead.status).toBe(0);
    await writeFile(lock, String(dead.pid));
    const release = await acquireLock(lock);
    expect(await readFile(lock, 'utf8')).toBe(String(process.pid));
    await release();
    await expect(access(lock)).rejects.toThrow();

    // A live owner: we wait until it lets go.
    const owner = spawn('sleep', ['30']);
    try {
      await writeFile(lock, String(owner.pid));
      let acquired = false;
      const waiting = acquireLock(lock).then((r) => {
        acquired = true;
        return r;
      });
      await new Promise((r) => setTimeout(r, 1200));
      expect(acquired).toBe(false);
      await rm(lock);
      const release2 = await waiting;
      expect(acquired).toBe(true);
      await release2();
    } finally {
      owner.kill('SIGKILL');
    }
  });

  it('gives up waiting when aborted', async () => {
    const dir = await tempDir();
    const lock = path.join(dir, 'x.lock');
    await writeFile(lock, String(process.pid));
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop waiting')), 300);
    await expect(acquireLock(lock, controller.signal)).rejects.toThrow('stop waiting');
  });
});

describe('stripTerminalEscapes', () => {
  it('recovers what OVMF and syslinux.efi drew on the serial console', () => {
    const raw = '\x1b[2J\x1b[01;01H\x1b[=3hBdsDxe\r\n\x1b[05;01Hb\x1b[05;02H\x1b[05;02Ho\x1b[05;03Ho\x1b[05;04Ht\x1b[05;05H:\x1b[0m \x1b(B\x1b[?7h';
    expect(stripTerminalEscapes(raw)).toBe('BdsDxe\nboot: ');
  });

  // Text as a guest prints it: anything but ESC and CR.
  const plain = fc.string({ unit: fc.constantFrom(...'abc XYZ:/.=-_019\n\t[]();~'.split('')) });
  const csi = fc.tuple(fc.string({ unit: fc.constantFrom(...'0123456789;=?'.split('')), maxLength: 6 }), fc.constantFrom(...'HJKmhlfABCD'.split(''))).map(([params, final]) => `\x1b[${params}${final}`);
  const escape = fc.oneof(csi, fc.constantFrom('\x1b(B', '\x1b)0', '\x1bM', '\x1b7', '\r'));

  it('removes any escapes put between characters of any text, and nothing else', () => {
    fc.assert(
      fc.property(plain, fc.array(fc.tuple(fc.nat(), escape)), (text, insertions) => {
        let noisy = text;
        for (const [at, seq] of insertions) {
          const i = at % (noisy.length + 1);
          // Insert only at a boundary that is not inside an earlier escape sequence.
          const before = noisy.slice(0, i);
          if (/\x1b[^A-Za-z]*$/.test(before)) continue;
          noisy = before + seq + noisy.slice(i);
        }
        expect(stripTerminalEscapes(noisy)).toBe(text);
      }),
    );
  });

  it('leaves text without escapes alone', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }).filter((t) => !/[\x1b\r]/.test(t)),
        (t) => {
          expect(stripTerminalEscapes(t)).toBe(t);
        },
      ),
    );
  });
});

describe('boot line and keyboard map', () => {
  it('types a seed URL with keys that exist', () => {
    const line = GUEST.bootLine('http://10.0.2.2:8080/seed.sh');
    expect(line).toBe('guest seed=http://10.0.2.2:8080/seed.sh\r');
    expect([...line].map(qcodesFor)).toContainEqual(['shift', 'semicolon']);
    expect(GUEST.bootLine()).toBe('guest\r');
    expect(
      GUEST.bootCommand
        .replace('<enter>', '\r')
        .replace(/\{\{ \.HTTPIP \}\}/, '10.0.2.2')
        .replace(/\{\{ \.HTTPPort \}\}/, '8080'),
    ).toBe(line);
    expect(() => qcodesFor('€')).toThrow(/no key/);
  });

  it('quotes a password so the seed line sets exactly that password', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...`ab1 '"$\\!*;&|`.split('')), minLength: 1 }), (password) => {
        const r = spawnSync('sh', ['-c', GUEST.seedSetPassword(password).replace('| chpasswd', '')], { encoding: 'utf8' });
        expect(r.stdout).toBe(`root:${password}\n`);
      }),
      { numRuns: 50 },
    );
  });
});

describe('build-guest.sh', () => {
  it('names the Debian packages whose tools are missing', async () => {
    const bin = path.join(await tempDir(), 'bin');
    await mkdir(bin);
    // Only what the script needs before its tool check; everything else is "missing".
    for (const tool of ['id', 'dirname']) await symlink(`/usr/bin/${tool}`, path.join(bin, tool));
    const r = spawnSync('/bin/sh', [path.join(GUEST_SOURCE_DIR, 'build-guest.sh'), path.join(bin, '..', 'out')], {
      encoding: 'utf8',
      env: { PATH: bin },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/missing Debian packages: .*\bqemu-utils\b/);
    for (const pkg of ['apt', 'dpkg', 'cpio', 'mtools', 'dosfstools', 'fdisk', 'e2fsprogs', 'syslinux']) expect(r.stderr).toContain(` ${pkg}`);
    expect(r.stderr).toContain('apt-get install -y');
  });

  it('refuses a wrong number of arguments', () => {
    const r = spawnSync('/bin/sh', [path.join(GUEST_SOURCE_DIR, 'build-guest.sh')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/usage: .*build-guest\.sh OUTDIR/);
  });
});
