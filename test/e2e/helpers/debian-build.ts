/**
 * Build files for the real Debian guest (test/fixtures/debian.ts), shared by the local-engine and
 * kubevirt-engine cases: one VM booted from a disk, seeded by a NoCloud seed for one user.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { cloudInitSeed, DEBIAN } from '../../fixtures/debian.js';

export function sshKey(dir: string, name: string): { privateKeyFile: string; publicKey: string } {
  const privateKeyFile = path.join(dir, name);
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', privateKeyFile]);
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
  return { privateKeyFile, publicKey: readFileSync(`${privateKeyFile}.pub`, 'utf8') };
}

/** A build file with one Debian VM booted from `source`, seeded for `user`. */
export function debianBuild(
  dir: string,
  name: string,
  o: { source: string; efi: boolean; format: 'qcow2' | 'raw'; user: string; key: { privateKeyFile: string; publicKey: string }; instanceId: string; provisioners: unknown[]; diskSize?: string; verify?: unknown },
): string {
  const seedDir = path.join(dir, `seed-${o.instanceId}`);
  mkdirSync(seedDir, { recursive: true });
  const seed = cloudInitSeed({ user: o.user, publicKey: o.key.publicKey, instanceId: o.instanceId });
  writeFileSync(path.join(seedDir, 'user-data'), seed.userData);
  writeFileSync(path.join(seedDir, 'meta-data'), seed.metaData);
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    stringify({
      name,
      layers: [
        {
          name: 'base',
          vms: [
            {
              name: 'debian',
              source: { path: o.source },
              memory: `${DEBIAN.memoryMiB}Mi`,
              ...(o.efi ? { efiFirmware: true } : {}),
              disks: [{ name: 'root', size: o.diskSize ?? '3Gi' }],
              // KubeVirt's cloudInitNoCloud shape: the cloud kernel has no AHCI driver for a sata cdrom.
              cdroms: [{ name: 'cidata', files: [path.join(seedDir, 'user-data'), path.join(seedDir, 'meta-data')], label: 'cidata', type: 'disk' }],
              bootWait: '-1s',
              communicator: { type: 'ssh', sshUsername: o.user, sshPrivateKeyFile: o.key.privateKeyFile, sshTimeout: DEBIAN.sshTimeout },
              provisioners: o.provisioners,
              shutdownCommand: 'sudo poweroff',
              output: { format: o.format },
              ...(o.verify ? { verify: o.verify } : {}),
            },
          ],
        },
      ],
    }),
  );
  return file;
}
