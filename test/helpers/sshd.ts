/**
 * A real OpenSSH server for communicator tests: `/usr/sbin/sshd -D -e -f <tmp config>` on a free
 * loopback port, with a temporary host key, an authorized_keys file in the temp folder and a
 * dedicated local user (created on first use; tests run as root). Variants: without an sftp
 * subsystem, on a given port (to start "late" on a port a test watched).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port.js';

export { freePort };

export const TEST_USER = 'ruddervirt-test';
/**
 * The test user's password. Fixed, because several test files share the user and may run at
 * once; it only ever works through the loopback sshd these helpers start.
 */
export const TEST_PASSWORD = 'rv-Test-pw-4c1d9e';

const SSHD = '/usr/sbin/sshd';
const REQUIRED = [
  [SSHD, 'openssh-server'],
  ['/usr/bin/ssh-keygen', 'openssh-client'],
  ['/usr/bin/ssh-agent', 'openssh-client'],
] as const;

export interface SshdOptions {
  /** Offer `Subsystem sftp internal-sftp` (default true). */
  sftp?: boolean;
  /** Listen on this port instead of a free one. */
  port?: number;
  /** More sshd_config lines. */
  extraConfig?: string[];
}

export interface TestSshd {
  host: string;
  port: number;
  user: string;
  password: string;
  uid: number;
  gid: number;
  /** The client's private key (ed25519, authorized for the user). */
  privateKeyFile: string;
  /** The server's host key fingerprint as ssh-keygen prints it ("SHA256:…"). */
  hostKeyFingerprint: string;
  /** The temp folder holding keys and config (removed by stop()). */
  dir: string;
  /** A fresh folder on this machine owned by the test user: the "remote" side of transfers. */
  remoteDir(): Promise<string>;
  /** What sshd wrote to stderr (-e), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

export function assertSshdTools(): void {
  const missing = REQUIRED.filter(([file]) => !existsSync(file)).map(([, pkg]) => pkg);
  if (missing.length) {
    throw new Error(`sshd tests need Debian packages: ${[...new Set(missing)].join(' ')} (apt-get install -y openssh-server openssh-client openssh-sftp-server)`);
  }
  if (process.getuid?.() !== 0) throw new Error('sshd tests run as root: they create a local test user and start sshd');
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  return r.stdout;
}

/** Creates the test user if needed and (re)sets its password; safe when test files race. */
function ensureTestUser(): { uid: number; gid: number } {
  const exists = () => spawnSync('id', ['-u', TEST_USER]).status === 0;
  if (!exists()) {
    const r = spawnSync('useradd', ['--create-home', '--shell', '/bin/sh', TEST_USER], { encoding: 'utf8' });
    // 9 = "already exists": another test file won the race.
    if (r.status !== 0 && r.status !== 9 && !exists()) throw new Error(`useradd ${TEST_USER} failed: ${r.stderr}`);
  }
  const shadow = readFileSync('/etc/shadow', 'utf8');
  const line = shadow.split('\n').find((l) => l.startsWith(`${TEST_USER}:`));
  const hash = line?.split(':')[1] ?? '';
  // Only write the password when it is not set yet, so parallel files don't fight over /etc/shadow.
  const salt = hash.split('$')[2] ?? '';
  const current = hash.startsWith('$6$') && spawnSync('openssl', ['passwd', '-6', '-salt', salt, TEST_PASSWORD], { encoding: 'utf8' }).stdout.trim() === hash;
  if (!current) {
    const r = spawnSync('chpasswd', [], { input: `${TEST_USER}:${TEST_PASSWORD}\n`, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`chpasswd failed: ${r.stderr}`);
  }
  return { uid: Number(run('id', ['-u', TEST_USER]).trim()), gid: Number(run('id', ['-g', TEST_USER]).trim()) };
}

/** Resolves once something on host:port sends an SSH banner. */
async function waitForBanner(port: number, child: ChildProcess, log: () => string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}):\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = net.connect(port, '127.0.0.1');
      sock.setTimeout(1000);
      sock.once('data', (d) => {
        sock.destroy();
        resolve(d.toString().startsWith('SSH-'));
      });
      sock.once('error', () => resolve(false));
      sock.once('timeout', () => {
        sock.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not answer on port ${port}:\n${log()}`);
}

function childPids(pid: number): number[] {
  const r = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);
}

export async function startSshd(options: SshdOptions = {}): Promise<TestSshd> {
  assertSshdTools();
  const { uid, gid } = ensureTestUser();
  // sshd's privilege separation needs this folder; the system service would normally make it.
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-sshd-'));
  await chmod(dir, 0o755); // the user's side of sshd reads authorized_keys from here
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ruddervirt-test-host', '-f', path.join(dir, 'host_ed25519')]);
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ruddervirt-test-client', '-f', path.join(dir, 'client_ed25519')]);
  await writeFile(path.join(dir, 'authorized_keys'), await readFile(path.join(dir, 'client_ed25519.pub')), { mode: 0o644 });
  const fingerprint = run('ssh-keygen', ['-l', '-E', 'sha256', '-f', path.join(dir, 'host_ed25519.pub')]).split(' ')[1] ?? '';

  const port = options.port ?? (await freePort());
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${path.join(dir, 'host_ed25519')}`,
    `PidFile ${path.join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication yes',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitRootLogin no',
    `AllowUsers ${TEST_USER}`,
    'AllowTcpForwarding yes',
    'MaxAuthTries 10',
    'MaxStartups 100',
    'LogLevel VERBOSE',
    ...(options.sftp === false ? [] : ['Subsystem sftp internal-sftp']),
    ...(options.extraConfig ?? []),
  ];
  const configFile = path.join(dir, 'sshd_config');
  await writeFile(configFile, config.join('\n') + '\n');

  let stderr = '';
  const child = spawn(SSHD, ['-D', '-e', '-f', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });
  const log = () => stderr;
  try {
    await waitForBanner(port, child, log);
  } catch (err) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  const remoteDirs: string[] = [];
  let stopped = false;
  return {
    host: '127.0.0.1',
    port,
    user: TEST_USER,
    password: TEST_PASSWORD,
    uid,
    gid,
    privateKeyFile: path.join(dir, 'client_ed25519'),
    hostKeyFingerprint: fingerprint,
    dir,
    async remoteDir() {
      const d = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-remote-'));
      await chown(d, uid, gid);
      remoteDirs.push(d);
      return d;
    },
    log,
    async stop() {
      if (stopped) return;
      stopped = true;
      // Per-connection sshd processes outlive the listener; end them too.
      const pid = child.pid;
      if (pid !== undefined && child.exitCode === null) {
        for (const c of childPids(pid)) {
          try {
            process.kill(c, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await Promise.all([dir, ...remoteDirs].map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

/** A TCP server that accepts and immediately closes every connection: "port open, no SSH". */
export async function startAcceptAndCloseServer(port?: number): Promise<{ port: number; accepted: () => number; stop: () => Promise<void> }> {
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((sock) => {
    accepted++;
    sockets.add(sock);
    sock.on('error', () => {});
    sock.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(port ?? 0, '127.0.0.1', () => resolve());
  });
  return {
    port: (srv.address() as net.AddressInfo).port,
    accepted: () => accepted,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        srv.close(() => resolve());
      }),
  };
}

/** A real ssh-agent holding `keyFile`; stop() kills it and removes its socket folder. */
export async function startSshAgent(keyFile: string): Promise<{ socket: string; stop: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-agent-'));
  const socket = path.join(dir, 'agent.sock');
  const agent = spawn('/usr/bin/ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
  const deadline = Date.now() + 5000;
  while (!existsSync(socket)) {
    if (Date.now() > deadline || agent.exitCode !== null) {
      agent.kill('SIGKILL');
      throw new Error('ssh-agent did not create its socket');
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const r = spawnSync('/usr/bin/ssh-add', [keyFile], { env: { ...process.env, SSH_AUTH_SOCK: socket }, encoding: 'utf8' });
  if (r.status !== 0) {
    agent.kill('SIGKILL');
    throw new Error(`ssh-add failed: ${r.stderr}`);
  }
  return {
    socket,
    async stop() {
      const exited = new Promise<void>((resolve) => (agent.exitCode !== null ? resolve() : agent.once('exit', () => resolve())));
      agent.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
