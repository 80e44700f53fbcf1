/**
 * Runs `ruddervirt build` from the committed bundle (dist/cli/index.js) on Node 24, as a user
 * would, and checks afterwards that nothing was left behind: no qemu process, no listening port,
 * no temp directory of that build.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { parse, stringify } from 'yaml';
import { node24, repoRoot } from '../../helpers/node24.js';

/** RUDDERVIRT_DIST=<dir> runs against another bundle (e.g. a private `scripts/bundle.mjs --outdir`). */
export const cliBundle = path.join(path.resolve(repoRoot, process.env.RUDDERVIRT_DIST || 'dist'), 'cli', 'index.js');
const examples = path.join(repoRoot, 'examples');

export interface CliRun {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  done: Promise<number>;
}

// Builds in tests must not reuse layers from a developer's own cache (or leave entries there).
// Removed after the file's tests: a vitest worker can end without Node's 'exit' event.
const testCache = mkdtempSync(path.join(os.tmpdir(), 'rvtest-cache-'));
afterAll(() => rmSync(testCache, { recursive: true, force: true }));

export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): CliRun {
  const env = { ...process.env, RUDDERVIRT_CACHE_DIR: testCache, ...options.env };
  const child = spawn(node24, [cliBundle, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: CliRun = {
    child,
    stdout: '',
    stderr: '',
    done: new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)))),
  };
  child.stdout!.on('data', (c: Buffer) => (run.stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (run.stderr += c.toString()));
  return run;
}

/** Resolves when the CLI's stderr matches `pattern` (or rejects when it exits first). */
export async function waitForOutput(run: CliRun, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = run.stderr.match(pattern);
    if (m) return m;
    if (run.child.exitCode !== null) throw new Error(`the CLI exited (${run.child.exitCode}) before printing ${pattern}:\n${run.stderr}`);
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${run.stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Writes a variant of examples/quickstart.yaml into a temp folder with a unique build name (so
 * leftovers can be recognised by name), paths made absolute, and `edit` applied to its one VM.
 */
export function quickstartVariant(name: string, guestImage: string, edit: (vm: Record<string, unknown>) => void = () => {}): { file: string; dir: string } {
  const doc = parse(readFileSync(path.join(examples, 'quickstart.yaml'), 'utf8')) as { name: string; layers: { vms: Record<string, unknown>[] }[] };
  doc.name = name;
  const vm = doc.layers[0]!.vms[0]!;
  // The cached image itself: the stable symlink the example names is the quickstart script's.
  vm.source = { path: guestImage };
  vm.httpDirectory = path.join(examples, vm.httpDirectory as string);
  for (const p of vm.provisioners as Record<string, unknown>[]) if (typeof p.source === 'string') p.source = path.join(examples, p.source);
  edit(vm);
  const dir = mkdtempSync(path.join(os.tmpdir(), `rvtest-${name}-`));
  const file = path.join(dir, `${name}.yaml`);
  writeFileSync(file, stringify(doc));
  return { file, dir };
}

/** Temp folders and processes of a build are recognisable by `ruddervirt-<build name>-`. */
export function leftovers(buildName: string): { tempDirs: string[]; processes: string[] } {
  const marker = `ruddervirt-${buildName}-`;
  const tempDirs = readdirSync(os.tmpdir()).filter((f) => f.startsWith(marker));
  const processes: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(marker)) processes.push(`${pid}: ${cmdline.slice(0, 200)}`);
    } catch {
      // The process ended while we looked.
    }
  }
  return { tempDirs, processes };
}

export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** The loopback ports a build announced (SSH forward, HTTP server), read from its log. */
export function announcedPorts(stderr: string): number[] {
  const ports = new Set<number>();
  for (const m of stderr.matchAll(/ssh on 127\.0\.0\.1:(\d+)/g)) ports.add(Number(m[1]));
  for (const m of stderr.matchAll(/http: serving .* on 127\.0\.0\.1:(\d+)/g)) ports.add(Number(m[1]));
  return [...ports];
}

/** Temp folders a build announced in its log (the VM's socket folder), which must be gone after it. */
export function announcedTempDirs(stderr: string): string[] {
  return [...stderr.matchAll(/vnc on (\/\S+)\/vnc\.sock/g)].map((m) => m[1]!);
}
