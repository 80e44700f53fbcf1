/** Our SSH host-key fingerprints against OpenSSH's own ssh-keygen (pinning and parsing: test/unit/communicator/host-key.test.ts). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { sshFingerprint } from '../../../src/core/communicator/host-key.js';

test.each(['ed25519', 'rsa', 'ecdsa'])('our fingerprint of an %s key is the one ssh-keygen prints', (type) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-hostkey-'));
  try {
    const key = path.join(dir, 'k');
    expect(spawnSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', key]).status).toBe(0);
    const expected = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', key + '.pub'], { encoding: 'utf8' }).stdout.split(' ')[1];
    const raw = Buffer.from(readFileSync(key + '.pub', 'utf8').split(' ')[1]!, 'base64');
    expect(sshFingerprint(raw)).toBe(expected);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
