/**
 * pullContainerDisk alone, for bench/pull-vs-skopeo.sh to bundle and time: pulls IMAGE into the
 * cache folder CACHE_DIR and prints the extracted path last.
 */
import { LineLogger } from '../../src/core/log.js';
import { pullContainerDisk } from '../../src/core/oci/pull/pull.js';

const [image, cacheDir] = process.argv.slice(2);
if (!image || !cacheDir) throw new Error('usage: pull.mjs IMAGE CACHE_DIR');
const controller = new AbortController();
process.on('SIGINT', () => controller.abort(new Error('cancelled by SIGINT')));
const logger = new LineLogger((_level, line) => process.stderr.write(`${line}\n`));
const pulled = await pullContainerDisk({ image, cacheDir, logger, signal: controller.signal });
process.stdout.write(`${pulled.path}\n`);
