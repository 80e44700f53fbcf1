/**
 * Shared by the pipeline suite: build files made for the fake engine (test/helpers/fake-engine.ts)
 * — no boot command, `communicator: {type: none}` unless a test needs otherwise, no boot wait —
 * loaded from a temp folder, run through runBuild, with every log line kept.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadBuildText } from '../../../src/core/config/load.js';
import type { Build, OnError } from '../../../src/core/config/model.js';
import type { DetachedVm } from '../../../src/core/engine.js';
import { LineLogger, SecretMasker } from '../../../src/core/log.js';
import { createPhaseRunner, type PhaseRecord } from '../../../src/core/pipeline/phase.js';
import { runVmSteps, VM_STAGES, type VmBuildState, type VmStage } from '../../../src/core/pipeline/vm-steps.js';
import { LayerCache } from '../../../src/core/pipeline/layer-cache.js';
import { runBuild, type BuildOptions, type BuildResult } from '../../../src/core/pipeline/build-runner.js';
import type { BuildManifest } from '../../../src/core/pipeline/manifest.js';
import { FakeEngine, FakeWorld, type FakeEngineOptions } from '../../helpers/fake-engine.js';

/** One VM's lines in a build file (indented under `- name:` by vmYaml). */
export interface FakeVmSpec {
  name: string;
  /** Extra YAML lines for the VM (each a top-level key of the VM). */
  extra?: string[];
  /** Replaces the default `source:` line. */
  source?: string;
  dependsOn?: string[];
}

export interface FakeLayerSpec {
  name: string;
  vms: FakeVmSpec[];
  maxAge?: string;
}

export function vmYaml(vm: FakeVmSpec): string {
  const lines = [
    `name: ${vm.name}`,
    vm.source ?? 'source: { containerDisk: quay.io/containerdisks/debian:12 }',
    ...(vm.extra?.some((l) => l.startsWith('bootWait:')) ? [] : ['bootWait: -1s']),
    ...(vm.extra?.some((l) => l.startsWith('communicator:')) ? [] : ['communicator: { type: none }']),
    ...(vm.extra?.some((l) => l.startsWith('shutdownTimeout:')) ? [] : ['shutdownTimeout: 5s']),
    ...(vm.dependsOn ? [`dependsOn: [${vm.dependsOn.join(', ')}]`] : []),
    ...(vm.extra ?? []),
  ];
  return lines.map((l, i) => `${i === 0 ? '      - ' : '        '}${l}`).join('\n');
}

export function buildYaml(layers: FakeLayerSpec[], name = 'fake'): string {
  return [`name: ${name}`, 'layers:', ...layers.flatMap((l) => [`  - name: ${l.name}`, ...(l.maxAge ? [`    maxAge: ${l.maxAge}`] : []), '    vms:', ...l.vms.map(vmYaml)])].join('\n') + '\n';
}

/** A temp folder holding the build file, the output folder and a layer cache; `dispose` removes it. */
export class FakeBuildDir {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-pipeline-'));
  readonly outputDir = path.join(this.dir, 'output');
  readonly cache = new LayerCache(path.join(this.dir, 'cache'));

  write(relative: string, content: string): string {
    const file = path.join(this.dir, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
    return file;
  }

  load(layers: FakeLayerSpec[]): Build {
    const text = buildYaml(layers);
    const file = this.write('build.yaml', text);
    return loadBuildText(text, file, { env: {} });
  }

  manifest(): BuildManifest {
    return JSON.parse(readFileSync(path.join(this.outputDir, 'manifest.json'), 'utf8')) as BuildManifest;
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface FakeRun {
  result: BuildResult;
  lines: string[];
  /** The "cleanup: …" lines in the order the cleanups ran. */
  cleanups: string[];
}

export interface RunOnFakeOptions extends Partial<Omit<BuildOptions, 'build' | 'engine' | 'logger' | 'signal' | 'outputDir'>> {
  engine?: FakeEngine;
  world?: FakeWorld;
  engineOptions?: FakeEngineOptions;
  signal?: AbortSignal;
  /** Called with each log line as it is written (to cancel "during" a phase). */
  onLine?: (line: string) => void;
  outputDir?: string;
}

export async function runOnFake(dir: FakeBuildDir, build: Build, options: RunOnFakeOptions = {}): Promise<FakeRun & { engine: FakeEngine }> {
  const engine = options.engine ?? new FakeEngine(options.world ?? new FakeWorld(), options.engineOptions ?? {});
  const lines: string[] = [];
  // Verbose, so the "cleanup: …" debug lines show the order the cleanups ran in.
  const logger = new LineLogger(
    (level, line) => {
      lines.push(`${level}: ${line}`);
      options.onLine?.(line);
    },
    new SecretMasker(),
    '',
    true,
  );
  const onError: OnError = options.onError ?? 'cleanup';
  const result = await runBuild({
    build,
    engine,
    outputDir: options.outputDir ?? dir.outputDir,
    onError,
    logger,
    signal: options.signal ?? new AbortController().signal,
    ...(options.layerCache ? { layerCache: options.layerCache } : {}),
    ...(options.phaseTimeouts ? { phaseTimeouts: options.phaseTimeouts } : {}),
    ...(options.force !== undefined ? { force: options.force } : {}),
    ...(options.forceLayers !== undefined ? { forceLayers: options.forceLayers } : {}),
    ...(options.only !== undefined ? { only: options.only } : {}),
    ...(options.until !== undefined ? { until: options.until } : {}),
  });
  return { result, lines, cleanups: lines.filter((l) => /cleanup: /.test(l)).map((l) => l.replace(/^debug: (\[[^\]]*\] )*cleanup: /, '')), engine };
}

/** The work directories the engine was given (startVm's workDir): each must be gone after cleanup. */
export function workDirsOf(engine: FakeEngine): string[] {
  return engine.world.calls.filter((c) => c.method === 'startVm').map((c) => c.detail?.workDir as string);
}

export function leftOnDisk(paths: string[]): string[] {
  return paths.filter((p) => existsSync(p));
}

export interface StageRun {
  state: VmBuildState;
  phases: PhaseRecord[];
  lines: string[];
  /** The record the next stage attaches, after a trip through JSON (the handoff file). */
  handoff?: DetachedVm;
}

/** One stage action's process: its own engine instance, work folder and phase runner. */
export async function runStage(
  dir: FakeBuildDir,
  world: FakeWorld,
  build: Build,
  stage: VmStage,
  from: DetachedVm | undefined,
  options: { onError?: OnError; signal?: AbortSignal; engineOptions?: FakeEngineOptions } = {},
): Promise<StageRun> {
  const engine = new FakeEngine(world, { ...options.engineOptions, label: stage });
  const layer = build.layers[0]!;
  const vm = layer.vms[0]!;
  const lines: string[] = [];
  const logger = new LineLogger((level, line) => lines.push(`${level}: ${line}`), new SecretMasker(), '', true);
  const signal = options.signal ?? new AbortController().signal;
  const phases = createPhaseRunner(`${layer.name}/${vm.name}`, logger, signal);
  const workDir = mkdtempSync(path.join(dir.dir, `work-${stage}-`));
  const logDir = path.join(dir.outputDir, 'logs', vm.name);
  mkdirSync(logDir, { recursive: true });
  const handle = from ? await engine.attach(from, { build, vm, workDir, logDir, logger, signal }) : undefined;
  let state: VmBuildState;
  try {
    state = await runVmSteps({
      ctx: { build, layer, vm, engine, workDir, logDir, outputDir: dir.outputDir, logger, phases, timeouts: {} },
      steps: VM_STAGES[stage],
      ...(handle ? { state: { handle } } : {}),
      onError: options.onError ?? 'cleanup',
      vmAfter: stage === 'snapshot' ? 'stop' : 'detach',
    });
  } finally {
    await engine.close();
  }
  return { state, phases: phases.records, lines, ...(state.detached ? { handoff: JSON.parse(JSON.stringify(state.detached)) as DetachedVm } : {}) };
}
