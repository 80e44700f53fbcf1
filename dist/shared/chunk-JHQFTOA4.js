import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  exportOutput,
  outputImagePath,
  shutdownVm
} from "./chunk-GWIY2MEF.js";
import {
  startHttpServer
} from "./chunk-NJU4KRLM.js";
import {
  writeSha256File
} from "./chunk-U4DSBIX5.js";
import {
  CleanupStack,
  provisionOverSsh
} from "./chunk-QOYQJUD5.js";
import {
  createPhaseRunner,
  saveScreenshot,
  typeBootCommand
} from "./chunk-ADRVOGZQ.js";
import {
  redactedVariables,
  writeManifest
} from "./chunk-WAAKVM52.js";
import {
  CancelledError,
  UserError,
  package_default,
  sleep,
  throwIfAborted
} from "./chunk-Q75WJYVF.js";

// src/core/pipeline/build-runner.ts
import { mkdir as mkdir2 } from "node:fs/promises";
import path3 from "node:path";

// src/core/pipeline/kept-layers.ts
import { stat } from "node:fs/promises";
async function reuseKeptLayer(req) {
  const { engine, build, layer, key, logger, signal } = req;
  const kept = await engine.findKeptLayer?.({ build, layer, key, logger, signal });
  if (!kept) return void 0;
  const entry = await req.layerCache?.lookup(key, layer.name);
  const local = entry ? await req.layerCache.restore(entry, req.outputDir) : [];
  const outputs = [];
  const phases = [];
  for (const k of kept) {
    const startedAt = /* @__PURE__ */ new Date();
    let output = local.find((o) => o.vm === k.vm);
    if (!output) {
      const vm = layer.vms.find((v) => v.name === k.vm);
      if (!vm) throw new Error(`internal: the engine kept an output of ${layer.name}/${k.vm}, which is not a VM of the layer`);
      const image = outputImagePath(req.outputDir, layer, vm);
      logger.info(`layer ${layer.name}: fetching the kept output of ${k.vm} from ${k.where} (not in the local layer cache)`);
      await k.download(image, logger, signal);
      const { sha256, checksumFile } = await writeSha256File(image, signal);
      const { size } = await stat(image);
      output = { layer: layer.name, vm: k.vm, image, format: k.format, compressed: k.compressed, bytes: size, sha256, checksumFile };
    }
    outputs.push({ ...output, reused: true, keptAs: k.where });
    phases.push({
      vm: `${layer.name}/${k.vm}`,
      phase: "layer",
      startedAt: startedAt.toISOString(),
      durationMs: Date.now() - startedAt.getTime(),
      status: "reused",
      detail: `kept by the ${engine.name} engine as ${k.where}, key ${key.slice(0, 12)}`
    });
  }
  logger.info(`layer ${layer.name}: reused (unchanged, key ${key.slice(0, 12)}) from ${kept.map((k) => k.where).join(", ")}`);
  return { outputs, phases };
}
async function keepBuiltLayer(req) {
  const { engine, build, layer, key, logger, signal, outputs } = req;
  if (!engine.keepLayer) return;
  try {
    const where = await engine.keepLayer({ build, layer, key, logger, signal, outputs });
    for (const o of outputs) {
      const at = where.get(o.vm);
      if (at) o.keptAs = at;
    }
  } catch (err) {
    if (signal.aborted) throw err;
    logger.warn(`layer ${layer.name}: its outputs are not kept for later builds: ${err instanceof Error ? err.message : String(err)}`);
  }
}

// src/core/pipeline/layer-key.ts
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, stat as stat2 } from "node:fs/promises";
import path from "node:path";
var KEY_VERSION = "ruddervirt-layer-key/1";
async function hashFile(file) {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk);
  return hash.digest("hex");
}
async function hashTree(p) {
  let info;
  try {
    info = await stat2(p);
  } catch {
    return [[p, "missing"]];
  }
  if (!info.isDirectory()) return [[".", await hashFile(p)]];
  const out = [];
  const walk = async (dir) => {
    for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name < b.name ? -1 : 1)) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) out.push([path.relative(p, full), await hashFile(full)]);
    }
  };
  await walk(p);
  return out;
}
function localInputs(build, vm) {
  const files = [];
  const add = (f) => f && files.push(path.resolve(build.dir, f));
  if (vm.source.kind === "path") add(vm.source.path);
  add(vm.httpDirectory);
  for (const c of vm.cdroms) {
    for (const f of c.files ?? []) add(f);
    add(c.iso);
  }
  for (const p of vm.provisioners) {
    if (p.type === "shell") {
      add(p.script);
      for (const s of p.scripts ?? []) add(s);
    } else if (p.type === "file" && p.direction === "upload") {
      for (const s of p.sources) add(s);
    }
  }
  add(vm.communicator.sshPrivateKeyFile);
  return files;
}
async function layerKey(build, layer, parents) {
  const hash = createHash("sha256");
  hash.update(KEY_VERSION + "\0");
  hash.update(JSON.stringify(build.network) + "\0");
  for (const vm of layer.vms) {
    const { positions: _positions, ...config } = vm;
    hash.update(JSON.stringify(config) + "\0");
    for (const file of localInputs(build, vm)) {
      hash.update(`file ${path.relative(build.dir, file)}\0`);
      for (const [rel, digest] of await hashTree(file)) hash.update(`${rel} ${digest}\0`);
    }
    if (vm.source.kind === "from") hash.update(`parent ${parents.get(`${vm.source.layer}/${vm.source.vm}`) ?? "unknown"}\0`);
  }
  return hash.digest("hex");
}

// src/core/pipeline/layer-sync.ts
function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => void 0);
  return { promise, resolve, reject };
}
function untilAborted(signal) {
  const aborted = new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
  aborted.catch(() => void 0);
  return aborted;
}
var LayerSync = class {
  /** Settles when a VM's provisioners are done (resolved) or it failed (rejected). */
  ready = /* @__PURE__ */ new Map();
  /** Resolves when a VM is past provisioning, whatever the outcome. */
  finished = /* @__PURE__ */ new Map();
  dependents = /* @__PURE__ */ new Map();
  constructor(vms) {
    for (const vm of vms) {
      this.ready.set(vm.name, deferred());
      this.finished.set(vm.name, deferred());
      for (const d of vm.dependsOn) this.dependents.set(d, [...this.dependents.get(d) ?? [], vm.name]);
    }
  }
  provisioned(vm) {
    this.ready.get(vm)?.resolve();
    this.finished.get(vm)?.resolve();
  }
  failed(vm, error) {
    this.ready.get(vm)?.reject(new Error(`${vm} failed: ${error.message}`));
    this.finished.get(vm)?.resolve();
  }
  /** The VMs that wait for `vm` (for log lines). */
  dependentsOf(vm) {
    return this.dependents.get(vm) ?? [];
  }
  async waitFor(deps, signal) {
    const waits = deps.map((d) => this.ready.get(d)?.promise ?? Promise.reject(new Error(`dependsOn names '${d}', which is not a VM of this layer`)));
    await Promise.race([Promise.all(waits), untilAborted(signal)]);
    throwIfAborted(signal);
  }
  /** Resolves once every VM depending on `vm` is past provisioning (no cycles: the loader forbids them). */
  async waitForDependents(vm, signal) {
    const waits = this.dependentsOf(vm).map((d) => this.finished.get(d).promise);
    await Promise.race([Promise.all(waits), untilAborted(signal)]);
    throwIfAborted(signal);
  }
};

// src/core/pipeline/vm-build.ts
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path2 from "node:path";
async function buildVm(ctx) {
  const { build, layer, vm, engine, logger, signal } = ctx;
  const cleanup = new CleanupStack();
  const phases = createPhaseRunner(`${layer.name}/${vm.name}`, logger, signal);
  const logDir = path2.join(ctx.outputDir, "logs", `${layer.name}-${vm.name}`);
  await mkdir(logDir, { recursive: true });
  const workDir = await mkdtemp(path2.join(os.tmpdir(), `ruddervirt-${build.name}-${vm.name}-`));
  cleanup.push(`work directory ${workDir}`, () => rm(workDir, { recursive: true, force: true }));
  let handle;
  try {
    let httpPort;
    if (vm.httpDirectory || vm.httpContent) {
      const server = await startHttpServer({
        source: vm.httpDirectory ? { directory: vm.httpDirectory } : { content: vm.httpContent ?? {} },
        logger
      });
      cleanup.push("http server", () => server.close());
      httpPort = server.port;
    }
    handle = await phases.run(
      "start vm",
      (s) => engine.startVm({
        build,
        vm,
        workDir,
        logDir,
        logger,
        signal: s,
        ...httpPort !== void 0 ? { http: { port: httpPort } } : {},
        ...ctx.parentDisk ? { parentDisk: ctx.parentDisk } : {}
      }),
      { timeoutMs: ctx.phaseTimeouts?.boot ?? 0 }
    );
    const vmHandle = handle;
    cleanup.push(`vm ${vm.name}`, () => vmHandle.stop());
    if (vm.bootWait > 0) await phases.run("boot wait", (s) => sleep(vm.bootWait, s));
    if (vm.bootCommand.length > 0) {
      await phases.run("boot command", (s) => typeBootCommand({ vm, handle: vmHandle, logDir, logger, signal: s }), {
        timeoutMs: ctx.phaseTimeouts?.bootCommand ?? 0
      });
    } else {
      phases.skip("boot command", "none given");
    }
    if (vm.dependsOn.length > 0 && ctx.layerSync) {
      const sync = ctx.layerSync;
      await phases.run(`wait for ${vm.dependsOn.join(", ")}`, (s) => sync.waitFor(vm.dependsOn, s));
    }
    let comm;
    if (vm.communicator.type === "ssh") {
      const peers = engine.peerAddresses?.(build, layer, vm) ?? [];
      if (peers.length > 0) logger.info(`peers: ${peers.map((p) => `${p.vm}=${p.address}`).join(", ")} (RUDDERVIRT_PEER_* in shell provisioners)`);
      comm = await provisionOverSsh({ build, vm, handle: vmHandle, phases, cleanup, logger, signal, peers, provisionTimeoutMs: ctx.phaseTimeouts?.provision ?? 0 });
    } else {
      phases.skip("provision", "communicator none");
    }
    ctx.layerSync?.provisioned(vm.name);
    const dependents = ctx.layerSync?.dependentsOf(vm.name) ?? [];
    if (dependents.length > 0) {
      const sync = ctx.layerSync;
      await phases.run(`keep running for ${dependents.join(", ")}`, (s) => sync.waitForDependents(vm.name, s));
    }
    await phases.run("shutdown", (s) => shutdownVm({ vm, handle: vmHandle, logger, signal: s, ...comm ? { comm } : {} }), {
      timeoutMs: ctx.phaseTimeouts?.shutdown ?? 0
    });
    return await exportOutput({ layer, vm, handle: vmHandle, phases, outputDir: ctx.outputDir, logger, timeoutMs: ctx.phaseTimeouts?.export ?? 0 });
  } catch (err) {
    ctx.layerSync?.failed(vm.name, err instanceof Error ? err : new Error(String(err)));
    if (handle && !signal.aborted) await reportFailure(handle, logDir, logger);
    if (ctx.onError === "abort") {
      const left = cleanup.abandon();
      logger.warn(`onError=abort: leaving for debugging: ${left.join("; ")}`);
    }
    throw err;
  } finally {
    await cleanup.unwind(logger);
    ctx.phases.push(...phases.records);
  }
}
async function reportFailure(handle, logDir, logger) {
  const quick = AbortSignal.timeout(1e4);
  try {
    const file = await saveScreenshot(handle, path2.join(logDir, "failure.png"), quick);
    logger.error(`last screen: ${file}`);
  } catch (err) {
    logger.warn(`no screenshot: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    const tail = await handle.serialTail(30);
    if (tail.length > 0) {
      await writeFile(path2.join(logDir, "serial-tail.txt"), tail.join("\n") + "\n");
      logger.error(`last serial console lines:
${tail.map((l) => `  | ${l}`).join("\n")}`);
    }
  } catch (err) {
    logger.warn(`no serial console: ${err instanceof Error ? err.message : String(err)}`);
  }
}

// src/core/pipeline/build-runner.ts
async function runBuild(options) {
  const { build, engine, logger, signal } = options;
  const outputDir = path3.resolve(options.outputDir);
  await mkdir2(outputDir, { recursive: true });
  const startedAt = (/* @__PURE__ */ new Date()).toISOString();
  const outputs = [];
  const phases = [];
  let error;
  const names = build.layers.map((l) => l.name);
  for (const [flag, value] of [["--only", options.only], ["--until", options.until]]) {
    if (value !== void 0 && !names.includes(value)) throw new UserError(`${flag} ${value}: no such layer (layers: ${names.join(", ")})`);
  }
  const lastIndex = options.until !== void 0 ? names.indexOf(options.until) : options.only !== void 0 ? names.indexOf(options.only) : names.length - 1;
  const parents = /* @__PURE__ */ new Map();
  try {
    for (const layer of build.layers.slice(0, lastIndex + 1)) {
      const key = options.layerCache ? await layerKey(build, layer, parents) : void 0;
      const cached = key && options.layerCache ? await options.layerCache.lookup(key, layer.name) : void 0;
      const mustBuild = options.only === void 0 || options.only === layer.name;
      const kept = key && (!options.force || !mustBuild) ? await reuseKeptLayer({ engine, build, layer, key, outputDir, logger, signal, ...options.layerCache ? { layerCache: options.layerCache } : {} }) : void 0;
      if (kept) {
        for (const o of kept.outputs) {
          outputs.push(o);
          parents.set(`${o.layer}/${o.vm}`, o.sha256);
        }
        phases.push(...kept.phases);
        continue;
      }
      if (cached && (!options.force || !mustBuild)) {
        const restored = await options.layerCache.restore(cached, outputDir);
        for (const o of restored) {
          outputs.push(o);
          parents.set(`${o.layer}/${o.vm}`, o.sha256);
          phases.push({ vm: `${layer.name}/${o.vm}`, phase: "layer", startedAt: (/* @__PURE__ */ new Date()).toISOString(), durationMs: 0, status: "reused", detail: `cache key ${key.slice(0, 12)}` });
        }
        logger.info(`layer ${layer.name}: reused (unchanged, cache key ${key.slice(0, 12)})`);
        continue;
      }
      if (!mustBuild) throw new UserError(`layer ${layer.name} is not in the layer cache; build it first (run without --only)`);
      const layerAbort = new AbortController();
      const layerSignal = AbortSignal.any([signal, layerAbort.signal]);
      const layerSync = new LayerSync(layer.vms);
      const results = await Promise.allSettled(
        layer.vms.map(async (vm) => {
          try {
            const parent = vm.source.kind === "from" ? outputs.find((o) => o.layer === vm.source.layer && o.vm === vm.source.vm) : void 0;
            return await buildVm({
              build,
              layer,
              vm,
              engine,
              outputDir,
              onError: options.onError,
              logger: logger.child(layer.vms.length > 1 || build.layers.length > 1 ? `${layer.name}/${vm.name}` : vm.name),
              signal: layerSignal,
              phases,
              layerSync,
              ...parent ? { parentDisk: parent.image } : {},
              ...options.phaseTimeouts ? { phaseTimeouts: options.phaseTimeouts } : {}
            });
          } catch (err) {
            layerAbort.abort(err);
            throw err;
          }
        })
      );
      const built = [];
      for (const r of results) if (r.status === "fulfilled") built.push(r.value);
      outputs.push(...built);
      const failures = results.filter((r) => r.status === "rejected").map((r) => r.reason);
      const first = failures.find((e) => !(e instanceof CancelledError)) ?? failures[0];
      if (first) throw first;
      for (const o of built) parents.set(`${o.layer}/${o.vm}`, o.sha256);
      if (key && options.layerCache) await options.layerCache.store(key, layer.name, built);
      if (key) await keepBuiltLayer({ engine, build, layer, key, logger, signal, outputs: built });
    }
  } catch (err) {
    error = signal.aborted ? new CancelledError() : err instanceof Error ? err : new Error(String(err));
  }
  const status = error ? error instanceof CancelledError ? "cancelled" : "failed" : "succeeded";
  const manifest = {
    manifestVersion: 1,
    tool: { name: "ruddervirt", version: package_default.version },
    build: { name: build.name, file: build.file, engine: engine.name, variables: redactedVariables(build) },
    startedAt,
    finishedAt: (/* @__PURE__ */ new Date()).toISOString(),
    status,
    ...error ? { error: error.message } : {},
    phases,
    outputs
  };
  const manifestFile = await writeManifest(outputDir, manifest);
  return { status, ...error ? { error } : {}, outputs, phases, manifest: manifestFile };
}

export {
  runBuild
};
