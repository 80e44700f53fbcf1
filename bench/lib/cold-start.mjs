// The body of bench/action-cold-start.sh: starts every bundle under DIST (each action's index.js
// and post.js, and the CLI) RUNS times as the runner starts it — `node <bundle>` with a fresh
// runner-like environment and no inputs — and times process start to its first line of output,
// interleaved with a peer that only starts Node and prints (`node -e 'console.log(1)'`), so load on
// the machine moves both. Prints per bundle the median, its ratio to the peer's median, and whether
// it meets the goal. Beside the wall time it prints the CPU time of each start (user + system, from
// /usr/bin/time): on a loaded machine the wall time mostly measures the queue for a core, while the
// CPU time is close to what an idle runner's wall time would be. Exit status 1 when any bundle
// misses the goal (on wall time).
// Usage: node cold-start.mjs NODE DIST RUNS GOAL_SECONDS
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [nodeArg, distArg, runsText = '10', goalText = '0.3'] = process.argv.slice(2);
const node = path.resolve(nodeArg);
const dist = path.resolve(distArg);
const runs = Number(runsText);
const goalMs = Number(goalText) * 1000;

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-cold-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

/** A runner's files and variables, empty: each action then stops at its first missing input. */
function runnerEnv(i) {
  const dir = path.join(tmp, String(i));
  rmSync(dir, { recursive: true, force: true });
  const files = { GITHUB_STATE: 'state', GITHUB_OUTPUT: 'output', GITHUB_ENV: 'env', GITHUB_PATH: 'path', GITHUB_STEP_SUMMARY: 'summary' };
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, RUNNER_TEMP: dir, GITHUB_WORKSPACE: dir, GITHUB_ACTIONS: 'true', RUDDERVIRT_HANDOFF: path.join(dir, 'handoff.json') };
  for (const [k, f] of Object.entries(files)) {
    env[k] = path.join(dir, f);
  }
  return { env, dir, files: Object.values(files).map((f) => path.join(dir, f)) };
}

/** Milliseconds from spawn to the first complete line on stdout or stderr (or to exit, for a silent post step). */
function once(args, i) {
  const { env, dir, files } = runnerEnv(i);
  return import('node:fs/promises').then(async (fs) => {
    await fs.mkdir(dir, { recursive: true });
    for (const f of files) await fs.writeFile(f, '');
    return new Promise((resolve, reject) => {
      const t0 = process.hrtime.bigint();
      const cpuFile = path.join(dir, 'cpu');
      const child = spawn('/usr/bin/time', ['-f', '%U %S', '-o', cpuFile, node, ...args], { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let first;
      let out = '';
      const on = (d) => {
        out += d;
        if (first === undefined && out.includes('\n')) first = Number(process.hrtime.bigint() - t0) / 1e6;
      };
      child.stdout.on('data', on);
      child.stderr.on('data', on);
      child.on('error', reject);
      child.on('close', () => {
        const [user, sys] = readFileSync(cpuFile, 'utf8').trim().split('\n').pop().split(/\s+/).map(Number);
        resolve({ ms: first ?? Number(process.hrtime.bigint() - t0) / 1e6, cpuMs: (user + sys) * 1000, silent: first === undefined, line: out.split('\n')[0] ?? '' });
      });
    });
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const bundles = [];
for (const name of readdirSync(dist).sort()) {
  for (const file of ['index.js', 'post.js']) if (existsSync(path.join(dist, name, file))) bundles.push(`${name}/${file}`);
}
const peerTimes = [];
const peerCpu = [];
const times = new Map(bundles.map((b) => [b, []]));
const cpu = new Map(bundles.map((b) => [b, []]));
const lines = new Map();
let n = 0;
for (let r = 0; r < runs; r++) {
  for (const b of bundles) {
    const p = await once(['-e', 'console.log(1)'], n++);
    peerTimes.push(p.ms);
    peerCpu.push(p.cpuMs);
    const t = await once([path.join(dist, b)], n++);
    times.get(b).push(t.ms);
    cpu.get(b).push(t.cpuMs);
    lines.set(b, t.silent ? '(no output: timed to exit)' : t.line);
  }
}
const peer = median(peerTimes);
console.log(`peer \`node -e 'console.log(1)'\`: median ${peer.toFixed(0)} ms, CPU ${median(peerCpu).toFixed(0)} ms, over ${peerTimes.length} starts`);
console.log(`${'bundle'.padEnd(32)}  wall ms  ratio      CPU ms  goal (wall <= ${goalMs / 1000} s)`);
let missed = 0;
for (const b of bundles) {
  const m = median(times.get(b));
  if (m > goalMs) missed++;
  console.log(`${b.padEnd(32)} ${m.toFixed(0).padStart(8)}  ${(m / peer).toFixed(1).padStart(4)}x peer  ${median(cpu.get(b)).toFixed(0).padStart(6)}  ${m <= goalMs ? 'ok  ' : 'MISS'}  ${lines.get(b).slice(0, 60)}`);
}
console.log(`${bundles.length - missed}/${bundles.length} bundles reach their first line within ${goalMs / 1000} s (median of ${runs}); goal: all`);
process.exitCode = missed ? 1 : 0;
