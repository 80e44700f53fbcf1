#!/usr/bin/env node
// Makes a fresh clone ready: npm dependencies (npm ci when node_modules is missing or stale) and,
// unless --npm-only, the Debian packages the local engine and the tests run (apt-get as root,
// otherwise a message naming them). Uses only Node built-ins so it runs before `npm ci`.
// npm ci and apt-get run side by side: both mostly wait on the network and the disk, and on a
// fresh CI machine each takes about a minute.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** Debian packages, and why each is needed. */
export const DEBIAN_PACKAGES = {
  'qemu-system-x86': 'runs the build VMs (local engine)',
  'qemu-utils': 'qemu-img: disk create/convert/resize',
  ovmf: 'UEFI firmware for efiFirmware builds',
  'openssh-server': 'a real sshd for communicator tests',
  'openssh-client': 'ssh-keygen for test keys',
  'openssh-sftp-server': 'SFTP inside the test guest',
  'docker-registry': 'a real OCI registry for publish tests',
  skopeo: 'an independent OCI client that checks what we publish',
  'apache2-utils': 'htpasswd for the registry basic-auth test',
  'busybox-static': 'test guest userland',
  'dropbear-bin': 'test guest SSH server',
  syslinux: 'test guest BIOS boot loader',
  'syslinux-common': 'test guest BIOS boot loader modules',
  mtools: 'fills the test guest FAT partition without mounting',
  'dosfstools': 'mkfs.fat for the test guest',
  fdisk: 'sfdisk for the test guest partition table',
  'syslinux-efi': 'test guest UEFI boot loader with the same boot: prompt as BIOS',
  e2fsprogs: 'mke2fs -d for the test guest root filesystem',
  cpio: 'test guest initramfs',
  openssl: 'password hashes and test certificates',
  xorriso: 'ISO images for cdroms (answer files, cidata)',
  zstd: 'zstd layer compression checks',
  mmdebstrap: 'builds the Debian 12 test guest (test/fixtures/debian) from Debian packages',
  isolinux: 'boots the Debian installer ISO made from the netboot tree',
  'debian-installer-12-netboot-amd64': 'the real Debian installer (kernel, initrd, menus) for installer tests',
  gpgv: 'checks checksumSignature (OpenPGP signatures of checksum files)',
  gnupg: 'makes the OpenPGP keys and signatures of the checksum-signature tests',
  jq: 'reads the image manifests in bench/publish-vs-skopeo.sh',
  time: "/usr/bin/time -v: the benches' peak RSS figures",
};

/** Runs a command to its end; rejects naming it and its exit status when it fails. */
function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
    child.on('error', (err) => reject(new Error(`setup: '${cmd} ${args.join(' ')}' could not start: ${err.message}`, { cause: err })));
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(Object.assign(new Error(`setup: '${cmd} ${args.join(' ')}' failed (exit ${code ?? signal}).`), { exitCode: code || 1 }));
    });
  });
}

async function ensureNpm() {
  const lock = path.join(root, 'package-lock.json');
  const stamp = path.join(root, 'node_modules', '.ruddervirt-lock.sha256');
  const want = createHash('sha256').update(readFileSync(lock)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want) return;
  console.log('setup: node_modules is missing or stale; running npm ci');
  await run('npm', ['ci', '--no-audit', '--no-fund']);
  writeFileSync(stamp, want + '\n');
}

function missingDebianPackages() {
  return Object.keys(DEBIAN_PACKAGES).filter((pkg) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

async function ensureDebian() {
  if (!existsSync('/usr/bin/dpkg-query')) {
    console.warn('setup: not a Debian/Ubuntu machine; make sure these are installed: ' + Object.keys(DEBIAN_PACKAGES).join(' '));
    return;
  }
  const missing = missingDebianPackages();
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    const lines = missing.map((p) => `  ${p.padEnd(22)} ${DEBIAN_PACKAGES[p]}`);
    throw new Error(['setup: these Debian packages are missing:', ...lines, `Install them with: sudo apt-get install -y ${missing.join(' ')}`].join('\n'));
  }
  console.log(`setup: installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update', '-q'], { env });
  await run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...missing], { env });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const steps = [ensureNpm()];
  if (!process.argv.includes('--npm-only')) steps.push(ensureDebian());
  // Both run to their end, so a failure of one never leaves the other half-done in the background.
  const failed = (await Promise.allSettled(steps)).filter((r) => r.status === 'rejected');
  for (const f of failed) console.error(f.reason instanceof Error ? f.reason.message : String(f.reason));
  if (failed.length > 0) process.exit(failed[0].reason?.exitCode ?? 1);
}
