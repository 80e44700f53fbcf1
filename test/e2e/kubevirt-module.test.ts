/**
 * Networked modules on KubeVirt, end to end with real guests: the bundled CLI builds a two-layer module with
 * --engine kubevirt against the kube harness, whose Kube-OVN data plane routes the subnets for real, or
 * against the cluster RUDDERVIRT_E2E_KUBECONFIG names (the kubevirt-e2e workflow's kind cluster with
 * Kube-OVN and its external network for the egress gateway).
 *
 *   layer base:      base — the test guest on the default pod network (file server pod, VMI port-forward)
 *   layer services:  db   — from base/base, subnet front (VPC app, internet: true), serves HTTP
 *                    app  — from base/base, subnet front, dependsOn db: pings and fetches db by
 *                           address and by name (RUDDERVIRT_PEER_*), cannot reach the other VPC
 *                    far  — from base/base, subnet far (VPC lab, internet: false): cannot reach db,
 *                           nor this machine, though its seed came from its file server pod
 *
 * Layer 2 starts from clones of layer 1's output in the cluster (not uploads); every VM of
 * layer 2 gets its seed from a file-server pod on its subnet and is provisioned over SSH through
 * a jump pod on that subnet (virt-api's port-forward is refused there, as on a real custom VPC).
 * The assertions that need the guest's view run as provisioners: a failing one fails the build.
 *
 * Then layer reuse in the cluster: every layer's outputs stay in the namespace labelled with the
 * layer's content key, as VolumeSnapshots where the default storage class has a VolumeSnapshotClass
 * (the harness), else as CDI clones, DataVolumes (kind's local-path storage has no snapshots). A
 * second build of the same base layer (a new layer 2, an empty local layer cache: another CI
 * machine) boots no base VM — the cluster's events name each VM a run created — fetches base's
 * kept output and clones layer 2 from it in the cluster; a
 * third with --force rebuilds base and, with --keep-layers 1, removes the older kept output;
 * `ruddervirt prune` removes the rest, and then nothing is left.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ensureGuestImage } from '../fixtures/guest.js';
import { node24, repoRoot } from '../helpers/node24.js';
import { freshBundle } from '../helpers/fresh-bundle.js';
import { e2eCluster, type ClusterObject, type E2eCluster } from './helpers/e2e-cluster.js';

const BUILD_TIMEOUT = 20 * 60_000;
const PASSWORD = 'rv-module-pw';

let guestImage = '';
let bundleDir = '';
let work = '';
let cluster: E2eCluster;
let namespace = '';
/** A service on this machine's own address that no build file names: only egress reaches it. */
let hostService: Server;
let hostAddress = '';
let hostPort = 0;
const hostClients: string[] = [];
/** What the cluster keeps outputs as (E2eCluster.keptKind). */
let keptKind: 'VolumeSnapshot' | 'DataVolume' = 'VolumeSnapshot';

function machineAddress(): string {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  throw new Error('this machine has no non-loopback IPv4 address to test egress against');
}

function seed(vm: string): string {
  return ['#!/bin/sh', 'set -e', `echo "root:${PASSWORD}" | chpasswd`, 'mkdir -p /www', `echo "hello from ${vm}" > /www/index.html`, 'httpd -p 80 -h /www', `echo "seed: ${vm} seeded"`, ''].join('\n');
}

function guestVm(name: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    name,
    cpu: 1,
    memory: '256Mi',
    disks: [{ name: 'root', size: '1Gi', bus: 'virtio' }],
    httpContent: { '/seed.sh': seed(name) },
    bootWait: '3s',
    bootCommand: ['<wait>', 'guest seed=http://{{ .HTTPIP }}:{{ .HTTPPort }}/seed.sh<enter>'],
    communicator: { type: 'ssh', sshUsername: 'root', sshPassword: PASSWORD, sshTimeout: '8m' },
    shutdownCommand: 'poweroff',
    shutdownTimeout: '2m',
    output: { format: 'qcow2', compress: false },
    ...extra,
  };
}

const BUILD_NAME = 'kv-module';
const NETWORK = {
  vpcs: [
    { name: 'app', internet: true, subnets: [{ name: 'front', cidr: '10.20.0.0/24' }] },
    { name: 'lab', internet: false, subnets: [{ name: 'far', cidr: '10.30.0.0/24' }] },
  ],
};
/** Where the build files go: one folder, so the base layer's key is the same for both. */
let buildDir = '';

function baseLayer(): Record<string, unknown> {
  return { name: 'base', vms: [guestVm('base', { source: { path: guestImage }, provisioners: [{ type: 'shell', inline: ['echo "built in layer base" > /etc/layer-base'] }] })] };
}

function writeBuild(file: string, doc: Record<string, unknown>): string {
  const full = path.join(buildDir, file);
  writeFileSync(full, stringify(doc));
  return full;
}

/** The module; `fail` stays silent unless the shell test after it fails, then names it and exits 1. */
function moduleBuild(): string {
  const expectFails = (what: string, cmd: string) => `if ${cmd}; then echo "UNEXPECTED: ${what}"; exit 1; else echo "as expected: ${what} failed"; fi`;
  const doc = {
    name: BUILD_NAME,
    network: NETWORK,
    layers: [
      baseLayer(),
      {
        name: 'services',
        vms: [
          guestVm('db', {
            source: { from: 'base/base' },
            nics: [{ subnet: 'front' }],
            provisioners: [{ type: 'shell', inline: ['cat /etc/layer-base', 'ip -4 addr show eth0 | grep -o "inet [0-9.]*"', 'ip route | sed "s/^/route: /"'] }],
          }),
          guestVm('app', {
            source: { from: 'base/base' },
            nics: [{ subnet: 'front' }],
            dependsOn: ['db'],
            provisioners: [
              {
                type: 'shell',
                inline: [
                  'cat /etc/layer-base',
                  'echo "peer db at $RUDDERVIRT_PEER_DB"',
                  'ping -c 2 -W 3 "$RUDDERVIRT_PEER_DB"',
                  'wget -q -O - "http://$RUDDERVIRT_PEER_DB/"',
                  'echo "$RUDDERVIRT_PEER_HOSTS" >> /etc/hosts',
                  'wget -q -O - http://db/ | sed "s/^/by name: /"',
                  expectFails('app reaching far in VPC lab', 'timeout 8 wget -q -O - http://10.30.0.2/'),
                ],
              },
            ],
          }),
          guestVm('far', {
            source: { from: 'base/base' },
            nics: [{ subnet: 'far' }],
            provisioners: [
              {
                type: 'shell',
                inline: [
                  'cat /etc/layer-base',
                  'ping -c 1 -W 3 10.30.0.1 && echo "far: its gateway answers"',
                  expectFails('far reaching db in VPC app', 'ping -c 2 -W 2 10.20.0.2'),
                  expectFails('far reaching this machine without internet', `timeout 8 wget -q -O - http://${hostAddress}:${hostPort}/`),
                ],
              },
            ],
          }),
        ],
      },
    ],
  };
  return writeBuild('module.yaml', doc);
}

/** The same build and base layer, with another layer 2: one VM on the pod network, from base. */
function secondBuild(): string {
  return writeBuild('module-2.yaml', {
    name: BUILD_NAME,
    network: NETWORK,
    layers: [baseLayer(), { name: 'services', vms: [guestVm('echo', { source: { from: 'base/base' }, provisioners: [{ type: 'shell', inline: ['cat /etc/layer-base | sed "s/^/echo sees: /"'] }] })] }],
  });
}

/** `cache` is the local layer cache folder (RUDDERVIRT_CACHE_DIR): a fresh one is another machine. */
function runCli(args: string[], cache = 'cache'): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(node24, [path.join(bundleDir, 'cli', 'index.js'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, RUDDERVIRT_CACHE_DIR: path.join(work, cache) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}

/** Network stacks (QEMU without a machine) and guests the harness still runs (none on a real cluster). */
function harnessQemus(): string[] {
  const out: string[] = [];
  const harness = cluster.harness;
  if (!harness) return out;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmd.includes('qemu-system') && cmd.includes(harness.workDir)) out.push(`${pid}: ${cmd.slice(0, 160)}`);
    } catch {
      // ended meanwhile
    }
  }
  return out;
}

/** The run ids that created a VirtualMachine for layer/vm: the VM is named `<build>-<layer>-<vm>-<run>`, and the cluster's events about it outlive it. */
async function vmRuns(layer: string, vm: string): Promise<Set<string>> {
  const named = new RegExp(`^VirtualMachine/${BUILD_NAME}-${layer}-${vm}-([a-z0-9]+)$`);
  return new Set((await cluster.events(namespace)).flatMap((e) => named.exec(e.involved)?.slice(1, 2) ?? []));
}

const KEPT_NAME = new RegExp(`^${BUILD_NAME}-([a-z]+)-([a-z]+)-[a-z0-9]+-output$`);

/** The kept outputs (`<build>-<layer>-<vm>-<run>-output`, of keptKind) in the namespace, as "layer/vm". */
async function keptOutputs(): Promise<string[]> {
  return (await cluster.leftovers(namespace))
    .filter((o) => o.kind === keptKind)
    .map((o) => KEPT_NAME.exec(o.name)?.slice(1, 3).join('/') ?? o.name)
    .sort();
}

/** What is in the namespace besides the kept outputs (and the PVCs of kept DataVolumes, which CDI names after them). */
async function notKept(): Promise<ClusterObject[]> {
  const all = await cluster.leftovers(namespace);
  const kept = new Set(all.filter((o) => o.kind === keptKind).map((o) => o.name));
  return all.filter((o) => !(kept.has(o.name) && (o.kind === keptKind || (keptKind === 'DataVolume' && o.kind === 'PersistentVolumeClaim'))));
}

interface Manifest {
  status: string;
  outputs: { layer: string; vm: string; sha256: string; reused?: boolean; keptAs?: string }[];
  phases: { vm: string; phase: string; status: string; detail?: string }[];
}

function manifestOf(out: string): Manifest {
  return JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as Manifest;
}

let firstBaseSha = '';

describe('ruddervirt build --engine kubevirt: a module on routed Kube-OVN subnets (kube harness or a real cluster, real guests)', () => {
  beforeAll(async () => {
    guestImage = await ensureGuestImage();
    work = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-kv-module-'));
    buildDir = mkdtempSync(path.join(work, 'build-'));
    bundleDir = freshBundle().dir;
    hostAddress = machineAddress();
    hostService = createServer((req, res) => {
      hostClients.push(req.socket.remoteAddress ?? '?');
      res.end('host-only service\n');
    });
    await new Promise<void>((r) => hostService.listen(0, '0.0.0.0', () => r()));
    hostPort = (hostService.address() as net.AddressInfo).port;
    // A real cluster with Kube-OVN when RUDDERVIRT_E2E_KUBECONFIG names one (the kubevirt-e2e workflow), else the harness.
    cluster = await e2eCluster();
    namespace = await cluster.createNamespace('rv-module');
    // VPC app has internet: true, so its egress gateway needs Kube-OVN's external Subnet.
    await cluster.ensureEgressExternalSubnet();
    keptKind = await cluster.keptKind();
  }, 15 * 60_000);

  afterAll(async () => {
    hostService?.close();
    if (cluster && namespace) await cluster.deleteNamespace(namespace).catch(() => undefined);
    await cluster?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it(
    'layer 2 from layer 1 in the cluster; peers reach each other by address and name; VPCs isolated; internet: false stays in; nothing left but the kept outputs',
    async () => {
      const file = moduleBuild();
      const out = path.join(work, 'out-1');
      const run = await runCli(['build', file, '--engine', 'kubevirt', '--kubeconfig', cluster.kubeconfigPath, '--namespace', namespace, '--output', out]);
      expect(run.code, run.stderr).toBe(0);

      // Layer 2 came from layer 1's output in the cluster: clones, no upload after the first disk.
      expect(run.stderr.match(/upload: /g)?.length).toBe(1);
      expect(run.stderr).toMatch(/root disk of services\/db .*\(Succeeded\)/);
      for (const vm of ['db', 'app', 'far']) {
        expect(run.stderr).toContain(`vm services/${vm}: its first NIC is on Kube-OVN subnet`);
        expect(run.stderr).toMatch(new RegExp(`ssh: 127\\.0\\.0\\.1:\\d+ forwards to port 22 of services/${vm} through the jump pod \\S+ on its subnet`));
        expect(run.stderr).toMatch(new RegExp(`http: files of services/${vm} served by pod \\S+ at 10\\.(20|30)\\.0\\.\\d+:8080`));
      }
      // Fixed addresses from the subnets: peers are known before the VMs run.
      expect(run.stderr).toMatch(/peers: db=10\.20\.0\.2 \(RUDDERVIRT_PEER_\*/);
      expect(run.stderr).toContain('peer db at 10.20.0.2');
      expect(run.stderr).toContain('inet 10.20.0.2');
      // Not yet: the harness's DHCP offers the gateway as router for the primary NIC, but the test
      // guest does not install the default route from it (route: lines show only the subnet), so
      // egress for internet: true is not proven here.
      expect(run.stderr).toContain('route: 10.20.0.0/24 dev eth0');
      // What the guests saw.
      expect(run.stderr).toMatch(/built in layer base/);
      expect(run.stderr).toContain('hello from db');
      expect(run.stderr).toContain('by name: hello from db');
      expect(run.stderr).toContain('as expected: app reaching far in VPC lab failed');
      expect(run.stderr).toContain('far: its gateway answers');
      expect(run.stderr).toContain('as expected: far reaching db in VPC app failed');
      expect(run.stderr).toContain('as expected: far reaching this machine without internet failed');
      expect(run.stderr).not.toContain(PASSWORD);
      // Nothing reached the host service; the seeds came from the file-server pods on the subnets.
      expect(hostClients).toEqual([]);

      const manifest = manifestOf(out);
      expect(manifest.status).toBe('succeeded');
      expect(manifest.outputs.map((o) => `${o.layer}/${o.vm}`).sort()).toEqual(['base/base', 'services/app', 'services/db', 'services/far']);
      // Every layer's outputs stay in the namespace for later builds; nothing else of the run does.
      // The harness's storage class has a VolumeSnapshotClass; a real cluster keeps what its classes allow.
      if (cluster.harness) expect(keptKind).toBe('VolumeSnapshot');
      for (const o of manifest.outputs) expect(o.keptAs).toMatch(new RegExp(`^${keptKind} ${namespace}/${BUILD_NAME}-${o.layer}-${o.vm}-[a-z0-9]+-output$`));
      expect(run.stderr).toMatch(/layer base: outputs kept in the cluster for later builds \(key [0-9a-f]{12}\)/);
      firstBaseSha = manifest.outputs.find((o) => o.vm === 'base')!.sha256;
      expect((await vmRuns('base', 'base')).size).toBe(1);

      expect(await keptOutputs()).toEqual(['base/base', 'services/app', 'services/db', 'services/far']);
      expect(await notKept()).toEqual([]);
      // The subnets' switches, the pods' and the egress gateway's network stacks went with their objects.
      expect(harnessQemus()).toEqual([]);
    },
    BUILD_TIMEOUT,
  );

  it(
    'another machine reuses layer base from the cluster (no base VM boots) and layer 2 clones its kept output; --force rebuilds it; prune leaves nothing',
    async () => {
      const kube = ['--engine', 'kubevirt', '--kubeconfig', cluster.kubeconfigPath, '--namespace', namespace];
      const file = secondBuild();
      const out = path.join(work, 'out-2');
      const run = await runCli(['build', file, ...kube, '--output', out], 'cache-2');
      expect(run.code, run.stderr).toBe(0);

      // No VM of layer base was created: its only VM is still the first build's.
      expect((await vmRuns('base', 'base')).size).toBe(1);
      expect(run.stderr).toMatch(new RegExp(`layer base: reused \\(unchanged, key [0-9a-f]{12}\\) from ${keptKind} `));
      expect(run.stderr).toContain(`layer base: fetching the kept output of base from ${keptKind}`);
      expect(run.stderr).toContain(`vm services/echo: its root disk clones the output of base/base kept by an earlier build (${keptKind} `);
      expect(run.stderr).not.toMatch(/upload: /);
      expect(run.stderr).toContain('echo sees: built in layer base');
      const manifest = manifestOf(out);
      expect(manifest.status).toBe('succeeded');
      const base = manifest.outputs.find((o) => o.vm === 'base')!;
      expect(base).toMatchObject({ reused: true, keptAs: expect.stringMatching(new RegExp(`^${keptKind} `)) });
      // Out of the cluster again, the same image the first build made.
      expect(base.sha256).toBe(firstBaseSha);
      expect(manifest.phases.filter((p) => p.vm === 'base/base').map((p) => [p.phase, p.status])).toEqual([['layer', 'reused']]);
      expect(manifest.phases.find((p) => p.vm === 'base/base')?.detail).toMatch(new RegExp(`^kept by the kubevirt engine as ${keptKind} `));
      expect(run.stderr).toContain(`(reused from ${keptKind} `);
      expect(await keptOutputs()).toEqual(['base/base', 'services/app', 'services/db', 'services/echo', 'services/far']);

      // --force rebuilds base whatever is kept; --keep-layers 1 then removes the older kept output.
      const forced = await runCli(['build', file, ...kube, '--output', path.join(work, 'out-3'), '--force', '--until', 'base', '--keep-layers', '1'], 'cache-2');
      expect(forced.code, forced.stderr).toBe(0);
      expect((await vmRuns('base', 'base')).size).toBe(2);
      expect(forced.stderr).not.toMatch(/layer base: reused/);
      expect(forced.stderr).toMatch(/layer base: removed 1 older kept output\(s\) beyond the newest 1 per VM/);
      expect(await keptOutputs()).toEqual(['base/base', 'services/app', 'services/db', 'services/echo', 'services/far']);

      const pruned = await runCli(['prune', file, '--kubeconfig', cluster.kubeconfigPath, '--namespace', namespace]);
      expect(pruned.code, pruned.stderr).toBe(0);
      expect(pruned.stderr).toContain(`removed 5 kept layer outputs of build ${BUILD_NAME} in namespace ${namespace}`);
      const left = await cluster.leftovers(namespace);
      expect(left).toEqual([]);
      expect(harnessQemus()).toEqual([]);
    },
    BUILD_TIMEOUT,
  );
});
