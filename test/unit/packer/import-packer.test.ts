/**
 * import-packer on templates written in the style of public ones (test/fixtures/packer): each
 * result validates with the project's own loader, its boot command is what Packer would type
 * (after Packer's variable expansion; {{ .HTTPIP }} and friends stay for build time), and every
 * option that did not carry over is both a warning and a "# packer:" comment.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { importPackerCommand } from '../../../src/cli/commands/import-packer.js';
import { importPacker } from '../../../src/core/packer/import-packer.js';
import { PackerTemplateError } from '../../../src/core/packer/read-template.js';
import { repoRoot } from '../../helpers/node24.js';

const fixtures = path.join(repoRoot, 'test', 'fixtures', 'packer');
const env = { DEBIAN_SSH_PASSWORD: 'from-env' };

async function imported(template: string, options: { varFiles?: string[]; vars?: Record<string, string> } = {}) {
  const result = await importPacker(template, { cwd: fixtures, env, ...options });
  expect(result.problems, result.yaml).toEqual([]);
  const vm = result.build!.layers[0]!.vms[0]!;
  return { result, vm };
}

/** Every warned option also appears as a comment in the YAML. */
function expectCommented(yaml: string, warnings: string[], options: string[]): void {
  for (const option of options) {
    expect(
      warnings.some((w) => w.includes(option)),
      `warning for ${option}`,
    ).toBe(true);
    expect(yaml).toMatch(new RegExp(`# packer: .*${option.replace(/[.*+?^${}()|[\]\\"]/g, '\\$&')}`));
  }
}

describe('import-packer: Debian preseed (JSON template)', () => {
  it('validates; user variables expanded, {{ .HTTPIP }} kept; env defaults stay env', async () => {
    const { result, vm } = await imported('debian/debian-12.json');
    expect(vm.bootCommand).toEqual([
      '<esc><wait>',
      'auto preseed/url=http://{{ .HTTPIP }}:{{ .HTTPPort }}/preseed.cfg ',
      'netcfg/get_hostname=debian12 netcfg/get_domain=localdomain ',
      'debian-installer/locale=en_US.UTF-8 keyboard-configuration/xkb-keymap=us',
      '<enter>',
    ]);
    expect(vm.source).toMatchObject({ kind: 'iso', url: 'https://cdimage.debian.org/cdimage/archive/12.8.0/amd64/iso-cd/debian-12.8.0-amd64-netinst.iso' });
    expect(vm.memoryBytes).toBe(1024 * 2 ** 20);
    expect(vm.disks[0]!.sizeBytes).toBe(8192 * 2 ** 20);
    expect(vm.httpDirectory).toBe(path.join(fixtures, 'debian', 'http'));
    expect(vm.communicator).toMatchObject({ type: 'ssh', sshUsername: 'root', sshPassword: 'from-env' });
    expect(vm.output).toMatchObject({ format: 'qcow2', compress: true, compressionType: 'zlib' });
    expect(vm.vmName).toBeDefined();
    expect(vm.provisioners[0]).toMatchObject({ type: 'shell', executeCommand: "{{ .Vars }} sh '{{ .Path }}'" });
    expectCommented(result.yaml, result.warnings, ['qemuargs', 'accelerator', 'output_directory', 'vnc_port_min', 'headless', 'ssh_host_port_min', 'provisioner "shell-local"', 'post-processor "compress"']);
    expect(result.yaml).toContain('{{env `DEBIAN_SSH_PASSWORD`}}');
  });
});

describe('import-packer: JSON variables from a var file and --var', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rv-packer-jsonvars-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a JSON var file, then --var, override the defaults (and variables may use earlier ones)', async () => {
    writeFileSync(path.join(dir, 'vars.json'), JSON.stringify({ hostname: 'from-file', release: '12.9.0' }));
    const { vm } = await imported('debian/debian-12.json', { varFiles: [path.join(dir, 'vars.json')], vars: { hostname: 'from-cli' } });
    expect(vm.bootCommand[2]).toBe('netcfg/get_hostname=from-cli netcfg/get_domain=localdomain ');
    expect(vm.source).toMatchObject({ url: expect.stringContaining('/12.9.0/amd64/iso-cd/debian-12.9.0-amd64-netinst.iso') });
  });
});

describe('import-packer: Ubuntu autoinstall (HCL2 with cd_files)', () => {
  it('validates; cd_files/cd_label become a labelled cdrom; EFI; provisioners keep their order', async () => {
    const { result, vm } = await imported('ubuntu/ubuntu.pkr.hcl');
    expect(vm.bootCommand).toEqual(['c<wait>', 'linux /casper/vmlinuz --- autoinstall ds="nocloud;"', '<enter><wait>', 'initrd /casper/initrd', '<enter><wait>', 'boot<enter>']);
    expect(vm.cdroms).toHaveLength(1);
    expect(vm.cdroms[0]).toMatchObject({ label: 'cidata' });
    expect(vm.efiFirmware).toBeTruthy();
    expect(vm.disks[0]!.sizeBytes).toBe(20 * 2 ** 30); // Packer's 20G is GiB
    expect(vm.source).toMatchObject({ kind: 'iso', url: 'https://releases.ubuntu.com/24.04.1/ubuntu-24.04.1-live-server-amd64.iso' });
    expect(vm.provisioners.map((p) => p.type)).toEqual(['file', 'shell', 'file']);
    expect(vm.shutdownCommand).toBe("echo 'ubuntu' | sudo -S shutdown -P now");
    expectCommented(result.yaml, result.warnings, ['efi_firmware_code', 'efi_firmware_vars', 'headless', 'post-processor "manifest"']);
    // ssh_password comes from a sensitive variable: its value reaches the file, so the user is told (without the value).
    expect(result.warnings).toContain('variable "ssh_password" is sensitive and its value is written into this build file: replace it with {{ env `NAME` }} (masked in logs) before committing the file');
  });
});

describe('import-packer: Fedora kickstart (HCL2 folder, variables, locals, var-file)', () => {
  it('defaults: locals built from variables, path.root, mirrors reported', async () => {
    const { result, vm } = await imported('fedora');
    expect(vm.bootCommand).toEqual(['<up><wait><tab>', ' inst.text inst.ks=http://{{ .HTTPIP }}:{{ .HTTPPort }}/ks.cfg<enter><wait>']);
    expect(vm.source).toMatchObject({ kind: 'iso', url: expect.stringContaining('/40/Everything/x86_64/iso/Fedora-Everything-netinst-x86_64-40-1.14.iso') });
    // iso_urls: mirrors, tried in order; vm_name: the output file name.
    expect((vm.source as { mirrors?: string[] }).mirrors?.length).toBeGreaterThan(0);
    expect(vm.vmName).toBeDefined();
    expect(vm.memoryBytes).toBe(2048 * 2 ** 20);
    expect(vm.disks.map((d) => d.sizeBytes)).toEqual([10 * 2 ** 30, 2048 * 2 ** 20]);
    expect(vm.disks.map((d) => d.bus)).toEqual(['scsi', 'scsi']);
    expectCommented(result.yaml, result.warnings, ['vnc_bind_address']);
  });

  it('--var-file and --var override in Packer order (var-file, then --var)', async () => {
    const { vm } = await imported('fedora', { varFiles: ['fedora/prod.pkrvars.hcl'], vars: { kickstart: 'ks-minimal.cfg' } });
    expect(vm.bootCommand).toEqual(['<up><wait><tab>', ' inst.text inst.ks=http://{{ .HTTPIP }}:{{ .HTTPPort }}/ks-minimal.cfg<enter><wait>']);
    expect(vm.source).toMatchObject({ kind: 'iso', url: expect.stringContaining('Fedora-Everything-netinst-x86_64-41-1.14.iso') });
    expect(vm.memoryBytes).toBe(4096 * 2 ** 20);
    expect(vm.disks[0]!.sizeBytes).toBe(30 * 2 ** 30);
    expect(vm.provisioners[0]).toMatchObject({ type: 'shell', environmentVars: ['RELEASE=41'], expectDisconnect: true, maxRetries: 2 });
  });
});

describe('import-packer: Windows (floppy_files, winrm)', () => {
  it('floppy files go on a labelled cdrom with a comment; WinRM credentials go to SSH with warnings', async () => {
    const { result, vm } = await imported('windows/windows-2022.pkr.hcl');
    expect(vm.bootCommand).toEqual(['<spacebar><wait><spacebar>']);
    expect(vm.cdroms[0]!.files!.map((f) => path.basename(f))).toEqual(['Autounattend.xml', 'enable-winrm.ps1']);
    expect(result.yaml).toMatch(/# packer: floppy_files: KubeVirt has no floppy drive/);
    expect(vm.disks[0]!.bus).toBe('sata');
    expect(vm.nics[0]!.model).toBe('e1000');
    expect(vm.communicator).toMatchObject({ type: 'ssh', sshUsername: 'vagrant', sshTimeout: 4 * 3600_000 });
    expect(vm.provisioners.map((p) => p.type)).toEqual(['windows-restart', 'windows-update']);
    expectCommented(result.yaml, result.warnings, ['communicator', 'winrm_use_ssl', 'winrm_insecure', 'provisioner "powershell"', 'disk_interface']);
    // The password itself is never echoed in a comment or warning.
    expect(result.warnings.join('\n')).not.toContain('vagrant');
    expect(result.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^variable "winrm_password" is sensitive/)]));
  });
});

describe('import-packer: cloud image (disk_image)', () => {
  it('disk_image becomes source.url; a bare digest gets its algorithm; cd_files globs expanded', async () => {
    const { result, vm } = await imported('cloud');
    expect(vm.bootCommand).toEqual([]);
    expect(vm.source).toMatchObject({ kind: 'url', url: expect.stringContaining('genericcloud-amd64'), checksum: { algorithm: 'sha512' } });
    expect(vm.cdroms[0]!.files!.map((f) => path.basename(f))).toEqual(['meta-data', 'user-data']);
    expect(vm.disks[0]!.sizeBytes).toBe(4 * 2 ** 30);
    expectCommented(result.yaml, result.warnings, ['use_backing_file', 'skip_compaction']);
  });
});

describe('import-packer: what it cannot evaluate or map is reported, not guessed', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rv-packer-mixed-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('functions, other builders, only/except and kubevirt-iso', async () => {
    writeFileSync(
      path.join(dir, 'mixed.pkr.hcl'),
      `source "qemu" "a" {
  iso_url      = "https://example.org/a.iso"
  iso_checksum = "md5:0123456789abcdef0123456789abcdef"
  http_content = { "/ks.cfg" = templatefile("ks.pkrtpl", { user = "root" }) }
  boot_command = ["<tab> ks=http://{{ .HTTPIP }}:{{ .HTTPPort }}/ks.cfg<enter>"]
  ssh_username = "root"
}
source "virtualbox-iso" "b" {
  iso_url = "https://example.org/b.iso"
}
build {
  sources = ["source.qemu.a", "source.virtualbox-iso.b"]
  provisioner "shell" {
    only   = ["virtualbox-iso.b"]
    inline = ["echo vbox"]
  }
  provisioner "shell" {
    except = ["virtualbox-iso.b"]
    inline = ["echo qemu"]
  }
}
`,
    );
    const result = await importPacker('mixed.pkr.hcl', { cwd: dir });
    expect(result.problems).toEqual([]);
    const vms = result.build!.layers[0]!.vms;
    expect(vms.map((v) => v.name)).toEqual(['a']);
    expect(vms[0]!.httpContent).toBeUndefined();
    expect(vms[0]!.provisioners).toMatchObject([{ type: 'shell', inline: ['echo qemu'] }]);
    expect(result.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^source\.qemu\.a: http_content = .*templatefile.*: uses .*templatefile.*which import-packer does not evaluate/),
        expect.stringMatching(/^source\.virtualbox-iso\.b skipped: only qemu and kubevirt-iso builders are imported/),
      ]),
    );
  });

  it("HCL's JSON syntax (.pkr.json): blocks as objects, provisioners as an ordered list", async () => {
    writeFileSync(
      path.join(dir, 't.pkr.json'),
      JSON.stringify({
        variable: { cpus: { default: 3 } },
        source: { qemu: { j: { iso_url: 'https://example.org/j.iso', iso_checksum: 'md5:0123456789abcdef0123456789abcdef', cpus: '${var.cpus}', ssh_username: 'root', boot_command: ['<enter>${var.cpus}'] } } },
        build: { sources: ['source.qemu.j'], provisioner: [{ file: { content: 'x', destination: '/x' } }, { shell: { inline: ['echo 1'] } }, { file: { content: 'y', destination: '/y' } }] },
      }),
    );
    const result = await importPacker('t.pkr.json', { cwd: dir });
    expect(result.problems).toEqual([]);
    const vm = result.build!.layers[0]!.vms[0]!;
    expect(vm.cpu).toBe(3);
    expect(vm.bootCommand).toEqual(['<enter>3']);
    expect(vm.provisioners.map((p) => (p.type === 'file' ? p.destination : p.type))).toEqual(['/x', 'shell', '/y']);
  });

  it('maps checksum file:, iso_urls, vm_name and qemuargs instead of listing them as unmapped', async () => {
    writeFileSync(
      path.join(dir, 'mirrors.json'),
      JSON.stringify({
        builders: [
          {
            type: 'qemu',
            iso_urls: ['https://a.example/debian-12.iso', 'https://b.example/debian-12.iso'],
            iso_checksum: 'file:https://a.example/SHA512SUMS',
            vm_name: 'debian-12.qcow2',
            qemuargs: [
              ['-m', '2048M'],
              ['-device', 'virtio-rng-pci,', 'max-bytes=1024'],
            ],
            ssh_username: 'root',
          },
        ],
      }),
    );
    const result = await importPacker('mirrors.json', { cwd: dir });
    expect(result.problems).toEqual([]);
    const vm = result.build!.layers[0]!.vms[0]!;
    expect(vm.source).toEqual({ kind: 'iso', url: 'https://a.example/debian-12.iso', mirrors: ['https://b.example/debian-12.iso'], checksum: { file: 'https://a.example/SHA512SUMS' } });
    expect(vm.vmName).toBe('debian-12.qcow2');
    expect(vm.qemuArgs).toEqual([
      ['-m', '2048M'],
      ['-device', 'virtio-rng-pci,', 'max-bytes=1024'],
    ]);
    expect(result.warnings.filter((w) => /iso_urls|iso_checksum|vm_name/.test(w))).toEqual([]);
    expect(result.yaml).toMatch(/# packer: qemuargs = .*local engine only/);
  });

  it('a kubevirt-iso source without an ISO URL does not validate: the source is named as missing', async () => {
    writeFileSync(
      path.join(dir, 'kv.pkr.hcl'),
      `source "kubevirt-iso" "win" {
  iso_volume_name = "win2022-iso"
  instance_type   = "u1.large"
  disk_size       = "64Gi"
  boot_command    = ["<enter>"]
  ssh_username    = "admin"
}
build {
  sources = ["source.kubevirt-iso.win"]
}
`,
    );
    const result = await importPacker('kv.pkr.hcl', { cwd: dir });
    expect(result.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/iso_volume_name/), expect.stringMatching(/instance_type/), expect.stringMatching(/disk_size/)]));
    expect(result.problems.map((p) => p.message)).toEqual(expect.arrayContaining([expect.stringMatching(/source/)]));
    expect(result.yaml).toContain('# packer: iso_volume_name');
  });
});

describe('import-packer: broken templates are located errors', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'rv-packer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    writeFileSync(path.join(dir, name), text);
    return name;
  };
  const problemOf = async (template: string, options = {}) => {
    const err = await importPacker(template, { cwd: dir, ...options }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(PackerTemplateError);
    return (err as PackerTemplateError).problems[0]!;
  };

  it('JSON syntax error: file, line and column', async () => {
    const p = await problemOf(write('bad.json', '{\n  "builders": [\n    { "type": "qemu", }\n  ]\n}\n'));
    expect(p).toMatchObject({ file: 'bad.json', line: 3 });
    expect(p.message).toMatch(/^JSON: /);
  });

  it('HCL syntax error: file, line and column from the HCL parser', async () => {
    const p = await problemOf(write('bad.pkr.hcl', 'source "qemu" "x" {\n  cpus = \n}\n'));
    expect(p).toMatchObject({ file: 'bad.pkr.hcl', line: 2, column: 10 });
    expect(p.message).toMatch(/^HCL: /);
  });

  it('an undeclared variable is located where it is used', async () => {
    const p = await problemOf(write('undeclared.pkr.hcl', 'source "qemu" "x" {\n  iso_url = var.nope\n}\nbuild {\n  sources = ["source.qemu.x"]\n}\n'));
    expect(p).toMatchObject({ file: 'undeclared.pkr.hcl', line: 2 });
    expect(p.message).toContain('var.nope is not declared');
  });

  it('a JSON user variable that is not declared', async () => {
    const p = await problemOf(write('user.json', '{\n  "builders": [{ "type": "qemu",\n    "iso_url": "{{user `missing`}}" }]\n}\n'));
    expect(p).toMatchObject({ file: 'user.json', line: 3 });
    expect(p.message).toContain("'missing'");
  });

  it('a build naming a source that does not exist', async () => {
    const p = await problemOf(write('nosource.pkr.hcl', 'build {\n  sources = ["source.qemu.ghost"]\n}\n'));
    expect(p).toMatchObject({ line: 2 });
    expect(p.message).toContain('source.qemu.ghost is not declared');
  });

  it('--var for an undeclared variable', async () => {
    const p = await problemOf(write('ok.pkr.hcl', 'variable "a" {\n  default = "x"\n}\nsource "qemu" "x" {\n  cpus = 1\n}\nbuild {\n  sources = ["source.qemu.x"]\n}\n'), { vars: { b: '1' } });
    expect(p.message).toContain('variable "b" is not declared');
  });
});

describe('ruddervirt import-packer (the command)', () => {
  async function run(args: string[]) {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: string[] = [];
    const err: string[] = [];
    stdout.on('data', (c: Buffer) => out.push(c.toString()));
    stderr.on('data', (c: Buffer) => err.push(c.toString()));
    const code = await importPackerCommand.run(args, { stdout, stderr, env, cwd: fixtures, signal: new AbortController().signal });
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  it('exit 0, YAML on stdout, warnings on stderr', async () => {
    const r = await run(['debian/debian-12.json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Imported from debian-12\.json/);
    expect(r.stderr).toMatch(/^warning: source\.qemu\.debian: qemuargs = .*left out: \[-serial, file:serial\.log\]/m);
  });

  it("exit 1 with the result's problems when it does not validate (iso_checksum none)", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rv-packer-cli-'));
    try {
      writeFileSync(path.join(dir, 't.json'), JSON.stringify({ builders: [{ type: 'qemu', iso_url: 'https://example.org/a.iso', iso_checksum: 'none' }] }));
      const r = await run([path.join(dir, 't.json')]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/warning: source\.qemu\.qemu: iso_checksum = .*none \(no checksum\) is not accepted/);
      expect(r.stderr).toMatch(/<stdout>:\d+:\d+: layers\[0\]\.vms\[0\]\.source\.iso: missing required key 'checksum'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exit 1 with a located error for a broken template', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'rv-packer-cli-'));
    try {
      writeFileSync(path.join(dir, 'b.pkr.hcl'), 'source "qemu" "x" {\n  cpus = \n}\n');
      const r = await run([path.join(dir, 'b.pkr.hcl')]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/b\.pkr\.hcl:2:10: HCL: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
