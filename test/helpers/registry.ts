/**
 * A real OCI registry for tests: Debian's docker-registry (distribution 2.8) on 127.0.0.1, with its
 * storage, config and certificates in a ruddervirt- temp dir that stop() removes. Optional TLS (a CA
 * made here with openssl, so clients must be told to trust it) and htpasswd basic auth or token
 * auth (a token service of ours, see test/integration/oci/token-server.ts). Every request the registry logs is
 * kept, so a test can see what a client really sent.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface RegistryRequest {
  method: string;
  uri: string;
  status: number;
}

export interface TestRegistryOptions {
  tls?: boolean;
  htpasswd?: { username: string; password: string };
  /** Token auth: the registry trusts JWTs signed by `certFile`'s key and sends clients to `realm`. */
  token?: { realm: string; service: string; issuer: string; certFile: string };
}

export interface TestRegistry {
  /** 127.0.0.1:PORT, as an image reference's registry part. */
  host: string;
  dir: string;
  /** PEM of the CA that signed the server certificate (TLS only). */
  caFile?: string;
  /** A folder holding ca.crt, for skopeo --cert-dir (TLS only). */
  certDir?: string;
  requests(): RegistryRequest[];
  logs(): string;
  stop(): Promise<void>;
}

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

/** Throws a message naming the Debian package when a tool is missing. */
export function requireTool(binary: string, debianPackage: string): void {
  const found = binary.startsWith('/') ? existsSync(binary) : spawnSync('sh', ['-c', `command -v ${binary}`]).status === 0;
  if (!found) throw new Error(`${binary} is missing: install the Debian package ${debianPackage} (apt-get install -y ${debianPackage}, or npm run setup)`);
}

function run(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
}

/** A CA and a server certificate for 127.0.0.1/localhost, signed by it. */
export function makeTestCertificates(dir: string): { caFile: string; certFile: string; keyFile: string } {
  requireTool('openssl', 'openssl');
  run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=ruddervirt test CA'], dir);
  run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
  writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  run('openssl', ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'san.ext'], dir);
  return { caFile: path.join(dir, 'ca.crt'), certFile: path.join(dir, 'server.crt'), keyFile: path.join(dir, 'server.key') };
}

export async function startRegistry(opts: TestRegistryOptions = {}): Promise<TestRegistry> {
  requireTool(REGISTRY_BINARY, 'docker-registry');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-registry-'));
  let child: ChildProcess | undefined;
  try {
    const lines: string[] = [];
    const config: string[] = [
      'version: 0.1',
      'log:',
      '  level: info',
      '  formatter: text',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${path.join(dir, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      '  addr: 127.0.0.1:0',
      '  secret: ruddervirt-test-secret',
    ];
    let caFile: string | undefined;
    let certDir: string | undefined;
    if (opts.tls) {
      const certs = makeTestCertificates(dir);
      caFile = certs.caFile;
      certDir = path.join(dir, 'certs.d');
      await mkdir(certDir);
      run('cp', [certs.caFile, path.join(certDir, 'ca.crt')], dir);
      config.push('  tls:', `    certificate: ${certs.certFile}`, `    key: ${certs.keyFile}`);
    }
    if (opts.htpasswd) {
      requireTool('htpasswd', 'apache2-utils');
      run('htpasswd', ['-Bbc', path.join(dir, 'htpasswd'), opts.htpasswd.username, opts.htpasswd.password], dir);
      config.push('auth:', '  htpasswd:', '    realm: ruddervirt-test', `    path: ${path.join(dir, 'htpasswd')}`);
    } else if (opts.token) {
      config.push('auth:', '  token:', `    realm: ${opts.token.realm}`, `    service: ${opts.token.service}`, `    issuer: ${opts.token.issuer}`, `    rootcertbundle: ${opts.token.certFile}`);
    }
    const configFile = path.join(dir, 'config.yml');
    await writeFile(configFile, config.join('\n') + '\n');
    const proc = spawn(REGISTRY_BINARY, ['serve', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    const host = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`docker-registry did not start in 20 s:\n${lines.join('\n')}`)), 20_000);
      const onData = (d: Buffer) => {
        for (const line of d.toString('utf8').split('\n')) {
          if (!line) continue;
          lines.push(line);
          const m = /msg="listening on ([0-9.]+:\d+)/.exec(line);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`docker-registry exited with ${code}:\n${lines.join('\n')}`));
      });
    });
    return {
      host,
      dir,
      ...(caFile ? { caFile } : {}),
      ...(certDir ? { certDir } : {}),
      requests() {
        const out: RegistryRequest[] = [];
        for (const line of lines) {
          // The access log: 127.0.0.1 - - [date] "PATCH /v2/… HTTP/1.1" 202 0 "" "ruddervirt"
          const m = /^\S+ - \S+ \[[^\]]+\] "(\w+) (\S+) HTTP\/[\d.]+" (\d{3}) /.exec(line);
          if (m) out.push({ method: m[1]!, uri: m[2]!, status: Number(m[3]) });
        }
        return out;
      },
      logs: () => lines.join('\n'),
      async stop() {
        if (proc.exitCode === null && proc.signalCode === null) {
          const exited = new Promise((r) => proc.once('exit', r));
          proc.kill('SIGTERM');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
          if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
        }
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    child?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** skopeo, with a clear message when it is missing. */
export function skopeo(args: string[], opts: { timeoutMs?: number } = {}): { stdout: string; stderr: string } {
  requireTool('skopeo', 'skopeo');
  const r = spawnSync('skopeo', args, { encoding: 'utf8', timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`skopeo ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}`);
  return { stdout: r.stdout, stderr: r.stderr };
}

/** skopeo without blocking the event loop, for when an in-process server (a token service) must answer it. */
export async function skopeoAsync(args: string[], opts: { timeoutMs?: number } = {}): Promise<{ stdout: string; stderr: string }> {
  requireTool('skopeo', 'skopeo');
  const child = spawn('skopeo', args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: opts.timeoutMs ?? 120_000 });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`skopeo ${args.join(' ')} failed (${code}): ${stderr}`);
  return { stdout, stderr };
}
