// The body of bench/action-cold-start.sh: starts every bundle under DIST (each action's index.js
// and post.js, and the CLI) RUNS times as the runner starts it — `node <bundle>` with a fresh
// runner-like environment and no inputs — and times process start to its first line of output,
// interleaved with a peer that only starts Node and prints (`node -e 'console.log(1)'`), so load on
// the machine moves both. Prints per bundle the median, its ratio to the peer's median, and whether
// it meets the goal. Exit status 1 when any bundle misses it.
// Usage: node cold-start.mjs NODE DIST RUNS GOAL_SECONDS
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [node, dist, runsText = '10', goalText = '0.3'] = process.argv.slice(2);
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
      const child = spawn(node, args, { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let first;
      let out = '';
      const on = (d) => {
        out += d;
        if (first === undefined && out.includes('\n')) first = Number(process.hrtime.bigint() - t0) / 1e6;
      };
      child.stdout.on('data', on);
      child.stderr.on('data', on);
      child.on('error', reject);
      child.on('close', () => resolve({ ms: first ?? Number(process.hrtime.bigint() - t0) / 1e6, silent: first === undefined, line: out.split('\n')[0] ?? '' }));
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
const times = new Map(bundles.map((b) => [b, []]));
const lines = new Map();
let n = 0;
for (let r = 0; r < runs; r++) {
  for (const b of bundles) {
    peerTimes.push((await once(['-e', 'console.log(1)'], n++)).ms);
    const t = await once([path.join(dist, b)], n++);
    times.get(b).push(t.ms);
    lines.set(b, t.silent ? '(no output: timed to exit)' : t.line);
  }
}
const peer = median(peerTimes);
console.log(`peer \`node -e 'console.log(1)'\`: median ${peer.toFixed(0)} ms over ${peerTimes.length} starts`);
let missed = 0;
for (const b of bundles) {
  const m = median(times.get(b));
  if (m > goalMs) missed++;
  console.log(`${b.padEnd(32)} ${m.toFixed(0).padStart(5)} ms  ${(m / peer).toFixed(1).padStart(5)}x peer  ${m <= goalMs ? 'ok  ' : 'MISS'}  ${lines.get(b).slice(0, 70)}`);
}
console.log(`${bundles.length - missed}/${bundles.length} bundles reach their first line within ${goalMs / 1000} s (median of ${runs}); goal: all`);
process.exitCode = missed ? 1 : 0;
