/**
 * A new user's path, end to end with real parts: the test guest published as a containerDisk to a
 * real docker-registry on loopback, then `ruddervirt build` (the CLI bundle) of the quickstart with
 * `source: { containerDisk: … }` — pulled, verified, extracted, booted under QEMU (TCG),
 * provisioned, exported — with the digest in manifest.json. A second build with the registry
 * stopped is served from the caches: the tag's last digest, so the same layer key, so no boot.
 * The same build carries a declared secret, dbPass (sensitiveVariables), given three ways — an
 * environment variable its default reads, --var-file and --var — and typed on the guest's kernel
 * command line and used in a provisioner: none of the three values may appear in any stream or in
 * any file the build leaves in its output, log and cache folders.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryLogger } from '../../src/core/log.js';
import { publishContainerDisk } from '../../src/core/oci/publish.js';
import { ensureGuestImage } from '../fixtures/guest.js';
import { requireTool, skopeo, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { leftovers, quickstartVariant, runCli } from './helpers/cli-build.js';

/**
 * Every regular file under `dir` but disk images: an image holds what the guest wrote, which is the
 * user's business; everything else (logs, screen text, manifest, cache records) is the build's.
 */
function filesBesideImages(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesBesideImages(full) : e.isFile() && !/\.(qcow2|img|raw|iso)$/.test(e.name) ? [full] : [];
  });
}

const BUILD_TIMEOUT = 8 * 60_000;
const cleanups: (() => unknown)[] = [];
let registry: TestRegistry;
let guestImage = '';

beforeAll(async () => {
  requireTool('qemu-system-x86_64', 'qemu-system-x86');
  guestImage = await ensureGuestImage();
  registry = await startRegistry();
  cleanups.push(() => registry.stop());
}, 15 * 60_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('ruddervirt build from a containerDisk source (local engine, real registry, real QEMU)', () => {
  it(
    'builds the quickstart from the published guest; the second build, registry stopped, reuses everything',
    async () => {
      const image = `${registry.host}/e2e/guest:v1`;
      await publishContainerDisk({ disk: guestImage, refs: [image], logger: memoryLogger().logger });
      const digest = (JSON.parse(skopeo(['inspect', '--tls-verify=false', `docker://${image}`]).stdout) as { Digest: string }).Digest;
      const name = 'e2e-containerdisk';
      const { file, dir } = quickstartVariant(name, guestImage, (vm) => {
        vm.source = { containerDisk: image };
        // Typed at the boot: prompt, so it is on the screen (OCR text) and the serial console.
        vm.bootCommand = (vm.bootCommand as string[]).map((e) => e.replace('<enter>', ' dbpass={{ user `dbPass` }}<enter>'));
        const shell = (vm.provisioners as Record<string, unknown>[])[0]!;
        shell.environmentVars = [...(shell.environmentVars as string[]), 'DB_URL=postgres://app:{{ user `dbPass` }}@db/app'];
        shell.inline = [...(shell.inline as string[]), 'echo "db url: $DB_URL"'];
      });
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const doc = readFileSync(file, 'utf8');
      writeFileSync(file, doc.replace(/^layers:/m, 'variables:\n  dbPass: "{{ env `DB_PW` }}"\nsensitiveVariables: [dbPass]\nlayers:'));
      const secrets = { env: 'rv-db-env-4Kp2', file: 'rv-db-file-9Wq7', cli: 'rv-db-cli-3Zt8' };
      // The var file lives outside the folders searched below: it is the user's own copy of the secret.
      const varDir = mkdtempSync(path.join(os.tmpdir(), 'rvtest-cd-vars-'));
      cleanups.push(() => rmSync(varDir, { recursive: true, force: true }));
      const varFile = path.join(varDir, 'secrets.yaml');
      writeFileSync(varFile, `dbPass: ${secrets.file}\n`);
      // Its own cache folder: the pulled disk, the tag record and the layer cache start empty.
      const cache = mkdtempSync(path.join(os.tmpdir(), 'rvtest-cd-cache-'));
      cleanups.push(() => rmSync(cache, { recursive: true, force: true }));
      const env = { RUDDERVIRT_CACHE_DIR: cache, DB_PW: secrets.env };
      const secretArgs = ['--var-file', varFile, '--var', `dbPass=${secrets.cli}`];

      const out = path.join(dir, 'out');
      const first = runCli(['build', file, '--output', out, ...secretArgs], { env });
      expect(await first.done, first.stderr).toBe(0);
      // The secret reached the guest (the provisioner printed the URL built from it, masked whole) and the console.
      expect(first.stderr).toContain('db url: ***');
      expect(first.stderr).toMatch(/--var dbPass: a sensitive variable on the command line is masked/);
      expect(readFileSync(path.join(out, 'logs', 'base-guest', 'serial.log'), 'utf8')).toContain('dbpass=***');
      const leaked = (text: string) => Object.values(secrets).filter((v) => text.includes(v));
      expect(leaked(first.stdout + first.stderr), 'in the streams').toEqual([]);
      for (const f of [...filesBesideImages(dir), ...filesBesideImages(cache)]) expect(leaked(readFileSync(f, 'latin1')), f).toEqual([]);
      expect(first.stderr).toMatch(/pull 127\.0\.0\.1:\d+\/e2e\/guest:v1 .* MB\/s/);
      expect(first.stderr).toMatch(/extracted \/disk\/disk\.qcow2 \(qcow2, .*sha256:[0-9a-f]{64}\)/);
      expect(first.stderr).toMatch(/http: GET \/seed\.sh → 200/);
      const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as {
        status: string;
        sources: { vm: string; reference: string; digest: string }[];
        outputs: { sha256: string; image: string }[];
      };
      expect(manifest.status).toBe('succeeded');
      expect(manifest.sources).toEqual([{ vm: 'base/guest', reference: image, digest }]);
      // The output is a real image of its own (no backing file into the cache).
      const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', manifest.outputs[0]!.image], { encoding: 'utf8' })) as { 'backing-filename'?: string };
      expect(info['backing-filename']).toBeUndefined();
      expect(leftovers(name).processes).toEqual([]);

      await registry.stop();
      const out2 = path.join(dir, 'out2');
      const second = runCli(['build', file, '--output', out2, ...secretArgs], { env });
      expect(await second.done, second.stderr).toBe(0);
      expect(second.stderr).toContain('the registry cannot be reached');
      expect(second.stderr).toMatch(/layer base: reused/);
      expect(second.stderr).not.toMatch(/start vm/);
      const manifest2 = JSON.parse(readFileSync(path.join(out2, 'manifest.json'), 'utf8')) as typeof manifest;
      expect(manifest2.sources).toEqual(manifest.sources);
      expect(manifest2.outputs[0]!.sha256).toBe(manifest.outputs[0]!.sha256);
    },
    2 * BUILD_TIMEOUT,
  );
});
