import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  createPhaseRunner,
  outputImagePath,
  runVmSteps
} from "./chunk-JQEPOSES.js";
import {
  redactedVariables,
  writeManifest,
  writeSha256File
} from "./chunk-3HMVZMVH.js";
import {
  package_default
} from "./chunk-CJERD36X.js";
import {
  ownerAlive,
  processStartTime
} from "./chunk-JBN22HRT.js";
import {
  CancelledError,
  UserError,
  throwIfAborted
} from "./chunk-WJAK4XVW.js";

// src/core/pipeline/build-runner.ts
import { mkdir as mkdir2 } from "node:fs/promises";
import path4 from "node:path";

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
async function layerKey(build, layer, parents, sourceDigests = /* @__PURE__ */ new Map()) {
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
    const pinned = sourceDigests.get(vm.name);
    if (pinned) hash.update(`source ${pinned}\0`);
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
import { mkdir, rm as rm2 } from "node:fs/promises";
import path3 from "node:path";

// src/core/mask-file.ts
import { readFile, rename, stat as stat3, writeFile } from "node:fs/promises";
var MAX_MASKED_FILE_BYTES = 256 * 1024 * 1024;
async function maskSecretsInFile(file, masker) {
  const st = await stat3(file).catch(() => void 0);
  if (!st?.isFile() || st.size === 0 || st.size > MAX_MASKED_FILE_BYTES) return false;
  const bytes = await readFile(file);
  const text = bytes.toString("utf8");
  const masked = masker.mask(text);
  if (masked === text) return false;
  await writeFile(`${file}.partial`, masked);
  await rename(`${file}.partial`, file);
  return true;
}

// src/core/work-folder.ts
import { mkdtemp, readdir as readdir2, readFile as readFile2, rm, writeFile as writeFile2 } from "node:fs/promises";
import os from "node:os";
import path2 from "node:path";
var OWNER_FILE = ".ruddervirt-owner";
var KEPT_FILE = ".ruddervirt-kept";
var PREFIX = "ruddervirt-";
async function createWorkFolder(name, root = os.tmpdir()) {
  const dir = await mkdtemp(path2.join(root, `${PREFIX}${name}-`));
  await writeFile2(path2.join(dir, OWNER_FILE), JSON.stringify({ pid: process.pid, startTime: processStartTime(process.pid) }) + "\n");
  return dir;
}
async function keepWorkFolder(dir) {
  await writeFile2(path2.join(dir, KEPT_FILE), `${(/* @__PURE__ */ new Date()).toISOString()}
`);
}
async function sweepStaleWorkFolders(root = os.tmpdir()) {
  let names;
  try {
    names = (await readdir2(root)).filter((n) => n.startsWith(PREFIX));
  } catch {
    return [];
  }
  const removed = [];
  for (const name of names) {
    const dir = path2.join(root, name);
    let owner;
    try {
      owner = JSON.parse(await readFile2(path2.join(dir, OWNER_FILE), "utf8"));
    } catch {
      continue;
    }
    if (typeof owner.pid !== "number") continue;
    if (ownerAlive({ pid: owner.pid, ...typeof owner.startTime === "string" ? { startTime: owner.startTime } : {} })) continue;
    if (await readFile2(path2.join(dir, KEPT_FILE)).then(
      () => true,
      () => false
    ))
      continue;
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

// src/core/pipeline/vm-build.ts
function vmLogDir(outputDir, layer, vm) {
  return path3.join(outputDir, "logs", `${layer.name}-${vm.name}`);
}
async function buildVm(ctx) {
  const { build, layer, vm, logger } = ctx;
  const phases = createPhaseRunner(`${layer.name}/${vm.name}`, logger, ctx.signal);
  const logDir = vmLogDir(ctx.outputDir, layer, vm);
  await mkdir(logDir, { recursive: true });
  for (const stale of await sweepStaleWorkFolders()) logger.info(`removed ${stale}, left by a build that is no longer running`);
  const workDir = await createWorkFolder(`${build.name}-${vm.name}`);
  let keepWorkDir = false;
  try {
    const state = await runVmSteps({
      ctx: {
        build,
        layer,
        vm,
        engine: ctx.engine,
        workDir,
        logDir,
        outputDir: ctx.outputDir,
        logger,
        phases,
        timeouts: ctx.phaseTimeouts ?? {},
        ...ctx.masker ? { masker: ctx.masker } : {},
        ...ctx.parentDisk ? { parentDisk: ctx.parentDisk } : {},
        ...ctx.layerSync ? { layerSync: ctx.layerSync } : {}
      },
      onError: ctx.onError,
      ...ctx.ask ? { ask: ctx.ask } : {},
      vmAfter: "stop",
      onAbandoned: (abandoned) => {
        keepWorkDir = true;
        void keepWorkFolder(workDir).catch(() => void 0);
        ctx.onAbandoned?.({ ...abandoned, workDir, left: [...abandoned.left, `work directory ${workDir}`] });
      }
    });
    if (!state.output) throw new Error(`internal: vm ${vm.name} finished its steps without an output`);
    return state.output;
  } finally {
    if (!keepWorkDir) await rm2(workDir, { recursive: true, force: true });
    if (!keepWorkDir && ctx.masker) await maskSecretsInFile(path3.join(logDir, "serial.log"), ctx.masker).catch(() => false);
    ctx.phases.push(...phases.records);
  }
}

// src/core/pipeline/build-runner.ts
async function runBuild(options) {
  const { build, engine, logger, signal } = options;
  const outputDir = path4.resolve(options.outputDir);
  await mkdir2(outputDir, { recursive: true });
  const startedAt = (/* @__PURE__ */ new Date()).toISOString();
  const outputs = [];
  const phases = [];
  const abandoned = [];
  let error;
  const names = build.layers.map((l) => l.name);
  for (const [flag, value] of [
    ["--only", options.only],
    ["--until", options.until]
  ]) {
    if (value !== void 0 && !names.includes(value)) throw new UserError(`${flag} ${value}: no such layer (layers: ${names.join(", ")})`);
  }
  const lastIndex = options.until !== void 0 ? names.indexOf(options.until) : options.only !== void 0 ? names.indexOf(options.only) : names.length - 1;
  const parents = /* @__PURE__ */ new Map();
  const sources = [];
  try {
    for (const layer of build.layers.slice(0, lastIndex + 1)) {
      const sourceDigests = /* @__PURE__ */ new Map();
      for (const vm of layer.vms) {
        const pinned = await engine.sourceDigest?.(vm, logger, signal);
        if (!pinned) continue;
        sourceDigests.set(vm.name, pinned.digest);
        sources.push({ vm: `${layer.name}/${vm.name}`, ...pinned });
      }
      const key = options.layerCache ? await layerKey(build, layer, parents, sourceDigests) : void 0;
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
              ...options.phaseTimeouts ? { phaseTimeouts: options.phaseTimeouts } : {},
              ...options.masker ? { masker: options.masker } : {},
              onAbandoned: (a) => abandoned.push(a),
              ...options.ask ? { ask: options.ask } : {}
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
    ...sources.length > 0 ? { sources } : {},
    phases,
    outputs
  };
  const manifestFile = await writeManifest(outputDir, manifest);
  return { status, ...error ? { error } : {}, outputs, phases, manifest: manifestFile, abandoned };
}

export {
  runBuild
};
