/**
 * The whole-build action (the repository's root action.yml): runs a build file in one step —
 * sources through the Actions cache, every layer and VM through Packer's order of operations on
 * the local engine or on KubeVirt (build-engine.ts), then optionally publishes the image as a
 * containerDisk and reports on the pull request. When a VM has a `verify:` block its image is first
 * booted as a new VM and checked (toolkit/verify-report.ts); a failed verify skips publishing.
 * All temp files, sockets and port locks live in one folder under RUNNER_TEMP, which the post step removes even if this process was killed (and
 * with it, on kubevirt, the build run's cluster objects).
 */
import * as core from '@actions/core';
import { mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { applyDataSourceOption, parseDataSourceOption } from '../../core/config/data-source-output.js';
import { UserError } from '../../core/errors.js';
import { runBuild, type BuildResult } from '../../core/pipeline/build-runner.js';
import { defaultCacheRoot } from '../../core/pipeline/layer-cache.js';
import { ActionsLayerCache } from '../toolkit/actions-layer-cache.js';
import { wholeBuildEngine } from '../toolkit/build-engine.js';
import { loadBuildForAction, phaseTimeoutInputs } from '../toolkit/build-context.js';
import { readFailure } from '../toolkit/failure-report.js';
import { reportToGitHub } from '../toolkit/github-report.js';
import { importLocalSource } from '../toolkit/import-source.js';
import { booleanInput, enumInput, forceInput, listInput, optionalInput } from '../toolkit/inputs.js';
import { logArtifactInputs, startBuildLog, uploadLogsIfWanted } from '../toolkit/log-artifact.js';
import { lockedOutputDirectory } from '../toolkit/output-lock.js';
import { setOutputs } from '../toolkit/outputs.js';
import { imageName, publishDisk, publishInputs } from '../toolkit/publish.js';
import { secretInput, runAction } from '../toolkit/run-action.js';
import { allVms, filterBuild } from '../toolkit/select-vm.js';
import { failureSection, imagesTable, layersTable, logsLine, outputsTable, phasesTable, sourcesTable, writeSummary, type ImageRow, type SourceRow } from '../toolkit/summary.js';
import { STATE } from '../toolkit/state-keys.js';
import { verifyOutputs, verifySection } from '../toolkit/verify-report.js';
import type { VerifyResult } from '../../core/verify/run-verify.js';

export const run = (): Promise<void> =>
  runAction(async (ctx) => {
    const { logger, signal } = ctx;
    const engine = enumInput('engine', ['local', 'kubevirt'] as const, 'local');
    // Everything temporary of this build goes under one folder the post step can remove.
    const tempRoot = ctx.env.RUNNER_TEMP || os.tmpdir();
    await mkdir(tempRoot, { recursive: true });
    const buildTemp = await mkdtemp(path.join(tempRoot, 'ruddervirt-build-'));
    core.saveState(STATE.buildTemp, buildTemp);
    process.env.TMPDIR = buildTemp;

    const loaded = loadBuildForAction(ctx);
    const build = filterBuild(loaded.build, listInput('layers'), listInput('vms'));
    const dataSource = optionalInput('data-source');
    if (dataSource !== undefined) {
      if (engine !== 'kubevirt') throw new UserError("input 'data-source' is for engine kubevirt (a golden image in the cluster)");
      applyDataSourceOption(build, parseDataSourceOption(dataSource, "input 'data-source'"), "input 'data-source'");
    }
    const publish = publishInputs(ctx);
    const token = secretInput(ctx, 'github-token');
    const onError = booleanInput('keep-on-failure', false) ? 'abort' : 'cleanup';
    core.saveState(STATE.keepOnFailure, String(onError === 'abort'));
    // Ready and locked before anything is written there (the build log is, next).
    const outputDir = await lockedOutputDirectory(ctx, build.name);
    const vmCount = allVms(build).length;
    const logDir = path.join(outputDir, 'logs');
    const logArtifact = logArtifactInputs([build.name]);
    await startBuildLog(logger, logDir, 'build.log');
    logger.info(`build ${build.name}: ${build.layers.length} layer(s), ${vmCount} VM(s) → ${outputDir}`);

    // Sources first, through the Actions cache: the build then finds them verified on disk.
    const sources: SourceRow[] = [];
    const useCache = booleanInput('cache', true);
    // On kubevirt CDI fetches sources itself, inside the cluster: nothing to cache on the runner.
    if (useCache && engine === 'local') {
      for (const selected of allVms(build)) {
        const kind = selected.vm.source.kind;
        if (kind !== 'url' && kind !== 'iso' && kind !== 'containerDisk') continue;
        logger.startGroup(`source for ${selected.key}`);
        const s = await importLocalSource({ build, selected, logger, signal, env: ctx.env });
        sources.push({ vm: selected.key, reference: s.reference, digest: s.digest, ...(s.bytes !== undefined ? { bytes: s.bytes } : {}), origin: s.origin });
        logger.closeGroup();
      }
    }

    // Unchanged layers: from this runner's layer cache, else from the Actions cache (cache input).
    const layerCache = new ActionsLayerCache(defaultCacheRoot(ctx.env), logger, useCache);
    const force = forceInput(build.layers.map((l) => l.name));
    // What each layer's key was made of last time, so the summary can say why it is rebuilt.
    await layerCache.restoreHistory(
      build.name,
      build.layers.map((l) => l.name),
    );
    const engineImpl = await wholeBuildEngine(ctx, engine, buildTemp);
    let result: BuildResult;
    let status: BuildResult['status'] = 'failed';
    let verified: VerifyResult | undefined;
    try {
      result = await runBuild({ build, engine: engineImpl.engine, outputDir, onError, logger, signal, phaseTimeouts: phaseTimeoutInputs(), layerCache, ...force });
      status = result.status;
      // The gate before anything is published: the images boot, as new VMs, and pass their checks.
      if (result.status === 'succeeded' && booleanInput('verify', true)) {
        verified = await verifyOutputs(ctx, { build, outputs: result.outputs, engine: engineImpl.engine, outputDir, onError });
        if (verified && verified.status !== 'passed') status = verified.status === 'cancelled' ? 'cancelled' : 'failed';
      }
    } finally {
      await engineImpl.release(status, onError === 'abort');
      logger.closeGroup();
    }
    if (result.status !== 'cancelled') {
      await layerCache.saveBuiltLayers();
      await layerCache.saveHistory(
        build.name,
        result.layers.map((l) => l.layer),
      );
    }
    const logs = await uploadLogsIfWanted(logArtifact, result.status, { dir: logDir, masker: ctx.masker, logger, tempRoot: buildTemp });

    core.saveState(STATE.status, status);
    const images: ImageRow[] = [];
    const verifyFailed = verified !== undefined && verified.status !== 'passed';
    if (verifyFailed && publish) logger.error(`publish skipped: verify ${verified!.status}; nothing was pushed to ${publish.refs.join(', ')}`);
    if (result.status === 'succeeded' && publish && !verifyFailed) {
      if (result.outputs.length !== 1) {
        throw new UserError(`input 'image': the build made ${result.outputs.length} images; publish one per VM with publish-containerdisk, or select one VM with 'vms'`);
      }
      const out = result.outputs[0]!;
      logger.startGroup(`publish ${out.image}`);
      const pushed = await publishDisk(ctx, out.image, publish, `${build.name} ${out.layer}/${out.vm}`, out.sbom);
      logger.closeGroup();
      images.push({ image: imageName(pushed.refs[0] ?? publish.refs[0]!), digest: pushed.digest, refs: pushed.refs });
    }

    const failures = result.status === 'failed' ? await Promise.all(allVms(build).map((s) => readFailure(s.key, path.join(logDir, `${s.layer.name}-${s.vm.name}`)))) : [];
    if (logs) for (const f of failures) f.where = `artifact ${logs.name}`;
    const report =
      `### RudderVirt build \`${build.name}\`: ${result.status}\n\n` +
      (sources.length > 0 ? `#### Sources\n\n${sourcesTable(sources)}\n` : '') +
      `#### Layers\n\n${layersTable(
        build.layers.map((l) => l.name),
        layerCache.layers,
        result.layers,
      )}\n` +
      `#### Phases\n\n${phasesTable(result.phases)}\n#### Outputs\n\n${outputsTable(result.outputs, (l) => layerCache.originOf(l))}\n` +
      (verified ? verifySection(verified) : '') +
      (verifyFailed && publish ? `**Publish skipped:** verify ${verified!.status}, so nothing was pushed to ${publish.refs.map((r) => `\`${r}\``).join(', ')}.\n\n` : '') +
      (images.length > 0 ? `#### Image\n\n${imagesTable(images)}\n` : '') +
      (result.error ? `**Error:** ${result.error.message.replace(/\n/g, '  \n')}\n\n` : '') +
      failures
        .filter((f) => f.serialTail.length > 0 || f.screenshots.length > 0)
        .map(failureSection)
        .join('\n') +
      (logs || result.status !== 'succeeded' ? `\n${logsLine(logs, logDir)}` : '');
    await writeSummary(report, ctx.masker);
    if (token) {
      await reportToGitHub({ token, buildName: build.name, status: result.status, markdown: ctx.masker.mask(report), comment: booleanInput('pr-comment', false), checkRun: booleanInput('check-run', false), logger });
    }

    const first = result.outputs[0];
    setOutputs(
      {
        status: verifyFailed ? 'failed' : result.status,
        verify: verified?.status ?? 'skipped',
        manifest: result.manifest,
        'output-directory': outputDir,
        'log-dir': logDir,
        'logs-artifact': logs?.name,
        'logs-artifact-url': logs?.url,
        images: JSON.stringify(result.outputs.map((o) => ({ layer: o.layer, vm: o.vm, path: o.image, format: o.format, bytes: o.bytes, sha256: o.sha256 }))),
        path: first?.image,
        sha256: first?.sha256,
        image: images[0]?.image,
        digest: images[0]?.digest,
        'image-ref': images[0] ? `${images[0].image}@${images[0].digest}` : undefined,
      },
      ctx.masker,
    );
    if (result.status !== 'succeeded') throw result.error ?? new UserError(`build ${result.status}`);
    if (verifyFailed) {
      const failed = verified!.vms.filter((v) => v.status !== 'passed');
      throw new UserError(`verify ${verified!.status}${publish ? ', so publishing was skipped' : ''}: ${failed.map((v) => `${v.vm}: ${v.error ?? v.status}`).join('; ')}`);
    }
  });
