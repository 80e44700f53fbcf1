/**
 * The layer key of a one-VM build whose source is a local disk, computed with the cache folder's
 * digest memo the way `ruddervirt build` computes it: prints how long the key took and whether the
 * disk's digest came from the memo or was hashed.
 */
import path from 'node:path';
import { loadBuildText } from '../../src/core/config/load.js';
import { DigestMemo, type MemoDigest } from '../../src/core/pipeline/digest-memo.js';
import { LayerCache } from '../../src/core/pipeline/layer-cache.js';
import { layerKey } from '../../src/core/pipeline/layer-key.js';

const [disk = '', cacheDir = ''] = process.argv.slice(2);
const build = loadBuildText(
  `name: source-hash\nlayers:\n  - name: base\n    vms:\n      - name: vm\n        source: { path: ${JSON.stringify(disk)} }\n        communicator: { type: none }\n`,
  path.join(path.dirname(disk), 'build.yaml'),
  { checkFiles: true },
);
/** The cache folder's memo, noting where each digest the key asked for came from. */
class WatchedMemo extends DigestMemo {
  readonly answers: MemoDigest['from'][] = [];
  override async sha256(file: string, signal?: AbortSignal): Promise<MemoDigest> {
    const answer = await super.sha256(file, signal);
    this.answers.push(answer.from);
    return answer;
  }
}
const memo = new WatchedMemo(new LayerCache(cacheDir).digestMemo().dir);
const t0 = performance.now();
const key = await layerKey(build, build.layers[0]!, new Map(), new Map(), memo);
const ms = performance.now() - t0;
console.log(`${ms.toFixed(1)} ${memo.answers.join(',')} ${key}`);
