/**
 * The harness routes Kube-OVN subnets for real (no guest needed here): pods on a subnet get its
 * addresses (asked for with ovn.kubernetes.io/ip_address, conflicts refused), a file-server pod is
 * reachable at its subnet address from a relay pod on the same subnet (the SSH jump pod's shape,
 * `busybox nc -ll -e busybox nc HOST PORT`, reached by pod port-forward), and not from a relay in
 * another VPC whose subnet has the same CIDR; both stacks are real QEMU user-mode stacks on the
 * subnet's switch, and they go when their pods do.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { CoreV1Api, CustomObjectsApi, KubernetesObjectApi, type KubeConfig, type KubernetesObject, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeHarness, type KubeHarness } from '../../kube-harness/index.js';
import { forwardPort, putEgressExternalSubnet, type Loose } from './helpers.js';

let harness: KubeHarness;
let kc: KubeConfig;
let core: CoreV1Api;
let objects: KubernetesObjectApi;

beforeAll(async () => {
  harness = await startKubeHarness();
  kc = harness.kubeConfig();
  core = kc.makeApiClient(CoreV1Api);
  objects = KubernetesObjectApi.makeApiClient(kc);
}, 60_000);

afterAll(async () => {
  await harness?.close();
});

const create = (o: Loose) => objects.create(o as KubernetesObject);

function vpcWithSubnet(vpc: string, subnet: string, cidr: string): Loose[] {
  return [
    { apiVersion: 'kubeovn.io/v1', kind: 'Vpc', metadata: { name: vpc }, spec: {} },
    { apiVersion: 'kubeovn.io/v1', kind: 'Subnet', metadata: { name: subnet }, spec: { vpc, cidrBlock: cidr, protocol: 'IPv4' } },
  ];
}

function pod(ns: string, name: string, subnet: string, command: string[], extra: { ip?: string; port: number; volumes?: boolean }): Loose {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, annotations: { 'ovn.kubernetes.io/logical_switch': subnet, ...(extra.ip ? { 'ovn.kubernetes.io/ip_address': extra.ip } : {}) } },
    spec: {
      containers: [
        {
          name: 'main',
          image: 'docker.io/library/busybox:1.37',
          command,
          ports: [{ containerPort: extra.port }],
          ...(extra.volumes ? { volumeMounts: [{ name: 'files', mountPath: '/srv/http' }] } : {}),
        },
      ],
      ...(extra.volumes ? { volumes: [{ name: 'files', secret: { secretName: 'files' } }] } : {}),
    },
  };
}

async function running(ns: string, name: string): Promise<V1Pod> {
  for (let i = 0; i < 400; i++) {
    const p = await core.readNamespacedPod({ namespace: ns, name });
    if (p.status?.phase === 'Running' || p.status?.phase === 'Failed') return p;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`pod ${name} did not start: ${JSON.stringify((await core.readNamespacedPod({ namespace: ns, name })).status)}`);
}

/** Processes (QEMU stacks, busybox) whose command line mentions the harness's folder. */
function harnessProcesses(): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmd.includes(harness.workDir) && cmd.includes('qemu')) out.push(cmd.slice(0, 120));
    } catch {
      // gone
    }
  }
  return out;
}

describe('Kube-OVN subnets in the kube harness', () => {
  it('a pod reaches another at its subnet address through a relay pod; another VPC with the same CIDR does not; stacks go with their pods', async () => {
    const ns = await harness.createNamespace();
    for (const o of [...vpcWithSubnet('dp-a', 'dp-a-net', '10.44.0.0/24'), ...vpcWithSubnet('dp-b', 'dp-b-net', '10.44.0.0/24')]) await create(o);
    await create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'files', namespace: ns }, data: { 'index.html': Buffer.from('served on the subnet\n').toString('base64') } });

    await create(pod(ns, 'web', 'dp-a-net', ['busybox', 'httpd', '-f', '-p', '8080', '-h', '/srv/http'], { ip: '10.44.0.10', port: 8080, volumes: true }));
    const relay = (name: string, subnet: string) => pod(ns, name, subnet, ['busybox', 'nc', '-ll', '-p', '2222', '-e', 'busybox', 'nc', '10.44.0.10', '8080'], { port: 2222 });
    await create(relay('jump-a', 'dp-a-net'));
    await create(relay('jump-b', 'dp-b-net'));
    const web = await running(ns, 'web');
    expect(web.status?.podIP).toBe('10.44.0.10');
    const jumpA = await running(ns, 'jump-a');
    const jumpB = await running(ns, 'jump-b');
    // IPAM: the first free address after the gateway (10.44.0.1) on each subnet.
    expect(jumpA.status?.message ?? '', JSON.stringify(jumpA.status)).toBe('');
    expect(jumpA.status?.podIP).toBe('10.44.0.2');
    expect(jumpB.status?.podIP).toBe('10.44.0.2');

    // An address another pod holds is refused, as Kube-OVN refuses it.
    await create(pod(ns, 'clash', 'dp-a-net', ['busybox', 'httpd', '-f', '-p', '8080', '-h', '/srv/http'], { ip: '10.44.0.10', port: 8080, volumes: true }));
    const clash = await running(ns, 'clash');
    expect(clash.status?.phase).toBe('Failed');
    expect(clash.status?.message).toMatch(/AddressConflict: 10\.44\.0\.10 of subnet dp-a-net is already used by pod .*\/web/);

    const viaA = await forwardPort(kc, ns, 'jump-a', 2222);
    try {
      const res = await fetch(`http://127.0.0.1:${viaA.port}/index.html`);
      expect(await res.text()).toBe('served on the subnet\n');
    } finally {
      await viaA.close();
    }
    const viaB = await forwardPort(kc, ns, 'jump-b', 2222);
    try {
      await expect(fetch(`http://127.0.0.1:${viaB.port}/index.html`, { signal: AbortSignal.timeout(8000) })).rejects.toThrow();
    } finally {
      await viaB.close();
    }

    expect(harnessProcesses().length).toBe(3);
    await harness.deleteNamespace(ns);
    for (const name of ['dp-a', 'dp-b']) await objects.delete({ apiVersion: 'kubeovn.io/v1', kind: 'Vpc', metadata: { name } } as KubernetesObject);
    await harness.settled();
    expect(harnessProcesses()).toEqual([]);
  }, 60_000);

  // kubeovn/kube-ovn v1.16.2: pkg/controller/vpc_egress_gateway.go makes the gateway's workload as
  // soon as its Subnets exist, and its pod gets spec.internalIPs, else the lowest free address of
  // the internal subnet (pkg/ipam/ip_range_list.go Allocate) — the .2 a build's first VM asks for.
  it("an egress gateway's workload holds the lowest free address of its internal subnet, or its internalIPs; a pod asking for it gets AddressConflict", async () => {
    const removeExternal = putEgressExternalSubnet(harness);
    const ns = await harness.createNamespace();
    const custom = kc.makeApiClient(CustomObjectsApi);
    const gateway = (vpc: string, subnet: string, internalIPs?: string[]) =>
      create({
        apiVersion: 'kubeovn.io/v1',
        kind: 'VpcEgressGateway',
        metadata: { name: `gw-${vpc}`, namespace: ns },
        spec: { vpc, replicas: 1, externalSubnet: 'ovn-vpc-external-network', internalSubnet: subnet, ...(internalIPs ? { internalIPs } : {}), policies: [{ snat: true, subnets: [subnet] }] },
      });
    const workloadMade = async (vpc: string) => {
      for (let i = 0; i < 200; i++) {
        const gw = (await custom.getNamespacedCustomObject({ group: 'kubeovn.io', version: 'v1', plural: 'vpc-egress-gateways', namespace: ns, name: `gw-${vpc}` })) as Loose;
        if ((gw.status?.replicas ?? 0) > 0) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`gateway gw-${vpc}: no workload`);
    };
    const asking = (name: string, subnet: string, ip: string): Loose => pod(ns, name, subnet, ['busybox', 'httpd', '-f', '-p', '8080', '-h', '/srv/http'], { ip, port: 8080, volumes: true });
    try {
      for (const o of [...vpcWithSubnet('dp-c', 'dp-c-net', '10.45.0.0/24'), ...vpcWithSubnet('dp-d', 'dp-d-net', '10.46.0.0/24')]) await create(o);
      await create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'files', namespace: ns }, data: {} });
      await gateway('dp-c', 'dp-c-net');
      await gateway('dp-d', 'dp-d-net', ['10.46.0.254']);
      await workloadMade('dp-c');
      await workloadMade('dp-d');

      await create(asking('first-vm-c', 'dp-c-net', '10.45.0.2'));
      const c = await running(ns, 'first-vm-c');
      expect(c.status?.phase).toBe('Failed');
      expect(c.status?.message).toMatch(new RegExp(`AddressConflict: 10\\.45\\.0\\.2 of subnet dp-c-net is already used by egress gateway workload ${ns}/gw-dp-c`));

      await create(asking('first-vm-d', 'dp-d-net', '10.46.0.2'));
      expect((await running(ns, 'first-vm-d')).status?.podIP).toBe('10.46.0.2');
      await create(asking('top-d', 'dp-d-net', '10.46.0.254'));
      const top = await running(ns, 'top-d');
      expect(top.status?.phase).toBe('Failed');
      expect(top.status?.message).toMatch(/AddressConflict: 10\.46\.0\.254 of subnet dp-d-net is already used by egress gateway workload/);
    } finally {
      await harness.deleteNamespace(ns);
      for (const name of ['dp-c', 'dp-d']) await objects.delete({ apiVersion: 'kubeovn.io/v1', kind: 'Vpc', metadata: { name } } as KubernetesObject).catch(() => undefined);
      removeExternal();
      await harness.settled();
    }
  }, 60_000);
});
