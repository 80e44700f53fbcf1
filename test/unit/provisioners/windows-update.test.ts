import { describe, expect, test } from 'vitest';
import type { WindowsUpdateProvisioner } from '../../../src/core/config/model.js';
import { memoryLogger } from '../../../src/core/log.js';
import { ProvisionerError, type ProvisionerContext } from '../../../src/core/provisioners/context.js';
import { runProvisioner } from '../../../src/core/provisioners/run-provisioner.js';
import { UPDATE_ABORT_RESTART_COMMAND, UPDATE_RESTART_COMMAND, UPDATE_TEST_RESTART_COMMAND } from '../../../src/core/provisioners/windows-update.js';
import { ELEVATED_RUNNER_PATH, parseFilters, UPDATE_SCRIPT_PATH, updateCommand, windowsUpdateScript } from '../../../src/core/provisioners/windows-update-script.js';
import { FakeWindowsGuest } from './fake-windows-guest.js';

const UPDATE = updateCommand(false);
const CHECK = updateCommand(true);

function provisioner(overrides: Partial<WindowsUpdateProvisioner> = {}): WindowsUpdateProvisioner {
  return {
    type: 'windows-update',
    pauseBefore: 0,
    timeout: 0,
    maxRetries: 0,
    searchCriteria: 'BrowseOnly=0 and IsInstalled=0',
    filters: ['exclude:$_.Title -like "*Preview*"', 'include:$true'],
    updateLimit: 1000,
    updateMaxRetries: 5,
    restartTimeout: 10_000,
    maxReboots: 10,
    ...overrides,
  };
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

describe('windows-update (fake Windows guest)', () => {
  test('uploads the scripts; up to date at once → one run', async () => {
    const guest = new FakeWindowsGuest().on(UPDATE, [{ exitCode: 0, stdout: 'There are no more updates to install.\r\n' }]);
    const { ctx, lines } = context(guest);
    await runProvisioner(provisioner({ searchCriteria: "IsInstalled=0 and Type='Software'" }), ctx);
    expect(guest.commands).toEqual([UPDATE]);
    expect([...guest.uploads.keys()]).toEqual([ELEVATED_RUNNER_PATH, UPDATE_SCRIPT_PATH]);
    const script = guest.uploads.get(UPDATE_SCRIPT_PATH)!;
    expect(script).toContain("$searchCriteria = 'IsInstalled=0 and Type=''Software'''");
    expect(script).toContain(`@{ Include = $false; Test = [ScriptBlock]::Create('$_.Title -like "*Preview*"') }`);
    expect(lines).toContain('info: [win/windows-update] There are no more updates to install.');
    expect(lines).toContain('info: [win/windows-update] Windows is up to date.');
  });

  test('exit 101 → restart, wait for the test restart to succeed, cancel it, check, update again', async () => {
    const guest = new FakeWindowsGuest()
      .on(UPDATE, [{ exitCode: 101, stdout: 'A restart is needed: the installed updates require it.\r\n' }, { exitCode: 0 }])
      .on(UPDATE_RESTART_COMMAND, [{ exitCode: 0, restart: true }])
      .on(UPDATE_TEST_RESTART_COMMAND, [{ exitCode: 1190 }, { exitCode: 0 }])
      .on(CHECK, [{ exitCode: 0 }]);
    guest.downFor = 2;
    const { ctx, lines } = context(guest);
    const first = ctx.comm;
    const after = await runProvisioner(provisioner(), ctx);
    expect(guest.commands).toEqual([UPDATE, UPDATE_RESTART_COMMAND, UPDATE_TEST_RESTART_COMMAND, UPDATE_TEST_RESTART_COMMAND, UPDATE_ABORT_RESTART_COMMAND, CHECK, UPDATE]);
    expect(guest.reconnects).toBe(3);
    expect(after).not.toBe(first);
    expect(lines).toContain('info: [win/windows-update] Windows is up to date (1 restart(s)).');
  });

  test('a restart command that drops the connection counts as done', async () => {
    const guest = new FakeWindowsGuest().on(UPDATE, [{ exitCode: 101 }, { exitCode: 0 }]).on(UPDATE_RESTART_COMMAND, [{ drop: true, restart: true }]);
    guest.downFor = 0;
    const { ctx } = context(guest);
    await runProvisioner(provisioner(), ctx);
    expect(guest.commands).toEqual([UPDATE, UPDATE_RESTART_COMMAND, UPDATE_TEST_RESTART_COMMAND, UPDATE_ABORT_RESTART_COMMAND, CHECK, UPDATE]);
  });

  test('the pending-restart check exiting 101 restarts again', async () => {
    const guest = new FakeWindowsGuest()
      .on(UPDATE, [{ exitCode: 101 }, { exitCode: 0 }])
      .on(UPDATE_RESTART_COMMAND, [], { exitCode: 0, restart: true })
      .on(CHECK, [{ exitCode: 101 }, { exitCode: 0 }]);
    guest.downFor = 0;
    const { ctx, lines } = context(guest);
    await runProvisioner(provisioner(), ctx);
    expect(guest.commands.filter((c) => c === UPDATE_RESTART_COMMAND)).toHaveLength(2);
    expect(lines).toContain('info: [win/windows-update] Another restart is pending.');
    expect(lines).toContain('info: [win/windows-update] Windows is up to date (2 restart(s)).');
  });

  test('a failing update run is retried 5 s apart up to updateMaxRetries', async () => {
    const guest = new FakeWindowsGuest().on(UPDATE, [{ exitCode: 1 }, { drop: true }, { exitCode: 0 }]);
    const { ctx, lines } = context(guest);
    await runProvisioner(provisioner(), ctx);
    expect(guest.commands).toEqual([UPDATE, UPDATE, UPDATE]);
    expect(lines.filter((l) => l.startsWith('warn: [win/windows-update] Windows update failed'))).toHaveLength(2);

    const broken = new FakeWindowsGuest().on(UPDATE, [], { exitCode: 2 });
    const err = await runProvisioner(provisioner({ updateMaxRetries: 3 }), context(broken).ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProvisionerError);
    expect((err as Error).message).toBe('win/windows-update: Windows update failed 3 time(s); last: the update script exited with 2');
    expect(broken.commands).toEqual([UPDATE, UPDATE, UPDATE]);
  });

  test('maxReboots stops a restart loop', async () => {
    const guest = new FakeWindowsGuest().on(UPDATE, [], { exitCode: 101 }).on(UPDATE_RESTART_COMMAND, [], { exitCode: 0, restart: true });
    guest.downFor = 0;
    const err = await runProvisioner(provisioner({ maxReboots: 2 }), context(guest).ctx).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/Windows still asks for a restart after 2 restart\(s\) \(maxReboots 2\)/);
    expect(guest.commands.filter((c) => c === UPDATE_RESTART_COMMAND)).toHaveLength(2);
    expect(guest.commands.filter((c) => c === UPDATE)).toHaveLength(3);
  });

  test('a machine that does not come back fails after restartTimeout', async () => {
    const guest = new FakeWindowsGuest().on(UPDATE, [{ exitCode: 101 }]).on(UPDATE_RESTART_COMMAND, [{ exitCode: 0, restart: true }]);
    guest.downFor = Number.MAX_SAFE_INTEGER;
    const err = await runProvisioner(provisioner({ restartTimeout: 300 }), context(guest).ctx).catch((e: unknown) => e);
    expect((err as Error).message).toBe(
      'win/windows-update: Timeout waiting for the machine to restart (restartTimeout 300ms). Last failure: waiting for the restart: Timeout waiting for SSH (fake: the machine is still restarting)',
    );
  });
});

describe('update script text', () => {
  test('filters must say include: or exclude:', () => {
    expect(parseFilters(['include:$true', 'exclude: $_.Title -match "x"'])).toEqual([
      { include: true, expression: '$true' },
      { include: false, expression: '$_.Title -match "x"' },
    ]);
    expect(() => parseFilters(['$true'])).toThrow('windows-update filters[0]: "$true" must be include:EXPRESSION or exclude:EXPRESSION');
  });

  test('the 0/101 protocol and the values are in the script', () => {
    const script = windowsUpdateScript({ searchCriteria: 'IsInstalled=0', filters: ['include:$true'], updateLimit: 25 });
    expect(script).toContain('param([switch]$OnlyCheckForRebootRequired)');
    expect(script).toContain('$updateLimit = 25');
    expect(script).toContain('exit 101');
    expect(script).toMatch(/TiWorker/);
    expect(script).toContain('Component Based Servicing\\PackagesPending');
    // Braces and parentheses balance (a cheap guard against a broken edit; no PowerShell runs here).
    for (const [open, close] of [
      ['{', '}'],
      ['(', ')'],
    ] as const)
      expect(script.split(open).length).toBe(script.split(close).length);
  });

  test('the SSH command runs the script through the elevated runner', () => {
    expect(UPDATE).toBe(`powershell.exe -NoProfile -NonInteractive -ExecutionPolicy Bypass -File ${ELEVATED_RUNNER_PATH} -ScriptPath ${UPDATE_SCRIPT_PATH}`);
    expect(CHECK).toBe(`${UPDATE} -ScriptArguments '-OnlyCheckForRebootRequired'`);
  });
});
