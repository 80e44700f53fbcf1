/**
 * readGuestSbom over a real OpenSSH connection to this machine (a Debian system with a dpkg
 * database) as the test user: the same probe and dpkg-query the build runs in a guest, compared with
 * what dpkg-query says locally. No VM: the Debian guest's own SBOM is asserted in test/e2e/real-debian.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { SshCommunicator } from '../../../src/core/communicator/ssh-communicator.js';
import { connectSsh } from '../../../src/core/communicator/ssh-connect.js';
import { LineLogger } from '../../../src/core/log.js';
import { readGuestSbom } from '../../../src/core/sbom/read-guest.js';
import { startSshd, type TestSshd } from '../../helpers/sshd.js';
import { sshConfig } from '../ssh/helpers.js';

let sshd: TestSshd;
let comm: SshCommunicator;

beforeAll(async () => {
  sshd = await startSshd();
  comm = await connectSsh(sshConfig(sshd), { host: sshd.host, port: sshd.port }, { logger: new LineLogger(() => {}), signal: AbortSignal.timeout(20_000) });
});
afterAll(async () => {
  await comm?.close();
  await sshd?.stop();
});

describe.runIf(existsSync('/var/lib/dpkg/status'))('the SBOM of a Debian system over SSH', () => {
  test('lists every installed package with its version, as dpkg-query does, in an SPDX 2.3 document', async () => {
    const result = await readGuestSbom({ comm, name: 'host base/host', tool: { name: 'ruddervirt', version: '0.1.0' }, signal: AbortSignal.timeout(60_000), now: new Date('2026-01-02T03:04:05.678Z') });
    if (!('document' in result)) throw new Error(`skipped: ${result.skipped}`);
    expect(result.manager).toBe('dpkg');
    const local = execFileSync('dpkg-query', ['-W', '-f', '${db:Status-Status} ${Package} ${Version}\n'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.startsWith('installed '))
      .map((l) => l.split(' ').slice(1));
    const doc = result.document;
    expect(doc.creationInfo.created).toBe('2026-01-02T03:04:05Z');
    expect(result.packages).toBe(local.length);
    expect(doc.packages.slice(1).map((p) => [p.name, p.versionInfo])).toEqual(local);
    const openssh = doc.packages.find((p) => p.name === 'openssh-server')!;
    expect(openssh.externalRefs![0]!.referenceLocator).toMatch(/^pkg:deb\/debian\/openssh-server@1%3A[^?]+\?arch=amd64&distro=debian-\d+&upstream=openssh/);
  });
});
