import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  LocalEngine,
  QemuMachine
} from "./chunk-JIQ45CAP.js";
import "./chunk-FUWAUBDQ.js";
import "./chunk-L2EL4R3K.js";
import "./chunk-U2YEPGJA.js";
import "./chunk-Q2MXJOS2.js";
import "./chunk-W76QTMHQ.js";
import "./chunk-5Q37UMAS.js";
import "./chunk-JKYMEDOZ.js";
import "./chunk-MFL4LHWY.js";
import "./chunk-CTLLT6VU.js";
import "./chunk-IGBDJUBW.js";
import "./chunk-XMRDQH4D.js";
import "./chunk-GKBTVNDX.js";
import "./chunk-XHUVLOPP.js";
import "./chunk-BHXEFIUH.js";
import "./chunk-CRBZ5IG5.js";
import {
  LineLogger,
  SecretMasker
} from "./chunk-PXB3LWWR.js";
import "./chunk-YBXMTZXO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import {
  KEEPER_FLAG
} from "./chunk-G4VXAHVF.js";
import "./chunk-U4LSYZ75.js";

// src/engines/local/keeper.ts
import path from "node:path";
function send(message) {
  if (process.connected && process.send) process.send(message);
}
function runKeeper() {
  const masker = new SecretMasker();
  const logger = new LineLogger(
    (level, line) => {
      process.stdout.write(`${(/* @__PURE__ */ new Date()).toISOString()} ${level}: ${line}
`);
      send({ type: "log", level, line });
    },
    masker,
    "",
    true
  );
  process.once("message", (request) => {
    void keep(request, logger, masker).then(
      (code) => process.exit(code),
      (err) => {
        const message = err instanceof Error ? err.message : String(err);
        logger.error(`keeper: ${message}`);
        send({ type: "failed", message: masker.mask(message), userError: err instanceof UserError });
        setTimeout(() => process.exit(1), 200);
      }
    );
  });
}
function rejoin(build, vm) {
  return { ...build, layers: build.layers.map((l) => ({ ...l, vms: l.vms.map((v) => v.name === vm.name ? vm : v) })) };
}
async function keep(request, logger, masker) {
  const abort = new AbortController();
  const stopSignals = ["SIGTERM", "SIGINT", "SIGHUP"];
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
    ...request.httpPort !== void 0 ? { http: { port: request.httpPort } } : {},
    ...request.parentDisk ? { parentDisk: request.parentDisk } : {}
  });
  if (!(handle instanceof QemuMachine) || handle.pid === void 0) throw new Error("keeper: the local engine returned an unexpected VM handle");
  const machine = handle;
  for (const sig of stopSignals) process.removeAllListeners(sig);
  let stopping = false;
  const stop = (why) => {
    if (stopping) return;
    stopping = true;
    logger.info(`keeper: ${why}; stopping vm ${vm.name}`);
    void machine.stop();
  };
  for (const sig of stopSignals) process.on(sig, () => stop(`got ${sig}`));
  process.on("SIGUSR1", () => {
    logger.info("keeper: pressing the ACPI power button");
    machine.powerOff().catch((err) => logger.warn(`keeper: power button: ${err instanceof Error ? err.message : String(err)}`));
  });
  const record = await describeMachine(machine, vm.name, request);
  send({ type: "ready", record });
  if (process.connected) process.disconnect();
  await machine.waitForShutdown(2 ** 31 - 1, new AbortController().signal);
  await machine.stop();
  await engine.close();
  logger.info(`keeper: vm ${vm.name} stopped (${machine.exit?.signal ?? `exit ${machine.exit?.code}`})`);
  return 0;
}
async function describeMachine(machine, name, request) {
  const vnc = await machine.qmpExecute("query-vnc");
  const blocks = await machine.qmpExecute("query-block");
  const root = blocks.find((b) => b.device === "disk0")?.inserted?.file;
  if (!root) throw new Error(`keeper: QEMU reports no root disk (disk0) for vm ${name}`);
  const ssh = await machine.sshAddress(new AbortController().signal).catch(() => void 0);
  const http = machine.httpEndpoint();
  return {
    name,
    keeperPid: process.pid,
    keeperMarker: `${KEEPER_FLAG}=${request.workDir}`,
    qemuPid: machine.pid,
    qemuMarker: root,
    vnc: vnc.family === "unix" ? { socket: vnc.service } : { host: vnc.host || "127.0.0.1", port: Number(vnc.service) },
    ...ssh ? { ssh } : {},
    ...http ? { http } : {},
    serialLog: path.join(request.logDir, "serial.log"),
    rootDisk: root
  };
}
export {
  runKeeper
};
