/**
 * The real Debian guest for bench/real-os-vs-packer.sh: the cached image (built on first use) and a
 * NoCloud seed for one user, made by the test fixture's own code. Writes SEED_DIR/user-data and
 * meta-data; prints the image's path last.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cloudInitSeed, ensureDebianImage } from '../../test/fixtures/debian.js';

const [publicKeyFile = '', seedDir = ''] = process.argv.slice(2);
const seed = cloudInitSeed({ user: 'builder', publicKey: readFileSync(publicKeyFile, 'utf8'), instanceId: 'bench-build' });
mkdirSync(seedDir, { recursive: true });
writeFileSync(path.join(seedDir, 'user-data'), seed.userData);
writeFileSync(path.join(seedDir, 'meta-data'), seed.metaData);
console.log(await ensureDebianImage());
