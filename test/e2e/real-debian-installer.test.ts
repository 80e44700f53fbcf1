/**
 * The real Debian installer through the CLI bundle, on the local engine (QEMU, TCG here):
 * debian-installer-12-netboot-amd64 made into an ISO (test/fixtures/debian/build-installer-iso.sh).
 * The boot command waits for its menu on screen (OCR), leaves it, waits for its boot: prompt and
 * types the preseed URL; the installer fetches preseed.cfg from the build's HTTP server and its
 * early_command fetches a second URL, then powers the machine off, so the build ends by itself
 * with nothing left running.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli-build.js';
import { expectNothingLeft } from './helpers/nothing-left.js';
import { tempDirsForFile } from './helpers/temp-dirs.js';
import { repoRoot } from '../helpers/node24.js';

// A TCG guest on a loaded two-core machine: 2.5 min at load 2, 7.5 min at load 20.
const CASE_TIMEOUT = 20 * 60_000;
const tempDir = tempDirsForFile();

describe('the real Debian installer through the CLI bundle (local engine, TCG)', () => {
  it(
    'the real Debian installer: its menu and boot: prompt awaited on screen (OCR), auto preseed/url=…, preseed.cfg and an early_command URL fetched from the build, then powered off',
    async () => {
      const name = 'e2e-debian-installer';
      const dir = tempDir(name);
      const made = spawnSync('sh', [path.join(repoRoot, 'test', 'fixtures', 'debian', 'build-installer-iso.sh'), dir], { encoding: 'utf8' });
      expect(made.status, made.stderr).toBe(0);
      const iso = path.join(dir, 'debian-installer.iso');
      expect(statSync(iso).size).toBeGreaterThan(20 * 1024 * 1024);
      const sha256 = createHash('sha256').update(readFileSync(iso)).digest('hex');

      // early_command learns the server from the preseed URL it was given, fetches a second URL,
      // then powers the machine off: the build (communicator none) ends when the guest does.
      const preseed = [
        '# ruddervirt e2e: prove the preseed and its early_command ran, then stop',
        'd-i preseed/early_command string u="$(debconf-get preseed/url)"; wget -q -O /dev/null "${u%/preseed.cfg}/early-command"; sync; poweroff -f || echo o > /proc/sysrq-trigger',
        '',
      ].join('\n');
      const file = path.join(dir, `${name}.yaml`);
      writeFileSync(
        file,
        stringify({
          name,
          layers: [
            {
              name: 'base',
              vms: [
                {
                  name: 'installer',
                  source: { iso: { url: pathToFileURL(iso).href, checksum: `sha256:${sha256}` } },
                  memory: '1Gi',
                  disks: [{ name: 'root', size: '2Gi' }],
                  httpContent: { '/preseed.cfg': preseed, '/early-command': 'ok\n' },
                  // Typed when the screen says so: the menu (it waits forever, timeout 0), then its boot: prompt.
                  // A fixed bootWait is too short on a loaded runner and too long everywhere else.
                  bootCommand: ["<wait 'installer menu'><esc><wait 'boot:'>", 'auto preseed/url=http://{{ .HTTPIP }}:{{ .HTTPPort }}/preseed.cfg<enter>'],
                  communicator: { type: 'none' },
                  shutdownTimeout: '20m',
                },
              ],
            },
          ],
        }),
      );
      const started = Date.now();
      const run = runCli(['build', file, '--output', path.join(dir, 'out')]);
      const code = await run.done;
      console.log(`Debian installer: build ${(Date.now() - started) / 1000} s`);
      expect(code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/http: GET \/preseed\.cfg → 200/);
      expect(run.stderr).toMatch(/http: GET \/early-command → 200/);
      expect(run.stderr.indexOf('GET /preseed.cfg')).toBeLessThan(run.stderr.indexOf('GET /early-command'));
      await expectNothingLeft(name, run.stderr);
    },
    CASE_TIMEOUT,
  );
});
