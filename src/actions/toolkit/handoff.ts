/**
 * The handoff between the stage actions of one job (setup-cluster → import-source → build-vm →
 * provision → snapshot → publish-containerdisk): a versioned JSON file under RUNNER_TEMP. Outputs
 * carry what users chain by hand; the handoff carries what the next action needs without asking
 * (the build file and its non-secret variables, the running VM's endpoints, work folders, phase
 * timings for the summary).
 *
 * Every RudderVirt action of a job must be the same version: a file written by another version is
 * refused with a message saying so, because its layout and the meaning of its fields may differ.
 * Nothing secret is written: variables whose values are secrets are left out (pass them again
 * through `vars` or the environment), and no password or token is ever stored.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pkg from '../../../package.json' with { type: 'json' };
import { UserError } from '../../core/errors.js';
import type { KubevirtEngineSettings } from '../../core/config/kubevirt-options.js';
import type { KubevirtSettings } from '../../core/config/kubevirt-settings.js';
import type { OutputFormat } from '../../core/config/model.js';
import type { PhaseRecord } from '../../core/pipeline/phase.js';
import type { DetachedVm, EngineName } from '../../core/engine.js';
import type { LogArtifactSettings } from './log-artifact.js';

// 2: a VM is recorded as the engine's DetachedVm ({engine, vm, sshEndpoint, state}).
export const HANDOFF_VERSION = 2;
export const TOOL_VERSION: string = pkg.version;

export interface HandoffBuild {
  file: string;
  cwd: string;
  name: string;
  /** Variables given as inputs, without the secret ones. */
  vars: Record<string, string>;
  /** The `var-file` inputs, absolute: later stages read them again (they may hold secrets, the handoff never does). */
  varFiles?: string[];
  /** The `sensitive-variables` input: names only. */
  sensitiveVariables?: string[];
}

export interface HandoffSource {
  /** A local path (local engine), or namespace/name of the DataVolume and its PVC (kubevirt). */
  reference: string;
  /** sha256:… of the source bytes; for a containerDisk, the manifest digest its reference resolved to. */
  digest: string;
  bytes?: number;
  /**
   * How it got here: restored from the Actions cache, already on the runner, downloaded, or a
   * local file; on kubevirt imported by CDI (from a URL or registry) or uploaded from the runner.
   */
  origin: 'actions-cache' | 'local-cache' | 'downloaded' | 'local-file' | 'cdi-import' | 'cdi-upload';
}

export interface HandoffVm {
  state: 'starting' | 'running' | 'stopped' | 'snapshotted' | 'failed';
  /** Kept for debugging after a failure (keep-on-failure), so post steps leave it alone. */
  keep?: boolean;
  workDir: string;
  logDir: string;
  /** The running VM as its engine handed it over (Engine.detach); the next stage attaches it. */
  detached?: DetachedVm;
  phases: PhaseRecord[];
  /** build-vm's upload-logs and artifact-name, which provision and snapshot follow. */
  logs?: LogArtifactSettings;
}

/**
 * The kubevirt engine's build run of this job: every object it creates carries the run id, so any
 * later step (or post step) can find, reuse or remove them. Never a credential: the kubeconfig is
 * a path (inline content is written to a 0600 file under RUNNER_TEMP, which the runner empties
 * after the job).
 */
export interface HandoffKubevirtRun {
  id: string;
  namespace: string;
  kubeconfig?: string;
  /** The cluster-setting inputs of the step that started the run; every later step renders with them. */
  settings?: KubevirtSettings;
  /** Its egress-external-subnet and iso-size inputs, likewise. */
  engineInputs?: KubevirtEngineSettings;
}

export interface HandoffSnapshot {
  path: string;
  format: OutputFormat;
  compressed: boolean;
  bytes: number;
  sha256: string;
  /** A reference others can use: file://… on the local engine. */
  reference: string;
}

export interface HandoffPublication {
  image: string;
  digest: string;
  refs: string[];
}

export interface Handoff {
  handoffVersion: number;
  toolVersion: string;
  engine: EngineName;
  namespace?: string;
  kubeconfig?: string;
  accelerator?: string;
  kubevirtRun?: HandoffKubevirtRun;
  build?: HandoffBuild;
  sources: Record<string, HandoffSource>;
  vms: Record<string, HandoffVm>;
  snapshots: Record<string, HandoffSnapshot>;
  publications: Record<string, HandoffPublication>;
}

export function emptyHandoff(engine: Handoff['engine']): Handoff {
  return { handoffVersion: HANDOFF_VERSION, toolVersion: TOOL_VERSION, engine, sources: {}, vms: {}, snapshots: {}, publications: {} };
}

/** RUDDERVIRT_HANDOFF overrides the place (e.g. one file per build when a job runs several). */
export function handoffPath(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RUDDERVIRT_HANDOFF) return path.resolve(env.RUDDERVIRT_HANDOFF);
  return path.join(env.RUNNER_TEMP || os.tmpdir(), 'ruddervirt', 'handoff.json');
}

export class HandoffError extends UserError {
  override name = 'HandoffError';
}

/** Checks a parsed handoff; refuses other versions with a message a person can act on. */
export function checkHandoff(value: unknown, file: string): Handoff {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HandoffError(`${file} is not a RudderVirt handoff file (expected a JSON object)`);
  const h = value as Partial<Handoff>;
  if (h.toolVersion !== TOOL_VERSION || h.handoffVersion !== HANDOFF_VERSION) {
    throw new HandoffError(
      `${file} was written by RudderVirt ${String(h.toolVersion ?? 'unknown')} (handoff format ${String(h.handoffVersion ?? '?')}), ` +
        `but this action is RudderVirt ${TOOL_VERSION} (handoff format ${HANDOFF_VERSION}). ` +
        `Use the same version (the same @ref) for every RudderVirt action in a job.`,
    );
  }
  if (h.engine !== 'local' && h.engine !== 'kubevirt') throw new HandoffError(`${file}: engine must be local or kubevirt, got ${JSON.stringify(h.engine)}`);
  for (const key of ['sources', 'vms', 'snapshots', 'publications'] as const) {
    if (typeof h[key] !== 'object' || h[key] === null) throw new HandoffError(`${file}: '${key}' is missing or not an object`);
  }
  return h as Handoff;
}

export async function readHandoff(file = handoffPath()): Promise<Handoff | undefined> {
  if (!existsSync(file)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new HandoffError(`${file} cannot be read as JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return checkHandoff(value, file);
}

/** Reads the handoff, or fails saying which earlier action should have written it. */
export async function requireHandoff(expectedFrom: string, file = handoffPath()): Promise<Handoff> {
  const h = await readHandoff(file);
  if (!h) throw new HandoffError(`no handoff file at ${file}: run ${expectedFrom} earlier in the same job (or set RUDDERVIRT_HANDOFF to its file)`);
  return h;
}

export async function writeHandoff(handoff: Handoff, file = handoffPath()): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, JSON.stringify(handoff, null, 2) + '\n', { mode: 0o600 });
  await rename(partial, file);
}

/** Read-modify-write; steps of one job run one after another, so no lock is needed. */
export async function updateHandoff(engine: Handoff['engine'], change: (h: Handoff) => void, file = handoffPath()): Promise<Handoff> {
  const h = (await readHandoff(file)) ?? emptyHandoff(engine);
  change(h);
  await writeHandoff(h, file);
  return h;
}
