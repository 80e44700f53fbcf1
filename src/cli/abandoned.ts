/**
 * `--on-error abort` (Packer's -on-error=abort): what a failed build left running, said so a person
 * can reach it — the ssh command, the VNC address, the serial log and the last screen — and
 * recorded in the output folder, so `ruddervirt cleanup` can stop and remove it later.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Build } from '../core/config/model.js';
import type { AbandonedVm } from '../core/pipeline/vm-steps.js';
import { FAILURE_SCREENSHOT } from '../core/pipeline/failure-capture.js';

/** Where the records live: one JSON file per VM left behind. */
export function abandonedDir(outputDir: string): string {
  return path.join(outputDir, 'abandoned');
}

function vmOf(build: Build, key: string) {
  const [layer, name] = key.split('/');
  return build.layers.find((l) => l.name === layer)?.vms.find((v) => v.name === name);
}

/** Human lines for each VM left behind. */
export function describeAbandoned(build: Build, abandoned: readonly AbandonedVm[], outputDir: string): string {
  const out: string[] = [];
  for (const a of abandoned) {
    const vm = vmOf(build, a.vm);
    const d = a.detached;
    out.push(`vm ${a.vm} is left ${d ? 'running' : 'as it was (it could not outlive this process)'} for debugging:`);
    if (d?.sshEndpoint && vm?.communicator.type === 'ssh') {
      const user = vm.communicator.sshUsername;
      const ep = d.sshEndpoint;
      out.push(
        d.engine === 'local'
          ? `  ssh:    ssh -p ${ep.port} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null ${user}@${ep.host}`
          : `  ssh:    virtctl ssh ${user}@${ep.host.replace(/^vmi\//, 'vmi/')} (port ${ep.port})`,
      );
    }
    const vnc = d?.engine === 'local' ? (d.state.vnc as { socket?: string; host?: string; port?: number } | undefined) : undefined;
    if (vnc) out.push(`  vnc:    ${vnc.socket ? `unix socket ${vnc.socket}` : `${vnc.host}:${vnc.port}`}`);
    if (d?.engine === 'kubevirt') out.push(`  vnc:    virtctl vnc ${d.vm}`);
    out.push(`  serial: ${path.join(a.logDir, 'serial.log')}`);
    out.push(`  screen: ${path.join(a.logDir, FAILURE_SCREENSHOT)}`);
  }
  if (abandoned.length > 0) out.push(`remove what is left with: ruddervirt cleanup ${outputDir}`);
  return out.join('\n') + '\n';
}

export async function recordAbandoned(outputDir: string, abandoned: readonly AbandonedVm[]): Promise<void> {
  if (abandoned.length === 0) return;
  const dir = abandonedDir(outputDir);
  await mkdir(dir, { recursive: true });
  for (const a of abandoned) await writeFile(path.join(dir, `${a.vm.replace('/', '-')}.json`), JSON.stringify(a, null, 2) + '\n', { mode: 0o600 });
}

export async function readAbandoned(outputDir: string): Promise<{ file: string; vm: AbandonedVm }[]> {
  const dir = abandonedDir(outputDir);
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.json')).sort();
  const out: { file: string; vm: AbandonedVm }[] = [];
  for (const f of files) out.push({ file: path.join(dir, f), vm: JSON.parse(await readFile(path.join(dir, f), 'utf8')) as AbandonedVm });
  return out;
}

export async function forgetAbandoned(file: string): Promise<void> {
  await rm(file, { force: true });
}
