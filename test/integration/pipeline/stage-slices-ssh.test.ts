/**
 * The stage slices' SSH steps against a real OpenSSH server (test/helpers/sshd.ts, needs root):
 * the VM is the in-memory fake engine's (test/helpers/fake-engine.ts), whose sshAddress points at
 * the loopback sshd, so "wait for ssh" and the provisioners run over a real SSH connection. The
 * provision slice must give shell provisioners the peers' addresses (RUDDERVIRT_PEER_*), as a
 * whole build does.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeerAddress } from '../../../src/core/peers.js';
import { FakeWorld } from '../../helpers/fake-engine.js';
import { startSshd, type TestSshd } from '../../helpers/sshd.js';
import { FakeBuildDir, runStage } from '../../unit/pipeline/fake-build.js';

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
