import { expect, test } from 'vitest';
import { retryPause } from '../../../src/core/communicator/ssh-connect.js';

test("Packer's cadence: 5 s between tries, 7 s after an SSH-level failure", () => {
  expect(retryPause('refused')).toBe(5000);
  expect(retryPause('unreachable')).toBe(5000);
  expect(retryPause('handshake')).toBe(7000);
  expect(retryPause('handshake-timeout')).toBe(7000);
  expect(retryPause('auth')).toBe(7000);
  expect(retryPause('handshake', 100, 50)).toBe(150);
});
