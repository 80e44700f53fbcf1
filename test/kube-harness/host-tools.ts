/**
 * The host tools the harness itself needs, checked at start so a missing one is named with its
 * Debian package instead of surfacing later as a failed pod or a TLS error. (QEMU, qemu-img and
 * xorriso are checked by the local engine's helpers when a VM or an import needs them.)
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../src/core/errors.js';

const REQUIRED: Record<string, string> = {
  openssl: 'openssl',
  busybox: 'busybox-static',
  cp: 'coreutils',
};

/** The absolute path of `tool` on PATH, or undefined. */
export function toolPath(tool: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      accessSync(path.join(dir, tool), constants.X_OK);
      return path.join(dir, tool);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

export function checkHostTools(env: NodeJS.ProcessEnv = process.env): void {
  const missing = Object.entries(REQUIRED).filter(([tool]) => !toolPath(tool, env));
  if (missing.length === 0) return;
  throw new UserError(`the kube harness needs ${missing.map(([t]) => t).join(', ')} on PATH (Debian: sudo apt-get install -y ${[...new Set(missing.map(([, p]) => p))].join(' ')}, or run scripts/setup.mjs)`);
}
