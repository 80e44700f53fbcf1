/**
 * One example per rule of the build file, each checked for the exact problem text and its
 * line:column, plus the five-mistakes test (all problems reported, not only the first).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { buildOf, oneVm, problemsOf, tempBuildDir } from './helpers.js';

const SHA256 = 'sha256:' + 'ab'.repeat(32);
const ssh = 'communicator: { type: ssh, sshUsername: root }';

describe('all problems at once', () => {
  it('reports five different mistakes as five located problems', () => {
    const text = `name: demo
layers:
  - name: base
    vms:
      - name: web
        source: { path: disk.qcow2 }
        bootComand: ["<enter>"]
        memory: 2GB
        disks: [{ name: root, bus: ide }]
        nics: [{ subnet: backend }]
        bootWait: 10
`;
    expect(problemsOf(text)).toEqual([
      "7:9: layers[0].vms[0].bootComand: unknown key 'bootComand'; did you mean 'bootCommand'?",
      "8:17: layers[0].vms[0].memory: expected a Kubernetes quantity such as 512Mi, 2Gi or 10G (binary suffixes Ki Mi Gi Ti, decimal k M G T); did you mean '2Gi'?",
      `9:36: layers[0].vms[0].disks[0].bus: 'ide' is not accepted: KubeVirt rejects the IDE bus ("IDE bus is not supported" in its admission webhook); expected virtio, sata, scsi`,
      "10:26: layers[0].vms[0].nics[0].subnet: unknown subnet 'backend'; expected a subnet from network.vpcs[].subnets (no subnets are declared under network.vpcs)",
      "11:19: layers[0].vms[0].bootWait: expected a string, found the number 10; a duration needs a unit, e.g. '10s'",
    ]);
  });

  it('reports problems of several VMs and layers in file order', () => {
    const text = `name: demo
layers:
  - name: base
    vms:
      - { name: a, source: { path: x }, cpu: 0 }
      - { name: b, source: { path: x }, cpu: two }
  - name: next
    vms:
      - { name: c, source: { from: base/z } }
`;
    expect(problemsOf(text)).toEqual([
      '5:46: layers[0].vms[0].cpu: 0 is out of range; expected an integer from 1 to 512',
      "6:46: layers[0].vms[1].cpu: expected an integer from 1 to 512, found the text 'two'",
      "9:36: layers[1].vms[0].source.from: layer 'base' has no VM 'z'; expected one of: a, b",
    ]);
  });
});

describe('YAML and document shape', () => {
  it('reports YAML syntax errors with their position', () => {
    expect(problemsOf('name: demo\nlayers: [\n')[0]).toMatch(/^3:1: YAML: /);
  });

  it('reports duplicate keys', () => {
    expect(problemsOf('name: a\nname: b\nlayers: []\n')[0]).toMatch(/^2:1: YAML: Map keys must be unique/);
  });

  it('says what an empty file should contain', () => {
    expect(problemsOf('# nothing\n')).toEqual(['1:1: the file is empty; expected a map (Build) with name and layers']);
  });

  it('reports a document that is not a map', () => {
    expect(problemsOf('- a\n- b\n')).toEqual(['1:1: expected a map (Build), found a list']);
  });

  it('reports missing required keys at the map that lacks them', () => {
    expect(problemsOf('name: demo\nlayers:\n  - name: base\n    vms:\n      - name: web\n')).toEqual(["5:9: layers[0].vms[0]: missing required key 'source' (a map (Source))"]);
  });

  it('needs at least one layer', () => {
    expect(problemsOf('name: demo\nlayers: []\n')).toEqual(['2:9: layers: needs at least 1 item; expected a list of maps (Layer)']);
  });

  it('expands YAML merge keys and aliases, reporting against the alias', () => {
    const text = `name: demo
layers:
  - name: base
    vms:
      - &web { name: web, source: { path: x }, cpu: 2 }
      - <<: *web
        name: db
        cpuz: 1
`;
    expect(problemsOf(text)).toEqual(["8:9: layers[0].vms[1].cpuz: unknown key 'cpuz'; did you mean 'cpu'?"]);
  });
});

describe('did you mean', () => {
  it.each([
    ['bootcommand: []', "unknown key 'bootcommand'; did you mean 'bootCommand'?"],
    ['boot_command: []', "unknown key 'boot_command'; did you mean 'bootCommand'? (Packer's boot_command → bootCommand)"],
    ['cpus: 2', "unknown key 'cpus'; did you mean 'cpu'? (Packer's cpus → cpu)"],
    ['iso_url: x', "unknown key 'iso_url'; Packer's iso_url → source.iso.url, or source.url with disk_image"],
    ['headless: true', "unknown key 'headless'; Packer's headless is not supported: not needed: builds always run without a display"],
    // Packer's names get their place in a build file from the option table, not from string distance.
    ['vm_name: x', "unknown key 'vm_name'; did you mean 'vmName'? (Packer's vm_name → vmName)"],
    [
      'output_directory: out',
      "unknown key 'output_directory'; Packer's output_directory is not supported: the output is the VM's disk, named after the VM, converted in place and published by the publish step; ruddervirt build takes --output DIR for where images go",
    ],
    ['cd_label: x', "unknown key 'cd_label'; Packer's cd_label → cdroms[].label"],
    ['qemuargs: []', "unknown key 'qemuargs'; Packer's qemuargs → qemuArgs: local engine only (KubeVirt takes no QEMU arguments); appended after RudderVirt's own rather than replacing a default switch"],
    [
      'floppy_files: []',
      "unknown key 'floppy_files'; Packer's floppy_files → cdroms[].files: KubeVirt has no floppy drive: the files go on a labelled cdrom (Windows Setup also finds Autounattend.xml at the root of a CD)",
    ],
    ['iso_urls: []', "unknown key 'iso_urls'; Packer's iso_urls → source.iso.urls"],
    ['disk_compression: true', "unknown key 'disk_compression'; Packer's disk_compression → output.compress: compressionType defaults to zstd; Packer writes zlib (compressionType: zlib)"],
    ['accelerator: kvm', "unknown key 'accelerator'; Packer's accelerator is not supported: the local engine probes KVM itself (and falls back to TCG when KVM does not really work); KubeVirt decides on its own"],
    [
      'frobnicate: 1',
      "unknown key 'frobnicate'; expected one of name, source, cpu, cpuModel, memory, machineType, efiFirmware, disks, cdroms, nics, httpDirectory, httpContent, bootWait, bootTextTimeout, bootKeyInterval, bootCommand, communicator, provisioners, shutdownCommand, shutdownTimeout, output, vmName, qemuArgs, dependsOn, verify, kubevirt",
    ],
  ])('%s', (line, message) => {
    expect(problemsOf(oneVm(`source: { path: x }\n${line}`))).toEqual([`7:9: layers[0].vms[0].${line.split(':')[0]}: ${message}`]);
  });

  it('suggests enum values', () => {
    expect(problemsOf(oneVm('source: { path: x }\noutput: { format: qcow }'))).toEqual(["7:27: layers[0].vms[0].output.format: 'qcow' is not valid; expected one of qcow2, raw; did you mean 'qcow2'?"]);
  });

  it('suggests provisioner types', () => {
    expect(problemsOf(oneVm(`source: { path: x }\n${ssh}\nprovisioners: [{ type: shel, inline: [x] }]`))).toEqual([
      "8:32: layers[0].vms[0].provisioners[0].type: 'shel' is not a known type; expected one of shell, file, windows-update, windows-restart; did you mean 'shell'?",
    ]);
  });

  it('does not also report a required key that a misspelt key clearly meant', () => {
    expect(problemsOf(oneVm('sorce: { path: x }'))).toEqual(["6:9: layers[0].vms[0].sorce: unknown key 'sorce'; did you mean 'source'?"]);
  });
});

describe('source', () => {
  it('needs exactly one kind', () => {
    expect(problemsOf(oneVm('source: {}'))).toEqual(['6:17: layers[0].vms[0].source: needs one of url, urls, containerDisk, iso, path, from']);
    expect(problemsOf(oneVm('source: { path: x, containerDisk: quay.io/a/b:1 }'))).toEqual([
      "6:28: layers[0].vms[0].source.containerDisk: 'path' and 'containerDisk' cannot be used together; expected exactly one of url, urls, containerDisk, iso, path, from",
    ]);
  });

  it('needs a checksum with url, and url with checksum', () => {
    expect(problemsOf(oneVm('source: { url: "https://example.com/d.qcow2" }'))).toEqual(["6:19: layers[0].vms[0].source.url: 'url' needs 'checksum' next to it"]);
  });

  it.each([
    ['sha256:abc', 'a sha256 digest has 64 hex digits, found 3'],
    [`sha384:${'a'.repeat(96)}`, "unknown checksum algorithm 'sha384'; expected one of md5, sha1, sha256, sha512"],
    ['a'.repeat(64), `missing the algorithm; expected sha256:aaaaaaaa… (algo:hex)`],
    [`sha512:${'a'.repeat(64)}`, "a sha512 digest has 128 hex digits, found 64; 64 digits is a sha256 digest, did you mean 'sha256:…'?"],
    [`sha1:${'g'.repeat(40)}`, 'the sha1 digest must be hexadecimal digits (0-9, a-f)'],
    [`SHA256:${'a'.repeat(64)}`, "write the algorithm in lower case: 'sha256:…'"],
  ])('checks checksum %s', (checksum, message) => {
    expect(problemsOf(oneVm(`source: { iso: { url: "https://example.com/x.iso", checksum: "${checksum}" } }`))).toEqual([`6:70: layers[0].vms[0].source.iso.checksum: ${message}`]);
  });

  it('checks URLs and container image references', () => {
    expect(problemsOf(oneVm(`source: { url: "ftp://x/y", checksum: "${SHA256}" }`))).toEqual(['6:24: layers[0].vms[0].source.url: expected an http://, https:// or file:// URL']);
    expect(problemsOf(oneVm('source: { containerDisk: "Quay.io/Debian:12" }'))).toEqual(['6:34: layers[0].vms[0].source.containerDisk: expected a container image reference such as quay.io/containerdisks/debian:12']);
  });

  it('from must name a VM of an earlier layer', () => {
    const layers = (from: string) => `name: demo
layers:
  - name: base
    vms: [{ name: web, source: { path: x } }]
  - name: app
    vms:
      - { name: app, source: { from: ${from} } }
      - { name: other, source: { path: x } }
  - name: last
    vms: [{ name: z, source: { path: x } }]
`;
    expect(problemsOf(layers('bse/web'))).toEqual(["7:38: layers[1].vms[0].source.from: no layer 'bse'; expected one of: base; did you mean 'base'?"]);
    expect(problemsOf(layers('base/wbe'))).toEqual(["7:38: layers[1].vms[0].source.from: layer 'base' has no VM 'wbe'; expected one of: web; did you mean 'web'?"]);
    expect(problemsOf(layers('app/other'))).toEqual([
      "7:38: layers[1].vms[0].source.from: 'app/other' is in this layer; expected a VM of an earlier layer (VMs of one layer are built together, so one cannot start from another)",
    ]);
    expect(problemsOf(layers('last/z'))).toEqual(["7:38: layers[1].vms[0].source.from: layer 'last' comes later; a VM can only start from an earlier layer's output (expected one of: base)"]);
    expect(problemsOf(layers('base'))).toEqual(['7:38: layers[1].vms[0].source.from: expected <layer>/<vm>, naming a VM of an earlier layer, e.g. base/web']);
  });
});

describe('names', () => {
  it('must be usable as Kubernetes names', () => {
    expect(problemsOf('name: My_Build\nlayers: [{ name: base, vms: [{ name: web, source: { path: x } }] }]\n')).toEqual(["1:7: name: 'My_Build' is not usable as a Kubernetes name; did you mean 'my-build'?"]);
    expect(problemsOf(oneVm('source: { path: x }\ndisks: [{ name: "-root" }]'))).toEqual(["7:25: layers[0].vms[0].disks[0].name: '-root' is not usable as a Kubernetes name; did you mean 'root'?"]);
    const long = 'a'.repeat(64);
    expect(problemsOf(oneVm(`source: { path: x }\ndisks: [{ name: ${long} }]`))[0]).toContain(`did you mean '${'a'.repeat(63)}'?`);
  });

  it('must be unique where they are looked up', () => {
    const text = `name: demo
network:
  vpcs:
    - { name: a, subnets: [{ name: s, cidr: 10.0.0.0/24 }] }
    - { name: a, subnets: [{ name: s, cidr: 10.1.0.0/24 }] }
layers:
  - name: base
    vms:
      - { name: web, source: { path: x }, disks: [{ name: d }, { name: d, size: 1Gi }], cdroms: [{ name: d, iso: x.iso }] }
      - { name: web, source: { path: x } }
  - name: base
    vms: [{ name: z, source: { path: x } }]
`;
    expect(problemsOf(text, { checkFiles: false })).toEqual([
      "5:15: network.vpcs[1].name: VPC 'a' is declared twice; VPC names must be unique",
      "5:36: network.vpcs[1].subnets[0].name: subnet 's' is declared twice; subnet names must be unique in the build (NICs refer to them by name)",
      "9:72: layers[0].vms[0].disks[1].name: device name 'd' is used twice; disks and cdroms of a VM need distinct names",
      "9:106: layers[0].vms[0].cdroms[0].name: device name 'd' is used twice; disks and cdroms of a VM need distinct names",
      "10:17: layers[0].vms[1].name: VM 'web' is declared twice in layer 'base'; VM names must be unique within a layer",
      "11:11: layers[1].name: layer 'base' is declared twice; layer names must be unique",
    ]);
  });
});

describe('devices', () => {
  it('rejects the IDE bus with the reason', () => {
    expect(problemsOf(oneVm('source: { path: x }\ndisks: [{ name: root, bus: IDE }]'))[0]).toMatch(/'IDE' is not accepted: KubeVirt rejects the IDE bus/);
  });

  it('needs a size for every disk after the root disk', () => {
    expect(problemsOf(oneVm('source: { path: x }\ndisks: [{ name: root }, { name: data }]'))).toEqual(["7:33: layers[0].vms[0].disks[1]: missing 'size'; every disk after the root disk needs one, e.g. size: 10Gi"]);
  });

  it('explains sizes that are almost certainly a mistake', () => {
    expect(problemsOf(oneVm('source: { path: x }\nmemory: 512m'))).toEqual([
      "7:17: layers[0].vms[0].memory: 512m is 1 byte, too small for memory; expected at least 1Mi; 'm' means milli (thousandths), did you mean '512Mi'?",
    ]);
    expect(problemsOf(oneVm('source: { path: x }\nmemory: 512'))).toEqual(["7:17: layers[0].vms[0].memory: 512 is 512 bytes, too small for memory; expected at least 1Mi; a bare number is bytes, did you mean '512Mi'?"]);
  });

  it('needs a cdrom to have files or an iso, and a label only with files', () => {
    expect(problemsOf(oneVm('source: { path: x }\ncdroms: [{ name: c }]'))).toEqual(['7:18: layers[0].vms[0].cdroms[0]: needs one of files, iso']);
    expect(problemsOf(oneVm('source: { path: x }\ncdroms: [{ name: c, iso: x.iso, label: L }]'), { checkFiles: false })).toEqual([
      "7:41: layers[0].vms[0].cdroms[0].label: 'iso' and 'label' cannot be used together; use one of them",
    ]);
  });

  it('checks NIC models and subnets', () => {
    const top = 'network:\n  vpcs: [{ name: lab, subnets: [{ name: backend, cidr: 10.20.0.0/24 }] }]\n';
    expect(problemsOf(oneVm('source: { path: x }\nnics: [{ model: virtoi, subnet: bakend }]', top))).toEqual([
      "9:25: layers[0].vms[0].nics[0].model: 'virtoi' is not valid; expected one of virtio, e1000, e1000e, rtl8139; did you mean 'virtio'?",
      "9:41: layers[0].vms[0].nics[0].subnet: unknown subnet 'bakend'; expected a subnet from network.vpcs[].subnets (declared: backend); did you mean 'backend'?",
    ]);
  });

  it('cannot compress a raw image', () => {
    expect(problemsOf(oneVm('source: { path: x }\noutput: { format: raw, compress: true }'))).toEqual([
      '7:42: layers[0].vms[0].output.compress: a raw image cannot be compressed; expected format: qcow2 with compress: true, or compress: false',
    ]);
  });

  it('knows the qcow2 compression types', () => {
    const vmOf = (output: string) => buildOf(oneVm(`source: { path: ${process.execPath} }\noutput: ${output}`)).layers[0]!.vms[0]!;
    expect(vmOf('{ compress: true, compressionType: zlib }').output).toEqual({ format: 'qcow2', compress: true, compressionType: 'zlib', sbom: true });
    expect(vmOf('{ compress: true }').output.compressionType).toBe('zstd');
    expect(problemsOf(oneVm('source: { path: x }\noutput: { compress: true, compressionType: gzip }'))).toEqual([expect.stringMatching(/output\.compressionType: .*'gzip'.*zstd, zlib/)]);
  });
});

describe('network', () => {
  it('checks CIDRs: syntax, host bits, size and overlaps within a VPC', () => {
    const text = `name: demo
network:
  vpcs:
    - name: a
      subnets:
        - { name: s1, cidr: 10.0.0.0/16 }
        - { name: s2, cidr: 10.0.1.0/24 }
        - { name: s3, cidr: 10.9.0.1/24 }
        - { name: s4, cidr: 10.8.0.0/30 }
        - { name: s5, cidr: 300.0.0.0/24 }
    - name: b
      subnets: [{ name: s6, cidr: 10.0.0.0/16 }]
layers: [{ name: base, vms: [{ name: web, source: { path: x } }] }]
`;
    expect(problemsOf(text)).toEqual([
      "7:29: network.vpcs[0].subnets[1].cidr: 10.0.1.0/24 overlaps 10.0.0.0/16 (subnet 's1') in the same VPC; expected disjoint ranges",
      '8:29: network.vpcs[0].subnets[2].cidr: 10.9.0.1/24 has host bits set; did you mean 10.9.0.0/24?',
      '9:29: network.vpcs[0].subnets[3].cidr: /30 leaves no room for VMs next to the gateway; expected a prefix of /29 or shorter',
      '10:29: network.vpcs[0].subnets[4].cidr: expected an IPv4 CIDR such as 10.20.0.0/24',
    ]);
  });

  it('needs subnets in a VPC', () => {
    expect(problemsOf('name: demo\nnetwork: { vpcs: [{ name: a }] }\nlayers: [{ name: base, vms: [{ name: web, source: { path: x } }] }]\n')).toEqual([
      "2:19: network.vpcs[0]: missing required key 'subnets' (a list of maps (Subnet))",
    ]);
  });
});

describe('HTTP server', () => {
  it('takes httpDirectory or httpContent, not both', () => {
    expect(problemsOf(oneVm('source: { path: x }\nhttpDirectory: .\nhttpContent: { /a: b }'))).toEqual(["8:9: layers[0].vms[0].httpContent: 'httpDirectory' and 'httpContent' cannot be used together; use one of them"]);
  });

  it('needs httpContent paths to start with /', () => {
    expect(problemsOf(oneVm('source: { path: x }\nhttpContent: { preseed.cfg: x }'))).toEqual([
      `7:24: layers[0].vms[0].httpContent["preseed.cfg"]: 'preseed.cfg' is not a valid key here; expected a URL path starting with '/', e.g. /preseed.cfg`,
    ]);
  });
});

describe('boot command', () => {
  it('needs waits > 0, pointing at the element', () => {
    expect(problemsOf(oneVm('source: { path: x }\nbootCommand: ["<esc>", "<wait0s>x<wait-1m><wait1m-30s>", "<wait5><wait0><wait05>"]'))).toEqual([
      "7:33: layers[0].vms[0].bootCommand[1]: '<wait0s>' waits 0s; expected a positive wait such as <wait5> or <wait500ms>",
      "7:42: layers[0].vms[0].bootCommand[1]: '<wait-1m>' waits -1m; expected a positive wait such as <wait5> or <wait500ms>",
      '7:51: layers[0].vms[0].bootCommand[1]: \'<wait1m-30s>\' is not a valid wait: Invalid wait duration "1m-30s": a sign is only allowed at its start',
    ]);
  });

  it('accepts a single string and checks its templates', () => {
    expect(problemsOf(oneVm('source: { path: x }\nbootCommand: "<enter>{{ .HTTPIp }}"'))).toEqual([
      '7:33: layers[0].vms[0].bootCommand: template: unknown field ".HTTPIp" (available here: .HTTPIP, .HTTPPort, .Name); did you mean ".HTTPIP"?',
    ]);
  });

  it('joins the elements before looking for waits, as Packer does (a wait split across elements is a wait)', () => {
    expect(problemsOf(oneVm('source: { path: x }\nbootCommand: ["<wa", "it0s>", "<wait", "-1s>", "<wait", "5>"]'))).toEqual([
      "7:24: layers[0].vms[0].bootCommand[0]: '<wait0s>' waits 0s; expected a positive wait such as <wait5> or <wait500ms>",
      "7:40: layers[0].vms[0].bootCommand[2]: '<wait-1s>' waits -1s; expected a positive wait such as <wait5> or <wait500ms>",
    ]);
  });
});

describe('durations', () => {
  it.each([
    ['bootWait: 5', "expected a string, found the number 5; a duration needs a unit, e.g. '5s'"],
    ['bootWait: "5"', "a duration needs a unit; did you mean '5s'?"],
    ['bootWait: 5 minutes', "expected a Go duration such as 5s, or a text to wait for such as <wait 'boot:'> or <waitSerial 'login:'>"],
    ['bootWait: "<wait  \'boot:\'>"', "expected <wait 'TEXT'>, <wait \"TEXT\"> or <waitSerial 'TEXT'>: one space, then TEXT in quotes"],
    ['bootWait: "<wait \'boot: (\'>"', 'Invalid regular expression "boot: (": Unterminated group'],
    ['bootTextTimeout: 5', "expected a string, found the number 5; a duration needs a unit, e.g. '5s'"],
    ['shutdownTimeout: -5m', "'-5m' is negative; expected a duration ≥ 0"],
  ])('%s', (line, message) => {
    expect(problemsOf(oneVm(`source: { path: x }\n${line}`))).toEqual([`7:${line.indexOf(':') + 11}: layers[0].vms[0].${line.split(':')[0]}: ${message}`]);
  });
});

describe('communicator', () => {
  it('needs sshUsername for ssh', () => {
    expect(problemsOf(oneVm('source: { path: x }\ncommunicator: { type: ssh }'))).toEqual([
      "7:23: layers[0].vms[0].communicator: the ssh communicator needs 'sshUsername' (or set communicator.type: none for a VM without provisioners)",
    ]);
  });

  it('defaults to ssh when there is something to run, and then needs a username', () => {
    expect(problemsOf(oneVm('source: { path: x }\nshutdownCommand: poweroff'))).toEqual(["5:9: layers[0].vms[0]: the ssh communicator needs 'sshUsername' (or set communicator.type: none for a VM without provisioners)"]);
  });

  it('refuses provisioners and shutdownCommand without a communicator', () => {
    expect(problemsOf(oneVm('source: { path: x }\ncommunicator: { type: none }\nprovisioners: [{ type: shell, inline: [x] }]\nshutdownCommand: poweroff'))).toEqual([
      "7:31: layers[0].vms[0].communicator.type: provisioners need a communicator; expected type 'ssh' (or no provisioners)",
      "9:26: layers[0].vms[0].shutdownCommand: shutdownCommand runs over SSH; expected communicator type 'ssh', or no shutdownCommand (the guest then powers itself off)",
    ]);
  });

  it('needs bastion credentials', () => {
    expect(problemsOf(oneVm('source: { path: x }\ncommunicator: { type: ssh, sshUsername: u, sshBastionHost: jump }'))).toEqual([
      '7:68: layers[0].vms[0].communicator.sshBastionHost: a bastion needs sshBastionPassword, sshBastionPrivateKeyFile (or sshPrivateKeyFile) or sshAgentAuth',
    ]);
  });

  it('hints at OpenSSH for WinRM options', () => {
    expect(problemsOf(oneVm('source: { path: x }\ncommunicator: { winrm_username: u }'))).toEqual([
      "7:25: layers[0].vms[0].communicator.winrm_username: unknown key 'winrm_username'; Packer's winrm_username → communicator.sshUsername: RudderVirt talks SSH only; install OpenSSH Server in the Windows guest (e.g. from Autounattend.xml) and use communicator type ssh",
    ]);
  });
});

describe('provisioners', () => {
  const files = tempBuildDir({ 'scripts/a.sh': 'echo a\n', 'files/motd': 'hi\n' });
  afterAll(files.cleanup);
  const prov = (p: string) => oneVm(`source: { path: x }\n${ssh}\nprovisioners:\n  - ${p}`);

  it('shell needs exactly one of inline, script, scripts', () => {
    expect(problemsOf(prov('{ type: shell }'))).toEqual(['9:13: layers[0].vms[0].provisioners[0]: needs one of inline, script, scripts']);
    expect(problemsOf(prov('{ type: shell, inline: [x], scripts: [scripts/a.sh] }'), { dir: files.dir })).toEqual([
      "9:41: layers[0].vms[0].provisioners[0].scripts: 'inline' and 'scripts' cannot be used together; expected exactly one of inline, script, scripts",
    ]);
    expect(problemsOf(prov('{ type: shell, inline: [] }'))).toEqual(['9:36: layers[0].vms[0].provisioners[0].inline: needs at least 1 item; expected a list of strings']);
  });

  it('shell scripts and file sources must exist (relative to the build file)', () => {
    expect(problemsOf(prov('{ type: shell, script: scripts/b.sh }'), { dir: files.dir })).toEqual([
      `9:36: layers[0].vms[0].provisioners[0].script: file not found: ${files.dir}/scripts/b.sh (paths are relative to the build file's folder)`,
    ]);
    expect(problemsOf(prov('{ type: shell, script: scripts }'), { dir: files.dir })).toEqual([`9:36: layers[0].vms[0].provisioners[0].script: ${files.dir}/scripts is a folder; expected a file`]);
    expect(problemsOf(prov('{ type: file, source: files/nope, destination: /etc/motd }'), { dir: files.dir })).toEqual([
      `9:35: layers[0].vms[0].provisioners[0].source: file or folder not found: ${files.dir}/files/nope (paths are relative to the build file's folder)`,
    ]);
  });

  it('shell environmentVars must be KEY=value', () => {
    expect(problemsOf(prov('{ type: shell, inline: [x], environmentVars: ["=x", "NOVALUE", "A B=c"] }'))).toEqual([
      '9:59: layers[0].vms[0].provisioners[0].environmentVars[0]: expected KEY=value, KEY an environment variable name: letters, digits and _, not starting with a digit',
      '9:65: layers[0].vms[0].provisioners[0].environmentVars[1]: expected KEY=value, KEY an environment variable name: letters, digits and _, not starting with a digit',
      "9:76: layers[0].vms[0].provisioners[0].environmentVars[2]: 'A B' is not an environment variable name; expected KEY=value, KEY of letters, digits and _, not starting with a digit",
    ]);
  });

  it('shell environmentVars keys are POSIX names, never shell code', () => {
    // Before: both passed validation and ran in the guest as part of the command line.
    expect(problemsOf(prov(`{ type: shell, inline: [x], environmentVars: ["X;echo INJECTED;Y=1", "$(touch /root/x)=1", "1A=x", "OK_1=a;b"] }`))).toEqual([
      "9:59: layers[0].vms[0].provisioners[0].environmentVars[0]: 'X;echo INJECTED;Y' is not an environment variable name; expected KEY=value, KEY of letters, digits and _, not starting with a digit",
      "9:82: layers[0].vms[0].provisioners[0].environmentVars[1]: '$(touch /root/x)' is not an environment variable name; expected KEY=value, KEY of letters, digits and _, not starting with a digit",
      "9:104: layers[0].vms[0].provisioners[0].environmentVars[2]: '1A' is not an environment variable name; expected KEY=value, KEY of letters, digits and _, not starting with a digit",
    ]);
  });

  it('shell templates: executeCommand offers Path/Vars/EnvVarFile/Command, inline does not', () => {
    expect(problemsOf(prov('{ type: shell, inline: ["{{ .Path }}"], executeCommand: "sudo {{ .Vars }} {{ .Comand }}" }'))).toEqual([
      '9:41: layers[0].vms[0].provisioners[0].inline[0]: template: unknown field ".Path" (available here: .HTTPIP, .HTTPPort, .Name)',
      '9:90: layers[0].vms[0].provisioners[0].executeCommand: template: unknown field ".Comand" (available here: .Path, .Vars, .EnvVarFile, .Command, .HTTPIP, .HTTPPort, .Name); did you mean ".Command"?',
    ]);
  });

  it('file needs a destination and a source or content, not both', () => {
    expect(problemsOf(prov('{ type: file }'))).toEqual([
      "9:13: layers[0].vms[0].provisioners[0]: missing required key 'destination' (a string)",
      '9:13: layers[0].vms[0].provisioners[0]: needs at least one of source, sources, content',
    ]);
    expect(problemsOf(prov('{ type: file, source: files/motd, content: x, destination: /x }'), { dir: files.dir })).toEqual([
      "9:47: layers[0].vms[0].provisioners[0].content: 'content' and 'source' cannot be used together; use one of them",
    ]);
    expect(problemsOf(prov('{ type: file, content: x, destination: out, direction: download }'))).toEqual(["9:36: layers[0].vms[0].provisioners[0].content: content only works with direction 'upload'"]);
    expect(problemsOf(prov('{ type: file, sources: [files/motd, scripts], destination: /etc }'), { dir: files.dir })).toEqual([
      "9:72: layers[0].vms[0].provisioners[0].destination: several sources go into a folder; end destination with '/' (e.g. '/etc/')",
    ]);
    expect(problemsOf(prov('{ type: file, content: x, destination: /x, direction: up }'))).toEqual([
      "9:67: layers[0].vms[0].provisioners[0].direction: 'up' is not valid; expected one of upload, download; did you mean 'upload'?",
    ]);
  });

  it('windows-update filters must be include: or exclude:', () => {
    expect(problemsOf(prov('{ type: windows-update, filters: ["$true"] }'))).toEqual([
      '9:47: layers[0].vms[0].provisioners[0].filters[0]: expected include:EXPR or exclude:EXPR, where EXPR is PowerShell over $_ (the update)',
    ]);
  });

  it('checks the common fields', () => {
    expect(problemsOf(prov('{ type: windows-restart, pauseBefore: -1s, maxRetries: -1, timeout: 1x }'))).toEqual([
      "9:51: layers[0].vms[0].provisioners[0].pauseBefore: '-1s' is negative; expected a duration ≥ 0",
      '9:68: layers[0].vms[0].provisioners[0].maxRetries: -1 is out of range; expected an integer ≥ 0',
      '9:81: layers[0].vms[0].provisioners[0].timeout: expected a Go duration such as 500ms, 30s, 5m or 1h30m',
    ]);
  });
});

describe('dependsOn', () => {
  const layer = (vms: string) => `name: demo\nlayers:\n  - name: base\n    vms:\n${vms}`;
  it('names VMs of the same layer, not itself', () => {
    const text = layer('      - { name: db, source: { path: x }, dependsOn: [db] }\n      - { name: app, source: { path: x }, dependsOn: [bd, web] }\n');
    expect(problemsOf(text)).toEqual([
      "5:54: layers[0].vms[0].dependsOn[0]: a VM cannot depend on itself; expected another VM of layer 'base'",
      "6:55: layers[0].vms[1].dependsOn[0]: no VM 'bd' in layer 'base'; expected one of: db; did you mean 'db'?",
      "6:59: layers[0].vms[1].dependsOn[1]: no VM 'web' in layer 'base'; expected one of: db",
    ]);
  });

  it('has no cycles', () => {
    const text = layer('      - { name: a, source: { path: x }, dependsOn: [b] }\n      - { name: b, source: { path: x }, dependsOn: [c] }\n      - { name: c, source: { path: x }, dependsOn: [a] }\n');
    expect(problemsOf(text)).toEqual(['7:53: layers[0].vms[2].dependsOn[0]: dependsOn forms a cycle (a → b → c → a); expected an order in which the VMs can start']);
  });

  it('must be a list', () => {
    expect(problemsOf(layer('      - { name: a, source: { path: x }, dependsOn: b }\n'))).toEqual(["5:52: layers[0].vms[0].dependsOn: expected a list of strings, found the text 'b'; write a list, e.g. [b]"]);
  });
});

describe('types', () => {
  it.each([
    ['cpu: "2"', "expected an integer from 1 to 512, found the text '2'; remove the quotes"],
    ['efiFirmware: yes', "expected true or false or a map (EFI), found the text 'yes'; YAML 1.2 reads 'yes' as text, write true or false"],
    ['shutdownCommand: 12', 'expected a string, found the number 12; quote it to mean the text "12"'],
    ['httpDirectory:', 'expected a string, found nothing (an empty value)'],
    ['cdroms: { name: x }', 'expected a list of maps (CD-ROM), found a map'],
  ])('%s', (line, message) => {
    const col = line.indexOf(':') + 11;
    expect(problemsOf(oneVm(`source: { path: x }\n${line}`))).toEqual([`7:${line.endsWith(':') ? 9 : col}: layers[0].vms[0].${line.split(':')[0]}: ${message}`]);
  });
});
