/**
 * The keeper: a small detached node process that starts one build VM through LocalEngine and owns
 * it until it stops, so the VM outlives the build-vm step that asked for it (each step of a job is
 * its own node process). It is the same bundle as build-vm, started with KEEPER_FLAG.
 *
 * Start-up talks over the IPC channel: the step sends the request, the keeper relays its log lines
 * and finally 'ready' (with everything attach needs) or 'failed'; then the step disconnects and
 * exits. From then on the keeper's output goes to keeper.log in the VM's work dir, and it obeys
 * signals (see src/engines/local/attach.ts): SIGUSR1 presses the power button, SIGTERM/SIGINT/
 * SIGHUP stop the VM. It exits when QEMU exits, after releasing the VM's ports and sockets; QEMU
 * is started with a parent-death signal, so killing the keeper never strands a VM.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../../cli/command.js';
import { loadBuild } from '../../core/config/load.js';
import type { Vm } from '../../core/config/model.js';
import { LineLogger, SecretMasker } from '../../core/log.js';
import type { DetachedVmRecord } from '../../engines/local/attach.js';
import { LocalEngine } from '../../engines/local/engine.js';
import { QemuMachine } from '../../engines/local/machine.js';
import { selectVm } from './select-vm.js';

export const KEEPER_FLAG = '--ruddervirt-vm-keeper';

export interface KeeperRequest {
  buildFile: string;
  cwd: string;
  vars: Record<string, string>;
  /** "layer/vm" */
  vm: string;
  /** A local image to use instead of the build file's source (import-source's result). */
  sourcePath?: string;
  httpPort?: number;
  workDir: string;
  logDir: string;
}

export type KeeperMessage =
  | { type: 'log'; level: 'info' | 'warn' | 'error' | 'debug'; line: string }
  | { type: 'ready'; record: DetachedVmRecord }
  | { type: 'failed'; message: string; userError: boolean };

export function isKeeperProcess(argv = process.argv): boolean {
  return argv.some((a) => a.startsWith(`${KEEPER_FLAG}=`));
}

function send(message: KeeperMessage): void {
  if (process.connected && process.send) process.send(message);
}

/** The keeper's main: waits for the start request on the IPC channel. */
export function runKeeper(): void {
  const masker = new SecretMasker();
  const logger = new LineLogger(
    (level, line) => {
      process.stdout.write(`${new Date().toISOString()} ${level}: ${line}\n`);
      send({ type: 'log', level, line });
    },
    masker,
    '',
    true,
  );
  process.once('message', (request: KeeperRequest) => {
    void keep(request, logger, masker).then(
      (code) => process.exit(code),
      (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        logger.error(`keeper: ${message}`);
        send({ type: 'failed', message: masker.mask(message), userError: err instanceof UserError });
        // Give the IPC message time to leave before the process ends.
        setTimeout(() => process.exit(1), 200);
      },
    );
  });
}

async function keep(request: KeeperRequest, logger: LineLogger, masker: SecretMasker): Promise<number> {
  const abort = new AbortController();
  const stopSignals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
  for (const sig of stopSignals) process.once(sig, () => abort.abort(new UserError(`keeper: stopped by ${sig} while the VM was starting`)));

  const build = loadBuild(request.buildFile, { vars: request.vars, cwd: request.cwd, env: process.env });
  for (const s of build.secrets) masker.add(s);
  const { vm } = selectVm(build, request.vm);
  const source = request.sourcePath ? importedSource(vm.source, request.sourcePath) : vm.source;
  const engine = new LocalEngine({ env: process.env });
  const handle = await engine.startVm({
    build,
    vm: { ...vm, source },
    workDir: request.workDir,
    logDir: request.logDir,
    logger,
    signal: abort.signal,
    ...(request.httpPort !== undefined ? { http: { port: request.httpPort } } : {}),
  });
  if (!(handle instanceof QemuMachine) || handle.pid === undefined) throw new Error('keeper: the local engine returned an unexpected VM handle');
  const machine = handle;
  for (const sig of stopSignals) process.removeAllListeners(sig);
  let stopping = false;
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`keeper: ${why}; stopping vm ${vm.name}`);
    void machine.stop();
  };
  for (const sig of stopSignals) process.on(sig, () => stop(`got ${sig}`));
  process.on('SIGUSR1', () => {
    logger.info('keeper: pressing the ACPI power button');
    machine.powerOff().catch((err: unknown) => logger.warn(`keeper: power button: ${err instanceof Error ? err.message : String(err)}`));
  });

  const record = await describeMachine(machine, vm.name, request);
  send({ type: 'ready', record });
  // The step that started us is gone (or going): no IPC from here on.
  if (process.connected) process.disconnect();

  await machine.waitForShutdown(2 ** 31 - 1, new AbortController().signal);
  await machine.stop();
  logger.info(`keeper: vm ${vm.name} stopped (${machine.exit?.signal ?? `exit ${machine.exit?.code}`})`);
  return 0;
}

/** The build file's source, pointed at the file import-source verified (an ISO stays a CD-ROM). */
export function importedSource(source: Vm['source'], file: string): Vm['source'] {
  if (source.kind === 'iso') return { kind: 'iso', url: pathToFileURL(file).href, checksum: source.checksum };
  return { kind: 'path', path: file };
}

/** Reads the VM's endpoints back from QEMU itself, so attach does not depend on engine internals. */
async function describeMachine(machine: QemuMachine, name: string, request: KeeperRequest): Promise<DetachedVmRecord> {
  const vnc = await machine.qmpExecute<{ family: string; host: string; service: string }>('query-vnc');
  const blocks = await machine.qmpExecute<{ device: string; inserted?: { file: string } }[]>('query-block');
  const root = blocks.find((b) => b.device === 'disk0')?.inserted?.file;
  if (!root) throw new Error(`keeper: QEMU reports no root disk (disk0) for vm ${name}`);
  const ssh = await machine.sshAddress(new AbortController().signal).catch(() => undefined);
  const http = machine.httpEndpoint();
  return {
    name,
    keeperPid: process.pid,
    keeperMarker: `${KEEPER_FLAG}=${request.workDir}`,
    qemuPid: machine.pid!,
    qemuMarker: root,
    vnc: vnc.family === 'unix' ? { socket: vnc.service } : { host: vnc.host || '127.0.0.1', port: Number(vnc.service) },
    ...(ssh ? { ssh } : {}),
    ...(http ? { http } : {}),
    serialLog: path.join(request.logDir, 'serial.log'),
    rootDisk: root,
  };
}
