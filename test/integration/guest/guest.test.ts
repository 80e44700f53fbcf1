/**
 * The test guest itself, booted for real under QEMU/TCG: the boot prompt takes a typed command
 * line (on the serial line, or on the keyboard through QMP as VNC would type), the seed is fetched over HTTP and run,
 * SSH works with what the seed set up, the ACPI power button shuts down cleanly, and what was
 * written survives to the next boot — under BIOS and under UEFI.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateEd25519KeyPair } from '../../../src/core/communicator/throwaway-key.js';
import { ensureGuestImage, GUEST } from '../../fixtures/guest.js';
import { createOverlay, TestGuest, type Firmware } from './boot-guest.js';
import { connectOnce, connectSsh, exec, scpUpload, sftp, sftpRead, sftpWrite } from './ssh.js';

const BOOT_MS = GUEST.bootTimeoutMs;

function requireHostTools(): void {
  const missing: string[] = [];
  for (const [tool, pkg] of [
    ['qemu-system-x86_64', 'qemu-system-x86'],
    ['qemu-img', 'qemu-utils'],
  ] as const) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) missing.push(pkg);
  }
  if (!existsSync('/usr/share/OVMF/OVMF_CODE_4M.fd')) missing.push('ovmf');
  if (missing.length) throw new Error(`guest tests need Debian packages: ${missing.join(' ')} (npm run setup installs them)`);
}

/** A seed server like the build's HTTP server: serves seed scripts by path, records requests. */
async function startSeedServer(files: Record<string, string>): Promise<{ server: Server; port: number; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const body = files[req.url ?? ''];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/x-shellscript' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, requests };
}

/** Reads the RFB greeting from QEMU's VNC socket: the VGA console a boot command types into is up. */
function vncGreeting(socketPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(socketPath);
    s.once('data', (d: Buffer) => {
      s.destroy();
      resolve(d.toString('latin1'));
    });
    s.once('error', reject);
  });
}

async function bootToPrompt(disk: string, firmware: Firmware, workDir: string, name: string): Promise<TestGuest> {
  const guest = await TestGuest.boot({ disk, firmware, workDir, name });
  guests.push(guest);
  await guest.waitForSerial(GUEST.bootPrompt, BOOT_MS);
  return guest;
}

/** Presses the ACPI power button and expects the guest to stop cleanly and QEMU to exit 0. */
async function powerOffByButton(guest: TestGuest): Promise<void> {
  await guest.qmp('system_powerdown');
  await guest.waitForSerial(GUEST.milestones.cleanShutdown, 60_000);
  const exit = await guest.waitForExit(60_000);
  expect(exit, `QEMU still running after the power button; serial:\n${guest.tail()}`).toEqual({ code: 0, signal: null });
}

const guests: TestGuest[] = [];
let image: string;
let workDir: string;

beforeAll(async () => {
  requireHostTools();
  image = await ensureGuestImage();
  workDir = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-guest-test-'));
}, 600_000);

afterEach(async () => {
  await Promise.all(guests.splice(0).map((g) => g.kill()));
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe('test guest', () => {
  it('BIOS: a typed seed URL is fetched and run, SSH takes the password it set, writes persist across an ACPI power-off', async () => {
    const password = 'seed-set-pw-' + Math.random().toString(36).slice(2);
    const seed = await startSeedServer({
      '/seed.sh': `${GUEST.seedSetPassword(password)}echo "from the seed" > /root/seeded.txt\n`,
    });
    try {
      const disk = path.join(workDir, 'bios.qcow2');
      createOverlay(image, disk);

      const first = await bootToPrompt(disk, 'bios', workDir, 'bios1');
      expect(await vncGreeting(first.vncSocket)).toMatch(/^RFB 003\.00\d\n/);
      await first.typeSerial(GUEST.bootLine(`http://${GUEST.userNet.hostIp}:${seed.port}/seed.sh`));
      const [, iface, ip] = await first.waitForSerial(GUEST.milestones.dhcp, BOOT_MS);
      expect([iface, ip]).toEqual(['eth0', GUEST.userNet.guestIp]);
      await first.waitForSerial(GUEST.milestones.seedDone, BOOT_MS);
      await first.waitForSerial(GUEST.milestones.sshReady, BOOT_MS);
      expect(seed.requests).toEqual(['GET /seed.sh']);
      const serial = first.serialText();
      expect(serial.indexOf(GUEST.milestones.seedFetched)).toBeLessThan(serial.indexOf(GUEST.milestones.sshReady));

      const ssh = await connectSsh({ port: first.sshPort, username: GUEST.rootUser, password }, 60_000);
      try {
        const cmdline = await exec(ssh, 'cat /proc/cmdline; id -u; cat /root/seeded.txt');
        expect(cmdline.code).toBe(0);
        expect(cmdline.stdout).toContain(`seed=http://${GUEST.userNet.hostIp}:${seed.port}/seed.sh`);
        expect(cmdline.stdout).toContain('\n0\nfrom the seed\n');
        const write = await exec(ssh, 'echo "written over ssh" > /root/persist.txt && wc -c < /root/persist.txt');
        expect(write).toMatchObject({ code: 0, stdout: '17\n' });
        const files = await sftp(ssh);
        await sftpWrite(files, '/root/sftp.txt', 'uploaded with sftp\n');
        expect(await sftpRead(files, '/root/sftp.txt')).toBe('uploaded with sftp\n');
        files.end();
      } finally {
        ssh.end();
      }
      await powerOffByButton(first);

      // Second boot of the same disk, no seed: the password and the files came from the disk.
      const second = await bootToPrompt(disk, 'bios', workDir, 'bios2');
      // This time on the keyboard, the path a VNC boot command takes.
      await second.typeKeys(GUEST.bootLine());
      await second.waitForSerial(GUEST.milestones.sshReady, BOOT_MS);
      expect(second.serialText()).not.toContain(GUEST.milestones.seedFetched);
      expect(seed.requests).toHaveLength(1);
      const again = await connectSsh({ port: second.sshPort, username: GUEST.rootUser, password }, 60_000);
      try {
        const read = await exec(again, 'cat /root/persist.txt /root/sftp.txt /root/seeded.txt; cat /proc/cmdline');
        expect(read.stdout).toContain('written over ssh\nuploaded with sftp\nfrom the seed\n');
        expect(read.stdout).not.toContain('seed=');
        // The previous shutdown left the filesystem clean: no journal recovery on this mount.
        const dmesg = await exec(again, 'dmesg');
        expect(dmesg.stdout).toContain('EXT4-fs (vda2): mounted filesystem');
        expect(dmesg.stdout).not.toMatch(/EXT4-fs \(vda2\): recovery complete/);
      } finally {
        again.end();
      }
      await powerOffByButton(second);
    } finally {
      seed.server.close();
    }
  }, 360_000);

  it('UEFI: the same boot command typed on the keyboard works; a seeded key opens SSH even when the seed then fails, passwords stay refused, scp works', async () => {
    const keys = await generateEd25519KeyPair('guest test');
    const seed = await startSeedServer({ '/seed.sh': `${GUEST.seedAuthorizeKey(keys.public)}echo "seed about to fail"\nexit 3\n` });
    try {
      const disk = path.join(workDir, 'uefi.qcow2');
      createOverlay(image, disk);
      const guest = await bootToPrompt(disk, 'uefi', workDir, 'uefi1');
      // On the keyboard, as a VNC boot command would type it.
      await guest.typeKeys(GUEST.bootLine(`http://${GUEST.userNet.hostIp}:${seed.port}/seed.sh`));
      const [, status] = await guest.waitForSerial(GUEST.milestones.seedFailed, BOOT_MS);
      expect(status).toBe('3');
      // The seed's own output goes to the serial console, for people reading a failed build's log.
      expect(guest.serialText()).toContain('seed about to fail');
      await guest.waitForSerial(GUEST.milestones.sshReady, BOOT_MS);
      expect(seed.requests).toEqual(['GET /seed.sh']);

      // Root has no password until a seed sets one.
      await expect(connectOnce({ port: guest.sshPort, username: GUEST.rootUser, password: '' })).rejects.toThrow(/authentication/i);
      await expect(connectOnce({ port: guest.sshPort, username: GUEST.rootUser, password: 'root' })).rejects.toThrow(/authentication/i);

      const ssh = await connectSsh({ port: guest.sshPort, username: GUEST.rootUser, privateKey: keys.private }, 60_000);
      try {
        const firmware = await exec(ssh, 'test -d /sys/firmware/efi && echo efi');
        expect(firmware.stdout).toBe('efi\n');
        await scpUpload(ssh, '/root/scp.txt', 'copied with scp\n');
        expect((await exec(ssh, 'cat /root/scp.txt')).stdout).toBe('copied with scp\n');
        const rng = await exec(ssh, 'cat /sys/class/misc/hw_random/rng_current');
        expect(rng.stdout).toMatch(/^virtio_rng/);
      } finally {
        ssh.end();
      }
      await powerOffByButton(guest);
    } finally {
      seed.server.close();
    }
  }, 300_000);
});
