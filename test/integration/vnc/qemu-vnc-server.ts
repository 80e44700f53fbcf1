/** A real QEMU with no disk, whose VNC server (on a unix socket) shows SeaBIOS: enough to test a VNC client. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface QemuVnc {
  socketPath: string;
  process: ChildProcess;
  /** What QEMU wrote to stderr so far, for failure messages. */
  stderr(): string;
  stop(): Promise<void>;
}

export function requireQemu(): void {
  const probe = spawnSync('qemu-system-x86_64', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error('qemu-system-x86_64 is not installed: apt-get install -y qemu-system-x86 (scripts/setup.mjs installs it)');
  }
}

/** `extraArgs` e.g. ['-boot', 'menu=on,splash-time=60000']; `vncOptions` are appended to `-vnc unix:…`. */
export async function startQemuVnc({ extraArgs = [], vncOptions = '' }: { extraArgs?: string[]; vncOptions?: string } = {}): Promise<QemuVnc> {
  requireQemu();
  const dir = await mkdtemp(path.join(tmpdir(), 'ruddervirt-vnc-'));
  const socketPath = path.join(dir, 'vnc.sock');
  const args = ['-accel', 'tcg', '-display', 'none', '-vnc', `unix:${socketPath}${vncOptions}`, '-m', '64', '-nodefaults', '-vga', 'std', ...extraArgs];
  const child = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  while (!existsSync(socketPath)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`QEMU did not open its VNC socket: ${stderr || `exit ${child.exitCode}`}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { socketPath, process: child, stderr: () => stderr, stop };
}
