/**
 * Secrets that do not arrive whole: a multi-line secret printed line by line, a secret cut by the
 * 64 KiB flush of a long partial line, a variable that holds a secret among other text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Build } from '../../../src/core/config/model.js';
import { memoryLogger, MIN_SECRET_LINE, SecretMasker } from '../../../src/core/log.js';
import { redactedVariables } from '../../../src/core/pipeline/manifest.js';
import { HELD_TAIL, LineSplitter, MAX_PENDING } from '../../../src/core/provisioners/output-lines.js';

const KEY = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACDxEs3cr3tL1n3TwoQ2Yk3yZmFrZWtleWRhdGFmb3J0ZXN0c29ubHkAAAA=',
  '-----END OPENSSH PRIVATE KEY-----',
  '',
].join('\n');

describe('multi-line secrets', () => {
  it('a private key printed line by line by a guest is masked on every line', () => {
    const masker = new SecretMasker();
    masker.add(KEY);
    const { logger, lines } = memoryLogger(masker);
    // How a provisioner's output reaches the log: one line at a time.
    for (const line of KEY.split('\n')) logger.info(`  ${line}`);
    const text = lines.join('\n');
    for (const line of KEY.split('\n').filter((l) => l.length >= MIN_SECRET_LINE)) expect(text).not.toContain(line);
    expect(text).not.toContain('b3BlbnNzaC1rZXkt');
  });

  it('CRLF kubeconfig values are split the same way, and short lines are left alone', () => {
    const masker = new SecretMasker();
    masker.add('apiVersion: v1\r\nusers:\r\n- token: abcdefghijklmnop\r\n}');
    expect(masker.mask('- token: abcdefghijklmnop')).toBe('***');
    expect(masker.mask('users:')).toBe('users:');
    expect(masker.mask('}')).toBe('}');
  });
});

describe('a secret across the 64 KiB flush of a long partial line', () => {
  function maskedStream(text: string, chunk: number, masker: SecretMasker): string {
    const out: string[] = [];
    const splitter = new LineSplitter((line) => out.push(masker.mask(line)));
    const bytes = Buffer.from(text);
    for (let i = 0; i < bytes.length; i += chunk) splitter.push(bytes.subarray(i, i + chunk));
    splitter.end();
    return out.join('\n');
  }

  function maskedPushes(parts: string[], masker: SecretMasker): string {
    const out: string[] = [];
    const splitter = new LineSplitter((line) => out.push(masker.mask(line)));
    for (const p of parts) splitter.push(Buffer.from(p));
    splitter.end();
    return out.join('\n');
  }

  it('is never printed in halves when the flush falls inside it', () => {
    const secret = 'hunter2-the-very-secret-password';
    const masker = new SecretMasker();
    masker.add(secret);
    for (let k = 1; k < secret.length; k++) {
      // The first push ends k characters into the secret, past the 64 KiB limit: the flush point.
      const before = '#'.repeat(MAX_PENDING - k + 1);
      const shown = maskedPushes([before + secret.slice(0, k), secret.slice(k) + 'tail\n'], masker);
      expect(shown.replace(/\n/g, '')).toBe(before + '***tail');
    }
  });

  it('property: masked whole wherever the pieces fall', () => {
    const secret = 'hunter2-the-very-secret-password';
    const masker = new SecretMasker();
    masker.add(secret);
    fc.assert(
      fc.property(fc.integer({ min: MAX_PENDING - 2 * secret.length, max: MAX_PENDING + 2 * HELD_TAIL }), fc.integer({ min: 1, max: 9000 }), (before, chunk) => {
        // A progress bar without newlines, then the secret, then more of the same.
        const text = '#'.repeat(before) + secret + '#'.repeat(3000) + '\n';
        const shown = maskedStream(text, chunk, masker);
        expect(shown).toContain('***');
        for (let cut = 4; cut < secret.length - 3; cut++) {
          expect(shown).not.toContain(secret.slice(0, cut) + '\n');
          expect(shown).not.toContain('\n' + secret.slice(cut));
        }
        expect(shown.replace(/\n/g, '')).toBe('#'.repeat(before) + '***' + '#'.repeat(3000));
      }),
      { numRuns: 25 },
    );
  });
});

describe('manifest.json variables', () => {
  it('masks a secret inside a variable, not only a variable that equals one', () => {
    const build = { variables: { url: 'https://user:s3cr3t-pw@example.com/x', plain: 'hello', whole: 's3cr3t-pw' }, secrets: ['s3cr3t-pw'] } as unknown as Build;
    expect(redactedVariables(build)).toEqual({ url: 'https://user:***@example.com/x', plain: 'hello', whole: '***' });
  });
});

describe('serial.log, written by QEMU itself', () => {
  it('has a password typed on the kernel command line masked once the VM is done', async () => {
    const { mkdtemp, readFile, rm, writeFile } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const { maskSecretsInFile } = await import('../../../src/core/mask-file.js');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-serial-'));
    try {
      const file = path.join(dir, 'serial.log');
      await writeFile(file, '[    0.000000] Command line: BOOT_IMAGE=/vmlinuz passwd/root-password=s3cr3t-root ro\r\nlogin: \u00e9t\u00e9\n');
      const masker = new SecretMasker();
      masker.add('s3cr3t-root');
      expect(await maskSecretsInFile(file, masker)).toBe(true);
      expect(await readFile(file, 'utf8')).toBe('[    0.000000] Command line: BOOT_IMAGE=/vmlinuz passwd/root-password=*** ro\r\nlogin: \u00e9t\u00e9\n');
      expect(await maskSecretsInFile(file, masker)).toBe(false);
      expect(await maskSecretsInFile(path.join(dir, 'missing.log'), masker)).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
