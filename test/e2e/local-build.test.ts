/**
 * The local engine end to end with real parts: the committed CLI bundle builds the quickstart
 * with QEMU (TCG here), typing the boot command over VNC into the real test guest, which fetches its
 * seed over HTTP; SSH provisioning; clean shutdown; compressed qcow2. Then the output image is booted
 * again and read over SSH, so the proof comes from the image itself.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ensureGuestImage } from '../fixtures/guest.js';
import { quickstartVariant, runCli, waitForOutput } from './helpers/cli-build.js';
import { expectNothingLeft } from './helpers/nothing-left.js';

const BUILD_TIMEOUT = 8 * 60_000;
// OVMF reaches the guest's boot: prompt later than SeaBIOS, and keys typed before it are lost.
const UEFI = { efiFirmware: true, bootWait: '20s' };
const cleanupDirs: string[] = [];
let guestImage = '';

/** Boots `image` with a fresh build whose only job is to print what the first build left inside. */
async function readBackFromImage(image: string, name: string, efi: boolean): Promise<string> {
  const { file, dir } = quickstartVariant(name, guestImage, (vm) => {
    vm.source = { path: image };
    vm.bootCommand = ['<wait>', 'guest<enter>'];
    if (efi) Object.assign(vm, UEFI);
    vm.provisioners = [{ type: 'shell', inline: ['echo "seeded-at: $(cat /etc/ruddervirt-seeded)"', 'sed "s/^/provisioned: /" /root/provisioned.txt', 'sed "s/^/motd: /" /etc/motd'] }];
    vm.output = { format: 'raw', compress: false };
  });
  cleanupDirs.push(dir);
  const run = runCli(['build', file, '--output', path.join(dir, 'out')]);
  const code = await run.done;
  expect(code, run.stderr).toBe(0);
  return run.stderr;
}

describe('ruddervirt build on the local engine (real QEMU guest, TCG)', () => {
  beforeAll(async () => {
    guestImage = await ensureGuestImage();
  }, 15 * 60_000);
  afterAll(() => {
    for (const d of cleanupDirs) rmSync(d, { recursive: true, force: true });
  });

  // UEFI is covered elsewhere: typed into at syslinux.efi's boot: prompt through LocalEngine in
  // test/integration/local/guest-boot.test.ts, and built end to end through the CLI bundle on
  // Debian in test/e2e/real-debian.test.ts. Here a second TCG quickstart cost CI almost two minutes.
  const firmwares: boolean[] = [false];
  for (const efi of firmwares) {
    it(
      `builds the quickstart (${efi ? 'UEFI via OVMF' : 'BIOS'}) and the image holds the seed's and provisioners' changes`,
      async () => {
        const name = efi ? 'e2e-uefi' : 'e2e-bios';
        const { file, dir } = quickstartVariant(name, guestImage, (vm) => {
          if (efi) Object.assign(vm, UEFI);
        });
        cleanupDirs.push(dir);
        const out = path.join(dir, 'out');
        const run = runCli(['build', file, '--output', out]);
        const code = await run.done;
        expect(code, run.stderr).toBe(0);

        // The last line on stdout is the image; its checksum file and the manifest sit beside it.
        const image = run.stdout.trim().split('\n').at(-1)!;
        expect(image).toBe(path.join(out, 'base-guest.qcow2'));
        const [sum, base] = readFileSync(`${image}.sha256`, 'utf8').trim().split(/\s+/);
        expect(base).toBe('base-guest.qcow2');
        const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
        expect(manifest.status).toBe('succeeded');
        expect(manifest.outputs[0].sha256).toBe(sum);
        expect(manifest.phases.map((p: { phase: string }) => p.phase)).toEqual(expect.arrayContaining(['start vm', 'boot command', 'wait for ssh', 'shutdown', 'export disk']));
        // A screenshot per boot-command element, for people debugging boot commands.
        expect(existsSync(path.join(out, 'logs', 'base-guest', 'bootcommand-02.png'))).toBe(true);
        // The guest fetched the seed from the build's HTTP server.
        expect(run.stderr).toMatch(/http: GET \/seed\.sh → 200/);
        // No secret in the log.
        expect(run.stderr).not.toContain('rv-quickstart-pw');
        await expectNothingLeft(name, run.stderr, { portsAnnounced: true });

        // Unchanged, the layer is reused from the layer cache: no VM, same image.
        const again = runCli(['build', file, '--output', path.join(dir, 'again')]);
        expect(await again.done, again.stderr).toBe(0);
        expect(again.stderr).toMatch(/layer base: reused/);
        expect(again.stderr).not.toMatch(/==> start vm/);
        expect(readFileSync(path.join(dir, 'again', 'base-guest.qcow2.sha256'), 'utf8').split(/\s+/)[0]).toBe(sum);

        const proof = await readBackFromImage(image, `${name}-check`, efi);
        expect(proof).toMatch(/seeded-at: \d{4}-\d\d-\d\dT/);
        expect(proof).toMatch(/provisioned: provisioned by ruddervirt on 6\./);
        expect(proof).toContain('provisioned: BUILD_NAME=quickstart');
        expect(proof).toContain('motd: Built by RudderVirt quickstart');
      },
      2 * BUILD_TIMEOUT,
    );
  }

  it(
    'a failing provisioner fails the build with exit 1, shows the last screen and serial lines, and leaves nothing behind',
    async () => {
      const name = 'e2e-fail';
      const { file, dir } = quickstartVariant(name, guestImage, (vm) => {
        vm.provisioners = [{ type: 'shell', inline: ['echo about to fail', 'exit 3'] }];
      });
      cleanupDirs.push(dir);
      const run = runCli(['build', file, '--output', path.join(dir, 'out')]);
      expect(await run.done, run.stderr).toBe(1);
      expect(run.stderr).toMatch(/about to fail/);
      expect(run.stderr).toMatch(/exit status:? 3/);
      expect(run.stderr).toMatch(/last screen: \S+failure\.png/);
      const tail = run.stderr.slice(run.stderr.indexOf('last serial console lines:'));
      expect(tail).toMatch(/^last serial console lines:\n/);
      expect(tail).toMatch(/\| guest: /);
      expect(existsSync(path.join(dir, 'out', 'logs', 'base-guest', 'failure.png'))).toBe(true);
      await expectNothingLeft(name, run.stderr, { portsAnnounced: true });
    },
    BUILD_TIMEOUT,
  );

  it(
    'a boot command that types a secret: no screenshot from that element on (nor of the failure), the secret masked in every log',
    async () => {
      const name = 'e2e-typed-secret';
      const TOKEN = 'typed-boot-token-7Qk2';
      const { file, dir } = quickstartVariant(name, guestImage, (vm) => {
        // The secret goes on the kernel command line, which the guest's kernel prints on ttyS0.
        vm.bootCommand = ["<wait 'boot:'>", 'guest seed=http://{{ .HTTPIP }}:{{ .HTTPPort }}/seed.sh', ' token={{ user `boot_token` }}<enter>'];
        vm.provisioners = [{ type: 'shell', inline: ['exit 3'] }];
      });
      const doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      writeFileSync(file, stringify({ ...doc, variables: { boot_token: '' }, sensitiveVariables: ['boot_token'] }));
      cleanupDirs.push(dir);
      const run = runCli(['build', file, '--var', `boot_token=${TOKEN}`, '--output', path.join(dir, 'out')]);
      expect(await run.done, run.stderr).toBe(1);
      expect(run.stderr).toContain('boot command: element 3 types a sensitive value; no more screenshots of this VM (the screen may show it)');
      expect(run.stderr).toMatch(/no screenshot: the boot command typed a sensitive value/);
      const logs = path.join(dir, 'out', 'logs', 'base-guest');
      // Screens of the elements before the secret are kept; none after it, and no failure screen.
      expect(
        readdirSync(logs)
          .filter((f) => f.endsWith('.png'))
          .sort(),
      ).toEqual(['bootcommand-01.png', 'bootcommand-02.png']);
      const serial = readFileSync(path.join(logs, 'serial.log'), 'utf8');
      expect(serial).toMatch(/Command line: .* token=\*\*\*/);
      for (const f of readdirSync(logs)) expect(readFileSync(path.join(logs, f)).includes(TOKEN), `${f} holds the secret`).toBe(false);
      expect(run.stderr + run.stdout).not.toContain(TOKEN);
      await expectNothingLeft(name, run.stderr, { portsAnnounced: true });
    },
    BUILD_TIMEOUT,
  );

  it(
    'SIGINT during boot cancels with exit 130 and leaves nothing behind',
    async () => {
      const name = 'e2e-sigint';
      const { file, dir } = quickstartVariant(name, guestImage);
      cleanupDirs.push(dir);
      // --force: the same VM was built (and cached) by the first test.
      const run = runCli(['build', file, '--force', '--output', path.join(dir, 'out')]);
      await waitForOutput(run, /==> boot command/, 120_000);
      run.child.kill('SIGINT');
      expect(await run.done, run.stderr).toBe(130);
      expect(run.stderr).toMatch(/cancelled/i);
      await expectNothingLeft(name, run.stderr, { portsAnnounced: true });
    },
    BUILD_TIMEOUT,
  );
});
