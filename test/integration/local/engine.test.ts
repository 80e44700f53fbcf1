/**
 * The local engine with real QEMU: VMs with no operating system (SeaBIOS or OVMF run, a tiny
 * El Torito image prints one line), checked from outside through VNC, QMP, the serial log, the
 * forwarded SSH port and /proc — and after stop(), nothing of them may remain.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Vm } from '../../../src/core/config/model.js';
import type { VmHandle } from '../../../src/core/engine.js';
import { LineLogger, memoryLogger } from '../../../src/core/log.js';
import { imageInfo } from '../../../src/core/disk/image-info.js';
import { LocalEngine } from '../../../src/engines/local/engine.js';
import type { QemuMachine } from '../../../src/engines/local/machine.js';
import { lockOwner } from '../../../src/engines/local/ports.js';
import { MiB, buildOf, communicator, vmOf } from './build-model.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-engine-test-'));
const runtimeRoot = path.join(tmp, 'run');
const lockDir = path.join(tmp, 'locks');
const cacheDir = path.join(tmp, 'cache');
const ISO_BOOT_LINE = 'RUDDERVIRT ISO BOOT';
let bootIso = '';
let bootIsoSha256 = '';

function engine(extra: ConstructorParameters<typeof LocalEngine>[0] = {}): LocalEngine {
  return new LocalEngine({ runtimeRoot, portLockDir: lockDir, cacheDir, ...extra });
}

/** A 2 KiB no-emulation El Torito boot image: writes one line to COM1, then halts. */
function serialHelloBootImage(line: string): Buffer {
  const code = [0xba, 0xf8, 0x03]; // mov dx, 0x3f8
  for (const ch of `${line}\r\n`) code.push(0xb0, ch.charCodeAt(0), 0xee); // mov al, ch; out dx, al
  code.push(0xfa, 0xf4, 0xeb, 0xfd); // cli; hlt; jmp back to hlt
  const img = Buffer.alloc(2048);
  Buffer.from(code).copy(img);
  return img;
}

beforeAll(() => {
  for (const [tool, pkg] of [
    ['qemu-system-x86_64', 'qemu-system-x86'],
    ['qemu-img', 'qemu-utils'],
    ['xorriso', 'xorriso'],
  ]) {
    if (spawnSync(tool!, ['--version']).error) throw new Error(`${tool} is missing: apt-get install -y ${pkg} (scripts/setup.mjs installs it)`);
  }
  mkdirSync(runtimeRoot, { recursive: true });
  mkdirSync(lockDir, { recursive: true });
  spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', path.join(tmp, 'blank-source.qcow2'), '32M']);
  const isoDir = path.join(tmp, 'iso-root');
  mkdirSync(isoDir, { recursive: true });
  writeFileSync(path.join(isoDir, 'boot.img'), serialHelloBootImage(ISO_BOOT_LINE));
  bootIso = path.join(tmp, 'boot.iso');
  const r = spawnSync('xorriso', ['-as', 'mkisofs', '-quiet', '-o', bootIso, '-b', 'boot.img', '-no-emul-boot', '-boot-load-size', '4', isoDir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  bootIsoSha256 = createHash('sha256').update(readFileSync(bootIso)).digest('hex');
  writeFileSync(path.join(tmp, 'user-data'), '#cloud-config\n');
  writeFileSync(path.join(tmp, 'meta-data'), 'instance-id: test\n');
});

afterAll(() => {
  for (const pid of qemuProcessesMentioning(tmp)) process.kill(pid, 'SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

/** Live processes whose command line mentions `marker` (our temp folder is in every VM's argv). */
function qemuProcessesMentioning(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(marker) && cmdline.includes('qemu-system')) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

function readRfbBanner(stream: Duplex): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => reject(new Error('no RFB banner within 10s')), 10_000);
    stream.on('data', (c: Buffer) => {
      got = Buffer.concat([got, c]);
      if (got.length >= 12) {
        clearTimeout(timer);
        stream.destroy();
        resolve(got.subarray(0, 12).toString('latin1'));
      }
    });
    stream.on('error', reject);
  });
}

async function waitForSerial(handle: VmHandle, pattern: RegExp, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = await handle.serialTail(400);
    if (lines.some((l) => pattern.test(l))) return lines;
    if (Date.now() > deadline) throw new Error(`serial console never showed ${pattern} within ${timeoutMs}ms; last lines:\n${lines.slice(-20).join('\n')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function tcpConnects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

async function expectNothingLeft(pid: number | undefined): Promise<void> {
  expect(pid).toBeDefined();
  expect(existsSync(`/proc/${pid}`)).toBe(false);
  expect(qemuProcessesMentioning(tmp)).toEqual([]);
  expect(readdirSync(runtimeRoot)).toEqual([]);
  expect(existsSync(lockDir) ? readdirSync(lockDir) : []).toEqual([]);
}

function request(vm: Vm, name: string, extra: { signal?: AbortSignal; http?: { port: number }; logger?: LineLogger } = {}) {
  const workDir = path.join(tmp, name, 'work');
  const logDir = path.join(tmp, name, 'logs');
  return {
    build: buildOf(tmp, vm, { network: { vpcs: [{ name: 'lab', internet: false, subnets: [{ name: 'backend', cidr: '10.20.0.0/24' }] }] } }),
    vm,
    workDir,
    logDir,
    logger: extra.logger ?? memoryLogger().logger,
    signal: extra.signal ?? AbortSignal.timeout(120_000),
    ...(extra.http ? { http: extra.http } : {}),
  };
}

describe('LocalEngine with real QEMU', () => {
  it('BIOS: an iso source boots after the blank root disk, with every disk bus, a cidata cdrom, an e1000 NIC, VNC, QMP and an SSH forward — and stop() leaves nothing', async () => {
    const { logger, lines } = memoryLogger();
    const vm = vmOf({
      name: 'bios',
      source: { kind: 'iso', url: pathToFileURL(bootIso).href, checksum: { algorithm: 'sha256', hex: bootIsoSha256 } },
      disks: [
        { name: 'root', sizeBytes: 64 * MiB, bus: 'virtio' },
        { name: 'data', sizeBytes: 16 * MiB, bus: 'sata' },
        { name: 'logs', sizeBytes: 8 * MiB, bus: 'scsi' },
      ],
      cdroms: [{ name: 'seed', files: ['user-data', 'meta-data'], label: 'cidata' }],
      nics: [{ model: 'e1000', subnet: 'backend' }],
      communicator: communicator({ sshPort: 2022 }),
    });
    const local = engine();
    const req = request(vm, 'bios', { http: { port: 8123 }, logger });
    const handle = (await local.startVm(req)) as QemuMachine;
    const pid = handle.pid;
    try {
      // The blank root disk (bootindex 1) is not bootable, so SeaBIOS went on to the ISO.
      await waitForSerial(handle, new RegExp(ISO_BOOT_LINE), 60_000);
      expect(readFileSync(path.join(req.logDir, 'serial.log'), 'utf8')).toContain(ISO_BOOT_LINE);

      expect(await readRfbBanner(await handle.openVnc(AbortSignal.timeout(10_000)))).toBe('RFB 003.008\n');
      expect(await handle.status()).toBe('running');

      const blocks = await handle.qmpExecute<{ device: string; qdev?: string; inserted?: { file: string; ro: boolean } }[]>('query-block');
      const byDevice = new Map(blocks.map((b) => [b.device, b]));
      expect(byDevice.get('disk0')?.inserted?.file).toBe(path.join(req.workDir, 'bios-root.qcow2'));
      expect(byDevice.get('disk1')?.inserted?.file).toBe(path.join(req.workDir, 'bios-data.qcow2'));
      expect(byDevice.get('disk2')?.inserted?.file).toBe(path.join(req.workDir, 'bios-logs.qcow2'));
      expect(byDevice.get('cd0')?.inserted).toMatchObject({ file: bootIso, ro: true });
      expect(byDevice.get('cd1')?.inserted).toMatchObject({ file: path.join(req.workDir, 'bios-cdrom-seed.iso'), ro: true });
      expect(spawnSync('xorriso', ['-indev', path.join(req.workDir, 'bios-cdrom-seed.iso'), '-pvd_info'], { encoding: 'utf8' }).stdout).toMatch(/Volume Id\s*:\s*cidata/);

      const pci = await handle.qmpExecute<{ devices: { id: { vendor: number; device: number } }[] }[]>('query-pci');
      const ids = new Set(pci.flatMap((bus) => bus.devices.map((d) => `${d.id.vendor.toString(16)}:${d.id.device.toString(16)}`)));
      expect(ids).toContain('8086:100e'); // e1000
      expect(ids).toContain('1af4:1001'); // virtio-blk
      expect(ids).toContain('8086:2922'); // AHCI for the sata disk
      expect(ids).toContain('1af4:1004'); // virtio-scsi
      expect(ids).toContain('1af4:1005'); // virtio-rng

      const ssh = await handle.sshAddress(AbortSignal.timeout(1000));
      expect(ssh.host).toBe('127.0.0.1');
      expect(ssh.port >= 2222 && ssh.port < 4444).toBe(true);
      expect(await lockOwner(ssh.port, lockDir)).toBe(process.pid);
      expect(await tcpConnects(ssh.port)).toBe(true); // QEMU's hostfwd listens
      // The SSH wait's up-probe: a second leased port, forwarded to the guest's port 1.
      expect(ssh.guestUpPort).toBeDefined();
      expect(ssh.guestUpPort).not.toBe(ssh.port);
      expect(await lockOwner(ssh.guestUpPort!, lockDir)).toBe(process.pid);
      expect(await tcpConnects(ssh.guestUpPort!)).toBe(true);
      // internet: false → restricted user networking; the build's HTTP server is relayed at 10.0.2.4.
      expect(handle.httpEndpoint()).toEqual({ ip: '10.0.2.4', port: 8123 });
      expect(lines.some((l) => l.includes('vm bios: no internet'))).toBe(true);

      await expect(handle.exportDisk({ destination: path.join(tmp, 'bios-out.qcow2'), format: 'qcow2', compress: false, logger, signal: AbortSignal.timeout(10_000) })).rejects.toThrow(/still running/);
      // No OS answers the ACPI button, so the VM stays up.
      await handle.powerOff();
      expect(await handle.waitForShutdown(1500, AbortSignal.timeout(10_000))).toBe(false);

      await handle.stop();
      await handle.stop(); // idempotent
      await expectNothingLeft(pid);
      expect(await handle.waitForShutdown(10, AbortSignal.timeout(1000))).toBe(true);
      await handle.powerOff(); // safe after stop

      const out = path.join(tmp, 'out', 'bios.qcow2');
      await handle.exportDisk({ destination: out, format: 'qcow2', compress: true, logger, signal: AbortSignal.timeout(60_000) });
      expect(await imageInfo(out)).toMatchObject({ format: 'qcow2', virtualSize: 64 * MiB });
      expect((await imageInfo(out)).backingFile).toBeUndefined();
    } finally {
      await handle.stop();
      await local.close();
    }
  }, 120_000);

  it('UEFI: OVMF boots from a path source overlay with per-VM vars, VNC on a loopback port', async () => {
    const source = path.join(tmp, 'blank-source.qcow2');
    const vm = vmOf({ name: 'uefi', source: { kind: 'path', path: 'blank-source.qcow2' }, efiFirmware: { secureBoot: false }, communicator: communicator({ type: 'none' }) });
    const local = engine({ vncListen: 'port' });
    const req = request(vm, 'uefi');
    const handle = (await local.startVm(req)) as QemuMachine;
    const pid = handle.pid;
    try {
      await waitForSerial(handle, /UEFI Interactive Shell|BdsDxe/, 90_000);
      const vars = path.join(req.workDir, 'uefi-efivars.fd');
      expect(existsSync(vars)).toBe(true);
      expect(await imageInfo(path.join(req.workDir, 'uefi-root.qcow2'))).toMatchObject({ backingFile: source, virtualSize: 64 * MiB });
      expect(await readRfbBanner(await handle.openVnc(AbortSignal.timeout(10_000)))).toBe('RFB 003.008\n');
      await expect(handle.sshAddress(AbortSignal.timeout(1000))).rejects.toThrow(/communicator is 'none'/);
      expect(readdirSync(lockDir)).toHaveLength(1); // the VNC port
    } finally {
      await handle.stop();
      await local.close();
    }
    await expectNothingLeft(pid);
  }, 120_000);

  it('Secure Boot: q35 with SMM and Microsoft keys refuses the unsigned UEFI shell', async () => {
    const vm = vmOf({ name: 'secure', source: { kind: 'path', path: path.join(tmp, 'blank-source.qcow2') }, efiFirmware: { secureBoot: true } });
    const local = engine();
    const { logger, lines } = memoryLogger();
    const handle = (await local.startVm(request(vm, 'secure', { logger }))) as QemuMachine;
    const pid = handle.pid;
    try {
      expect(lines.some((l) => l.includes('starting qemu (') && l.includes('q35, UEFI Secure Boot'))).toBe(true);
      await waitForSerial(handle, /Security Violation/, 90_000);
      expect(await handle.status()).toBe('running');
    } finally {
      await local.close(); // the engine's safety net stops what callers forgot
    }
    await expectNothingLeft(pid);
  }, 120_000);

  it('a QEMU that fails at start-up is reported with its own words, and nothing is left', async () => {
    const badCode = path.join(tmp, 'empty-code.fd');
    writeFileSync(badCode, '');
    const vm = vmOf({ name: 'broken', source: { kind: 'iso', url: pathToFileURL(bootIso).href, checksum: { algorithm: 'sha256', hex: bootIsoSha256 } }, efiFirmware: { secureBoot: false } });
    const local = engine({ env: { ...process.env, RUDDERVIRT_OVMF_CODE: badCode, RUDDERVIRT_OVMF_VARS: badCode } });
    const req = request(vm, 'broken');
    await expect(local.startVm(req)).rejects.toThrow(/QEMU for vm broken exited during start-up \(status 1\):\n.*qemu-system-x86_64: /);
    expect(readdirSync(req.workDir)).toEqual([]);
    expect(readdirSync(runtimeRoot)).toEqual([]);
    expect(readdirSync(lockDir)).toEqual([]);
    expect(qemuProcessesMentioning(tmp)).toEqual([]);
  });

  it('cancelling while QEMU starts stops it and releases everything', async () => {
    // A QEMU that takes a while to come up, so the cancel lands during start-up.
    const slowQemu = path.join(tmp, 'slow-qemu.sh');
    writeFileSync(slowQemu, '#!/bin/sh\nsleep 1\nexec qemu-system-x86_64 "$@"\n');
    chmodSync(slowQemu, 0o755);
    const vm = vmOf({ name: 'cancelled', source: { kind: 'iso', url: pathToFileURL(bootIso).href, checksum: { algorithm: 'sha256', hex: bootIsoSha256 } } });
    const controller = new AbortController();
    const logger = new LineLogger((_level, line) => {
      if (line.includes('starting qemu')) setTimeout(() => controller.abort(new Error('Build was cancelled.')), 200);
    });
    const local = engine({ qemuBinary: slowQemu });
    const req = request(vm, 'cancelled', { signal: controller.signal, logger });
    await expect(local.startVm(req)).rejects.toThrow('Build was cancelled.');
    await new Promise((r) => setTimeout(r, 1500)); // past the wrapper's sleep: no QEMU may appear
    expect(qemuProcessesMentioning(tmp)).toEqual([]);
    expect(readdirSync(runtimeRoot)).toEqual([]);
    expect(readdirSync(lockDir)).toEqual([]);
    expect(readdirSync(req.workDir)).toEqual([]);
  });

  it('bad sources are user errors naming the VM and the path', async () => {
    const local = engine();
    const missing = vmOf({ name: 'nosrc', source: { kind: 'path', path: 'images/nope.qcow2' } });
    await expect(local.startVm(request(missing, 'nosrc'))).rejects.toThrow(`vm nosrc: source.path 'images/nope.qcow2' does not exist (looked for ${path.join(tmp, 'images/nope.qcow2')})`);
    const container = vmOf({ name: 'cd', source: { kind: 'containerDisk', image: 'quay.io/containerdisks/debian:12' } });
    await expect(local.startVm(request(container, 'cd'))).rejects.toThrow(/containerDisk sources need a registry client/);
    const noDisk = vmOf({ name: 'nodisk', source: { kind: 'path', path: bootIso }, disks: [] });
    await expect(local.startVm(request(noDisk, 'nodisk'))).rejects.toThrow(/vm nodisk: needs at least one disk/);
    expect(readdirSync(lockDir)).toEqual([]);
  });
});

describe('LocalEngine without QEMU', () => {
  it('a missing QEMU binary is a user error that says what to install', async () => {
    const vm = vmOf({ name: 'noqemu', source: { kind: 'iso', url: pathToFileURL(bootIso).href, checksum: { algorithm: 'sha256', hex: bootIsoSha256 } } });
    const local = engine({ qemuBinary: 'qemu-system-x86_64-not-installed', accelerator: 'tcg' });
    await expect(local.startVm(request(vm, 'noqemu'))).rejects.toThrow(/'qemu-system-x86_64-not-installed' was not found on PATH/);
    expect(readdirSync(runtimeRoot)).toEqual([]);
    expect(readdirSync(lockDir)).toEqual([]);
  });
});
