/**
 * The keeper: a small detached node process that starts one build VM through LocalEngine and owns
 * it until it stops, so the VM outlives the process that asked for it (each stage action of a
 * GitHub job is its own node process; `ruddervirt build --on-error abort` exits and leaves the VM
 * for a person). It is the caller's own entry script started again with KEEPER_FLAG; every entry
 * point hands such a process to runKeeper (src/engines/index.ts runEngineHelperIfAsked).
 *
 * Start-up talks over the IPC channel: the caller sends the request (the resolved build, so no
 * secret is ever on a command line), the keeper relays its log lines and finally 'ready' (with
 * everything attach needs) or 'failed'; then the caller disconnects. From then on the keeper's
 * output goes to keeper.log in the VM's work dir, and it obeys signals (attach.ts): SIGUSR1
 * presses the power button, SIGTERM/SIGINT/SIGHUP stop the VM. It exits when QEMU exits, after
 * releasing the VM's ports and sockets; QEMU is started with a parent-death signal, so killing the
 * keeper never strands a VM.
 */
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import type { Build, Vm } from '../../core/config/model.js';
import { LineLogger, SecretMasker } from '../../core/log.js';
import type { DetachedVmRecord } from './attach.js';
import { LocalEngine } from './engine.js';
import { KEEPER_FLAG, type KeeperMessage, type KeeperRequest } from './keeper-protocol.js';
import { QemuMachine } from './machine.js';

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

/** The VM object inside its build again: after JSON the two are separate copies, and engines find a VM's layer by identity. */
function rejoin(build: Build, vm: Vm): Build {
  return { ...build, layers: build.layers.map((l) => ({ ...l, vms: l.vms.map((v) => (v.name === vm.name ? vm : v)) })) };
}

async function keep(request: KeeperRequest, logger: LineLogger, masker: SecretMasker): Promise<number> {
  const abort = new AbortController();
  const stopSignals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
  for (const sig of stopSignals) process.once(sig, () => abort.abort(new UserError(`keeper: stopped by ${sig} while the VM was starting`)));

  for (const s of request.build.secrets) masker.add(s);
  const { vm } = request;
  const engine = new LocalEngine({ ...request.engine, env: process.env });
  const handle = await engine.startVm({
    build: rejoin(request.build, vm),
    vm,
    workDir: request.workDir,
    logDir: request.logDir,
    logger,
    signal: abort.signal,
    ...(request.httpPort !== undefined ? { http: { port: request.httpPort } } : {}),
    ...(request.parentDisk ? { parentDisk: request.parentDisk } : {}),
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
  // The process that started us is gone (or going): no IPC from here on.
  if (process.connected) process.disconnect();

  await machine.waitForShutdown(2 ** 31 - 1, new AbortController().signal);
  await machine.stop();
  await engine.close();
  logger.info(`keeper: vm ${vm.name} stopped (${machine.exit?.signal ?? `exit ${machine.exit?.code}`})`);
  return 0;
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
