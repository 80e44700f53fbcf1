/** What a valid build file loads into: defaults, paths, variables, env, secrets, positions. */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileProvisioner, ShellProvisioner, WindowsRestartProvisioner, WindowsUpdateProvisioner } from '../../../src/core/config/model.js';
import { loadBuild } from '../../../src/core/config/load.js';
import { BuildFileError } from '../../../src/core/config/problems.js';
import { renderTemplate } from '../../../src/core/template/render.js';
import { UserError } from '../../../src/core/errors.js';
import { repoRoot } from '../../helpers/node24.js';
import { buildOf, oneVm, problemsOf, tempBuildDir } from './helpers.js';

const files = tempBuildDir({
  'http/preseed.cfg': 'd-i x\n',
  'scripts/a.sh': 'echo a\n',
  'scripts/b.sh': 'echo b\n',
  'seed/user-data': '#cloud-config\n',
  'seed/meta-data': '{}\n',
  'keys/id_ed25519': 'key\n',
  'media/drivers.iso': 'iso\n',
});
afterAll(files.cleanup);
const dir = files.dir;

describe('defaults (Packer where Packer has the concept)', () => {
  const vm = buildOf(oneVm('source: { path: disk.qcow2 }')).layers[0]!.vms[0]!;

  it('fills the VM', () => {
    expect(vm).toMatchObject({
      name: 'web',
      cpu: 1,
      memoryBytes: 512 * 1024 ** 2,
      disks: [{ name: 'root', sizeBytes: 40 * 1024 ** 3, bus: 'virtio' }],
      cdroms: [],
      nics: [{ model: 'virtio' }],
      bootWait: 10_000,
      bootCommand: [],
      provisioners: [],
      shutdownTimeout: 300_000,
      output: { format: 'qcow2', compress: false },
      dependsOn: [],
    });
    expect(vm.efiFirmware).toBeUndefined();
    expect(vm.bootKeyInterval).toBeUndefined();
    expect(vm.shutdownCommand).toBeUndefined();
  });

  it('uses no communicator for a VM with nothing to run over SSH', () => {
    expect(vm.communicator.type).toBe('none');
  });

  it('fills the ssh communicator: 5m and 10 attempts only when neither is set (SDK ≥ 0.3.1)', () => {
    const comm = (c: string) => buildOf(oneVm(`source: { path: x }\ncommunicator: { sshUsername: u${c} }\nshutdownCommand: poweroff`)).layers[0]!.vms[0]!.communicator;
    expect(comm('')).toEqual({
      type: 'ssh',
      sshUsername: 'u',
      sshPort: 22,
      sshAgentAuth: false,
      sshTimeout: 300_000,
      sshHandshakeAttempts: 10,
      sshPty: false,
      sshKeepAliveInterval: 5000,
      sshBastionPort: 22,
      pauseBeforeConnecting: 0,
    });
    expect(comm(', sshTimeout: 20m')).toMatchObject({ sshTimeout: 1_200_000, sshHandshakeAttempts: 0 });
    expect(comm(', sshHandshakeAttempts: 3')).toMatchObject({ sshTimeout: 0, sshHandshakeAttempts: 3 });
    expect(comm(', sshKeepAliveInterval: -1s')).toMatchObject({ sshKeepAliveInterval: -1000 });
  });

  it('treats bootWait 0 as the default and a negative one as no wait (as Packer does)', () => {
    const wait = (w: string) => buildOf(oneVm(`source: { path: x }\nbootWait: ${w}`)).layers[0]!.vms[0]!.bootWait;
    expect(wait('0s')).toBe(10_000);
    expect(wait('-1s')).toBe(-1000);
    expect(wait('1m30s')).toBe(90_000);
    expect(wait('250ms')).toBe(250);
  });

  it('reads sizes, EFI, key interval and the network', () => {
    const build = buildOf(
      oneVm(
        'source: { path: x }\nmemory: 1.5Gi\ncpu: 4\nefiFirmware: true\nbootKeyInterval: 10ms\ndisks: [{ name: root, size: 20e9, bus: scsi }, { name: data, size: 1073741824, bus: sata }]\nnics: [{ model: e1000e, subnet: backend }, {}]',
        'network:\n  vpcs: [{ name: lab, internet: false, subnets: [{ name: backend, cidr: 10.20.0.0/24 }] }]\n',
      ),
    );
    const vm = build.layers[0]!.vms[0]!;
    expect(vm.memoryBytes).toBe(1.5 * 1024 ** 3);
    expect(vm.cpu).toBe(4);
    expect(vm.efiFirmware).toEqual({ secureBoot: false });
    expect(vm.bootKeyInterval).toBe(10);
    expect(vm.disks).toEqual([
      { name: 'root', sizeBytes: 20e9, bus: 'scsi' },
      { name: 'data', sizeBytes: 1024 ** 3, bus: 'sata' },
    ]);
    expect(vm.nics).toEqual([{ model: 'e1000e', subnet: 'backend' }, { model: 'virtio' }]);
    expect(build.network).toEqual({ vpcs: [{ name: 'lab', internet: false, subnets: [{ name: 'backend', cidr: '10.20.0.0/24' }] }] });
    expect(buildOf(oneVm('source: { path: x }\nefiFirmware: { secureBoot: true }')).layers[0]!.vms[0]!.efiFirmware).toEqual({ secureBoot: true });
  });

  it('defaults a VPC to internet: true and declares no VPC without a network', () => {
    expect(buildOf(oneVm('source: { path: x }', 'network: { vpcs: [{ name: a, subnets: [{ name: s, cidr: 10.0.0.0/16 }] }] }\n')).network.vpcs[0]!.internet).toBe(true);
    expect(buildOf(oneVm('source: { path: x }')).network).toEqual({ vpcs: [] });
  });
});

describe('sources', () => {
  const sha = 'sha256:' + 'AB'.repeat(32);
  it.each([
    [`{ url: "https://example.com/d.qcow2", checksum: "${sha}" }`, { kind: 'url', url: 'https://example.com/d.qcow2', checksum: { algorithm: 'sha256', hex: 'ab'.repeat(32) } }],
    ['{ containerDisk: "quay.io/containerdisks/debian:12" }', { kind: 'containerDisk', image: 'quay.io/containerdisks/debian:12' }],
    [`{ iso: { url: "https://example.com/x.iso", checksum: "md5:${'0'.repeat(32)}" } }`, { kind: 'iso', url: 'https://example.com/x.iso', checksum: { algorithm: 'md5', hex: '0'.repeat(32) } }],
    ['{ path: images/disk.qcow2 }', { kind: 'path', path: path.join(dir, 'images/disk.qcow2') }],
  ])('source %s', (source, want) => {
    expect(buildOf(oneVm(`source: ${source}`), { dir }).layers[0]!.vms[0]!.source).toEqual(want);
  });

  it('from names a layer and a VM', () => {
    const build = buildOf(`name: demo
layers:
  - { name: base, vms: [{ name: web, source: { path: x } }] }
  - { name: app, vms: [{ name: app, source: { from: base/web } }] }
`);
    expect(build.layers[1]!.vms[0]!.source).toEqual({ kind: 'from', layer: 'base', vm: 'web' });
  });
});

describe('paths resolve against the build file folder', () => {
  it('resolves every local path, keeping a trailing slash where it means "contents"', () => {
    const build = buildOf(
      oneVm(
        `source: { path: x }
httpDirectory: http
cdroms: [{ name: seed, files: [seed/user-data, seed/meta-data], label: cidata }, { name: drivers, iso: media/drivers.iso }]
communicator: { sshUsername: u, sshPrivateKeyFile: keys/id_ed25519 }
provisioners:
  - { type: shell, script: scripts/a.sh }
  - { type: shell, scripts: [scripts/a.sh, scripts/b.sh] }
  - { type: file, source: seed/, destination: /etc/seed/ }
  - { type: file, sources: [seed/user-data, http/preseed.cfg], destination: /tmp/ }
  - { type: file, source: /var/log/installer/, destination: logs/, direction: download }
  - { type: file, source: out/made-later.txt, destination: /tmp/x, generated: true }`,
      ),
      { dir },
    );
    const vm = build.layers[0]!.vms[0]!;
    expect(build.file).toBe(path.join(dir, 'build.yaml'));
    expect(build.dir).toBe(dir);
    expect(vm.httpDirectory).toBe(path.join(dir, 'http'));
    expect(vm.cdroms).toEqual([
      { name: 'seed', files: [path.join(dir, 'seed/user-data'), path.join(dir, 'seed/meta-data')], label: 'cidata' },
      { name: 'drivers', iso: path.join(dir, 'media/drivers.iso') },
    ]);
    expect(vm.communicator.sshPrivateKeyFile).toBe(path.join(dir, 'keys/id_ed25519'));
    const [a, ab, up, many, down, generated] = vm.provisioners as [ShellProvisioner, ShellProvisioner, FileProvisioner, FileProvisioner, FileProvisioner, FileProvisioner];
    expect(a.script).toBe(path.join(dir, 'scripts/a.sh'));
    expect(ab.scripts).toEqual([path.join(dir, 'scripts/a.sh'), path.join(dir, 'scripts/b.sh')]);
    expect(up).toMatchObject({ sources: [path.join(dir, 'seed') + '/'], destination: '/etc/seed/', direction: 'upload' });
    expect(many.sources).toEqual([path.join(dir, 'seed/user-data'), path.join(dir, 'http/preseed.cfg')]);
    expect(down).toMatchObject({ sources: ['/var/log/installer/'], destination: path.join(dir, 'logs') + '/', direction: 'download' });
    expect(generated).toMatchObject({ sources: [path.join(dir, 'out/made-later.txt')], generated: true });
  });

  it('labels a files cdrom "packer" by default (Packer cd_label)', () => {
    expect(buildOf(oneVm('source: { path: x }\ncdroms: [{ name: seed, files: [seed] }]'), { dir }).layers[0]!.vms[0]!.cdroms[0]!.label).toBe('packer');
  });

  it('checks files only when asked', () => {
    const text = oneVm('source: { path: x }\nhttpDirectory: missing');
    expect(problemsOf(text, { dir })).toHaveLength(1);
    expect(buildOf(text, { dir, checkFiles: false }).layers[0]!.vms[0]!.httpDirectory).toBe(path.join(dir, 'missing'));
  });
});

describe('provisioner defaults', () => {
  const provs = buildOf(
    oneVm(`source: { path: x }
communicator: { sshUsername: u }
provisioners:
  - { type: shell, inline: "echo one" }
  - { type: shell, inline: [a, b], useEnvVarFile: true, pauseBefore: 5s, timeout: 1m, maxRetries: 2, name: second }
  - { type: windows-update }
  - { type: windows-restart }
  - { type: file, content: hello, destination: /etc/motd }`),
  ).layers[0]!.vms[0]!.provisioners;

  it('shell', () => {
    expect(provs[0]).toEqual({
      type: 'shell',
      pauseBefore: 0,
      timeout: 0,
      maxRetries: 0,
      inline: ['echo one'],
      environmentVars: [],
      env: {},
      executeCommand: 'chmod +x {{ .Path }}; {{ .Vars }} {{ .Path }}',
      inlineShebang: '/bin/sh -e',
      remoteFolder: '/tmp',
      validExitCodes: [0],
      expectDisconnect: false,
      startRetryTimeout: 300_000,
      skipClean: false,
      binary: false,
      useEnvVarFile: false,
    });
    expect(provs[1]).toMatchObject({
      name: 'second',
      pauseBefore: 5000,
      timeout: 60_000,
      maxRetries: 2,
      executeCommand: 'chmod +x {{ .Path }}; . {{ .EnvVarFile }} && {{ .Path }}',
    });
  });

  it('windows-update and windows-restart', () => {
    expect(provs[2] as WindowsUpdateProvisioner).toMatchObject({
      searchCriteria: 'BrowseOnly=0 and IsInstalled=0',
      filters: ['include:$true'],
      updateLimit: 1000,
      updateMaxRetries: 5,
      restartTimeout: 4 * 3_600_000,
      maxReboots: 10,
    });
    expect(provs[3] as WindowsRestartProvisioner).toMatchObject({
      restartCommand: 'shutdown /r /f /t 0 /c "packer restart"',
      restartTimeout: 300_000,
      checkRegistry: false,
    });
  });

  it('file with content', () => {
    expect(provs[4]).toMatchObject({ type: 'file', sources: [], content: 'hello', destination: '/etc/motd', direction: 'upload', generated: false });
  });
});

describe('variables and the environment', () => {
  const text = `name: "demo-{{ user \`release\` }}"
variables:
  release: 12
  version: 1.10
  mirror: "{{ env \`MIRROR\` }}"
layers:
  - name: base
    vms:
      - name: web
        source: { url: "https://{{ user \`mirror\` }}/debian-{{ user \`release\` }}.qcow2", checksum: "sha256:${'0'.repeat(64)}" }
        bootCommand: ["<esc>{{ env \`KEYS\` }}", "url=http://{{ .HTTPIP }}:{{ .HTTPPort }}/{{ user \`release\` }}<enter>"]
`;

  it('keeps numbers as written, reads env in defaults, and renders env/user at load time', () => {
    const build = buildOf(text, { env: { MIRROR: 'mirror.example.com', KEYS: '<wait>' } });
    expect(build.name).toBe('demo-12');
    expect(build.variables).toEqual({ release: '12', version: '1.10', mirror: 'mirror.example.com' });
    const vm = build.layers[0]!.vms[0]!;
    expect(vm.source).toMatchObject({ url: 'https://mirror.example.com/debian-12.qcow2' });
    expect(vm.bootCommand).toEqual(['<esc><wait>', 'url=http://{{ .HTTPIP }}:{{ .HTTPPort }}/12<enter>']);
    expect(renderTemplate(vm.bootCommand[1]!, { fields: { HTTPIP: '10.0.2.2', HTTPPort: 8080, Name: vm.name } })).toBe('url=http://10.0.2.2:8080/12<enter>');
  });

  it('lets --var override a declared variable', () => {
    expect(buildOf(text, { vars: { release: '13' }, env: { MIRROR: 'm' } }).name).toBe('demo-13');
  });

  it('rejects --var for a variable the file does not declare', () => {
    expect(problemsOf(text, { vars: { relase: '13' }, env: { MIRROR: 'm' } })).toEqual(["2:1: variables: --var relase=…: no variable 'relase' is declared; declared: release, version, mirror; did you mean 'release'?"]);
    expect(problemsOf(oneVm('source: { path: x }'), { vars: { a: 'b' } })).toEqual(["1:1: variables: --var a=…: no variable 'a' is declared; the build declares no variables"]);
  });

  it('checks a rendered value against its format', () => {
    expect(problemsOf(text, { vars: { release: 'Twelve' }, env: { MIRROR: 'm' } })).toEqual(["1:7: name: renders to 'demo-Twelve': 'demo-Twelve' is not usable as a Kubernetes name; did you mean 'demo-twelve'?"]);
  });

  it('reports unknown variables and functions where they are written', () => {
    expect(problemsOf('name: demo\nvariables: { a: "{{ user `b` }}" }\nlayers: [{ name: base, vms: [{ name: web, source: { path: "{{ enb `X` }}" } }] }]\n')).toEqual([
      "2:21: variables.a: template: the user function is not available here (a variable's default may use env, not user)",
      '3:63: layers[0].vms[0].source.path: template: unknown function "enb" (functions: env, user); did you mean "env"?',
    ]);
  });
});

describe('secrets', () => {
  it('collects passwords, secret-looking env values and environment variables', () => {
    const build = buildOf(
      oneVm(`source: { path: x }
communicator:
  sshUsername: u
  sshPassword: "{{ env \`SSH_PASSWORD\` }}"
  sshBastionHost: jump
  sshBastionPassword: bastion-pw
provisioners:
  - type: shell
    inline: ["curl -H 'Authorization: {{ env \`API_TOKEN\` }}' {{ env \`URL\` }}"]
    environmentVars: ["DB_PASSWORD=db-pw", "PLAIN=visible"]
    env: { REGISTRY_TOKEN: reg-token, HOME_DIR: /root }`),
      { env: { SSH_PASSWORD: 'ssh-pw', API_TOKEN: 'api-token', URL: 'https://example.com' } },
    );
    expect(build.secrets.sort()).toEqual(['api-token', 'bastion-pw', 'db-pw', 'reg-token', 'ssh-pw']);
    expect(build.layers[0]!.vms[0]!.communicator.sshPassword).toBe('ssh-pw');
  });
});

describe('positions', () => {
  it('records where each VM field was written', () => {
    const vm = buildOf(oneVm('source: { path: x }\nbootCommand:\n  - "<esc>"\n  - "<enter>"')).layers[0]!.vms[0]!;
    expect(vm.positions?.['bootCommand.1']).toEqual({ file: expect.stringMatching(/build\.yaml$/) as string, line: 9, column: 13 });
    expect(vm.positions?.['source.path']).toMatchObject({ line: 6, column: 19 });
  });
});

describe('loadBuild', () => {
  it('reads a file relative to cwd and reports it as written', () => {
    const build = loadBuild('examples/debian-cloud.yaml', { cwd: repoRoot, env: {} });
    expect(build.file).toBe(path.join(repoRoot, 'examples', 'debian-cloud.yaml'));
    expect(build.layers[0]!.vms[0]!.cdroms[0]!.files).toEqual([path.join(repoRoot, 'examples/files/cloud-init/user-data'), path.join(repoRoot, 'examples/files/cloud-init/meta-data')]);
  });

  it('throws a BuildFileError (a UserError: no stack trace) for a missing file', () => {
    let err: unknown;
    try {
      loadBuild('no-such-build.yaml', { cwd: dir });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BuildFileError);
    expect(err).toBeInstanceOf(UserError);
    expect((err as BuildFileError).message).toBe('no-such-build.yaml:1:1: cannot read the build file: no such file');
  });
});
