/**
 * The address plan of a layer (who is on which subnet with which address and MAC, who has
 * internet) and the peer addresses derived from it — for a build loaded from YAML by the real
 * loader, for hand-made models, and as properties over random layers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBuild } from '../../../src/core/config/load.js';
import type { Build, Nic, Vm } from '../../../src/core/config/model.js';
import { UserError } from '../../../src/core/errors.js';
import { planLayerNetwork } from '../../../src/core/network/address-plan.js';
import { cidrContains, formatIpv4 } from '../../../src/core/network/ipv4.js';
import { peerEnvironment, peerHostsLines } from '../../../src/core/peers.js';
import { peerAddresses } from '../../../src/core/peers.js';
import { buildOf, vmOf } from '../../integration/local/build-model.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-plan-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const MODULE_YAML = `name: module
network:
  vpcs:
    - name: app
      subnets: [{ name: backend, cidr: 10.20.0.0/24 }, { name: frontend, cidr: 10.21.0.0/24 }]
    - name: lab
      internet: false
      subnets: [{ name: isolated, cidr: 10.30.0.0/29 }]
layers:
  - name: services
    vms:
      - name: db
        source: { path: disk.qcow2 }
        nics: [{ model: virtio, subnet: backend }]
      - name: app
        source: { path: disk.qcow2 }
        dependsOn: [db]
        nics:
          - { model: e1000, subnet: frontend }
          - { model: virtio, subnet: backend }
          - { model: virtio, subnet: isolated }
      - name: vault
        source: { path: disk.qcow2 }
        nics: [{ model: virtio, subnet: isolated }]
      - name: plain
        source: { path: disk.qcow2 }
`;

function loadModule(): Build {
  const file = path.join(tmp, 'module.yaml');
  writeFileSync(file, MODULE_YAML);
  writeFileSync(path.join(tmp, 'disk.qcow2'), '');
  return loadBuild(file, { vars: {}, env: {}, cwd: tmp });
}

describe('planLayerNetwork', () => {
  it('gives the gateway the first address and VMs the next ones in layer order, with stable MACs', () => {
    const build = loadModule();
    const plan = planLayerNetwork(build, build.layers[0]!);
    const summary = plan.subnets.map((s) => ({
      name: s.name,
      vpc: s.vpc,
      gateway: formatIpv4(s.gateway.address),
      members: s.members.map((m) => `${m.vm}#${m.nic} ${formatIpv4(m.address)} ${m.mac}`),
      siblings: s.siblings,
    }));
    expect(summary).toEqual([
      { name: 'backend', vpc: 'app', gateway: '10.20.0.1', members: ['db#0 10.20.0.2 02:72:76:00:00:02', 'app#1 10.20.0.3 02:72:76:00:00:03'], siblings: ['frontend'] },
      { name: 'frontend', vpc: 'app', gateway: '10.21.0.1', members: ['app#0 10.21.0.2 02:72:76:01:00:02'], siblings: ['backend'] },
      { name: 'isolated', vpc: 'lab', gateway: '10.30.0.1', members: ['app#2 10.30.0.2 02:72:76:02:00:02', 'vault#0 10.30.0.3 02:72:76:02:00:03'], siblings: [] },
    ]);
    expect(planLayerNetwork(build, build.layers[0]!)).toEqual(plan);
  });

  it('puts a user-mode management NIC first and decides internet per VM', () => {
    const build = loadModule();
    const plan = planLayerNetwork(build, build.layers[0]!);
    const byVm = Object.fromEntries(plan.vms.map((v) => [v.vm, v]));
    expect(byVm.app!.nics.map((n) => (n.kind === 'user' ? `user:${n.model}` : `${n.subnet}:${n.model}`))).toEqual(['user:e1000', 'frontend:e1000', 'backend:virtio', 'isolated:virtio']);
    // app has a NIC on a VPC with internet; vault only on one without.
    expect(byVm.app!.internet).toBe(true);
    expect(byVm.vault!.internet).toBe(false);
    expect(byVm.db!.internet).toBe(true);
    // The loader gives a VM without nics one on the default network.
    expect(byVm.plain!.nics).toEqual([{ kind: 'user', model: 'virtio', management: true }]);
    expect(byVm.plain!.internet).toBe(true);
  });

  it('a NIC without a subnet is the management NIC; further ones keep their own user-mode networks', () => {
    const vm = vmOf({ name: 'v', source: { kind: 'path', path: 'x' }, nics: [{ model: 'e1000', subnet: 's' }, { model: 'rtl8139' }, { model: 'virtio' }] });
    const build = buildOf(tmp, vm, { network: { vpcs: [{ name: 'p', internet: false, subnets: [{ name: 's', cidr: '10.9.0.0/24' }] }] } });
    const plan = planLayerNetwork(build, build.layers[0]!).vms[0]!;
    expect(plan.nics.map((n) => `${n.kind}:${n.model}`)).toEqual(['user:rtl8139', 'segment:e1000', 'user:virtio']);
    expect(plan.internet).toBe(true);
  });

  it('refuses a subnet that is full, naming the file, line and NIC', () => {
    const build = loadModule();
    const layer = build.layers[0]!;
    // 10.30.0.0/29: .1 gateway, .2–.6 for VMs, .7 broadcast: five fit.
    const extra = (n: number): Vm[] => Array.from({ length: n }, (_, i) => ({ ...layer.vms[2]!, name: `extra${i}` }));
    expect(() => planLayerNetwork(build, { ...layer, vms: [...layer.vms, ...extra(3)] })).not.toThrow();
    let error: unknown;
    try {
      planLayerNetwork(build, { ...layer, vms: [...layer.vms, ...extra(4)] });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/module\.yaml:\d+:\d+: vm extra3: nics\[0\]: subnet isolated \(10\.30\.0\.0\/29\) has no address left/);
  });

  it('refuses a subnet on the user-mode network of the same VM', () => {
    const vm = vmOf({ name: 'v', source: { kind: 'path', path: 'x' }, nics: [{ model: 'virtio', subnet: 's' }] });
    const build = buildOf(tmp, vm, { network: { vpcs: [{ name: 'p', internet: true, subnets: [{ name: 's', cidr: '10.0.0.0/16' }] }] } });
    expect(() => planLayerNetwork(build, build.layers[0]!)).toThrow(/subnet s \(10\.0\.0\.0\/16\) overlaps 10\.0\.2\.0\/24, the local engine's user-mode network/);
  });

  it('property: addresses are unique per subnet, inside its CIDR, never the gateway or broadcast; MACs unique', () => {
    const subnets = [
      { name: 's0', cidr: '10.40.0.0/24' },
      { name: 's1', cidr: '10.40.1.0/28' },
      { name: 's2', cidr: '10.41.0.0/16' },
    ];
    const nicArb: fc.Arbitrary<Nic> = fc
      .record({ model: fc.constantFrom('virtio' as const, 'e1000' as const), subnet: fc.option(fc.constantFrom('s0', 's1', 's2'), { nil: undefined }) })
      .map((n) => (n.subnet ? n : { model: n.model }));
    fc.assert(
      fc.property(fc.array(fc.array(nicArb, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 5 }), (nicLists) => {
        const vms = nicLists.map((nics, i) => vmOf({ name: `vm${i}`, source: { kind: 'path', path: 'x' }, nics }));
        const build = buildOf(tmp, vms[0]!, {
          network: {
            vpcs: [
              { name: 'a', internet: true, subnets: subnets.slice(0, 2) },
              { name: 'b', internet: false, subnets: subnets.slice(2) },
            ],
          },
          layers: [{ name: 'l', vms }],
        });
        const plan = planLayerNetwork(build, build.layers[0]!);
        const macs = new Set<string>();
        for (const s of plan.subnets) {
          const seen = new Set<number>();
          for (const m of s.members) {
            expect(cidrContains(s.cidr, m.address)).toBe(true);
            expect(m.address).toBeGreaterThan(s.gateway.address);
            expect(seen.has(m.address)).toBe(false);
            seen.add(m.address);
            expect(macs.has(m.mac)).toBe(false);
            macs.add(m.mac);
          }
        }
        for (const [i, v] of plan.vms.entries()) {
          expect(v.nics[0]).toMatchObject({ kind: 'user', management: true });
          expect(v.nics.filter((n) => n.kind === 'segment')).toHaveLength(nicLists[i]!.filter((n) => n.subnet).length);
          expect(v.internet).toBe(nicLists[i]!.some((n) => n.subnet !== 's2'));
        }
      }),
    );
  });
});

describe('peer addresses', () => {
  it('by name, preferring a shared subnet, leaving out VMs in other VPCs', () => {
    const build = loadModule();
    const layer = build.layers[0]!;
    expect(peerAddresses(build, layer, 'db')).toEqual([{ vm: 'app', address: '10.20.0.3', subnet: 'backend', vpc: 'app', sameSubnet: true }]);
    expect(peerAddresses(build, layer, 'app')).toEqual([
      { vm: 'db', address: '10.20.0.2', subnet: 'backend', vpc: 'app', sameSubnet: true },
      { vm: 'vault', address: '10.30.0.3', subnet: 'isolated', vpc: 'lab', sameSubnet: true },
    ]);
    expect(peerAddresses(build, layer, 'vault').map((p) => p.vm)).toEqual(['app']);
    expect(peerAddresses(build, layer, 'plain')).toEqual([]);
    const peers = peerAddresses(build, layer, 'app');
    expect(peerEnvironment(peers)).toEqual({
      RUDDERVIRT_PEER_DB: '10.20.0.2',
      RUDDERVIRT_PEER_VAULT: '10.30.0.3',
      RUDDERVIRT_PEER_HOSTS: '10.20.0.2 db db.backend\n10.30.0.3 vault vault.isolated',
    });
    expect(peerEnvironment([])).toEqual({});
    expect(peerHostsLines(peers)).toEqual(['10.20.0.2 db db.backend', '10.30.0.3 vault vault.isolated']);
  });

  it('through the gateway when only the VPC is shared', () => {
    const a = vmOf({ name: 'web-1', source: { kind: 'path', path: 'x' }, nics: [{ model: 'virtio', subnet: 'front' }] });
    const b = vmOf({ name: 'db', source: { kind: 'path', path: 'x' }, nics: [{ model: 'virtio', subnet: 'back' }] });
    const build = buildOf(tmp, a, {
      network: {
        vpcs: [
          {
            name: 'p',
            internet: true,
            subnets: [
              { name: 'front', cidr: '10.1.0.0/24' },
              { name: 'back', cidr: '10.2.0.0/24' },
            ],
          },
        ],
      },
      layers: [{ name: 'l', vms: [a, b] }],
    });
    expect(peerAddresses(build, build.layers[0]!, 'db')).toEqual([{ vm: 'web-1', address: '10.1.0.2', subnet: 'front', vpc: 'p', sameSubnet: false }]);
    expect(peerEnvironment(peerAddresses(build, build.layers[0]!, 'db'))).toMatchObject({ RUDDERVIRT_PEER_WEB_1: '10.1.0.2' });
  });
});
