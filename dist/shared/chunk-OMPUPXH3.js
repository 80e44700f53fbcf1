import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  FAILURE_SCREENSHOT
} from "./chunk-AIFBTII2.js";

// src/cli/abandoned.ts
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
function abandonedDir(outputDir) {
  return path.join(outputDir, "abandoned");
}
function vmOf(build, key) {
  const [layer, name] = key.split("/");
  return build.layers.find((l) => l.name === layer)?.vms.find((v) => v.name === name);
}
function describeAbandoned(build, abandoned, outputDir) {
  const out = [];
  for (const a of abandoned) {
    const vm = vmOf(build, a.vm);
    const d = a.detached;
    out.push(`vm ${a.vm} is left ${d ? "running" : "as it was (it could not outlive this process)"} for debugging:`);
    if (d?.sshEndpoint && vm?.communicator.type === "ssh") {
      const user = vm.communicator.sshUsername;
      const ep = d.sshEndpoint;
      out.push(
        d.engine === "local" ? `  ssh:    ssh -p ${ep.port} -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null ${user}@${ep.host}` : `  ssh:    virtctl ssh ${user}@${ep.host.replace(/^vmi\//, "vmi/")} (port ${ep.port})`
      );
    }
    const vnc = d?.engine === "local" ? d.state.vnc : void 0;
    if (vnc) out.push(`  vnc:    ${vnc.socket ? `unix socket ${vnc.socket}` : `${vnc.host}:${vnc.port}`}`);
    if (d?.engine === "kubevirt") out.push(`  vnc:    virtctl vnc ${d.vm}`);
    out.push(`  serial: ${path.join(a.logDir, "serial.log")}`);
    out.push(`  screen: ${path.join(a.logDir, FAILURE_SCREENSHOT)}`);
  }
  if (abandoned.length > 0) out.push(`remove what is left with: ruddervirt cleanup ${outputDir}`);
  return out.join("\n") + "\n";
}
async function recordAbandoned(outputDir, abandoned) {
  if (abandoned.length === 0) return;
  const dir = abandonedDir(outputDir);
  await mkdir(dir, { recursive: true });
  for (const a of abandoned) await writeFile(path.join(dir, `${a.vm.replace("/", "-")}.json`), JSON.stringify(a, null, 2) + "\n", { mode: 384 });
}
async function readAbandoned(outputDir) {
  const dir = abandonedDir(outputDir);
  const files = (await readdir(dir).catch(() => [])).filter((f) => f.endsWith(".json")).sort();
  const out = [];
  for (const f of files) out.push({ file: path.join(dir, f), vm: JSON.parse(await readFile(path.join(dir, f), "utf8")) });
  return out;
}
async function forgetAbandoned(file) {
  await rm(file, { force: true });
}

export {
  describeAbandoned,
  recordAbandoned,
  readAbandoned,
  forgetAbandoned
};
