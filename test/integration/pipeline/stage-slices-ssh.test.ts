/**
 * The stage slices' SSH steps against a real OpenSSH server (test/helpers/sshd.ts, needs root):
 * the VM is the in-memory fake engine's (test/helpers/fake-engine.ts), whose sshAddress points at
 * the loopback sshd, so "wait for ssh" and the provisioners run over a real SSH connection. The
 * provision slice must give shell provisioners the peers' addresses (RUDDERVIRT_PEER_*), as a
 * whole build does. A whole build over the same sshd proves a declared secret stays out of every
 * file and stream of the build.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadBuildText } from '../../../src/core/config/load.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeerAddress } from '../../../src/core/peers.js';
import { FakeWorld } from '../../helpers/fake-engine.js';
import { startSshd, type TestSshd } from '../../helpers/sshd.js';
import { buildYaml, FakeBuildDir, runOnFake, runStage } from '../../unit/pipeline/fake-build.js';

let sshd: TestSshd;
let dir: FakeBuildDir;
beforeAll(async () => {
  sshd = await startSshd();
  dir = new FakeBuildDir();
}, 60_000);
afterAll(async () => {
  await sshd?.stop();
  dir?.dispose();
});

const DB: PeerAddress = { vm: 'db', address: '10.20.0.3', subnet: 'backend', vpc: 'lab', sameSubnet: true };

describe('stage slices over real SSH', () => {
  it('provision gets the peers; every slice opens and closes its own session', async () => {
    const remote = await sshd.remoteDir();
    const out = path.join(remote, 'peer.txt');
    const build = dir.load([
      {
        name: 'base',
        vms: [
          {
            name: 'web',
            extra: [
              `communicator: { type: ssh, sshUsername: ${sshd.user}, sshPassword: ${sshd.password}, sshTimeout: 30s }`,
              `provisioners: [{ type: shell, inline: ['echo "$RUDDERVIRT_PEER_DB $RUDDERVIRT_PEER_HOSTS" > ${out}'] }]`,
            ],
          },
        ],
      },
    ]);
    const world = new FakeWorld().sshServer('web', { host: sshd.host, port: sshd.port });
    const engineOptions = { peers: { web: [DB] } };
    const boot = await runStage(dir, world, build, 'build-vm', undefined, { engineOptions });
    expect(boot.phases.map((p) => `${p.phase}: ${p.status}`)).toContain('wait for ssh: ok');
    expect(boot.handoff?.sshEndpoint?.display).toBe(`${sshd.host}:${sshd.port}`);

    const provision = await runStage(dir, world, build, 'provision', boot.handoff, { engineOptions });
    expect(provision.phases.map((p) => `${p.phase}: ${p.status}`)).toEqual(['wait for ssh: ok', expect.stringMatching(/^provision 1\/1: shell: ok$/)]);
    expect(readFileSync(out, 'utf8').trim()).toBe('10.20.0.3 10.20.0.3 db db.backend');
    expect(provision.lines.join('\n')).toMatch(/peers: db=10\.20\.0\.3/);
    // The session is the slice's: closed when it ends, the VM left running for snapshot.
    expect(provision.lines.some((l) => /cleanup: wait for ssh/.test(l))).toBe(true);
    expect(world.running().map((v) => v.name)).toEqual(['web']);
    // One SSH address lookup, so one session, per slice that talks SSH.
    expect(world.calls.filter((c) => c.method === 'sshAddress').map((c) => c.engine)).toEqual(['build-vm', 'provision']);

    await runStage(dir, world, build, 'snapshot', provision.handoff, { engineOptions });
    expect(world.running()).toEqual([]);
  }, 120_000);
});

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full) : e.isFile() ? [full] : [];
  });
}

describe('a declared secret (sensitiveVariables) in a whole build over real SSH', () => {
  it('dbPass from the environment, a var file and --var never appears in a file the build wrote or a line it logged', async () => {
    const remote = await sshd.remoteDir();
    const fromEnv = 'dbPass-env-Q7v2';
    const fromFile = `dbPass-file-it's-"x"`;
    const fromCli = 'dbPass-cli-Zr81';
    const text = buildYaml([
      {
        name: 'base',
        vms: [
          {
            name: 'web',
            extra: [
              `communicator: { type: ssh, sshUsername: ${sshd.user}, sshPassword: ${sshd.password}, sshTimeout: 30s }`,
              'provisioners:',
              '  - type: shell',
              '    environmentVars: ["DB_URL=postgres://app:{{ user `dbPass` }}@db/app"]',
              `    inline: ['echo "url=$DB_URL"', 'echo "pw={{ user \`dbPass\` }}" > ${remote}/pw.txt', 'echo "again {{ user \`dbPass\` }}"', 'echo done']`,
            ],
          },
        ],
      },
    ]).replace('layers:', 'variables:\n  dbPass: "{{ env `DB_PW` }}"\nsensitiveVariables: [dbPass]\nlayers:');
    const file = dir.write('secret.yaml', text);
    const varFile = dir.write('secret-vars.json', JSON.stringify({ dbPass: fromFile }));
    // The file's value, then --var's: the last one wins, every one is a secret.
    const build = loadBuildText(text, file, { env: { DB_PW: fromEnv }, varFiles: [varFile], vars: { dbPass: fromCli } });
    const world = new FakeWorld().sshServer('web', { host: sshd.host, port: sshd.port });
    const run = await runOnFake(dir, build, { world, layerCache: dir.cache });
    expect(run.result.error).toBeUndefined();
    // It reached the guest, so the build really used it.
    expect(readFileSync(path.join(remote, 'pw.txt'), 'utf8')).toBe(`pw=${fromCli}\n`);
    const log = run.lines.join('\n');
    expect(log).toContain('url=***');
    expect(log).toContain('again ***');
    expect(log).toContain('done');
    const secrets = [fromEnv, fromFile, fromCli, JSON.stringify(fromFile).slice(1, -1)];
    const leaks = (what: string) => secrets.filter((s) => what.includes(s));
    expect(leaks(log), 'in the log').toEqual([]);
    // Everything the build wrote: images, checksums, logs, manifest, the layer cache and its history.
    const written = [...filesUnder(dir.outputDir), ...filesUnder(dir.cache.root)];
    expect(written.some((f) => f.endsWith('manifest.json'))).toBe(true);
    for (const f of written) if (statSync(f).size < 1 << 20) expect(leaks(readFileSync(f, 'utf8')), f).toEqual([]);
    expect(dir.manifest().build.variables).toEqual({ dbPass: '***' });
  }, 120_000);
});
