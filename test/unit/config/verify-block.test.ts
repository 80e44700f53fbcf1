/** A VM's verify: block — the model it loads into, and every mistake in it located. */
import { describe, expect, it } from 'vitest';
import { buildOf, oneVm, problemsOf } from './helpers.js';

const ssh = 'communicator: { type: ssh, sshUsername: root }';
const vmOf = (lines: string) => buildOf(oneVm(`source: { path: ${process.execPath} }\n${ssh}\n${lines}`)).layers[0]!.vms[0]!;

describe('verify: the model', () => {
  it('takes commands as strings or checks with their own exit codes and timeout; defaults 0, 5m, 15m, no boot command', () => {
    const vm = vmOf(`verify:\n  checks:\n    - systemctl is-active ssh\n    - { name: no nginx, run: "command -v nginx", validExitCodes: [1, 127], timeout: 30s }`);
    expect(vm.verify).toEqual({
      checks: [
        { run: 'systemctl is-active ssh', validExitCodes: [0], timeout: 300_000 },
        { name: 'no nginx', run: 'command -v nginx', validExitCodes: [1, 127], timeout: 30_000 },
      ],
      bootCommand: [],
      bootWait: -1,
      timeout: 900_000,
    });
  });

  it('waits as the VM does before a boot command: 10s, none when it starts with a text wait, or as written', () => {
    expect(vmOf(`verify: { bootCommand: ["guest<enter>"], checks: [ok] }`).verify).toMatchObject({ bootCommand: ['guest<enter>'], bootWait: 10_000 });
    expect(vmOf(`verify: { bootCommand: ["<waitSerial 'boot:'>", "guest<enter>"], checks: [ok] }`).verify).toMatchObject({ bootWait: -1 });
    expect(vmOf(`verify: { bootCommand: "guest<enter>", bootWait: 2s, timeout: 3m, checks: [ok] }`).verify).toMatchObject({ bootCommand: ['guest<enter>'], bootWait: 2_000, timeout: 180_000 });
    expect(vmOf(`verify: { bootCommand: "guest<enter>", bootWait: "<waitSerial 'boot:'>", checks: [ok] }`).verify).toMatchObject({ bootWait: -1, bootWaitText: { source: 'serial', pattern: 'boot:' } });
  });

  it('is absent without a block, and sbom is on by default', () => {
    const vm = vmOf('');
    expect(vm.verify).toBeUndefined();
    expect(vm.output.sbom).toBe(true);
    expect(vmOf('output: { sbom: false }').output.sbom).toBe(false);
  });
});

describe('verify: mistakes, located', () => {
  it('reports every mistake in the block at once, with the nearest key for a misspelt one', () => {
    const text = oneVm(`source: { path: x }\n${ssh}\nverify:\n  checks:\n    - run: "true"\n      exitCode: 3\n    - { name: empty, run: "" }\n    - { run: ok, validExitCodes: [zero], timeout: 5 }\n  timeOut: 1m`);
    expect(problemsOf(text)).toEqual([
      "11:15: layers[0].vms[0].verify.checks[0].exitCode: unknown key 'exitCode'; did you mean 'validExitCodes'?",
      '12:35: layers[0].vms[0].verify.checks[1].run: an empty command; expected a command to run in the guest',
      "13:43: layers[0].vms[0].verify.checks[2].validExitCodes[0]: expected an integer, found the text 'zero'",
      "13:59: layers[0].vms[0].verify.checks[2].timeout: expected a string, found the number 5; a duration needs a unit, e.g. '5s'",
      "14:11: layers[0].vms[0].verify.timeOut: unknown key 'timeOut'; did you mean 'timeout'?",
    ]);
  });

  it.each([
    ['verify: { checks: [] }', '8:27: layers[0].vms[0].verify.checks: needs at least 1 item'],
    ['verify: { checks: ok }', "8:27: layers[0].vms[0].verify.checks: expected a list of string or a map (Verify check), found the text 'ok'; write a list, e.g. [ok]"],
    ['verify: { bootWait: 5s, checks: [ok] }', '8:29: layers[0].vms[0].verify.bootWait: bootWait waits before typing bootCommand, and verify has no bootCommand; expected a bootCommand, or no bootWait'],
    ['verify:\n  commands: [ok]', "9:11: layers[0].vms[0].verify.commands: unknown key 'commands'; did you mean 'checks'?"],
    ['verify: { checks: [ok], timeout: 0.5 }', "8:42: layers[0].vms[0].verify.timeout: expected a string, found the number 0.5; a duration needs a unit, e.g. '0.5s'"],
  ])('%s', (lines, message) => {
    expect(problemsOf(oneVm(`source: { path: x }\n${ssh}\n${lines}`))[0]).toContain(message);
  });

  it('needs an SSH communicator to run its checks over', () => {
    expect(problemsOf(oneVm('source: { path: x }\nverify: { checks: [ok] }'))).toEqual([
      "7:9: layers[0].vms[0].verify: verify runs its checks over SSH; expected a communicator of type 'ssh' (with sshUsername) on this VM",
    ]);
  });
});
