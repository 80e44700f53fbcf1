/** Shared bits of the real-sshd tests: a communicator config pointing at a TestSshd. */
import type { Communicator } from '../../../src/core/config/model.js';
import type { TestSshd } from '../../helpers/sshd.js';

/** Packer's defaults, except a short sshTimeout so a broken test fails fast. */
export function sshConfig(sshd: Pick<TestSshd, 'user' | 'password' | 'port'>, overrides: Partial<Communicator> = {}): Communicator {
  return {
    type: 'ssh',
    sshPort: sshd.port,
    sshUsername: sshd.user,
    sshPassword: sshd.password,
    sshAgentAuth: false,
    sshTimeout: 20_000,
    sshHandshakeAttempts: 0,
    sshPty: false,
    sshKeepAliveInterval: 5000,
    sshBastionPort: 22,
    pauseBeforeConnecting: 0,
    ...overrides,
  };
}

/** Fast retries for tests; the defaults (5 s, +2 s) are Packer's and covered by unit tests. */
export const FAST_RETRY = { retryInterval: 100, handshakeErrorPause: 50 } as const;
