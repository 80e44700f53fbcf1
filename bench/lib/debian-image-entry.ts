/**
 * Prints the path of the real Debian 12 guest the tests use (test/fixtures/debian.ts), building it
 * first when this machine's fixture cache does not hold it (as root, about 15 minutes once). The
 * bench bundles this file with `import.meta.url` pointing at test/fixtures/debian.ts, so the
 * fixture finds its build script and cache key exactly as the tests do.
 */
import type { Logger } from '../../src/core/log.js';
import { ensureDebianImage } from '../../test/fixtures/debian.js';

const line = (text: string): boolean => process.stderr.write(`debian fixture: ${text}\n`);
const logger: Logger = {
  debug: () => undefined,
  info: line,
  warn: line,
  error: line,
  progress: (p) => line(`${p.phase}: ${p.message ?? ''}`),
  child: () => logger,
};
console.log(await ensureDebianImage({ logger }));
