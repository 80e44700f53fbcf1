/**
 * The VM that verify boots: the build's VM with its finished image as the source (a path: the
 * local engine boots an overlay on it, the kubevirt engine uploads it), no provisioners, verify's
 * own boot command, and — where the image uses cloud-init (the VM had a cidata cdrom) — a fresh
 * NoCloud seed: a new instance-id, so cloud-init treats the boot as a new instance and runs its
 * per-instance modules again, and a throw-away SSH key for the communicator's user, which the
 * communicator then uses. Other cdroms (installer answers, driver disks) were for the build and
 * are left out. The seed follows cloud-init's NoCloud datasource (doc/rtd/reference/datasources/
 * nocloud.rst: a volume labelled cidata holding user-data and meta-data).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { generateEd25519KeyPair } from '../communicator/throwaway-key.js';
import type { Cdrom, Vm } from '../config/model.js';

export interface VerifyVm {
  vm: Vm;
  /** The fresh seed's instance-id, when the image uses cloud-init. */
  instanceId?: string;
}

export function cloudInitSeedOf(vm: Vm): Cdrom | undefined {
  return vm.cdroms.find((c) => c.files && c.label?.toLowerCase() === 'cidata');
}

/** user-data for the fresh seed: the key goes to the communicator's user, made if the image lacks it. */
export function seedUserData(user: string, publicKey: string): string {
  const key = JSON.stringify(publicKey.trim());
  if (user === 'root') return `#cloud-config\ndisable_root: false\nssh_authorized_keys:\n  - ${key}\n`;
  // lock_passwd false: a user the build made keeps its password; sudo as cloud images give their default user.
  return `#cloud-config\nusers:\n  - default\n  - name: ${JSON.stringify(user)}\n    sudo: "ALL=(ALL) NOPASSWD:ALL"\n    lock_passwd: false\n    ssh_authorized_keys:\n      - ${key}\n`;
}

export async function verifyVm(vm: Vm, image: string, workDir: string): Promise<VerifyVm> {
  const verify = vm.verify;
  if (!verify) throw new Error(`internal: vm ${vm.name} has no verify block`);
  const derived: Vm = {
    ...vm,
    source: { kind: 'path', path: image },
    cdroms: [],
    bootCommand: verify.bootCommand,
    bootWait: verify.bootWait,
    provisioners: [],
    dependsOn: [],
    output: { ...vm.output, sbom: false },
  };
  // The verify VM checks the image; it publishes nothing (no golden image behind a DataSource).
  delete derived.output.dataSource;
  delete derived.bootWaitText;
  delete derived.shutdownCommand;
  if (verify.bootWaitText) derived.bootWaitText = verify.bootWaitText;
  const seed = cloudInitSeedOf(vm);
  if (!seed || !vm.communicator.sshUsername) return { vm: derived };

  const instanceId = `ruddervirt-verify-${randomUUID()}`;
  const keys = await generateEd25519KeyPair(`ruddervirt verify ${vm.name}`);
  const dir = path.join(workDir, 'verify-seed');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const keyFile = path.join(workDir, 'verify-key');
  await writeFile(keyFile, keys.private, { mode: 0o600 });
  await writeFile(path.join(dir, 'user-data'), seedUserData(vm.communicator.sshUsername, keys.public));
  await writeFile(path.join(dir, 'meta-data'), `instance-id: ${instanceId}\nlocal-hostname: ${vm.name}\n`);
  derived.cdroms = [{ ...seed, files: [path.join(dir, 'user-data'), path.join(dir, 'meta-data')], label: 'cidata' }];
  derived.communicator = { ...vm.communicator, sshPrivateKeyFile: keyFile, sshAgentAuth: false };
  return { vm: derived, instanceId };
}
