/** The VM verify boots: the finished image, no provisioners, verify's boot command, a fresh cloud-init seed where the build used one. */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { seedUserData, verifyVm } from '../../../src/core/verify/verify-vm.js';
import { buildOf, oneVm } from '../config/helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function workDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'rvtest-verify-vm-'));
  dirs.push(d);
  return d;
}

const file = process.execPath;
const vmOf = (lines: string) => buildOf(oneVm(`source: { path: ${file} }\n${lines}`)).layers[0]!.vms[0]!;

describe('verifyVm', () => {
  it('without cloud-init: the image as a path source, verify’s boot command, the communicator as built, nothing else from the build', async () => {
    const vm = vmOf(`bootCommand: ["installer<enter>"]
cdroms: [{ name: answers, files: [${file}], label: OEMDRV }]
communicator: { type: ssh, sshUsername: root, sshPassword: pw-123 }
provisioners: [{ type: shell, inline: [echo hi] }]
shutdownCommand: poweroff
output: { dataSource: { name: golden } }
verify: { bootCommand: ["<waitSerial 'boot:'>", "guest<enter>"], checks: [ok] }`);
    const { vm: derived, instanceId } = await verifyVm(vm, '/out/base-web.qcow2', workDir());
    expect(instanceId).toBeUndefined();
    expect(derived).toMatchObject({ source: { kind: 'path', path: '/out/base-web.qcow2' }, cdroms: [], provisioners: [], bootCommand: ["<waitSerial 'boot:'>", 'guest<enter>'], bootWait: -1, dependsOn: [] });
    expect(derived.shutdownCommand).toBeUndefined();
    expect(derived.output.sbom).toBe(false);
    // It checks the image and publishes nothing: no golden image behind a DataSource.
    expect(vm.output.dataSource?.name).toBe('golden');
    expect(derived.output.dataSource).toBeUndefined();
    expect(derived.communicator).toEqual(vm.communicator);
  });

  it('with a cidata cdrom: a fresh seed (new instance-id each time) and a throw-away key the communicator uses; other cdroms left out', async () => {
    const vm = vmOf(`cdroms:
  - { name: cidata, files: [${file}], label: cidata, type: disk }
  - { name: drivers, files: [${file}], label: DRIVERS }
communicator: { type: ssh, sshUsername: builder, sshPassword: pw-123 }
verify: { checks: [ok] }`);
    const dir = workDir();
    const first = await verifyVm(vm, '/out/base-web.qcow2', dir);
    const second = await verifyVm(vm, '/out/base-web.qcow2', workDir());
    expect(first.instanceId).toMatch(/^ruddervirt-verify-[0-9a-f-]{36}$/);
    expect(second.instanceId).not.toBe(first.instanceId);
    const [seed] = first.vm.cdroms;
    expect(first.vm.cdroms).toHaveLength(1);
    expect(seed).toMatchObject({ name: 'cidata', label: 'cidata', type: 'disk' });
    expect(seed!.files!.map((f) => path.basename(f))).toEqual(['user-data', 'meta-data']);
    expect(readFileSync(seed!.files![1]!, 'utf8')).toBe(`instance-id: ${first.instanceId}\nlocal-hostname: web\n`);
    const keyFile = first.vm.communicator.sshPrivateKeyFile!;
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(first.vm.communicator).toMatchObject({ sshUsername: 'builder', sshPassword: 'pw-123', sshAgentAuth: false });
    // The key in user-data is the public half of the key the communicator will use.
    const userData = readFileSync(seed!.files![0]!, 'utf8');
    expect(userData.startsWith('#cloud-config\n')).toBe(true);
    const config = parse(userData) as { users: [string, { name: string; sudo: string; lock_passwd: boolean; ssh_authorized_keys: string[] }] };
    expect(config.users[0]).toBe('default');
    expect(config.users[1]).toMatchObject({ name: 'builder', lock_passwd: false, sudo: 'ALL=(ALL) NOPASSWD:ALL' });
    const parsed = ssh2.utils.parseKey(readFileSync(keyFile));
    if (parsed instanceof Error) throw parsed;
    const key = Array.isArray(parsed) ? parsed[0]! : parsed;
    expect(config.users[1].ssh_authorized_keys[0]).toBe(`${key.type} ${key.getPublicSSH().toString('base64')} ruddervirt verify web`);
  });

  it('root gets the key with disable_root off', () => {
    const config = parse(seedUserData('root', 'ssh-ed25519 AAAA test')) as Record<string, unknown>;
    expect(config).toEqual({ disable_root: false, ssh_authorized_keys: ['ssh-ed25519 AAAA test'] });
  });
});
