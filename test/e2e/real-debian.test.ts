/**
 * Real operating systems through the CLI bundle, on the local engine (QEMU, TCG here):
 *
 * - Debian 12 as users build it (test/fixtures/debian.ts): a NoCloud seed on a virtio disk makes
 *   the user, a sudo shell provisioner and a file provisioner change the system, `cloud-init
 *   clean` prepares it for its next first boot, `sudo poweroff` stops it, and its SBOM lists the
 *   packages dpkg knows. BIOS with a qcow2 output, UEFI with a raw output. In the BIOS case the
 *   build file's verify: block then boots the output again as a new VM with a NEW seed (a fresh
 *   instance-id, a throw-away key for the build's user): the changes are there and cloud-init ran
 *   afresh (the new key installed, the new instance-id only); `ruddervirt build` runs verify itself
 *   before it names the image. The UEFI case stops at the build: a second TCG boot of Debian costs
 *   CI minutes, and what verify adds (a new VM from the output) does not depend on the firmware.
 * The two cases run at once: each is mostly a single-vCPU TCG guest, and the machine has two cores.
 * The real Debian installer has its own file (real-debian-installer.test.ts): it needs no Debian
 * image, so it need not wait while a fresh machine builds one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureDebianImage } from '../fixtures/debian.js';
import { debianBuild, sshKey } from './helpers/debian-build.js';
import { runCli, type CliRun } from './helpers/cli-build.js';
import { expectNothingLeft } from './helpers/nothing-left.js';
import { tempDirsForFile } from './helpers/temp-dirs.js';

// Includes building the Debian image on a machine that has none cached (about 15 min under load).
const CASE_TIMEOUT = 45 * 60_000;
const tempDir = tempDirsForFile();
let debianImagePromise: Promise<string> | undefined;
/** Built (or found in the fixture cache) once, for both cases. */
const debianImage = (): Promise<string> => (debianImagePromise ??= ensureDebianImage());

function count(text: string, what: string): number {
  return text.split(what).length - 1;
}

/** Watches a running build's log: seconds from its nth "starting qemu" to its nth "Connected to SSH!" (a boot's cost). */
function timeBootToSsh(run: CliRun, nth = 1): Promise<number | undefined> {
  return new Promise((resolve) => {
    let started: number | undefined;
    const timer = setInterval(() => {
      started ??= count(run.stderr, 'starting qemu') >= nth ? Date.now() : undefined;
      if (started !== undefined && count(run.stderr, 'Connected to SSH!') >= nth) {
        clearInterval(timer);
        resolve((Date.now() - started) / 1000);
      } else if (run.child.exitCode !== null) {
        clearInterval(timer);
        resolve(undefined);
      }
    }, 250);
  });
}

describe.concurrent('real Debian 12 through the CLI bundle (local engine, TCG)', () => {
  for (const variant of [
    { efi: false, format: 'qcow2' as const, verify: true },
    { efi: true, format: 'raw' as const, verify: false },
  ]) {
    const label = `${variant.efi ? 'UEFI' : 'BIOS'} + ${variant.format}`;
    it(
      `${label}: cloud-init seed → sudo and file provisioners → cloud-init clean → poweroff${variant.verify ? '; verify boots the output afresh with a new seed before the build names it' : ''}`,
      async () => {
        const name = `e2e-debian-${variant.efi ? 'uefi' : 'bios'}`;
        const dir = tempDir(name);
        const builderKey = sshKey(dir, 'builder-key');
        writeFileSync(path.join(dir, 'motd'), `Built by RudderVirt on Debian (${label})\n`);

        const build = debianBuild(dir, name, {
          source: await debianImage(),
          efi: variant.efi,
          format: variant.format,
          user: 'builder',
          key: builderKey,
          instanceId: `${name}-build`,
          // What verify runs in the output booted with a fresh seed; the output is asserted below.
          verify: variant.verify && {
            // Generous: a TCG guest on a loaded two-core machine (the first boot to SSH alone takes minutes).
            timeout: '30m',
            checks: [
              { name: 'cloud-init done', run: 'cloud-init status --wait >/dev/null', timeout: '20m' },
              'echo "check-provisioned: $(cat /etc/ruddervirt-provisioned)"',
              'sed "s/^/check-motd: /" /etc/motd',
              'echo "check-instance: $(cat /var/lib/cloud/data/instance-id)"',
              'echo "check-instances: $(ls /var/lib/cloud/instances | tr "\\n" " ")"',
              'echo "check-verify-keys: $(grep -c "ruddervirt verify debian" ~/.ssh/authorized_keys)"',
              'echo "check-machine-id: $(wc -c < /etc/machine-id)"',
              { name: 'sudo', run: 'test "$(sudo id -un)" = root' },
              // Not asserted: what docs/engines.md says about NIC names on the local engine.
              'echo "check-nics: $(ls /sys/class/net | tr "\\n" " ")"',
            ],
          },
          provisioners: [
            {
              type: 'shell',
              // .Vars holds single-quoted values, so it must not sit inside another pair of single quotes.
              executeCommand: 'chmod +x {{ .Path }}; sudo env {{ .Vars }} {{ .Path }}',
              environmentVars: ['BUILD_LABEL=' + label],
              inline: [
                // Provisioners racing cloud-init's last stages is the classic first-boot trap.
                'cloud-init status --wait >/dev/null',
                'echo "provisioned by $(id -un) for $BUILD_LABEL" > /etc/ruddervirt-provisioned',
              ],
            },
            { type: 'file', source: path.join(dir, 'motd'), destination: '/home/builder/motd' },
            {
              type: 'shell',
              inline: [
                'sudo install -m 644 /home/builder/motd /etc/motd',
                // Ready for a new first boot: cloud-init forgets this instance, systemd makes a new machine-id.
                'sudo cloud-init clean --logs',
                'sudo truncate -s 0 /etc/machine-id',
              ],
            },
          ],
        });
        const out = path.join(dir, 'out');
        const buildStarted = Date.now();
        // The build verifies (a second boot, with a fresh seed) before it names the image.
        const run = runCli(['build', build, '--output', out]);
        const firstBoot = timeBootToSsh(run);
        const verifyBoot = timeBootToSsh(run, 2);
        const code = await run.done;
        expect(code, run.stderr).toBe(0);
        const image = run.stdout.trim().split('\n').at(-1)!;
        expect(image).toBe(path.join(out, `base-debian.${variant.format === 'raw' ? 'img' : 'qcow2'}`));
        expect(run.stderr).toMatch(new RegExp(`starting qemu \\(\\w+, q35, ${variant.efi ? 'UEFI' : 'BIOS'}`));
        expect(run.stderr).toMatch(/provision 3\/3: shell +ok/);
        // The SBOM read from the guest's dpkg database after the provisioners: beside the image, in the manifest.
        const sbom = JSON.parse(readFileSync(`${image}.spdx.json`, 'utf8')) as { spdxVersion: string; packages: { name: string; versionInfo?: string; externalRefs?: { referenceLocator: string }[] }[] };
        expect(sbom.spdxVersion).toBe('SPDX-2.3');
        expect(sbom.packages.length).toBeGreaterThan(100);
        const versions = new Map(sbom.packages.map((p) => [p.name, p.versionInfo]));
        for (const pkg of ['base-files', 'openssh-server', 'cloud-init', 'sudo', 'systemd', 'linux-image-cloud-amd64']) expect(versions.get(pkg), pkg).toMatch(/^\d/);
        expect(versions.get('base-files')).toMatch(/^12\./);
        expect(sbom.packages.find((p) => p.name === 'openssh-server')!.externalRefs![0]!.referenceLocator).toMatch(/^pkg:deb\/debian\/openssh-server@1%3A9\.2p1-[^?]+\?arch=amd64&distro=debian-12/);
        expect((JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { outputs: { sbom?: string }[] }).outputs[0]!.sbom).toBe(`${image}.spdx.json`);
        await expectNothingLeft(name, run.stderr);
        console.log(`${label}: first boot to SSH ${await firstBoot} s (build ${(Date.now() - buildStarted) / 1000} s, verify included)`);

        if (!variant.verify) {
          expect(run.stderr).not.toMatch(/verify base\/debian/);
          return;
        }
        // Verify: the output booted as a new VM with a new seed (fresh instance-id, a throw-away key for builder).
        const log = run.stderr;
        // The image was named only after verify passed.
        expect(log.indexOf('verify base/debian: passed')).toBeGreaterThan(log.indexOf('sbom: '));
        console.log(`${label}: the output's boot to SSH ${await verifyBoot} s (inside ruddervirt build)`);
        expect(log).toContain(`check-provisioned: provisioned by root for ${label}`);
        expect(log).toContain(`check-motd: Built by RudderVirt on Debian (${label})`);
        // cloud-init ran as a new instance and knows no other: the clean worked.
        const instance = /cloud-init: a fresh seed \(instance-id (ruddervirt-verify-[0-9a-f-]{36})\) with a throw-away SSH key for builder/.exec(log)?.[1];
        expect(instance, log).toBeDefined();
        expect(log).toContain(`check-instance: ${instance}`);
        expect(log).toMatch(new RegExp(`check-instances: ${instance} \\n`));
        // verify logged in with the throw-away key: the new seed installed it for the build's user at this boot.
        expect(log).toContain('check-verify-keys: 1');
        expect(log).toContain('check-machine-id: 33');
        expect(log).toMatch(/^ {2}ok {3}sudo$/m);
        expect(log).toMatch(/^verify base\/debian: passed$/m);
        await expectNothingLeft(name, log);
      },
      CASE_TIMEOUT,
    );
  }
});
