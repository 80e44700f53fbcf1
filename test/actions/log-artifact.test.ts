/**
 * The pieces of the log artifact that need no runner: when to upload, artifact names the service
 * accepts, the masked copy of a log folder (text masked, screenshots byte for byte), the build log
 * a logger writes beside its runner output, and the summary's layer table.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SecretMasker } from '../../src/core/log.js';
import { ActionLogger } from '../../src/actions/toolkit/action-logger.js';
import type { LayerRecord } from '../../src/actions/toolkit/actions-layer-cache.js';
import { artifactName, shouldUploadLogs, stageMaskedLogs, uploadLogFolder } from '../../src/actions/toolkit/log-artifact.js';
import { layersTable } from '../../src/actions/toolkit/summary.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'rvtest-log-artifact-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('log artifacts', () => {
  it('upload on failure unless never; on success only with always; never when cancelled', () => {
    const table = (['always', 'on-failure', 'never'] as const).map((mode) => [mode, (['succeeded', 'failed', 'cancelled'] as const).map((s) => shouldUploadLogs(mode, s))]);
    expect(table).toEqual([
      ['always', [true, true, false]],
      ['on-failure', [false, true, false]],
      ['never', [false, false, false]],
    ]);
  });

  it('default names drop what the artifact service refuses', () => {
    expect(artifactName(['ruddervirt-logs', 'build', 'web:1', 'base/vm', undefined])).toBe('ruddervirt-logs-build-web-1-base-vm');
    expect(artifactName(['a"b<c>d|e*f?g\\h\ni'])).toBe('a-b-c-d-e-f-g-h-i');
  });

  it('the staged copy masks every text file and keeps screenshots byte for byte', async () => {
    const logs = path.join(dir, 'logs');
    mkdirSync(path.join(logs, 'base-web'), { recursive: true });
    const png = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.from('s3cret-value-1 is not text here')]);
    writeFileSync(path.join(logs, 'base-web', 'failure.png'), png);
    writeFileSync(path.join(logs, 'base-web', 'serial.log'), 'login ok\npassword=s3cret-value-1\n');
    writeFileSync(path.join(logs, 'build.log'), 'token ghs_abcdef123456 used\n');
    const masker = new SecretMasker();
    masker.add('s3cret-value-1');
    masker.add('ghs_abcdef123456');
    const staging = path.join(dir, 'staging');
    const staged = await stageMaskedLogs(logs, staging, masker);
    expect(staged.map((f) => path.relative(staging, f))).toEqual(['base-web/failure.png', 'base-web/serial.log', 'build.log']);
    expect(readFileSync(path.join(staging, 'base-web', 'serial.log'), 'utf8')).toBe('login ok\npassword=***\n');
    expect(readFileSync(path.join(staging, 'build.log'), 'utf8')).toBe('token *** used\n');
    expect(readFileSync(path.join(staging, 'base-web', 'failure.png')).equals(png)).toBe(true);
  });

  it('without a results service (not on a runner) nothing is uploaded and the reason is logged', async () => {
    const lines: string[] = [];
    const logger = new ActionLogger({ masker: new SecretMasker(), write: (l) => lines.push(l), groups: false });
    expect(await uploadLogFolder({ dir, name: 'x', masker: new SecretMasker(), logger, env: {} })).toBeUndefined();
    expect(lines.join('\n')).toMatch(/no artifact service in this environment/);
  });

  it('a logger writes the same masked lines to the build log, children and warnings included', () => {
    const masker = new SecretMasker();
    const logger = new ActionLogger({ masker, write: () => {}, groups: false });
    logger.addSecret('pw-998877');
    const file = path.join(dir, 'build.log');
    logger.writeAlsoTo(file);
    logger.info('connecting with pw-998877');
    logger.child('base/web').info('==> boot command');
    logger.warn('slow pw-998877');
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('pw-998877');
    expect(text.split('\n').map((l) => l.replace(/^\S+ /, ''))).toEqual(['connecting with ***', '[base/web] ==> boot command', 'warning: slow ***', '']);
  });
});

describe('the summary layer table', () => {
  it('says per layer built (and whether saved), reused from the Actions cache or locally, or not finished', () => {
    const records = new Map<string, LayerRecord>([
      ['base', { layer: 'base', key: 'a'.repeat(64), origin: 'actions-cache' }],
      ['app', { layer: 'app', key: 'b'.repeat(64), origin: 'built', saved: true }],
      ['db', { layer: 'db', key: 'c'.repeat(64), origin: 'local' }],
    ]);
    const rows = layersTable(['base', 'app', 'db', 'tests'], records).trim().split('\n').slice(2);
    expect(rows).toEqual(['| base | `aaaaaaaaaaaa` | ♻️ reused (Actions cache) |  |', '| app | `bbbbbbbbbbbb` | built | saved |', '| db | `cccccccccccc` | ♻️ reused (local) |  |', '| tests |  | not finished |  |']);
  });
});
