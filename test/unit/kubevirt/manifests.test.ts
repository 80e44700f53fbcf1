/** What renderBuild makes of particular build files: firmware, disks, cdroms, HTTP files, networks, names. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BuildFileError } from '../../../src/core/config/problems.js';
import { UserError } from '../../../src/core/errors.js';
import { defaultRunId } from '../../../src/engines/kubevirt/manifests/render.js';
import { renderOptions } from '../../../src/engines/kubevirt/manifests/render-options.js';
import { renderedToYaml } from '../../../src/engines/kubevirt/manifests/to-yaml.js';
import type { DataVolume } from '../../../src/engines/kubevirt/manifests/types.js';
import { one, renderWith, renderYaml, SOURCE_URL, tempBuild, type Loose } from './helpers.js';

const vmYaml = (vm: string, extra = '') => `name: b
${extra}layers:
  - name: l
    vms:
      - name: v
        ${SOURCE_URL}
${vm
  .split('\n')
  .filter(Boolean)
  .map((line) => `        ${line}`)
  .join('\n')}
`;

function buildError(fn: () => unknown): BuildFileError {
  try {
    fn();
  } catch (err) {
    if (err instanceof BuildFileError) return err;
    throw err;
  }
  throw new Error('expected a BuildFileError');
}

describe('firmware', () => {
  it('boots BIOS by default', () => {
    const vm = one(renderYaml(vmYaml('cpu: 1')), 'VirtualMachine');
    expect(vm.spec.template.spec.domain.firmware).toEqual({ bootloader: { bios: {} } });
    expect(vm.spec.template.spec.domain.features).toEqual({ acpi: {} });
  });

  it('turns Secure Boot off for plain EFI, and SMM on with Secure Boot', () => {
    const plain = one(renderYaml(vmYaml('efiFirmware: true')), 'VirtualMachine');
    expect(plain.spec.template.spec.domain.firmware.bootloader).toEqual({ efi: { secureBoot: false } });
    expect(plain.spec.template.spec.domain.features.smm).toBeUndefined();
    const secure = one(renderYaml(vmYaml('efiFirmware: { secureBoot: true }')), 'VirtualMachine');
    expect(secure.spec.template.spec.domain.firmware.bootloader).toEqual({ efi: { secureBoot: true } });
    expect(secure.spec.template.spec.domain.features.smm).toEqual({ enabled: true });
  });
});

describe('cpu', () => {
  it("leaves the model to KubeVirt by default, passes cpuModel through, and reads host as KubeVirt's host-passthrough", () => {
    const cpu = (extra: string) => one(renderYaml(vmYaml(`cpu: 2\n${extra}`)), 'VirtualMachine').spec.template.spec.domain.cpu;
    expect(cpu('')).toEqual({ cores: 2, sockets: 1, threads: 1 });
    expect(cpu('cpuModel: Nehalem')).toEqual({ cores: 2, sockets: 1, threads: 1, model: 'Nehalem' });
    expect(cpu('cpuModel: host')).toMatchObject({ model: 'host-passthrough' });
  });
});

describe('disks', () => {
  it('gives every disk an explicit bus, the root disk the first boot slot, and extra disks blank volumes', () => {
    const r = renderYaml(vmYaml('disks: [{ name: root, size: 5Gi, bus: scsi }, { name: data, size: 1Gi, bus: sata }]'));
    const vm = one(r, 'VirtualMachine');
    expect(vm.spec.template.spec.domain.devices.disks).toEqual([
      { name: 'root', disk: { bus: 'scsi' }, bootOrder: 1 },
      { name: 'data', disk: { bus: 'sata' } },
    ]);
    expect(one(r, 'DataVolume', '-root').spec).toEqual({
      source: { http: { url: 'https://example.org/disk.qcow2', checksum: `sha256:${'a'.repeat(64)}` } },
      storage: { resources: { requests: { storage: '5Gi' } } },
    });
    expect(one(r, 'DataVolume', '-disk-data').spec.source).toEqual({ blank: {} });
  });

  it('installs from an ISO: blank root disk first, the ISO after it on a sata cdrom', () => {
    const yaml = vmYaml('disks: [{ name: root, size: 2Gi }]').replace(SOURCE_URL, `source: { iso: { url: https://example.org/i.iso, checksum: "sha1:${'b'.repeat(40)}" } }`);
    const r = renderYaml(yaml, {}, { isoVolumeBytes: 3 * 1024 ** 3 });
    expect(one(r, 'DataVolume', '-root').spec.source).toEqual({ blank: {} });
    expect(one(r, 'DataVolume', '-install-iso').spec).toEqual({
      source: { http: { url: 'https://example.org/i.iso', checksum: `sha1:${'b'.repeat(40)}` } },
      storage: { resources: { requests: { storage: '3Gi' } } },
    });
    const disks = one(r, 'VirtualMachine').spec.template.spec.domain.devices.disks as Loose[];
    expect(disks[1]).toEqual({ name: 'install-iso', cdrom: { bus: 'sata', readonly: true }, bootOrder: 2 });
  });

  it('uploads a local disk and a local ISO, sized in whole MiB', () => {
    const yaml = vmYaml('cdroms: [{ name: drivers, iso: drivers.iso }]').replace(SOURCE_URL, 'source: { path: disk.qcow2 }');
    const r = renderYaml(yaml, { 'disk.qcow2': 'x', 'drivers.iso': Buffer.alloc(3 * 1024 * 1024 + 1) });
    expect(one(r, 'DataVolume', '-root').spec.source).toEqual({ upload: {} });
    expect(one(r, 'DataVolume', '-cd-drivers').spec).toEqual({ source: { upload: {} }, storage: { resources: { requests: { storage: '4Mi' } } } });
    const volumes = one(r, 'VirtualMachine').spec.template.spec.volumes as Loose[];
    expect(volumes.find((v) => v.name === 'drivers')).toEqual({ name: 'drivers', dataVolume: { name: 'b-l-v-r1-cd-drivers' } });
  });

  it('asks every DataVolume to bind at once and uses the storage class asked for', () => {
    const r = renderYaml(vmYaml('cpu: 1'), {}, { kubevirt: { storageClassName: 'fast' } });
    const dv = one(r, 'DataVolume', '-root');
    expect(dv.metadata.annotations).toEqual({ 'cdi.kubevirt.io/storage.bind.immediate.requested': 'true' });
    expect(dv.spec.storage.storageClassName).toBe('fast');
  });
});

describe('layers', () => {
  const layered = `name: b
layers:
  - name: base
    vms:
      - name: os
        ${SOURCE_URL}
        disks: [{ name: root, size: 20Gi }]
  - name: app
    vms:
      - name: web
        source: { from: base/os }
        disks: [{ name: root, size: 10Gi }]
`;

  it('clones the earlier output for from:, never smaller than it', () => {
    const r = renderYaml(layered);
    expect(one(r, 'DataVolume', 'app-web-r1-root').spec).toEqual({
      source: { pvc: { namespace: 'ns', name: 'b-base-os-r1-output' } },
      storage: { resources: { requests: { storage: '20Gi' } } },
    });
    expect(one(r, 'DataVolume', 'base-os-r1-output').spec.source).toEqual({ pvc: { namespace: 'ns', name: 'b-base-os-r1-root' } });
  });

  // A clone of a clone: kubevirt/containerized-data-importer pkg/controller/clone-controller.go@v1.66.0
  // ValidateCanCloneSourceAndTargetSpec would keep a smaller `storage`-spec clone in CloneScheduled.
  it('sizes a clone of a clone by the largest ancestor, not only its parent', () => {
    const yaml = `${layered}  - name: top
    vms:
      - name: web
        source: { from: app/web }
        disks: [{ name: root, size: 5Gi }]
`;
    const r = renderYaml(yaml);
    expect(one(r, 'DataVolume', 'top-web-r1-root').spec.storage).toEqual({ resources: { requests: { storage: '20Gi' } } });
  });

  it('restores from the CSI snapshot when outputs are snapshots', () => {
    const r = renderYaml(layered, {}, { capture: { mode: 'volume-snapshot', snapshotClass: 'snap' } });
    expect(one(r, 'DataVolume', 'app-web-r1-root').spec.source).toEqual({ snapshot: { namespace: 'ns', name: 'b-base-os-r1-output' } });
    expect(one(r, 'VolumeSnapshot', 'base-os-r1-output').spec).toEqual({ volumeSnapshotClassName: 'snap', source: { persistentVolumeClaimName: 'b-base-os-r1-root' } });
    expect(one(r, 'VirtualMachineExport', 'base-os-r1-export').spec.source).toEqual({ kind: 'PersistentVolumeClaim', name: 'b-base-os-r1-root' });
  });

  it('orders objects so each exists before what uses it', () => {
    const r = renderYaml(layered);
    const order = r.objects.map((o) => `${o.step} ${o.object.kind} ${o.object.metadata.name}`);
    const index = (s: string) => order.findIndex((o) => o.endsWith(s));
    expect(order[0]).toBe('run ConfigMap b-r1');
    expect(index('DataVolume b-base-os-r1-root')).toBeLessThan(index('VirtualMachine b-base-os-r1'));
    expect(index('DataVolume b-base-os-r1-output')).toBeLessThan(index('DataVolume b-app-web-r1-root'));
    expect(r.vms.map((v) => `${v.layer}/${v.vm} ${v.output.kind} ${v.output.name}`)).toEqual(['base/os DataVolume b-base-os-r1-output', 'app/web DataVolume b-app-web-r1-output']);
  });

  it('reports layer and VM names whose objects would share a name', () => {
    const yaml = `name: b
layers:
  - name: a-b
    vms: [{ name: c, ${SOURCE_URL.replace('source: ', 'source: ')} }]
  - name: a
    vms: [{ name: b-c, vmName: a-b-c-2.qcow2, ${SOURCE_URL} }]
`;
    // The vmName keeps their output files apart (the loader refuses a-b-c.qcow2 twice); the
    // cluster objects' names still meet.
    const err = buildError(() => renderYaml(yaml));
    expect(err.message).toMatch(/root disk of a-b\/c.* and root disk of a\/b-c.* would both be the DataVolume 'b-a-b-c-r1-root'/);
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ line: 6, path: 'layers[1].vms[0].name' });
  });
});

describe('cdroms from files', () => {
  it('puts the files in a Secret that KubeVirt attaches as a labelled sata cdrom', () => {
    const r = renderYaml(vmYaml('cdroms: [{ name: seed, files: [seed/user-data, seed/meta-data], label: cidata }]'), {
      'seed/user-data': '#cloud-config\n',
      'seed/meta-data': 'instance-id: x\n',
    });
    const secret = one(r, 'Secret', '-cd-seed');
    expect(Object.keys(secret.data).sort()).toEqual(['meta-data', 'user-data']);
    expect(Buffer.from(secret.data['user-data'], 'base64').toString()).toBe('#cloud-config\n');
    const vm = one(r, 'VirtualMachine').spec.template.spec;
    expect(vm.domain.devices.disks[1]).toEqual({ name: 'seed', cdrom: { bus: 'sata', readonly: true } });
    expect(vm.volumes[1]).toEqual({ name: 'seed', secret: { secretName: 'b-l-v-r1-cd-seed', volumeLabel: 'cidata' } });
  });

  it('attaches a seed as a read-only virtio disk (as KubeVirt attaches cloudInitNoCloud) and a scsi cdrom on scsi', () => {
    const r = renderYaml(
      vmYaml('cdroms: [{ name: seed, files: [seed/user-data], label: cidata, type: disk }, { name: extra, files: [seed/meta-data], bus: scsi }, { name: sd, files: [seed/meta-data], type: disk, bus: sata }]'),
      { 'seed/user-data': '#cloud-config\n', 'seed/meta-data': 'instance-id: x\n' },
    );
    const disks = one(r, 'VirtualMachine').spec.template.spec.domain.devices.disks;
    expect(disks[1]).toEqual({ name: 'seed', disk: { bus: 'virtio', readonly: true } });
    expect(disks[2]).toEqual({ name: 'extra', cdrom: { bus: 'scsi', readonly: true } });
    // KubeVirt refuses a read-only sata disk.
    expect(disks[3]).toEqual({ name: 'sd', disk: { bus: 'sata' } });
  });

  it('refuses machineType pc, which KubeVirt does not emulate', () => {
    expect(() => renderYaml(vmYaml('machineType: pc'))).toThrow(/machineType: kubevirt engine: KubeVirt runs amd64 VMs on q35 only/);
  });

  it("refuses a folder (a Secret's files are all at the root), but flattens one written 'dir/'", () => {
    const files = { 'w/Autounattend.xml': '<x/>', 'w/setup.ps1': 'echo' };
    expect(() => renderYaml(vmYaml('cdroms: [{ name: win, files: [w] }]'), files)).toThrow(/cdroms\.win: 'w' is a folder; .*list the folder's files/);
    const t = tempBuild(vmYaml('cdroms: [{ name: win, files: [w] }]'), { ...files });
    try {
      // The loader resolves paths without their trailing slash; the model allows it (Packer's "dir/").
      const cdrom = t.build.layers[0]!.vms[0]!.cdroms[0]!;
      cdrom.files = cdrom.files!.map((f) => `${f}/`);
      expect(Object.keys(one(renderWith(t.build), 'Secret', '-cd-win').data).sort()).toEqual(['Autounattend.xml', 'setup.ps1']);
      mkdirSync(path.join(t.dir, 'w', 'sub'));
      expect(() => renderWith(t.build)).toThrow(/'w\/' holds the folder 'sub'/);
    } finally {
      t.cleanup();
    }
  });

  it('refuses more than 1 MiB, naming the cdrom', () => {
    const err = (() => {
      try {
        renderYaml(vmYaml('cdroms: [{ name: big, files: [big.bin] }]'), { 'big.bin': Buffer.alloc(1024 * 1024 + 1) });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/vm l\/v: cdroms\.big.*1\.0 MiB.*at most 1 MiB/);
  });
});

describe('the HTTP file server', () => {
  const binary = Buffer.from([0, 1, 2, 255, 254, 0x80]);

  it('serves nested and binary files from a Secret, byte for byte', () => {
    const r = renderYaml(vmYaml('httpDirectory: http'), { 'http/preseed.cfg': 'd-i x', 'http/d i/late.sh': 'echo', 'http/bin/blob': binary });
    const secret = one(r, 'Secret', '-http-files');
    const pod = one(r, 'Pod', '-http');
    const items = pod.spec.volumes[0].secret.items as { key: string; path: string }[];
    expect(items.map((i) => i.path).sort()).toEqual(['bin/blob', 'd i/late.sh', 'preseed.cfg']);
    const byPath = Object.fromEntries(items.map((i) => [i.path, Buffer.from(secret.data[i.key], 'base64')]));
    expect(byPath['bin/blob']).toEqual(binary);
    expect(byPath['d i/late.sh']!.toString()).toBe('echo');
    expect(pod.spec.containers[0].command).toEqual(['busybox', 'httpd', '-f', '-v', '-p', '8080', '-h', '/srv/http']);
    expect(r.vms[0]!.httpPort).toBe(8080);
  });

  it('serves httpContent too', () => {
    const r = renderYaml(vmYaml('httpContent: { "/ks.cfg": "text", "/sub/a.txt": "a" }'));
    const pod = one(r, 'Pod', '-http');
    expect((pod.spec.volumes[0].secret.items as { path: string }[]).map((i) => i.path)).toEqual(['ks.cfg', 'sub/a.txt']);
  });

  it('renders no server for a VM without HTTP files', () => {
    const r = renderYaml(vmYaml('cpu: 1'));
    expect(r.objects.some((o) => o.object.kind === 'Pod')).toBe(false);
    expect(r.vms[0]!.httpPort).toBeUndefined();
  });

  it('refuses more than 1 MiB of HTTP files', () => {
    expect(() => renderYaml(vmYaml('httpDirectory: http'), { 'http/a': Buffer.alloc(600 * 1024), 'http/b': Buffer.alloc(600 * 1024) })).toThrow(/HTTP files .* 1\.2 MiB.*at most 1 MiB.*web server/);
  });
});

describe('networks', () => {
  const network = `network:
  vpcs:
    - { name: app, internet: true, subnets: [{ name: front, cidr: 10.1.0.0/24 }, { name: back, cidr: 10.2.0.0/24 }] }
    - { name: lab, internet: false, subnets: [{ name: iso, cidr: 10.3.0.0/24 }] }
`;

  it('puts the first NIC on the pod network with masquerade when it names no subnet', () => {
    const vm = one(renderYaml(vmYaml('nics: [{ model: e1000 }]')), 'VirtualMachine').spec.template;
    expect(vm.spec.domain.devices.interfaces).toEqual([{ name: 'nic0', model: 'e1000', masquerade: {} }]);
    expect(vm.spec.networks).toEqual([{ name: 'nic0', pod: {} }]);
    expect(vm.metadata.annotations).toBeUndefined();
  });

  it('renders VPCs, subnets and an egress gateway for internet: true only (kubeovn/kube-ovn v1.16.2: a gateway made with 0 replicas is defaulted back to 1)', () => {
    const r = renderYaml(vmYaml('nics: [{ subnet: front }]', network));
    expect(one(r, 'Vpc', '-app-r1').spec).toEqual({ namespaces: ['ns'] });
    expect(one(r, 'Vpc', '-app-r1').metadata.namespace).toBeUndefined();
    expect(one(r, 'Subnet', '-front-r1').spec).toEqual({ vpc: 'b-app-r1', cidrBlock: '10.1.0.0/24', protocol: 'IPv4' });
    expect(one(r, 'VpcEgressGateway', 'b-app-r1-egress').spec).toEqual({
      vpc: 'b-app-r1',
      replicas: 1,
      externalSubnet: 'ovn-vpc-external-network',
      internalSubnet: 'b-front-r1',
      // Pinned at the top of its internal subnet: unpinned, Kube-OVN would give its pod the lowest
      // free address, the first VM's .2 (kubeovn/kube-ovn pkg/ipam/ip_range_list.go Allocate, v1.16.2).
      internalIPs: ['10.1.0.254'],
      policies: [{ snat: true, subnets: ['b-front-r1', 'b-back-r1'] }],
    });
    // internet: false has no gateway at all: kube-ovn-controller's finalizer Update would refill 0 replicas to the CRD default 1.
    expect(r.objects.filter((o) => o.object.kind === 'VpcEgressGateway').map((o) => o.object.metadata.name)).toEqual(['b-app-r1-egress']);
  });

  it('puts the first NIC, the file server and the SSH jump pod on its subnet at fixed addresses, later NICs on Multus attachments', () => {
    const r = renderYaml(vmYaml('nics: [{ subnet: front }, { subnet: iso, model: e1000e }]\nhttpContent: { "/a": "b" }\ncommunicator: { type: ssh, sshUsername: root }', network));
    const tmpl = one(r, 'VirtualMachine').spec.template;
    // The local engine's address plan: the layer's first VM at .2 of each subnet.
    expect(tmpl.metadata.annotations).toEqual({
      'ovn.kubernetes.io/logical_switch': 'b-front-r1',
      'ovn.kubernetes.io/ip_address': '10.1.0.2',
      'b-iso-r1-nad.ns.ovn.kubernetes.io/logical_switch': 'b-iso-r1',
      'b-iso-r1-nad.ns.ovn.kubernetes.io/ip_address': '10.3.0.2',
    });
    expect(tmpl.spec.domain.devices.interfaces).toEqual([
      { name: 'nic0', model: 'virtio', bridge: {} },
      { name: 'nic1', model: 'e1000e', bridge: {} },
    ]);
    expect(tmpl.spec.networks).toEqual([
      { name: 'nic0', pod: {} },
      { name: 'nic1', multus: { networkName: 'ns/b-iso-r1-nad' } },
    ]);
    // Helpers from the subnet's top, below the internet VPC's egress gateway (.254): they never take
    // a VM's address, whichever starts first.
    expect(one(r, 'Pod', '-http').metadata.annotations).toEqual({ 'ovn.kubernetes.io/logical_switch': 'b-front-r1', 'ovn.kubernetes.io/ip_address': '10.1.0.253' });
    const jump = one(r, 'Pod', '-ssh');
    expect(jump.metadata.annotations).toEqual({ 'ovn.kubernetes.io/logical_switch': 'b-front-r1', 'ovn.kubernetes.io/ip_address': '10.1.0.252' });
    expect(jump.spec.containers[0].command).toEqual(['busybox', 'nc', '-ll', '-p', '2222', '-e', 'busybox', 'nc', '10.1.0.2', '22']);
    expect(JSON.parse(one(r, 'NetworkAttachmentDefinition').spec.config)).toEqual({
      cniVersion: '0.3.1',
      type: 'kube-ovn',
      server_socket: '/run/openvswitch/kube-ovn-daemon.sock',
      provider: 'b-iso-r1-nad.ns.ovn',
    });
    // Only the attachment uses "iso", so it carries the attachment's provider; "front" keeps the default.
    expect(one(r, 'Subnet', '-iso-r1').spec.provider).toBe('b-iso-r1-nad.ns.ovn');
    expect(one(r, 'Subnet', '-front-r1').spec.provider).toBeUndefined();
  });

  it('reports a second NIC on the default network at its line', () => {
    const err = buildError(() => renderYaml(vmYaml('nics: [{ model: virtio }, { model: e1000 }]')));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ path: 'layers[0].vms[0].nics[1]', line: 7 });
    expect(err.problems[0]!.message).toMatch(/only the first NIC can be on the default network/);
  });
});

describe('the run', () => {
  it('labels every object with build and run, and records cluster-scoped objects in the root', () => {
    const r = renderYaml(vmYaml('nics: [{ subnet: s }]', 'network: { vpcs: [{ name: v, subnets: [{ name: s, cidr: 10.0.0.0/24 }] }] }\n'));
    for (const o of r.objects) {
      expect(o.object.metadata.labels).toMatchObject({ 'ruddervirt.io/build': 'b', 'ruddervirt.io/run': 'r1', 'app.kubernetes.io/managed-by': 'ruddervirt' });
    }
    expect(r.root.data).toMatchObject({ build: 'b', runId: 'r1', vms: 'l/v', clusterObjects: 'Vpc/b-v-r1\nSubnet/b-s-r1' });
  });

  it('renders owner references: a placeholder uid until the run gives the owners, then theirs', () => {
    const r = renderYaml(vmYaml('nics: [{ subnet: s }]', 'network: { vpcs: [{ name: v, subnets: [{ name: s, cidr: 10.0.0.0/24 }] }] }\n'));
    const run = { apiVersion: 'v1', kind: 'ConfigMap', name: r.root.metadata.name, uid: 'uid-root' };
    const vpc = { apiVersion: 'kubeovn.io/v1', kind: 'Vpc', name: 'b-v-r1', uid: 'uid-vpc' };
    const owned = r.rerender({ owners: { run, vpcs: new Map([[vpc.name, vpc]]) } });
    const onlyRoot = r.rerender({ owners: { run } });
    expect(owned.objects.map((o) => o.object.metadata.name)).toEqual(r.objects.map((o) => o.object.metadata.name));
    r.objects.forEach((o, i) => {
      const before = o.object.metadata.ownerReferences;
      const after = owned.objects[i]!.object.metadata.ownerReferences;
      if (o.object.kind === 'ConfigMap' || o.object.kind === 'Vpc') {
        expect(before).toBeUndefined();
        expect(after).toBeUndefined();
      } else if (o.object.kind === 'Subnet') {
        expect(before).toEqual([{ apiVersion: 'kubeovn.io/v1', kind: 'Vpc', name: 'b-v-r1', uid: '<uid of Vpc b-v-r1, set when it is created>' }]);
        expect(after).toEqual([{ apiVersion: 'kubeovn.io/v1', kind: 'Vpc', name: 'b-v-r1', uid: 'uid-vpc' }]);
        expect(onlyRoot.objects[i]!.object.metadata.ownerReferences![0]!.uid).toMatch(/^<uid of Vpc/);
      } else {
        expect(before).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', name: 'b-r1', uid: '<uid of ConfigMap b-r1, set when it is created>' }]);
        expect(after).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', name: 'b-r1', uid: 'uid-root' }]);
      }
      // Apart from the owners' uids, the same objects.
      expect(JSON.stringify(owned.objects[i]!.object).replaceAll('uid-root', '').replaceAll('uid-vpc', '')).toBe(JSON.stringify(o.object).replace(/<uid of [^"]*>/g, ''));
    });
  });

  it('takes run-time volume sources as inputs: a root disk uploaded or cloned from a kept output', () => {
    const r = renderYaml(vmYaml('cpu: 1'));
    const root = r.vms[0]!.names.rootDisk;
    const upload = r.rerender({ volumeSources: new Map([[root, { upload: {} }]]) });
    const dv = (b: typeof r) => b.objects.find((o) => o.object.metadata.name === root)!.object as DataVolume;
    expect(dv(r).spec.source).not.toEqual({ upload: {} });
    expect(dv(upload).spec.source).toEqual({ upload: {} });
    const kept = r.rerender({ volumeSources: new Map([[root, { snapshot: { namespace: 'ns', name: 'kept' } }]]) });
    expect(dv(kept).spec.source).toEqual({ snapshot: { namespace: 'ns', name: 'kept' } });
    expect(dv(r).spec.storage).toEqual(dv(kept).spec.storage);
  });

  it('keeps build secrets out of the printed manifests', () => {
    const t = tempBuild(
      vmYaml(`cdroms: [{ name: seed, files: [user-data], label: cidata }]
communicator: { type: ssh, sshUsername: u, sshPassword: "{{ user \`pw\` }}" }`).replace('name: b\n', 'name: b\nvariables: { pw: Zq-S3cret-77 }\n'),
      { 'user-data': 'password: Zq-S3cret-77\n' },
    );
    try {
      expect(t.build.secrets).toContain('Zq-S3cret-77');
      const yaml = renderedToYaml(renderWith(t.build));
      expect(yaml).not.toContain('Zq-S3cret-77');
      expect(renderedToYaml(renderWith(t.build), { redactSecrets: true })).toMatch(/user-data: REDACTED/);
    } finally {
      t.cleanup();
    }
  });

  it('derives the default run id from the file text and variables only', () => {
    const text = vmYaml('httpDirectory: http');
    expect(defaultRunId(text, { a: '1', b: '2' })).toBe(defaultRunId(text, { b: '2', a: '1' }));
    expect(defaultRunId(text, { a: '1' })).not.toBe(defaultRunId(text, { a: '2' }));
    expect(defaultRunId(text, {})).not.toBe(defaultRunId(text.replace('name: v', 'name: w'), {}));
  });

  it('renders the same objects for the same build file in any folder', () => {
    const yaml = vmYaml('httpDirectory: http\ncdroms: [{ name: c, iso: c.iso }]');
    const files = { 'http/x': 'x', 'c.iso': 'iso' };
    const a = tempBuild(yaml, files);
    const b = tempBuild(yaml, files);
    try {
      expect(a.dir).not.toBe(b.dir);
      const yamlA = renderedToYaml(renderWith(a.build));
      expect(yamlA).toBe(renderedToYaml(renderWith(b.build)));
      expect(yamlA).not.toContain(a.dir);
      expect(yamlA).toMatch(/uploaded from c\.iso/);
    } finally {
      a.cleanup();
      b.cleanup();
    }
  });

  it('refuses bad options with one message', () => {
    expect(() => renderOptions({ runId: 'R-1', namespace: 'Bad_NS', httpPort: 0 })).toThrow(/namespace 'Bad_NS'.*run id 'R-1'.*HTTP port 0/);
  });
});

describe('cluster settings (the kubevirt block)', () => {
  const network = 'network: { vpcs: [{ name: v, subnets: [{ name: s, cidr: 10.0.0.0/24 }] }] }\n';
  const buildBlock = `kubevirt:
  storageClassName: fast
  volumeMode: Block
  accessMode: ReadWriteMany
  nodeSelector: { kubernetes.io/arch: amd64 }
  tolerations: [{ key: dedicated, operator: Equal, value: builds, effect: NoSchedule }]
  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: zone, operator: In, values: [a] }] }] } } }
  resources: { requests: { cpu: 500m }, limits: { cpu: 2, memory: 2Gi } }
  httpServerImage: mirror.example/busybox:1.37
  sshJumpImage: mirror.example/jump:1
`;

  it('puts storage settings on every DataVolume, placement and resources on the VM, helper images and placement on its pods', () => {
    const r = renderYaml(vmYaml("nics: [{ subnet: s }]\nhttpContent: { /a: b }\ncommunicator: { type: ssh, sshUsername: u }\nshutdownCommand: 'poweroff'", network + buildBlock));
    const dvs = r.objects.filter((o) => o.object.kind === 'DataVolume');
    expect(dvs.length).toBeGreaterThan(1); // the root disk and the output clone
    for (const o of dvs) expect((o.object as DataVolume).spec.storage).toMatchObject({ storageClassName: 'fast', volumeMode: 'Block', accessModes: ['ReadWriteMany'] });
    const spec = (one(r, 'VirtualMachine', '') as Loose).spec.template.spec;
    expect(spec.nodeSelector).toEqual({ 'kubernetes.io/arch': 'amd64' });
    expect(spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'builds', effect: 'NoSchedule' }]);
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0]).toEqual({ key: 'zone', operator: 'In', values: ['a'] });
    expect(spec.domain.resources).toEqual({ requests: { memory: '512Mi', cpu: '500m' }, limits: { cpu: '2', memory: '2Gi' } });
    const http = one(r, 'Pod', '-http') as Loose;
    const jump = one(r, 'Pod', '-ssh') as Loose;
    expect(http.spec.containers[0].image).toBe('mirror.example/busybox:1.37');
    expect(jump.spec.containers[0].image).toBe('mirror.example/jump:1');
    for (const pod of [http, jump]) {
      expect(pod.spec.nodeSelector).toEqual({ 'kubernetes.io/arch': 'amd64' });
      expect(pod.spec.tolerations).toHaveLength(1);
      expect(pod.spec.affinity).toBeUndefined();
    }
  });

  it("a VM's block overrides the build's key by key, and the options override both", () => {
    const vm = 'kubevirt: { storageClassName: vm-class, nodeSelector: { role: vm } }';
    const r = renderYaml(vmYaml(vm, 'kubevirt: { storageClassName: build-class, volumeMode: Block, nodeSelector: { role: build, x: y } }\n'));
    expect((one(r, 'DataVolume', '-root') as DataVolume).spec.storage).toMatchObject({ storageClassName: 'vm-class', volumeMode: 'Block' });
    expect((one(r, 'VirtualMachine', '') as Loose).spec.template.spec.nodeSelector).toEqual({ role: 'vm' });
    const o = renderYaml(vmYaml(vm, 'kubevirt: { volumeMode: Block }\n'), {}, { kubevirt: { storageClassName: 'flag-class' } });
    expect((one(o, 'DataVolume', '-root') as DataVolume).spec.storage).toMatchObject({ storageClassName: 'flag-class', volumeMode: 'Block' });
  });

  it('an instance type takes the place of cpu and memory; written cpu, memory or resources conflict where they are written', () => {
    const r = renderYaml(vmYaml('kubevirt: { instancetype: u1.medium, preference: { name: debian, kind: VirtualMachinePreference } }'));
    const vm = (one(r, 'VirtualMachine', '') as Loose).spec;
    expect(vm.instancetype).toEqual({ name: 'u1.medium', kind: 'VirtualMachineClusterInstancetype' });
    expect(vm.preference).toEqual({ name: 'debian', kind: 'VirtualMachinePreference' });
    expect(vm.template.spec.domain.cpu).toBeUndefined();
    expect(vm.template.spec.domain.memory).toBeUndefined();
    expect(vm.template.spec.domain.resources).toBeUndefined();

    let err: unknown;
    try {
      renderYaml(vmYaml('cpu: 2\nkubevirt: { instancetype: u1.medium }', 'kubevirt:\n  resources: { limits: { memory: 1Gi } }\n'));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BuildFileError);
    const problems = (err as BuildFileError).problems;
    // In file order: the build's block first.
    expect(problems.map((p) => p.path)).toEqual(['kubevirt.resources.limits.memory', 'layers[0].vms[0].cpu']);
    expect(problems[1]!.message).toMatch(/cpu conflicts with the instance type u1.medium/);
    expect(problems[0]!.line).toBe(3);
    expect(problems[1]!.line).toBe(9);
  });

  it('refuses a memory limit below the guest memory, at the line that sets it', () => {
    expect(() => renderYaml(vmYaml('memory: 2Gi\nkubevirt: { resources: { limits: { memory: 1Gi } } }'))).toThrow(/memory limit 1Gi is below the VM's memory 2Gi/);
  });

  it("checks options with the build file's rules", () => {
    expect(() => renderOptions({ runId: 'r1', kubevirt: { volumeMode: 'Blok' as never } })).toThrow(/'Blok' is not valid; expected one of Filesystem, Block/);
  });
});
