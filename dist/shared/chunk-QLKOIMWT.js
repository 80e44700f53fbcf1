import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  redactedVariables,
  writeManifest
} from "./chunk-7JDLV63C.js";
import {
  resolveSourceChecksums
} from "./chunk-IS5JQAUT.js";
import {
  createWorkFolder,
  keepWorkFolder,
  sweepStaleWorkFolders
} from "./chunk-34BIVQMA.js";
import {
  createPhaseRunner,
  maskSecretsInFolder,
  outputImagePath,
  runVmSteps
} from "./chunk-Y3BLDN7D.js";
import {
  writeSha256File
} from "./chunk-K5YCSMLN.js";
import {
  package_default
} from "./chunk-RTG4RYVJ.js";
import {
  sbomBeside
} from "./chunk-ZEOXAAFA.js";
import {
  hashFile
} from "./chunk-L2EL4R3K.js";
import {
  secretsOf
} from "./chunk-Q2MXJOS2.js";
import {
  CancelledError,
  throwIfAborted
} from "./chunk-BHXEFIUH.js";
import {
  SecretMasker
} from "./chunk-PXB3LWWR.js";
import {
  formatGoDuration
} from "./chunk-YBXMTZXO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";

// src/core/pipeline/build-runner.ts
import { mkdir as mkdir3 } from "node:fs/promises";
import path4 from "node:path";

// src/core/pipeline/kept-layers.ts
import { rm, stat, writeFile as writeFile2 } from "node:fs/promises";

// src/core/pipeline/layer-history.ts
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
var LayerHistory = class {
  constructor(root) {
    this.root = root;
  }
  root;
  file(build, layer) {
    return path.join(this.root, "layer-history", build, `${layer}.json`);
  }
  async read(build, layer) {
    try {
      const r = JSON.parse(await readFile(this.file(build, layer), "utf8"));
      return typeof r.key === "string" && r.parts && typeof r.parts === "object" ? r : void 0;
    } catch {
      return void 0;
    }
  }
  async write(build, layer, record) {
    const file = this.file(build, layer);
    await mkdir(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, JSON.stringify(record, null, 2) + "\n");
    await rename(partial, file);
  }
};
function changeReason(previous, key, parts) {
  if (!previous) return "not built before";
  if (previous.key === key) return "not in the layer cache";
  const reasons = [];
  for (const [vm, now] of Object.entries(parts.sources)) {
    const before = previous.parts.sources?.[vm];
    if (before && before.reference === now.reference && before.digest !== now.digest) reasons.push(`tag ${now.reference} moved to ${now.digest}`);
    else if (!before || before.reference !== now.reference) reasons.push(`source of ${vm} changed to ${now.reference} (${now.digest})`);
  }
  const rebuiltParents = /* @__PURE__ */ new Set();
  for (const [parent, digest] of Object.entries(parts.parents)) {
    if (previous.parts.parents?.[parent] !== void 0 && previous.parts.parents[parent] !== digest) rebuiltParents.add(parent.split("/")[0]);
  }
  for (const layer of rebuiltParents) reasons.push(`layer ${layer} was rebuilt`);
  if (previous.parts.config !== parts.config) reasons.push("build file changed");
  if (previous.parts.files !== parts.files) reasons.push("local files changed");
  return reasons.length > 0 ? reasons.join("; ") : "build file changed";
}
function tooOld(createdAt, maxAgeMs, now = Date.now()) {
  if (maxAgeMs === void 0) return void 0;
  const built = createdAt ? Date.parse(createdAt) : NaN;
  const limit = `older than maxAge (${formatGoDuration(maxAgeMs)})`;
  if (Number.isNaN(built)) return `${limit}: its build time is unknown`;
  return now - built > maxAgeMs ? `${limit}: built ${createdAt}` : void 0;
}

// src/core/pipeline/kept-layers.ts
async function reuseKeptLayer(req) {
  const { engine, build, layer, key, logger, signal } = req;
  const kept = await engine.findKeptLayer?.({ build, layer, key, logger, signal });
  if (!kept) return void 0;
  if (req.maxAge !== void 0) {
    const oldest = kept.map((k) => k.createdAt).sort((a, b) => a === void 0 ? -1 : b === void 0 ? 1 : Date.parse(a) - Date.parse(b))[0];
    const why = tooOld(oldest, req.maxAge);
    if (why) {
      req.onTooOld?.(why);
      return void 0;
    }
  }
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
      const sbomFile = sbomBeside(image);
      await rm(sbomFile, { force: true });
      if (k.readSbom) {
        try {
          await writeFile2(sbomFile, await k.readSbom(signal));
          output.sbom = sbomFile;
          logger.info(`layer ${layer.name}: the SBOM of ${k.vm} kept with it \u2192 ${sbomFile}`);
        } catch (err) {
          if (signal.aborted) throw err;
          logger.warn(`layer ${layer.name}: the SBOM kept with ${k.where} cannot be read (${err instanceof Error ? err.message : String(err)}); ${k.vm}'s image has none this time`);
        }
      }
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
import { readdir, stat as stat2 } from "node:fs/promises";
import path2 from "node:path";
var KEY_VERSION = "ruddervirt-layer-key/1";
async function hashTree(p, memo) {
  const digest = async (file) => memo ? (await memo.sha256(file)).sha256 : hashFile(file);
  let info;
  try {
    info = await stat2(p);
  } catch {
    return [[p, "missing"]];
  }
  if (!info.isDirectory()) return [[".", await digest(p)]];
  const out = [];
  const walk = async (dir) => {
    for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name < b.name ? -1 : 1)) {
      const full = path2.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) out.push([path2.relative(p, full), await digest(full)]);
    }
  };
  await walk(p);
  return out;
}
function localInputs(build, vm) {
  const files = [];
  const add = (f) => f && files.push(path2.resolve(build.dir, f));
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
async function layerKeyWithParts(build, layer, parents, sourceDigests = /* @__PURE__ */ new Map(), memo) {
  const hash = createHash("sha256");
  const config = createHash("sha256");
  const files = createHash("sha256");
  const parts = { config: "", files: "", parents: {}, sources: {} };
  const both = (h, text) => {
    hash.update(text);
    h.update(text);
  };
  hash.update(KEY_VERSION + "\0");
  both(config, JSON.stringify(build.network) + "\0");
  for (const vm of layer.vms) {
    const { positions: _positions, verify: _verify, ...vmConfig } = vm;
    both(config, JSON.stringify(vmConfig) + "\0");
    for (const file of localInputs(build, vm)) {
      both(files, `file ${path2.relative(build.dir, file)}\0`);
      for (const [rel, digest] of await hashTree(file, memo)) both(files, `${rel} ${digest}\0`);
    }
    if (vm.source.kind === "from") {
      const parent = `${vm.source.layer}/${vm.source.vm}`;
      const digest = parents.get(parent) ?? "unknown";
      hash.update(`parent ${digest}\0`);
      parts.parents[parent] = digest;
    }
    const pinned = sourceDigests.get(vm.name);
    if (pinned) {
      hash.update(`source ${pinned}\0`);
      parts.sources[vm.name] = { reference: vm.source.kind === "containerDisk" ? vm.source.image : vm.source.kind, digest: pinned };
    }
  }
  parts.config = config.digest("hex");
  parts.files = files.digest("hex");
  return { key: hash.digest("hex"), parts };
}

// src/core/pipeline/publish-layer.ts
async function publishLayer(req) {
  const { engine, layer } = req;
  if (!engine.publishLayer || !layer.vms.some((v) => v.output.dataSource)) return;
  const outputs = req.outputs.filter((o) => o.layer === layer.name);
  await engine.publishLayer({ build: req.build, layer, outputs, logger: req.logger, signal: req.signal });
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
import { mkdir as mkdir2, rm as rm2 } from "node:fs/promises";
import path3 from "node:path";
function vmLogDir(outputDir, layer, vm) {
  return path3.join(outputDir, "logs", `${layer.name}-${vm.name}`);
}
async function buildVm(ctx) {
  const { build, layer, vm, logger } = ctx;
  const phases = createPhaseRunner(`${layer.name}/${vm.name}`, logger, ctx.signal);
  const logDir = vmLogDir(ctx.outputDir, layer, vm);
  await mkdir2(logDir, { recursive: true });
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
    if (!keepWorkDir && ctx.masker) await maskSecretsInFolder(logDir, ctx.masker).catch(() => []);
    ctx.phases.push(...phases.records);
  }
}

// src/core/pipeline/build-runner.ts
async function runBuild(options) {
  const { build, engine, logger, signal } = options;
  await resolveSourceChecksums(build, { logger, signal });
  const hostMasker = secretsOf(logger);
  const masker = options.masker ?? (hostMasker instanceof SecretMasker ? hostMasker : new SecretMasker());
  for (const s of build.secrets) {
    masker.add(s);
    hostMasker?.add(s);
  }
  const outputDir = path4.resolve(options.outputDir);
  await mkdir3(outputDir, { recursive: true });
  const startedAt = (/* @__PURE__ */ new Date()).toISOString();
  const outputs = [];
  const phases = [];
  const abandoned = [];
  let error;
  const names = build.layers.map((l) => l.name);
  for (const [flag, value] of [["--only", options.only], ["--until", options.until], ...(options.forceLayers ?? []).map((l) => ["--force-layer", l])]) {
    if (value !== void 0 && !names.includes(value)) throw new UserError(`${flag} ${value}: no such layer (layers: ${names.join(", ")})`);
  }
  const lastIndex = options.until !== void 0 ? names.indexOf(options.until) : options.only !== void 0 ? names.indexOf(options.only) : names.length - 1;
  const parents = /* @__PURE__ */ new Map();
  const sources = [];
  const decisions = [];
  const history = options.layerCache ? new LayerHistory(options.layerCache.root) : void 0;
  try {
    for (const layer of build.layers.slice(0, lastIndex + 1)) {
      const sourceDigests = /* @__PURE__ */ new Map();
      for (const vm of layer.vms) {
        const pinned = await engine.sourceDigest?.(vm, logger, signal);
        if (!pinned) continue;
        sourceDigests.set(vm.name, pinned.digest);
        sources.push({ vm: `${layer.name}/${vm.name}`, ...pinned });
      }
      const keyed = options.layerCache ? await layerKeyWithParts(build, layer, parents, sourceDigests, options.layerCache.digestMemo()) : void 0;
      const key = keyed?.key;
      const previous = keyed ? await history.read(build.name, layer.name) : void 0;
      const remember = async () => {
        if (keyed) await history.write(build.name, layer.name, { key: keyed.key, parts: keyed.parts, at: (/* @__PURE__ */ new Date()).toISOString() });
      };
      const mustBuild = options.only === void 0 || options.only === layer.name;
      const forced = mustBuild && (options.force === true || (options.forceLayers ?? []).includes(layer.name));
      let found = key && options.layerCache && !forced ? await options.layerCache.lookup(key, layer.name) : void 0;
      let stale = found ? tooOld(found.createdAt, layer.maxAge) : void 0;
      if (stale && mustBuild) found = void 0;
      else stale = void 0;
      const kept = key && !forced && !stale ? await reuseKeptLayer({
        engine,
        build,
        layer,
        key,
        outputDir,
        logger,
        signal,
        ...options.layerCache ? { layerCache: options.layerCache } : {},
        ...layer.maxAge !== void 0 && mustBuild ? { maxAge: layer.maxAge, onTooOld: (why) => stale = why } : {}
      }) : void 0;
      const cached = found;
      if (kept) {
        decisions.push({ layer: layer.name, key, action: "reused", reason: "reused" });
        await remember();
        for (const o of kept.outputs) {
          outputs.push(o);
          parents.set(`${o.layer}/${o.vm}`, o.sha256);
        }
        phases.push(...kept.phases);
        await publishLayer({ engine, build, layer, outputs: kept.outputs, logger, signal });
        continue;
      }
      if (cached) {
        decisions.push({ layer: layer.name, key, action: "reused", reason: "reused" });
        await remember();
        const restored = await options.layerCache.restore(cached, outputDir);
        for (const o of restored) {
          outputs.push(o);
          parents.set(`${o.layer}/${o.vm}`, o.sha256);
          phases.push({ vm: `${layer.name}/${o.vm}`, phase: "layer", startedAt: (/* @__PURE__ */ new Date()).toISOString(), durationMs: 0, status: "reused", detail: `cache key ${key.slice(0, 12)}` });
        }
        logger.info(`layer ${layer.name}: reused (unchanged, cache key ${key.slice(0, 12)})`);
        await publishLayer({ engine, build, layer, outputs: restored, logger, signal });
        continue;
      }
      if (!mustBuild) throw new UserError(`layer ${layer.name} is not in the layer cache; build it first (run without --only)`);
      const reason = !keyed ? "layer cache off" : forced ? "forced" : stale ?? changeReason(previous, keyed.key, keyed.parts);
      decisions.push({ layer: layer.name, ...key ? { key } : {}, action: "built", reason });
      logger.info(`layer ${layer.name}: building (${reason})`);
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
              masker,
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
      await remember();
      if (key) await keepBuiltLayer({ engine, build, layer, key, logger, signal, outputs: built });
      await publishLayer({ engine, build, layer, outputs: built, logger, signal });
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
    layers: decisions,
    phases,
    outputs
  };
  const manifestFile = await writeManifest(outputDir, manifest, masker);
  return { status, ...error ? { error } : {}, outputs, phases, manifest: manifestFile, abandoned, layers: decisions };
}

export {
  LayerHistory,
  runBuild
};
