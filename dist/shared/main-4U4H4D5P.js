import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  lockedOutputDirectory
} from "./chunk-BCYS4B3P.js";
import {
  verifyOutputs,
  verifySection,
  wholeBuildEngine
} from "./chunk-FF763WBG.js";
import {
  actionsCacheAvailable,
  importLocalSource,
  restoreFromActionsCache,
  saveToActionsCache
} from "./chunk-ABYLXCAI.js";
import {
  logArtifactInputs,
  readFailure,
  startBuildLog,
  uploadLogsIfWanted
} from "./chunk-6WJNFXZH.js";
import {
  allVms,
  filterBuild
} from "./chunk-ZZVCVOQK.js";
import {
  loadBuildForAction,
  phaseTimeoutInputs
} from "./chunk-USVA4TUM.js";
import {
  imageName,
  publishDisk,
  publishInputs
} from "./chunk-3OQRXQ4X.js";
import {
  failureSection,
  imagesTable,
  layersTable,
  logsLine,
  outputsTable,
  phasesTable,
  setOutputs,
  sourcesTable,
  writeSummary
} from "./chunk-65WQZR3G.js";
import {
  STATE
} from "./chunk-7N4MW5J4.js";
import "./chunk-CNXIYP7B.js";
import {
  booleanInput,
  enumInput,
  forceInput,
  listInput,
  optionalInput,
  runAction,
  secretInput
} from "./chunk-QMTQOFVL.js";
import {
  saveState
} from "./chunk-U4TFD2UW.js";
import "./chunk-YCUA3BH2.js";
import {
  LayerHistory,
  runBuild
} from "./chunk-QLKOIMWT.js";
import "./chunk-7JDLV63C.js";
import "./chunk-IS5JQAUT.js";
import "./chunk-34BIVQMA.js";
import "./chunk-Y3BLDN7D.js";
import "./chunk-K5YCSMLN.js";
import "./chunk-RTG4RYVJ.js";
import "./chunk-ZEOXAAFA.js";
import "./chunk-AIFBTII2.js";
import "./chunk-DG6KHQHA.js";
import "./chunk-R4AC3DXL.js";
import "./chunk-UF5DILBV.js";
import "./chunk-23LGHYNR.js";
import "./chunk-Z6CMOLZR.js";
import {
  applyDataSourceOption,
  parseDataSourceOption
} from "./chunk-WBMFEUYZ.js";
import "./chunk-M2E66S6E.js";
import "./chunk-MF7EYUNN.js";
import "./chunk-H4EHQFTY.js";
import "./chunk-KOBFVAF3.js";
import "./chunk-NHD4EFUK.js";
import "./chunk-UWT5WVQO.js";
import "./chunk-PKIXCSX5.js";
import "./chunk-UWXRMICO.js";
import "./chunk-JIQ45CAP.js";
import "./chunk-FUWAUBDQ.js";
import {
  LayerCache,
  defaultCacheRoot
} from "./chunk-L2EL4R3K.js";
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
  formatBytes
} from "./chunk-PXB3LWWR.js";
import "./chunk-YBXMTZXO.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import "./chunk-G4VXAHVF.js";
import "./chunk-YQXKSN3H.js";
import "./chunk-U4LSYZ75.js";

// src/actions/build/main.ts
import { mkdir, mkdtemp } from "node:fs/promises";
import os from "node:os";
import path2 from "node:path";

// src/actions/toolkit/actions-layer-cache.ts
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
function layerActionsCacheKey(layer, key) {
  return `ruddervirt-layer-${layer}-${key}`;
}
var ActionsLayerCache = class extends LayerCache {
  constructor(root, logger, useActionsCache) {
    super(root);
    this.logger = logger;
    this.useActionsCache = useActionsCache;
  }
  logger;
  useActionsCache;
  /** Per layer name, in the order the build reached them. */
  layers = /* @__PURE__ */ new Map();
  foundIn = /* @__PURE__ */ new Map();
  /** Per layer, the key its history record held before the build: an unchanged record is not saved again. */
  historyBefore = /* @__PURE__ */ new Map();
  async lookup(key, layer = "layer") {
    const local = await super.lookup(key, layer);
    if (local) {
      this.foundIn.set(key, "local");
      return local;
    }
    const what = `layer ${layer}`;
    const cacheKey = layerActionsCacheKey(layer, key);
    let matched = cacheKey;
    if (!await restoreFromActionsCache(this.entryDir(key), `${cacheKey}-newest`, what, this.logger, this.useActionsCache, [cacheKey], (k) => matched = k)) return void 0;
    const restored = await super.lookup(key, layer);
    if (restored) {
      this.foundIn.set(key, "actions-cache");
      this.logger.info(`${what}: restored from the Actions cache (key ${matched}); not rebuilt`);
    }
    return restored;
  }
  async restore(entry, outputDir) {
    const outputs = await super.restore(entry, outputDir);
    this.layers.set(entry.layer, { layer: entry.layer, key: entry.key, origin: this.foundIn.get(entry.key) ?? "local" });
    return outputs;
  }
  async store(key, layer, outputs) {
    await super.store(key, layer, outputs);
    this.layers.set(layer, { layer, key, origin: "built" });
  }
  /** Where the outputs of `layer` came from, for the summary (undefined: the build never finished it). */
  originOf(layer) {
    return this.layers.get(layer)?.origin;
  }
  /**
   * Saves every layer this job built into the Actions cache. Layers that finished before a later
   * layer failed are saved too: they are complete, and the next run then resumes after them.
   */
  async saveBuiltLayers() {
    if (!await actionsCacheAvailable(this.useActionsCache)) return;
    for (const record of this.layers.values()) {
      if (record.origin !== "built") continue;
      const dir = this.entryDir(record.key);
      const what = `layer ${record.layer}`;
      this.logger.info(`${what}: saving ${formatBytes(await folderBytes(dir))} to the Actions cache`);
      const cacheKey = layerActionsCacheKey(record.layer, record.key);
      record.saved = await saveToActionsCache(dir, cacheKey, what, this.logger, this.useActionsCache) || await saveToActionsCache(dir, `${cacheKey}-${Date.now()}`, what, this.logger, this.useActionsCache);
    }
  }
  /** The Actions cache key prefix of a layer's history record (why it changed since). */
  historyKey(build, layer) {
    return `ruddervirt-layer-history-${build}-${layer}-`;
  }
  /** Before the build: the newest history record of each layer, where this runner has none. */
  async restoreHistory(build, layers) {
    if (!await actionsCacheAvailable(this.useActionsCache)) return;
    const history = new LayerHistory(this.root);
    for (const layer of layers) {
      if (!await history.read(build, layer)) {
        const prefix = this.historyKey(build, layer);
        await restoreFromActionsCache(history.file(build, layer), `${prefix}newest`, `layer ${layer} history`, this.logger, true, [prefix]);
      }
      const before = await history.read(build, layer);
      if (before) this.historyBefore.set(layer, before.key);
    }
  }
  /** After the build: each layer's history record that changed, under a new key (entries cannot be replaced). */
  async saveHistory(build, layers) {
    if (!await actionsCacheAvailable(this.useActionsCache)) return;
    const history = new LayerHistory(this.root);
    for (const layer of layers) {
      const record = await history.read(build, layer);
      if (!record || this.historyBefore.get(layer) === record.key) continue;
      await saveToActionsCache(history.file(build, layer), `${this.historyKey(build, layer)}${Date.now()}`, `layer ${layer} history`, this.logger, true);
    }
  }
};
async function folderBytes(dir) {
  let total = 0;
  for (const f of await readdir(dir).catch(() => [])) total += (await stat(path.join(dir, f)).catch(() => ({ size: 0 }))).size;
  return total;
}

// src/actions/toolkit/github-report.ts
var COMMENT_LIMIT = 65e3;
function commentMarker(buildName) {
  return `<!-- ruddervirt-build-report:${buildName.replaceAll("--", "-")} -->`;
}
function fit(text) {
  return text.length <= COMMENT_LIMIT ? text : `${text.slice(0, COMMENT_LIMIT - 80)}

_(cut; the job summary has the full report)_`;
}
async function reportToGitHub(req) {
  const out = {};
  if (!req.comment && !req.checkRun) return out;
  const github = await import("./github-E2VHOPCB.js");
  const ctx = github.context;
  const octokit = github.getOctokit(req.token);
  const { owner, repo } = ctx.repo;
  const pr = ctx.payload.pull_request;
  const title = `RudderVirt build ${req.buildName}: ${req.status}`;
  if (req.comment) {
    if (!pr) {
      req.logger.info("pr-comment: not a pull_request event; no comment");
    } else {
      try {
        const marker = commentMarker(req.buildName);
        const body = fit(`${marker}
## ${title}

${req.markdown}`);
        const comments = await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: pr.number, per_page: 100 });
        const mine = comments.find((c) => c.body?.startsWith(marker));
        const res = mine ? await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body }) : await octokit.rest.issues.createComment({ owner, repo, issue_number: pr.number, body });
        out.commentUrl = res.data.html_url;
        req.logger.info(`pr-comment: ${mine ? "updated" : "posted"} ${res.data.html_url}`);
      } catch (err) {
        req.logger.warn(`pr-comment failed (the token needs pull-requests: write): ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  if (req.checkRun) {
    try {
      const res = await octokit.rest.checks.create({
        owner,
        repo,
        name: `RudderVirt: ${req.buildName}`,
        head_sha: pr?.head?.sha ?? ctx.sha,
        status: "completed",
        conclusion: req.status === "succeeded" ? "success" : req.status === "cancelled" ? "cancelled" : "failure",
        output: { title, summary: fit(req.markdown) }
      });
      out.checkRunUrl = res.data.html_url ?? void 0;
      req.logger.info(`check-run: ${res.data.html_url}`);
    } catch (err) {
      req.logger.warn(`check-run failed (the token needs checks: write): ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return out;
}

// src/actions/build/main.ts
var run = () => runAction(async (ctx) => {
  const { logger, signal } = ctx;
  const engine = enumInput("engine", ["local", "kubevirt"], "local");
  const tempRoot = ctx.env.RUNNER_TEMP || os.tmpdir();
  await mkdir(tempRoot, { recursive: true });
  const buildTemp = await mkdtemp(path2.join(tempRoot, "ruddervirt-build-"));
  saveState(STATE.buildTemp, buildTemp);
  process.env.TMPDIR = buildTemp;
  const loaded = loadBuildForAction(ctx);
  const build = filterBuild(loaded.build, listInput("layers"), listInput("vms"));
  const dataSource = optionalInput("data-source");
  if (dataSource !== void 0) {
    if (engine !== "kubevirt") throw new UserError("input 'data-source' is for engine kubevirt (a golden image in the cluster)");
    applyDataSourceOption(build, parseDataSourceOption(dataSource, "input 'data-source'"), "input 'data-source'");
  }
  const publish = publishInputs(ctx);
  const token = secretInput(ctx, "github-token");
  const onError = booleanInput("keep-on-failure", false) ? "abort" : "cleanup";
  saveState(STATE.keepOnFailure, String(onError === "abort"));
  const outputDir = await lockedOutputDirectory(ctx, build.name);
  const vmCount = allVms(build).length;
  const logDir = path2.join(outputDir, "logs");
  const logArtifact = logArtifactInputs([build.name]);
  await startBuildLog(logger, logDir, "build.log");
  logger.info(`build ${build.name}: ${build.layers.length} layer(s), ${vmCount} VM(s) \u2192 ${outputDir}`);
  const sources = [];
  const useCache = booleanInput("cache", true);
  if (useCache && engine === "local") {
    for (const selected of allVms(build)) {
      const kind = selected.vm.source.kind;
      if (kind !== "url" && kind !== "iso" && kind !== "containerDisk") continue;
      logger.startGroup(`source for ${selected.key}`);
      const s = await importLocalSource({ build, selected, logger, signal, env: ctx.env });
      sources.push({ vm: selected.key, reference: s.reference, digest: s.digest, ...s.bytes !== void 0 ? { bytes: s.bytes } : {}, origin: s.origin });
      logger.closeGroup();
    }
  }
  const layerCache = new ActionsLayerCache(defaultCacheRoot(ctx.env), logger, useCache);
  const force = forceInput(build.layers.map((l) => l.name));
  await layerCache.restoreHistory(
    build.name,
    build.layers.map((l) => l.name)
  );
  const engineImpl = await wholeBuildEngine(ctx, engine, buildTemp);
  let result;
  let status = "failed";
  let verified;
  try {
    result = await runBuild({ build, engine: engineImpl.engine, outputDir, onError, logger, signal, phaseTimeouts: phaseTimeoutInputs(), layerCache, ...force });
    status = result.status;
    if (result.status === "succeeded" && booleanInput("verify", true)) {
      verified = await verifyOutputs(ctx, { build, outputs: result.outputs, engine: engineImpl.engine, outputDir, onError });
      if (verified && verified.status !== "passed") status = verified.status === "cancelled" ? "cancelled" : "failed";
    }
  } finally {
    await engineImpl.release(status, onError === "abort");
    logger.closeGroup();
  }
  if (result.status !== "cancelled") {
    await layerCache.saveBuiltLayers();
    await layerCache.saveHistory(
      build.name,
      result.layers.map((l) => l.layer)
    );
  }
  const logs = await uploadLogsIfWanted(logArtifact, result.status, { dir: logDir, masker: ctx.masker, logger, tempRoot: buildTemp });
  saveState(STATE.status, status);
  const images = [];
  const verifyFailed = verified !== void 0 && verified.status !== "passed";
  if (verifyFailed && publish) logger.error(`publish skipped: verify ${verified.status}; nothing was pushed to ${publish.refs.join(", ")}`);
  if (result.status === "succeeded" && publish && !verifyFailed) {
    if (result.outputs.length !== 1) {
      throw new UserError(`input 'image': the build made ${result.outputs.length} images; publish one per VM with publish-containerdisk, or select one VM with 'vms'`);
    }
    const out = result.outputs[0];
    logger.startGroup(`publish ${out.image}`);
    const pushed = await publishDisk(ctx, out.image, publish, `${build.name} ${out.layer}/${out.vm}`, out.sbom);
    logger.closeGroup();
    images.push({ image: imageName(pushed.refs[0] ?? publish.refs[0]), digest: pushed.digest, refs: pushed.refs });
  }
  const failures = result.status === "failed" ? await Promise.all(allVms(build).map((s) => readFailure(s.key, path2.join(logDir, `${s.layer.name}-${s.vm.name}`)))) : [];
  if (logs) for (const f of failures) f.where = `artifact ${logs.name}`;
  const report = `### RudderVirt build \`${build.name}\`: ${result.status}

` + (sources.length > 0 ? `#### Sources

${sourcesTable(sources)}
` : "") + `#### Layers

${layersTable(
    build.layers.map((l) => l.name),
    layerCache.layers,
    result.layers
  )}
#### Phases

${phasesTable(result.phases)}
#### Outputs

${outputsTable(result.outputs, (l) => layerCache.originOf(l))}
` + (verified ? verifySection(verified) : "") + (verifyFailed && publish ? `**Publish skipped:** verify ${verified.status}, so nothing was pushed to ${publish.refs.map((r) => `\`${r}\``).join(", ")}.

` : "") + (images.length > 0 ? `#### Image

${imagesTable(images)}
` : "") + (result.error ? `**Error:** ${result.error.message.replace(/\n/g, "  \n")}

` : "") + failures.filter((f) => f.serialTail.length > 0 || f.screenshots.length > 0).map(failureSection).join("\n") + (logs || result.status !== "succeeded" ? `
${logsLine(logs, logDir)}` : "");
  await writeSummary(report, ctx.masker);
  if (token) {
    await reportToGitHub({ token, buildName: build.name, status: result.status, markdown: ctx.masker.mask(report), comment: booleanInput("pr-comment", false), checkRun: booleanInput("check-run", false), logger });
  }
  const first = result.outputs[0];
  setOutputs(
    {
      status: verifyFailed ? "failed" : result.status,
      verify: verified?.status ?? "skipped",
      manifest: result.manifest,
      "output-directory": outputDir,
      "log-dir": logDir,
      "logs-artifact": logs?.name,
      "logs-artifact-url": logs?.url,
      images: JSON.stringify(result.outputs.map((o) => ({ layer: o.layer, vm: o.vm, path: o.image, format: o.format, bytes: o.bytes, sha256: o.sha256 }))),
      path: first?.image,
      sha256: first?.sha256,
      image: images[0]?.image,
      digest: images[0]?.digest,
      "image-ref": images[0] ? `${images[0].image}@${images[0].digest}` : void 0
    },
    ctx.masker
  );
  if (result.status !== "succeeded") throw result.error ?? new UserError(`build ${result.status}`);
  if (verifyFailed) {
    const failed = verified.vms.filter((v) => v.status !== "passed");
    throw new UserError(`verify ${verified.status}${publish ? ", so publishing was skipped" : ""}: ${failed.map((v) => `${v.vm}: ${v.error ?? v.status}`).join("; ")}`);
  }
});
export {
  run
};
