#!/usr/bin/env node
// `npm run quickstart`: builds the small test guest from Debian packages (cached by its script's
// hash), then builds examples/quickstart.yaml with the bundled CLI exactly as a user would run it:
// boot command typed over VNC → seed fetched over HTTP → SSH → provisioners → compressed qcow2.
// The last line printed is the output image's path.
import { spawn } from 'node:child_process';
import { lstat, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// Node 24 runs TypeScript with erasable syntax directly; the fixture is shared with the tests.
const { ensureGuestImage, GUEST_CACHE_DIR } = await import(path.join(root, 'test', 'fixtures', 'guest.ts'));

const log = (line) => process.stderr.write(`quickstart: ${line}\n`);
const logger = { info: log, warn: (l) => log(`warning: ${l}`), error: (l) => log(`error: ${l}`), debug: () => {}, progress: (p) => log(`${p.phase} ${p.message ?? ''}`), child: () => logger };

log('preparing the test guest image (built once from Debian packages, then cached)…');
const image = await ensureGuestImage({ logger });
// examples/quickstart.yaml names a stable path; point it at the cached image for this script version.
const link = path.join(GUEST_CACHE_DIR, 'guest.qcow2');
if (await lstat(link).catch(() => undefined)) await rm(link);
await symlink(path.relative(GUEST_CACHE_DIR, image), link);
log(`test guest: ${image}`);

const args = [path.join(root, 'dist', 'cli', 'index.js'), 'build', path.join(root, 'examples', 'quickstart.yaml'), ...process.argv.slice(2)];
const child = spawn(process.execPath, args, { stdio: 'inherit', cwd: root });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
