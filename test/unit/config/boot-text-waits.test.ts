/** bootWait as a screen or serial text, bootTextTimeout, and text waits in bootCommand at load time. */
import { describe, expect, it } from 'vitest';
import { buildOf, oneVm, problemsOf } from './helpers.js';

const vmOf = (yaml: string) => buildOf(oneVm(`source: { path: x }\n${yaml}`)).layers[0]!.vms[0]!;

describe('text waits in the build file', () => {
  it('bootWait as a text: no fixed wait, the text waited for before typing', () => {
    const vm = vmOf(`bootWait: "<wait 'boot:'>"\nbootCommand: ["guest<enter>"]`);
    expect(vm.bootWait).toBeLessThan(0);
    expect(vm.bootWaitText).toEqual({ source: 'screen', pattern: 'boot:' });
    expect(vmOf(`bootWait: '<waitSerial "login: $">'\nbootCommand: ["root<enter>"]`).bootWaitText).toEqual({ source: 'serial', pattern: 'login: $' });
  });

  it("no fixed bootWait by default when bootCommand starts by waiting for a text; Packer's 10 s otherwise", () => {
    expect(vmOf(`bootCommand: ["<wait 'boot:'>", "guest<enter>"]`).bootWait).toBeLessThan(0);
    expect(vmOf(`bootCommand: ["<esc><wait 'boot:'>"]`).bootWait).toBe(10_000);
    expect(vmOf(`bootWait: 3s\nbootCommand: ["<wait 'boot:'>"]`).bootWait).toBe(3000);
  });

  it('bootTextTimeout: 5m by default, a positive duration', () => {
    expect(vmOf('bootCommand: [x]').bootTextTimeout).toBe(300_000);
    expect(vmOf('bootTextTimeout: 90s').bootTextTimeout).toBe(90_000);
    expect(problemsOf(oneVm('source: { path: x }\nbootTextTimeout: -1s'))).toEqual([expect.stringMatching(/^7:26: layers\[0\]\.vms\[0\]\.bootTextTimeout: '-1s' is negative/)]);
  });

  it('refuses a text bootWait without a bootCommand, and a TEXT that is no regular expression, where it is written', () => {
    expect(problemsOf(oneVm(`source: { path: x }\nbootWait: "<wait 'boot:'>"`))).toEqual([
      '7:19: layers[0].vms[0].bootWait: bootWait waits for a text before typing bootCommand, and there is no bootCommand; expected a duration, or a bootCommand',
    ]);
    expect(problemsOf(oneVm(`source: { path: x }\nbootCommand: ["<enter>", "ab<waitSerial '(x'>"]`))).toEqual([
      `7:37: layers[0].vms[0].bootCommand[1]: '<waitSerial '(x'>' waits for "(x", which is not a regular expression: Unterminated group`,
    ]);
  });
});
