/**
 * Packer's -on-error=abort, end to end with real parts: a build whose provisioner fails, run with
 * `--on-error abort`, exits 1 at once and leaves the VM running for a person — reachable over SSH
 * at the port it printed after the CLI has exited — and `ruddervirt cleanup` then stops it and
 * removes its work folder, leaving nothing behind.
 */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureGuestImage } from '../fixtures/guest.js';
import { isListening, leftovers, quickstartVariant, runCli } from './helpers/cli-build.js';

const cleanupDirs: string[] = [];
let guestImage = '';

function sshExec(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client
      .on('ready', () => {
        client.exec(command, (err, stream) => {
          if (err) return reject(err);
          let out = '';
          stream.on('data', (d: Buffer) => (out += d.toString())).on('close', () => (client.end(), resolve(out)));
        });
      })
      .on('error', reject)
      .connect({ host: '127.0.0.1', port, username: 'root', password: 'rv-quickstart-pw', readyTimeout: 20_000 });
  });
}

describe('ruddervirt build --on-error abort (real QEMU guest, TCG)', () => {
  beforeAll(async () => {
    guestImage = await ensureGuestImage();
  }, 15 * 60_000);
  afterAll(async () => {
    for (const d of cleanupDirs) {
      // Whatever the test's outcome, no VM of it may outlive the test run.
      await runCli(['cleanup', path.join(d, 'out')]).done;
      rmSync(d, { recursive: true, force: true });
    }
  });

  it(
    'leaves the failed VM running and reachable after the CLI exits; cleanup removes it',
    async () => {
      const name = 'e2e-abort';
      const { file, dir } = quickstartVariant(name, guestImage, (vm) => {
        vm.provisioners = [{ type: 'shell', inline: ['echo left-for-debugging > /root/marker', 'exit 3'] }];
      });
      cleanupDirs.push(dir);
      const out = path.join(dir, 'out');
      const run = runCli(['build', file, '--on-error', 'abort', '--output', out]);
      expect(await run.done, run.stderr).toBe(1);
      expect(run.stderr).toMatch(/vm base\/guest is left running for debugging/);
      const ssh = /ssh -p (\d+) .* root@127\.0\.0\.1/.exec(run.stderr);
      expect(ssh, run.stderr).not.toBeNull();
      expect(run.stderr).toMatch(/vnc: {4}unix socket \S+/);
      expect(run.stderr).toMatch(new RegExp(`serial: ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\S*serial\\.log`));
      expect(run.stderr).toContain(`ruddervirt cleanup ${out}`);

      // The CLI is gone; the VM is not.
      const port = Number(ssh![1]);
      expect(await sshExec(port, 'cat /root/marker')).toBe('left-for-debugging\n');
      expect(leftovers(name).processes.length).toBeGreaterThan(0);

      const cleanup = runCli(['cleanup', out]);
      expect(await cleanup.done, cleanup.stderr).toBe(0);
      expect(cleanup.stderr).toMatch(/vm base\/guest: stopped; removed \S+/);
      expect(leftovers(name)).toEqual({ tempDirs: [], processes: [] });
      expect(await isListening(port)).toBe(false);
      expect(existsSync(path.join(out, 'abandoned'))).toBe(true);
      // A second cleanup finds nothing to do.
      const again = runCli(['cleanup', out]);
      expect(await again.done).toBe(0);
      expect(again.stderr).toMatch(/nothing left/);
    },
    8 * 60_000,
  );
});
