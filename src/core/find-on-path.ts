/** Where `binary` would be found on PATH (an executable file), like `command -v`; a name with a slash is taken as is. */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

export function findOnPath(binary: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (binary.includes('/')) return binary;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not in this PATH entry
    }
  }
  return undefined;
}
