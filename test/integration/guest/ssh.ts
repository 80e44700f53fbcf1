/** Small ssh2 helpers for the guest tests: connect with retries, exec, SFTP, and an scp upload. */
import { Client, type ConnectConfig, type SFTPWrapper } from 'ssh2';

/**
 * Connects once the guest's SSH server completes a handshake. QEMU's port forward accepts TCP
 * before the guest listens (and then resets), so only a finished handshake means ready.
 */
export async function connectSsh(config: ConnectConfig, timeoutMs: number): Promise<Client> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await connectOnce(config);
    } catch (err) {
      lastError = err;
      // Wrong credentials will not get better by retrying.
      if (err instanceof Error && /authentication methods failed/i.test(err.message)) throw err;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  throw new Error(`no SSH session within ${timeoutMs} ms: ${String(lastError)}`);
}

export function connectOnce(config: ConnectConfig): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client.once('ready', () => resolve(client));
    client.once('error', (err) => {
      client.end();
      reject(err);
    });
    client.connect({ host: '127.0.0.1', readyTimeout: 20_000, ...config });
  });
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

export function exec(client: Client, command: string, stdin?: string): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, channel) => {
      if (err) return reject(err);
      let stdout = '';
      let stderr = '';
      let code: number | null = null;
      channel.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      channel.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      channel.on('exit', (c: number | null) => (code = c));
      channel.on('close', () => resolve({ stdout, stderr, code }));
      if (stdin !== undefined) channel.end(stdin);
      else channel.end();
    });
  });
}

export function sftp(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => client.sftp((err, s) => (err ? reject(err) : resolve(s))));
}

export function sftpWrite(s: SFTPWrapper, remote: string, data: string): Promise<void> {
  return new Promise((resolve, reject) => s.writeFile(remote, data, (err) => (err ? reject(err) : resolve())));
}

export function sftpRead(s: SFTPWrapper, remote: string): Promise<string> {
  return new Promise((resolve, reject) => s.readFile(remote, (err, data) => (err ? reject(err) : resolve(data.toString('utf8')))));
}

/**
 * Uploads one file with the classic scp protocol ("scp -t" on the remote side), the way OpenSSH's
 * scp -O does: each step waits for the remote's zero byte.
 */
export function scpUpload(client: Client, remotePath: string, data: string, mode = '0644'): Promise<void> {
  return new Promise((resolve, reject) => {
    client.exec(`scp -t ${remotePath}`, (err, channel) => {
      if (err) return reject(err);
      const body = Buffer.from(data, 'utf8');
      const steps = [Buffer.from(`C${mode} ${body.length} ${remotePath.split('/').pop()}\n`), Buffer.concat([body, Buffer.from([0])])];
      let stderr = '';
      channel.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      channel.on('data', (d: Buffer) => {
        if (d[0] !== 0) {
          channel.close();
          return reject(new Error(`scp refused: ${d.toString('utf8').slice(1).trim() || stderr}`));
        }
        const next = steps.shift();
        if (next) channel.write(next);
        else channel.end();
      });
      channel.on('close', () => (steps.length === 0 ? resolve() : reject(new Error(`scp ended early: ${stderr}`))));
    });
  });
}
