import { describe, expect, test } from 'vitest';
import type { WindowsRestartProvisioner } from '../../../src/core/config/model.js';
import { memoryLogger } from '../../../src/core/log.js';
import { ProvisionerError, type ProvisionerContext } from '../../../src/core/provisioners/context.js';
import { runProvisioner } from '../../../src/core/provisioners/run-provisioner.js';
import { ABORT_RESTART_COMMAND, REGISTRY_CHECK_COMMAND, TRY_RESTART_COMMAND } from '../../../src/core/provisioners/windows-restart.js';
import { FakeWindowsGuest } from './fake-windows-guest.js';

const RESTART = 'shutdown /r /f /t 0 /c "packer restart"';
const CHECK = `powershell -Command "echo ($env:COMPUTERNAME + ' restarted.')"`;

function provisioner(overrides: Partial<WindowsRestartProvisioner> = {}): WindowsRestartProvisioner {
  return { type: 'windows-restart', pauseBefore: 0, timeout: 0, maxRetries: 0, restartCommand: RESTART, restartCheckCommand: CHECK, restartTimeout: 10_000, checkRegistry: false, ...overrides };
}

function context(guest: FakeWindowsGuest) {
  const { logger, lines } = memoryLogger();
  const ctx: ProvisionerContext = {
    comm: guest.connect(),
    logger,
    vars: {},
    buildDir: '/nonexistent',
    signal: AbortSignal.timeout(20_000),
    reconnect: guest.reconnect,
    vmName: 'win',
    delays: { retry: 5, provisionerRetry: 5, windowsPoll: 5, rebootInProgress: 5, afterRestartCommand: 5 },
  };
  return { ctx, lines };
}

describe('windows-restart (fake Windows guest)', () => {
  test("Packer's sequence: restart, see it going down, wait for the check to say restarted", async () => {
    const guest = new FakeWindowsGuest().on(RESTART, [{ exitCode: 0, restart: true }]).on(CHECK, [{ exitCode: 0, stdout: 'WIN-BUILD restarted.\r\n' }]);
    guest.downFor = 2;
    const { ctx, lines } = context(guest);
    const first = ctx.comm;
    const after = await runProvisioner(provisioner(), ctx);
    // The restart dropped the old connection: the test restart could not run on it; two reconnects
    // fail while the machine is down, the third one checks.
    expect(guest.commands).toEqual([RESTART, CHECK]);
    expect(guest.reconnects).toBe(3);
    expect(after).not.toBe(first);
    expect(lines).toContain('info: [win/windows-restart] WIN-BUILD restarted.');
    expect(lines).toContain('info: [win/windows-restart] Machine successfully restarted, moving on');
  });

  test('a restart already in progress (1115/1190) is waited out; the test restart fails once it is down', async () => {
    const guest = new FakeWindowsGuest()
      .on(RESTART, [{ exitCode: 0 }])
      .on(TRY_RESTART_COMMAND, [{ exitCode: 1190 }, { exitCode: 1115 }, { drop: true, restart: true }])
      .on(CHECK, [
        { exitCode: 0, stdout: 'not yet\r\n' },
        { exitCode: 0, stdout: 'WIN restarted.\r\n' },
      ]);
    guest.downFor = 0;
    const { ctx, lines } = context(guest);
    await runProvisioner(provisioner(), ctx);
    expect(guest.commands).toEqual([RESTART, TRY_RESTART_COMMAND, TRY_RESTART_COMMAND, TRY_RESTART_COMMAND, CHECK, CHECK]);
    expect(lines.filter((l) => l.includes('A restart is already in progress'))).toHaveLength(2);
  });

  test('a test restart that is accepted (exit 0) is cancelled with shutdown /a', async () => {
    const guest = new FakeWindowsGuest().on(CHECK, [{ exitCode: 0, stdout: 'X restarted.' }]);
    const { ctx } = context(guest);
    await runProvisioner(provisioner(), ctx);
    expect(guest.commands).toEqual([RESTART, TRY_RESTART_COMMAND, ABORT_RESTART_COMMAND, CHECK]);
  });

  test('exit 1 of the test restart means SSH is already going down', async () => {
    const guest = new FakeWindowsGuest().on(TRY_RESTART_COMMAND, [{ exitCode: 1 }]).on(CHECK, [{ exitCode: 0, stdout: 'X restarted.' }]);
    const { ctx } = context(guest);
    await runProvisioner(provisioner(), ctx);
    expect(guest.commands).toEqual([RESTART, TRY_RESTART_COMMAND, CHECK]);
  });

  test('the restart command is retried until it exits 0, 1115 or 1190', async () => {
    const guest = new FakeWindowsGuest()
      .on(RESTART, [{ exitCode: 5 }, { exitCode: 1190 }])
      .on(TRY_RESTART_COMMAND, [{ exitCode: 1 }])
      .on(CHECK, [{ exitCode: 0, stdout: 'X restarted.' }]);
    const { ctx } = context(guest);
    await runProvisioner(provisioner(), ctx);
    expect(guest.commands.filter((c) => c === RESTART)).toHaveLength(2);
  });

  test('checkRegistry waits until no pending-reboot key is left', async () => {
    const pending = 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending';
    const guest = new FakeWindowsGuest()
      .on(TRY_RESTART_COMMAND, [{ exitCode: 1 }])
      .on(CHECK, [{ exitCode: 0, stdout: 'X restarted.' }])
      .on(REGISTRY_CHECK_COMMAND, [
        { exitCode: 0, stdout: `${pending}\r\n` },
        { exitCode: 0, stdout: `${pending}\r\n` },
        { exitCode: 0, stdout: '' },
      ]);
    const { ctx, lines } = context(guest);
    await runProvisioner(provisioner({ checkRegistry: true }), ctx);
    expect(guest.commands.filter((c) => c === REGISTRY_CHECK_COMMAND)).toHaveLength(3);
    expect(lines.filter((l) => l.includes('Waiting for the pending-reboot registry keys to go away'))).toHaveLength(1);
    // The check is PowerShell sent as -EncodedCommand (no cmd.exe quoting); it tests the three CBS keys.
    const script = Buffer.from(REGISTRY_CHECK_COMMAND.split(' ').at(-1)!, 'base64').toString('utf16le');
    expect(script).toContain("'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\PackagesPending'");
    expect(script).toContain('RebootInProgress');
  });

  test('a machine that never comes back fails after restartTimeout', async () => {
    const guest = new FakeWindowsGuest().on(RESTART, [{ exitCode: 0, restart: true }]);
    guest.downFor = Number.MAX_SAFE_INTEGER;
    const { ctx } = context(guest);
    const started = Date.now();
    const err = await runProvisioner(provisioner({ restartTimeout: 300 }), ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProvisionerError);
    expect((err as Error).message).toBe('win/windows-restart: Timeout waiting for the machine to restart (restartTimeout 300ms).');
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

test('windows-restart (fake Windows guest): a restart command that keeps failing is named in the timeout error', async () => {
  const guest = new FakeWindowsGuest().on(RESTART, [], { exitCode: 5, stderr: 'Access is denied.' });
  const { ctx } = context(guest);
  const err = await runProvisioner(provisioner({ restartTimeout: 200 }), ctx).catch((e: unknown) => e);
  expect((err as Error).message).toBe('win/windows-restart: Timeout waiting for the machine to restart (restartTimeout 200ms). Last failure: the restart command exited with 5');
  expect(guest.commands.length).toBeGreaterThan(2);
});
