#!/usr/bin/env node
// `npm test`: the type check, lint and the whole vitest suite on Node 24, closing with one plain
// line "tests: N passed, N failed, N skipped" that CI log readers understand.
// `npm run test:unit` (--tier=unit): test/unit only — no root, no QEMU, no Debian packages — and
// no static checks (they cost more than the tests; `npm run build` and `npm run lint` run them).
// --record-durations: after a full run, writes each file's wall time to test/durations.json, which
// test/longest-first-sequencer.ts uses to start the longest files first.
// Other arguments go to vitest.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const TIERS = { full: { static: true, paths: [] }, unit: { static: false, paths: ['test/unit'] } };
const tierArg = process.argv.slice(2).find((a) => a.startsWith('--tier='));
const tierName = tierArg ? tierArg.slice('--tier='.length) : 'full';
const tier = TIERS[tierName];
if (!tier) {
  console.error(`npm test: --tier=${tierName}: no such tier (tiers: ${Object.keys(TIERS).join(', ')})`);
  process.exit(2);
}
const recordDurations = process.argv.includes('--record-durations');
const vitestArgs = process.argv.slice(2).filter((a) => a !== tierArg && a !== '--record-durations');

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-test-'));
const report = path.join(tmp, 'report.json');

const wholeSuite = tier.static && vitestArgs.length === 0;
const prebuild = wholeSuite && process.env.RUDDERVIRT_PREBUILD_FIXTURES !== '0' ? await startFixturePrebuild() : undefined;
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => prebuild?.stop());

// Type errors, lint findings and unformatted files fail the run before any test starts: they are
// defects too. The three run side by side (each is one busy thread), their output printed whole.
if (process.env.RUDDERVIRT_SKIP_STATIC !== '1' && tier.static) {
  const checks = [
    ['type check', [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--noEmit']],
    ['lint', [path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.']],
    ['format check', [path.join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs'), '--check', '--log-level', 'warn', '.']],
  ];
  console.log(`npm test: ${checks.map(([what]) => what).join(', ')}`);
  const results = await Promise.all(checks.map(([what, args]) => runCaptured(what, args)));
  const failed = results.filter((r) => r.code !== 0);
  for (const r of results) if (r.output.trim()) process.stdout.write(`--- ${r.what} ---\n${r.output}`);
  if (failed.length > 0) {
    for (const r of failed) console.error(`npm test: ${r.what} failed`);
    prebuild?.stop();
    console.log('tests: 0 passed, 1 failed');
    process.exit(1);
  }
}

const child = spawn(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...tier.paths, ...vitestArgs], {
  cwd: root,
  stdio: 'inherit',
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
if (prebuild) console.log('npm test: vitest starts; the test guests are still being built in the background (lines "fixtures: …")');
const code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(s ? 128 + 2 : (c ?? 1))));

let summary = 'tests: 0 passed, 0 failed';
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = r.numPendingTests + r.numTodoTests;
  summary = `tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`;
  // E.g. the run-wide teardown found what the tests left in their temp folder (test/global-setup.ts).
  if (code !== 0 && r.numFailedTests === 0) summary += '; vitest failed outside the tests (its error is above)';
  if (recordDurations) writeDurations(r);
  if (r.numTotalTests === 0) {
    console.error('npm test: no test ran');
    process.exitCode = 1;
  }
} catch {
  console.error('npm test: vitest wrote no report');
}
// Every test that needed the guests waited for them; a build still running is of no use now.
prebuild?.stop();
rmSync(tmp, { recursive: true, force: true });
console.log(summary);
process.exitCode ||= code;

/** Seconds per test file, from vitest's JSON report (jest's format: startTime/endTime in ms). */
function writeDurations(r) {
  const files = {};
  for (const t of r.testResults) files[path.relative(root, t.name).split(path.sep).join('/')] = Math.round((t.endTime - t.startTime) / 100) / 10;
  const sorted = Object.fromEntries(Object.entries(files).sort(([, a], [, b]) => b - a));
  const record = { measured: new Date().toISOString().slice(0, 10), machine: `${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)} at the end`, files: sorted };
  writeFileSync(path.join(root, 'test', 'durations.json'), JSON.stringify(record, null, 2) + '\n');
  console.log(`npm test: wrote test/durations.json (${Object.keys(files).length} files)`);
}

/** Runs a Node script to its end with its output kept, to be printed whole. */
function runCaptured(what, args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) => resolve({ what, code: 1, output: `${err.message}\n` }));
    child.on('close', (code, signal) => resolve({ what, code: signal ? 1 : code, output }));
  });
}

/**
 * Starts building the test guests (test/fixtures/prebuild-entry.ts) in the background while the
 * static checks run; its lines go to this run's output prefixed "fixtures: ". Returns a stop()
 * that ends it and its children (mmdebstrap, dpkg) — its build script cleans up after itself.
 */
async function startFixturePrebuild() {
  const { build } = await import('esbuild');
  const entry = path.join(tmp, 'prebuild.mjs');
  await build({
    entryPoints: [path.join(root, 'test', 'fixtures', 'prebuild-entry.ts')],
    outfile: entry,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'warning',
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(path.join(root, 'test', 'fixtures', 'debian.ts')).href) },
  });
  // Its own process group, so stop() reaches the build scripts it spawns too.
  const child = spawn(process.execPath, [entry], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let rest = '';
  const print = (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line) console.log(`fixtures: ${line}`);
  };
  child.stdout.on('data', print);
  child.stderr.on('data', print);
  child.on('error', (err) => console.log(`fixtures: could not start (${err.message}); the tests build the guests themselves`));
  return {
    stop() {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    },
  };
}
