/**
 * Subnets and peer addressing with real guests (the test guest, TCG): three VMs of one layer booted together
 * through LocalEngine on the networks their NICs name —
 *
 *   a: front (VPC lab, internet)              → 10.20.0.2
 *   b: front + back (VPC lab, internet)       → 10.20.0.3, 10.20.1.2
 *   c: far (VPC other, internet: false)       → 10.20.0.2 on a different segment with the SAME CIDR
 *
 * a and b ping each other and fetch each other's busybox httpd page; a reaches b's address on the
 * other subnet through the VPC's gateway; c (another VPC, same addresses) reaches neither; c got its
 * seed from the build's HTTP server but cannot reach another port on the host, which a can.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Client } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Build, Vm } from '../../../src/core/config/model.js';
import type { VmHandle } from '../../../src/core/engine.js';
import { startHttpServer, type RunningHttpServer } from '../../../src/core/httpserver/http-server.js';
import { memoryLogger } from '../../../src/core/log.js';
import { imageInfo } from '../../../src/core/disk/image-info.js';
import { LocalEngine } from '../../../src/engines/local/engine.js';
import { GUEST, ensureGuestImage } from '../../fixtures/guest.js';
import { connectSsh, exec } from '../guest/ssh.js';
import { MiB, buildOf, vmOf } from '../local/build-model.js';
import { RfbKeyboard } from '../local/rfb-keys.js';

const PASSWORD = 'rv-network-pw';
const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-network-test-'));
const runtimeRoot = path.join(tmp, 'run');
mkdirSync(runtimeRoot);
let image = '';
let imageSize = 0;
let seeds: RunningHttpServer;
/** A host service the guests were not given: a VM without internet must not reach it. */
let hostService: Server;
let hostServicePort = 0;
const hostServiceClients: string[] = [];

function seed(name: string): string {
  return [`printf '%s\\n' 'root:${PASSWORD}' | chpasswd`, 'mkdir -p /www', `echo "hello from ${name}" > /www/index.html`, 'httpd -p 80 -h /www', ''].join('\n');
}

beforeAll(async () => {
  for (const [tool, pkg] of [
    ['qemu-system-x86_64', 'qemu-system-x86'],
    ['qemu-img', 'qemu-utils'],
  ] as const) {
    if (spawnSync(tool, ['--version']).error) throw new Error(`${tool} is missing: apt-get install -y ${pkg} (scripts/setup.mjs installs it)`);
  }
  image = await ensureGuestImage();
  imageSize = (await imageInfo(image)).virtualSize;
  seeds = await startHttpServer({ source: { content: { '/a.sh': seed('a'), '/b.sh': seed('b'), '/c.sh': seed('c') } }, logger: memoryLogger().logger });
  hostService = createServer((req, res) => {
    hostServiceClients.push(req.socket.remoteAddress ?? '?');
    res.end('host-only service\n');
  });
  await new Promise<void>((r) => hostService.listen(0, '127.0.0.1', () => r()));
  hostServicePort = (hostService.address() as net.AddressInfo).port;
}, 15 * 60_000);

afterAll(async () => {
  await seeds?.close();
  hostService?.close();
  rmSync(tmp, { recursive: true, force: true });
});

function guestVm(name: string, subnets: string[]): Vm {
  return vmOf({
    name,
    source: { kind: 'path', path: image },
    memoryBytes: 256 * MiB,
    disks: [{ name: 'root', sizeBytes: imageSize, bus: 'virtio' }],
    nics: subnets.map((subnet) => ({ model: 'virtio' as const, subnet })),
  });
}

async function waitForSerial(handle: VmHandle, text: string | RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = (await handle.serialTail(2000)).join('\n');
    if (typeof text === 'string' ? all.includes(text) : text.test(all)) return all;
    if (Date.now() > deadline) throw new Error(`${handle.name}: no ${text} on the serial console within ${timeoutMs}ms:\n${all.split('\n').slice(-30).join('\n')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Boots the guest at its prompt with its seed, as a boot command would, and returns a root SSH session. */
async function bootWithSeed(handle: VmHandle): Promise<{ serial: string; ssh: Client }> {
  await waitForSerial(handle, GUEST.bootPrompt, GUEST.bootTimeoutMs);
  const http = handle.httpEndpoint()!;
  const { keyboard } = await RfbKeyboard.connect(await handle.openVnc(AbortSignal.timeout(10_000)));
  try {
    await keyboard.type(`guest seed=http://${http.ip}:${http.port}/${handle.name}.sh\n`);
  } finally {
    keyboard.close();
  }
  const serial = await waitForSerial(handle, GUEST.milestones.sshReady, 3 * GUEST.bootTimeoutMs);
  const address = await handle.sshAddress(AbortSignal.timeout(1000));
  const ssh = await connectSsh({ port: address.port, username: 'root', password: PASSWORD }, 60_000);
  return { serial, ssh };
}

/** Processes still running whose command line mentions our temp folder (QEMU, guestfwd relays). */
function processesMentioning(marker: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(marker)) found.push(`${pid}: ${cmdline.slice(0, 160)}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

describe('local engine networks with real guests (TCG)', () => {
  it(
    'same subnet: ping and HTTP; same VPC: routed through the gateway; other VPC: isolated; internet: false: only the build HTTP server',
    async () => {
      const a = guestVm('a', ['front']);
      const b = guestVm('b', ['front', 'back']);
      const c = guestVm('c', ['far']);
      const build: Build = buildOf(tmp, a, {
        name: 'network-test',
        network: {
          vpcs: [
            {
              name: 'lab',
              internet: true,
              subnets: [
                { name: 'front', cidr: '10.20.0.0/24' },
                { name: 'back', cidr: '10.20.1.0/24' },
              ],
            },
            { name: 'other', internet: false, subnets: [{ name: 'far', cidr: '10.20.0.0/24' }] },
          ],
        },
        layers: [{ name: 'services', vms: [a, b, c] }],
      });
      const engine = new LocalEngine({ runtimeRoot });
      const logs = memoryLogger();
      const handles: VmHandle[] = [];
      const sessions: Client[] = [];
      try {
        for (const vm of [a, b, c]) {
          handles.push(
            await engine.startVm({
              build,
              vm,
              workDir: path.join(tmp, vm.name, 'work'),
              logDir: path.join(tmp, vm.name, 'logs'),
              http: { port: seeds.port },
              logger: logs.logger.child(`${vm.name}: `),
              signal: AbortSignal.timeout(60_000),
            }),
          );
        }
        const booted = await Promise.all(handles.map((h) => bootWithSeed(h)));
        const [sa, sb, sc] = booted.map((x) => x.ssh) as [Client, Client, Client];
        sessions.push(sa, sb, sc);

        // DHCP from the switch gave each NIC its planned address (the guest announces its leases).
        expect(booted[0]!.serial).toMatch(/guest: dhcp eth1 10\.20\.0\.2\n/);
        expect(booted[1]!.serial).toMatch(/guest: dhcp eth1 10\.20\.0\.3\n/);
        expect(booted[1]!.serial).toMatch(/guest: dhcp eth2 10\.20\.1\.2\n/);
        expect(booted[2]!.serial).toMatch(/guest: dhcp eth1 10\.20\.0\.2\n/);
        // Every NIC 0 is the user-mode NIC the seed came through.
        for (const x of booted) expect(x.serial).toMatch(/guest: dhcp eth0 10\.0\.2\.15\n/);
        expect(
          seeds.requests
            .filter((r) => r.status === 200)
            .map((r) => r.path)
            .sort(),
        ).toEqual(['/a.sh', '/b.sh', '/c.sh']);
        expect(logs.lines.some((l) => l.includes('network front (10.20.0.0/24, VPC lab): gateway 10.20.0.1; a 10.20.0.2, b 10.20.0.3'))).toBe(true);
        expect(logs.lines.some((l) => l.includes('network far (10.20.0.0/24, VPC other, no internet)'))).toBe(true);

        // Same subnet: ICMP both ways and HTTP both ways.
        expect((await exec(sa, 'ping -c 2 -W 3 10.20.0.3')).code).toBe(0);
        expect((await exec(sb, 'ping -c 2 -W 3 10.20.0.2')).code).toBe(0);
        expect((await exec(sa, 'wget -q -O - http://10.20.0.3/')).stdout).toBe('hello from b\n');
        expect((await exec(sb, 'wget -q -O - http://10.20.0.2/')).stdout).toBe('hello from a\n');

        // Same VPC, other subnet: through the gateway (10.20.0.1), which routes to b's NIC on back.
        // (The test guest's DHCP hook ignores option 121, so the route the switch offers is set by hand.)
        expect((await exec(sa, 'ping -c 1 -W 3 10.20.0.1')).code).toBe(0);
        expect((await exec(sa, 'ip route add 10.20.1.0/24 via 10.20.0.1 && ping -c 2 -W 3 10.20.1.2')).code).toBe(0);
        expect((await exec(sa, 'timeout 15 wget -q -O - http://10.20.1.2/')).stdout).toBe('hello from b\n');

        // Another VPC with the same CIDR: c's segment works (its gateway answers) but b and a are not on it.
        expect((await exec(sc, 'ping -c 1 -W 3 10.20.0.1')).code).toBe(0);
        expect((await exec(sc, 'ping -c 2 -W 2 10.20.0.3')).code).not.toBe(0);
        expect((await exec(sc, 'timeout 8 wget -q -O - http://10.20.0.3/')).code).not.toBe(0);
        expect((await exec(sa, 'ping -c 2 -W 2 10.20.0.4')).code).not.toBe(0);

        // internet: false — the build's HTTP server is reachable (at the address {{ .HTTPIP }} gives), nothing else
        // on the host is; a (internet) reaches the other host port.
        expect(handles[2]!.httpEndpoint()).toEqual({ ip: '10.0.2.4', port: seeds.port });
        expect(handles[0]!.httpEndpoint()).toEqual({ ip: '10.0.2.2', port: seeds.port });
        expect((await exec(sc, `timeout 15 wget -q -O - http://10.0.2.4:${seeds.port}/c.sh`)).stdout).toContain('hello from c');
        const before = hostServiceClients.length;
        expect((await exec(sc, `timeout 8 wget -q -O - http://10.0.2.2:${hostServicePort}/`)).code).not.toBe(0);
        expect((await exec(sc, `timeout 8 wget -q -O - http://10.0.2.4:${hostServicePort}/`)).code).not.toBe(0);
        expect((await exec(sc, `timeout 8 wget -q -O - http://10.0.2.2:${seeds.port}/c.sh`)).code).not.toBe(0);
        expect(hostServiceClients.length).toBe(before);
        expect((await exec(sa, `timeout 15 wget -q -O - http://10.0.2.2:${hostServicePort}/`)).stdout).toBe('host-only service\n');
        expect(logs.lines.some((l) => l.includes('vm c: no internet'))).toBe(true);
      } finally {
        for (const s of sessions) s.end();
        await Promise.all(handles.map((h) => h.stop()));
        await engine.close();
      }
      // Switches, sockets, relays: nothing outlives the VMs.
      expect(readdirSync(runtimeRoot)).toEqual([]);
      expect(processesMentioning(tmp)).toEqual([]);
    },
    8 * 60_000,
  );
});
