/**
 * What the local engine's networks add to the QEMU command line — subnet NICs on stream sockets
 * with their planned MACs, the restricted user-mode NIC with its guestfwd relay — and the
 * reference counting that opens a layer's switches with its first VM and closes them with its last.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Build } from '../../../src/core/config/model.js';
import { memoryLogger } from '../../../src/core/log.js';
import { LocalNetworks } from '../../../src/engines/local/network/local-networks.js';
import { qemuArgs, shellWords, type MachinePlan, type NicPlan } from '../../../src/engines/local/qemu-args.js';
import { buildOf, vmOf } from '../../integration/local/build-model.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-nics-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function machine(nics: NicPlan[]): MachinePlan {
  return { name: 'm', accelerator: 'tcg', machine: 'pc', cpus: 1, memoryMiB: 256, disks: [], cdroms: [], nics, vnc: { socket: '/run/v.sock' }, qmpSocket: '/run/q.sock', serialLog: '/run/s.log' };
}

function netdevs(args: string[]): string[] {
  return args.flatMap((a, i) => (args[i - 1] === '-netdev' || (args[i - 1] === '-device' && a.includes('netdev=')) ? [a] : []));
}

function build(): Build {
  const a = vmOf({ name: 'a', source: { kind: 'path', path: 'x' }, nics: [{ model: 'e1000', subnet: 'front' }] });
  const b = vmOf({ name: 'b', source: { kind: 'path', path: 'x' }, nics: [{ model: 'virtio' }, { model: 'virtio', subnet: 'front' }] });
  const c = vmOf({ name: 'c', source: { kind: 'path', path: 'x' }, nics: [{ model: 'virtio', subnet: 'dark' }] });
  const plain = vmOf({ name: 'plain', source: { kind: 'path', path: 'x' } });
  return buildOf(tmp, a, {
    network: {
      vpcs: [
        { name: 'lab', internet: true, subnets: [{ name: 'front', cidr: '10.20.0.0/24' }] },
        { name: 'off', internet: false, subnets: [{ name: 'dark', cidr: '10.30.0.0/24' }] },
      ],
    },
    layers: [{ name: 'l', vms: [a, b, c, plain] }],
  });
}

describe('QEMU NIC arguments', () => {
  it('a subnet NIC is a stream netdev to its switch port with its planned MAC; a restricted NIC has restrict=on and a guestfwd relay', () => {
    const args = qemuArgs(
      machine([
        { model: 'e1000', forwards: [{ hostPort: 3000, guestPort: 22 }], restrict: true, guestForwards: [{ ip: '10.0.2.4', port: 8080, command: ['/opt/node 24/bin/node', '/tmp/r,x/relay.mjs', '127.0.0.1', '8080'] }] },
        { model: 'virtio', forwards: [], segment: { socket: '/tmp/d/s0-0.sock', mac: '02:72:76:00:00:02' } },
      ]),
    );
    expect(netdevs(args)).toEqual([
      "user,id=net0,net=10.0.2.0/24,host=10.0.2.2,restrict=on,hostfwd=tcp:127.0.0.1:3000-:22,guestfwd=tcp:10.0.2.4:8080-cmd:'/opt/node 24/bin/node' /tmp/r,,x/relay.mjs 127.0.0.1 8080",
      'e1000,netdev=net0',
      'stream,id=net1,server=off,addr.type=unix,addr.path=/tmp/d/s0-0.sock',
      'virtio-net-pci,netdev=net1,mac=02:72:76:00:00:02',
    ]);
    expect(() => qemuArgs(machine([{ model: 'virtio', forwards: [], segment: { socket: '/s', mac: 'nope' } }]))).toThrow(/invalid MAC/);
  });

  it("shellWords quotes so that a POSIX shell (and QEMU's g_shell_parse_argv) splits back the same argv", () => {
    const word = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !s.includes('\0'));
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 4 }), (argv) => {
        const r = spawnSync('sh', ['-c', `printf '%s\\0' ${shellWords(argv)}`], { encoding: 'utf8' });
        expect(r.stdout.split('\0').slice(0, -1)).toEqual(argv);
      }),
      { numRuns: 40 },
    );
  });
});

describe('LocalNetworks', () => {
  it('plans NICs per VM: management first, subnet NICs on sockets, internet: false restricted with the relay', async () => {
    const networks = new LocalNetworks({ runtimeRoot: tmp, nodeBinary: '/usr/bin/node' });
    const b = build();
    const [a, bvm, c, plain] = b.layers[0]!.vms as [(typeof b.layers)[0]['vms'][0], (typeof b.layers)[0]['vms'][0], (typeof b.layers)[0]['vms'][0], (typeof b.layers)[0]['vms'][0]];
    const runtimeDir = path.join(tmp, 'vm-run');
    mkdirSync(runtimeDir, { recursive: true });
    const { logger, lines } = memoryLogger();
    const attachA = await networks.attach(b, a, logger);
    const attachB = await networks.attach(b, bvm, logger);
    const attachC = await networks.attach(b, c, logger);
    const attachPlain = await networks.attach(b, plain, logger);
    try {
      const ssh = { hostPort: 2500, guestPort: 22 };
      const nicsA = await attachA.nicPlans({ ssh, http: { port: 8000 }, runtimeDir });
      expect(nicsA.map((n) => ({ model: n.model, forwards: n.forwards, restrict: n.restrict, mac: n.segment?.mac }))).toEqual([
        { model: 'e1000', forwards: [ssh], restrict: undefined, mac: undefined },
        { model: 'e1000', forwards: [], restrict: undefined, mac: '02:72:76:00:00:02' },
      ]);
      expect(existsSync(nicsA[1]!.segment!.socket)).toBe(true);
      expect(attachA.httpGuestIp).toBe('10.0.2.2');
      const nicsB = await attachB.nicPlans({ runtimeDir });
      expect(nicsB.map((n) => n.segment?.mac)).toEqual([undefined, '02:72:76:00:00:03']);
      expect(nicsB[1]!.segment!.socket).not.toBe(nicsA[1]!.segment!.socket);

      const nicsC = await attachC.nicPlans({ ssh, http: { port: 8000 }, runtimeDir });
      expect(attachC.httpGuestIp).toBe('10.0.2.4');
      expect(nicsC[0]).toMatchObject({ restrict: true, forwards: [ssh], guestForwards: [{ ip: '10.0.2.4', port: 8000, command: ['/usr/bin/node', path.join(runtimeDir, 'guestfwd-relay.mjs'), '127.0.0.1', '8000'] }] });
      expect(readFileSync(path.join(runtimeDir, 'guestfwd-relay.mjs'), 'utf8')).toContain('net.connect({ host, port: Number(port)');
      // Without an HTTP server nothing at all is forwarded.
      expect((await attachC.nicPlans({ runtimeDir }))[0]).toMatchObject({ restrict: true, guestForwards: [] });

      expect(await attachPlain.nicPlans({ ssh, runtimeDir })).toEqual([{ model: 'virtio', forwards: [ssh] }]);
      expect(lines.filter((l) => l.startsWith('info: network '))).toEqual([
        'info: network front (10.20.0.0/24, VPC lab): gateway 10.20.0.1; a 10.20.0.2, b 10.20.0.3',
        'info: network dark (10.30.0.0/24, VPC off, no internet): gateway 10.30.0.1; c 10.30.0.2',
      ]);
    } finally {
      await attachPlain.release();
    }
    // One runtime folder for the layer's switches (besides the test's own vm-run folder).
    const switchDirs = () => readdirSync(tmp).filter((f) => f.startsWith('ruddervirt-vm-'));
    expect(switchDirs()).toHaveLength(1);
    await attachA.release();
    await attachA.release(); // idempotent: must not release b's hold
    await attachB.release();
    expect(switchDirs()).toHaveLength(1);
    await attachC.release();
    expect(switchDirs()).toEqual([]);

    // The next VM of the layer after all let go gets fresh networks.
    const again = await networks.attach(b, a, logger);
    expect(switchDirs()).toHaveLength(1);
    await networks.close(); // the engine's safety net
    expect(switchDirs()).toEqual([]);
    await again.release();
  });

  it('a build error in the plan is reported at attach, before anything is opened', async () => {
    const networks = new LocalNetworks({ runtimeRoot: tmp });
    const vm = vmOf({ name: 'v', source: { kind: 'path', path: 'x' }, nics: [{ model: 'virtio', subnet: 'clash' }] });
    const b = buildOf(tmp, vm, { network: { vpcs: [{ name: 'p', internet: true, subnets: [{ name: 'clash', cidr: '10.0.2.0/24' }] }] } });
    const before = readdirSync(tmp).length;
    await expect(networks.attach(b, vm, memoryLogger().logger)).rejects.toThrow(/overlaps 10\.0\.2\.0\/24/);
    expect(readdirSync(tmp).length).toBe(before);
  });
});
