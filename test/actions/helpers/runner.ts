/**
 * Runs bundled actions the way the GitHub runner does, with nothing mocked on our side: each step
 * is `node <bundle>/<action>/index.js` on Node 24, its inputs are INPUT_* variables (defaults taken
 * from the action's real action.yml, as the runner does), and it talks back through the file
 * commands GITHUB_OUTPUT, GITHUB_STATE, GITHUB_ENV and GITHUB_STEP_SUMMARY. Post steps get the
 * state their main step saved as STATE_* variables and run in reverse order. Workflow commands on
 * stdout (::error file=…, ::add-mask::, ::group::) are collected for assertions.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { node24, repoRoot } from '../../helpers/node24.js';

export interface StepResult {
  action: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  /** `::error …::` and `::warning …::` commands, parsed. */
  annotations: { level: string; properties: Record<string, string>; message: string }[];
  masks: string[];
}

export interface StepOptions {
  /** Send SIGINT (as the runner does on cancel) once stdout matches this; SIGTERM 7.5 s later. */
  cancelWhen?: RegExp;
  /** What to send when cancelWhen matches (default SIGINT, as the runner does; SIGKILL = the runner giving up). */
  cancelSignal?: NodeJS.Signals;
  timeoutMs?: number;
  env?: Record<string, string>;
}

/** The runner's file-command format: `name<<DELIM\nvalue\nDELIM` (and the old `name=value`). */
export function parseFileCommands(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i]!);
      out[name!] = value.join('\n');
    } else {
      const eq = line.indexOf('=');
      if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1);
    }
  }
  return out;
}

function unescapeCommand(s: string): string {
  return s.replaceAll('%0D', '\r').replaceAll('%0A', '\n').replaceAll('%3A', ':').replaceAll('%2C', ',').replaceAll('%25', '%');
}

export function parseAnnotations(stdout: string): StepResult['annotations'] {
  const out: StepResult['annotations'] = [];
  for (const m of stdout.matchAll(/^::(error|warning|notice)(?: ([^:]*))?::(.*)$/gm)) {
    const properties: Record<string, string> = {};
    for (const kv of (m[2] ?? '').split(',').filter(Boolean)) {
      const eq = kv.indexOf('=');
      properties[kv.slice(0, eq)] = unescapeCommand(kv.slice(eq + 1));
    }
    out.push({ level: m[1]!, properties, message: unescapeCommand(m[3] ?? '') });
  }
  return out;
}

/** Inputs and their defaults from an action's metadata (root action.yml for 'build'). */
export function actionMetadata(action: string): { inputs: Record<string, { default?: string }>; runs: { main: string; post?: string } } {
  const file = action === 'build' ? path.join(repoRoot, 'action.yml') : path.join(repoRoot, 'actions', action, 'action.yml');
  return parse(readFileSync(file, 'utf8'));
}

export class RunnerJob {
  readonly temp: string;
  readonly runnerTemp: string;
  private readonly jobEnv: Record<string, string> = {};
  private readonly posts: { action: string; state: Record<string, string> }[] = [];
  readonly steps: StepResult[] = [];

  constructor(
    readonly dist: string,
    readonly workspace: string,
    private readonly baseEnv: Record<string, string> = {},
  ) {
    this.temp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-job-'));
    this.runnerTemp = path.join(this.temp, 'runner-temp');
  }

  /** Sets a job-level environment variable (what `env:` on the job does). */
  env(name: string, value: string): void {
    this.jobEnv[name] = value;
  }

  /** The job's summary: every step's summary, in order. */
  get summary(): string {
    return this.steps.map((s) => s.summary).join('');
  }

  async run(action: string, inputs: Record<string, string> = {}, options: StepOptions = {}): Promise<StepResult> {
    const meta = actionMetadata(action);
    const env: Record<string, string> = {};
    for (const [name, spec] of Object.entries(meta.inputs ?? {})) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = spec.default === undefined ? '' : String(spec.default);
    for (const [name, value] of Object.entries(inputs)) {
      if (!(name in (meta.inputs ?? {}))) throw new Error(`${action} has no input '${name}'`);
      env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
    }
    const result = await this.spawnStep(action, 'index.js', env, options);
    if (meta.runs.post) this.posts.push({ action, state: result.state });
    this.steps.push(result);
    return result;
  }

  /** Runs the post steps registered so far, newest first (the runner's order). */
  async runPosts(options: StepOptions = {}): Promise<StepResult[]> {
    const results: StepResult[] = [];
    while (this.posts.length > 0) {
      const { action, state } = this.posts.pop()!;
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(state)) env[`STATE_${k}`] = v;
      const r = await this.spawnStep(action, 'post.js', env, options);
      this.steps.push(r);
      results.push(r);
    }
    return results;
  }

  private async spawnStep(action: string, entry: string, stepEnv: Record<string, string>, options: StepOptions): Promise<StepResult> {
    const stepDir = mkdtempSync(path.join(this.temp, `${action}-`));
    const files = { GITHUB_OUTPUT: 'output', GITHUB_STATE: 'state', GITHUB_ENV: 'env', GITHUB_STEP_SUMMARY: 'summary', GITHUB_PATH: 'path' };
    const fileEnv: Record<string, string> = {};
    for (const [k, f] of Object.entries(files)) {
      fileEnv[k] = path.join(stepDir, f);
      writeFileSync(fileEnv[k], '');
    }
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && !/^(INPUT_|STATE_|GITHUB_|RUNNER_|ACTIONS_)/.test(k))) as Record<string, string>;
    const env = {
      ...inherited,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: this.workspace,
      GITHUB_REPOSITORY: 'acme/images',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
      RUNNER_TEMP: this.runnerTemp,
      // A hosted runner starts every job with an empty home: no layers or sources cached from an
      // earlier job (or an earlier test run on this machine) unless the Actions cache brings them.
      RUDDERVIRT_CACHE_DIR: path.join(this.temp, 'home-cache'),
      ...this.baseEnv,
      ...this.jobEnv,
      ...fileEnv,
      ...stepEnv,
      ...options.env,
    };
    const child = spawn(node24, [path.join(this.dist, action, entry)], { cwd: this.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let cancelled = false;
    let term: NodeJS.Timeout | undefined;
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (options.cancelWhen && !cancelled && options.cancelWhen.test(stdout)) {
        cancelled = true;
        child.kill(options.cancelSignal ?? 'SIGINT');
        term = setTimeout(() => child.kill('SIGTERM'), 7500);
      }
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timeout = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 10 * 60_000);
    const exitCode = await new Promise<number>((resolve) => child.on('close', (code, sig) => resolve(code ?? (sig ? 128 : 1))));
    clearTimeout(timeout);
    clearTimeout(term);
    const read = (k: string) => readFileSync(fileEnv[k]!, 'utf8');
    Object.assign(this.jobEnv, parseFileCommands(read('GITHUB_ENV')));
    return {
      action: `${action}/${entry}`,
      exitCode,
      stdout,
      stderr,
      outputs: parseFileCommands(read('GITHUB_OUTPUT')),
      state: parseFileCommands(read('GITHUB_STATE')),
      summary: read('GITHUB_STEP_SUMMARY'),
      annotations: parseAnnotations(stdout),
      masks: [...stdout.matchAll(/^::add-mask::(.*)$/gm)].map((m) => m[1]!),
    };
  }

  /** The job's handoff file, parsed. */
  handoff(): Record<string, unknown> & {
    vms: Record<string, { state: string; workDir: string; detached?: { engine: string; state: Record<string, unknown>; sshEndpoint?: { host: string; port: number; display: string } } }>;
  } {
    return JSON.parse(readFileSync(path.join(this.runnerTemp, 'ruddervirt', 'handoff.json'), 'utf8'));
  }

  /**
   * The end of the job: post steps still pending run (as the runner runs them even after a failed
   * step), then the job's temp folder goes. Tests call this in their cleanup, so a failing
   * assertion never leaves a VM running.
   */
  async finish(): Promise<void> {
    await this.runPosts().catch(() => undefined);
    rmSync(this.temp, { recursive: true, force: true });
  }
}

export const actionsRoot = repoRoot;
