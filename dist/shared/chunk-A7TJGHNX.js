import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  ProgressReporter
} from "./chunk-Q2MXJOS2.js";
import {
  ToolError,
  runTool
} from "./chunk-JKYMEDOZ.js";
import {
  formatIpv4,
  planLayerNetwork
} from "./chunk-GKBTVNDX.js";
import {
  sleep
} from "./chunk-BHXEFIUH.js";

// src/core/peers.ts
function peerAddresses(build, layer, vm, plan = planLayerNetwork(build, layer)) {
  const mySubnets = new Set(plan.subnets.filter((s) => s.members.some((m) => m.vm === vm)).map((s) => s.name));
  const myVpcs = new Set(plan.subnets.filter((s) => mySubnets.has(s.name)).map((s) => s.vpc));
  const peers = [];
  for (const other of layer.vms) {
    if (other.name === vm) continue;
    let best;
    for (const s of plan.subnets) {
      if (!myVpcs.has(s.vpc)) continue;
      const member = s.members.find((m) => m.vm === other.name);
      if (!member) continue;
      const candidate = { vm: other.name, address: formatIpv4(member.address), subnet: s.name, vpc: s.vpc, sameSubnet: mySubnets.has(s.name) };
      if (!best || candidate.sameSubnet && !best.sameSubnet) best = candidate;
    }
    if (best) peers.push(best);
  }
  return peers;
}
function peerEnvironment(peers) {
  const env = {};
  for (const p of peers) env[`RUDDERVIRT_PEER_${p.vm.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`] = p.address;
  if (peers.length > 0) env.RUDDERVIRT_PEER_HOSTS = peerHostsLines(peers).join("\n");
  return env;
}
function peerHostsLines(peers) {
  return peers.map((p) => `${p.address} ${p.vm} ${p.vm}.${p.subnet}`);
}

// src/core/disk/convert.ts
import { rename, unlink } from "node:fs/promises";
import path from "node:path";

// src/core/disk/image-info.ts
async function imageInfo(file, signal) {
  const { stdout } = await runTool("qemu-img", ["info", "-U", "--output=json", file], signal ? { signal } : {});
  const raw = JSON.parse(stdout);
  if (typeof raw.format !== "string" || typeof raw["virtual-size"] !== "number") {
    throw new Error(`qemu-img info ${file}: unexpected output ${stdout.slice(0, 200)}`);
  }
  return {
    format: raw.format,
    virtualSize: raw["virtual-size"],
    ...raw["actual-size"] !== void 0 ? { actualSize: raw["actual-size"] } : {},
    ...raw["backing-filename"] !== void 0 ? { backingFile: raw["backing-filename"] } : {}
  };
}

// src/core/disk/convert.ts
var DEFAULT_QCOW2_COMPRESSION = "zstd";
async function convertDisk(req) {
  const { logger, signal } = req;
  const compress = req.compress && req.format === "qcow2";
  if (req.compress && !compress) logger.warn("output: raw images cannot be compressed; writing it uncompressed");
  const info = await imageInfo(req.source, signal);
  const partial = `${req.destination}.partial`;
  const attempts = req.attempts ?? 10;
  try {
    for (let attempt = 1; ; attempt++) {
      const progress = new ProgressReporter(logger, `export ${path.basename(req.destination)}`, info.virtualSize);
      progress.start();
      const compression = req.compressionType ?? DEFAULT_QCOW2_COMPRESSION;
      const args = ["convert", "-p", ...compress ? ["-c", "-o", `compression_type=${compression}`] : [], "-O", req.format, req.source, partial];
      let pending = "";
      try {
        await runTool("qemu-img", args, {
          signal,
          onStdout: (chunk) => {
            const parts = (pending + chunk).split(/[\r\n]/);
            pending = parts.pop() ?? "";
            const pct = parseConvertProgress(parts.join("\n")).at(-1);
            if (pct !== void 0) progress.update(Math.round(pct / 100 * info.virtualSize));
          }
        });
        progress.finish(`${req.format}${compress ? `, ${compression}-compressed` : ""}`);
        break;
      } catch (err) {
        if (!(err instanceof ToolError) || !isWriteLockError(err.stderr) || attempt >= attempts) throw err;
        logger.info(`export: the disk is still locked by QEMU; retrying (${attempt}/${attempts})`);
        await sleep(req.retryDelayMs ?? 1e3, signal);
      }
    }
    await rename(partial, req.destination);
  } finally {
    await unlink(partial).catch(() => void 0);
  }
}
function isWriteLockError(stderr) {
  return /Failed to get (?:shared )?"write" lock/.test(stderr);
}
function parseConvertProgress(text) {
  const out = [];
  for (const m of text.matchAll(/\((\d{1,3}(?:\.\d+)?)\/100%\)/g)) {
    const pct = Number(m[1]);
    if (pct >= 0 && pct <= 100) out.push(pct);
  }
  return out;
}

export {
  imageInfo,
  convertDisk,
  peerAddresses,
  peerEnvironment
};
