/**
 * The shape of a VM's `verify:` block, in the vocabulary of spec.ts (build-spec.ts puts it under
 * each VM). Per VM, not per build: the checks are about one image (a database VM and an app VM are
 * checked differently), and how that image boots and is reached (boot command, cloud-init seed,
 * SSH user) is already said per VM.
 */
import type { ObjectSpec, Spec } from './spec.js';

const check: ObjectSpec = {
  type: 'object',
  title: 'Verify check',
  description: 'A command run over SSH in the booted image; it passes when its exit code is one of validExitCodes.',
  properties: {
    name: { type: 'string', template: 'load', description: 'A label for logs and the summary (default: the command).' },
    run: { type: 'string', template: 'load', description: "The command, run by the communicator user's login shell." },
    validExitCodes: { type: 'array', items: { type: 'integer', description: 'Exit code.' }, description: 'Exit codes that pass.', default: [0], minItems: 1 },
    timeout: { type: 'string', format: 'duration', template: 'load', description: 'Fail the check when it runs longer.', default: '5m' },
  },
  required: ['run'],
  hints: { inline: 'run', command: 'run', valid_exit_codes: 'validExitCodes', exitCodes: 'validExitCodes', exitCode: 'validExitCodes' },
};

const checkItem: Spec = {
  type: 'union',
  description: 'A command (it must exit 0), or a check with its own exit codes and timeout.',
  options: [{ type: 'string', template: 'load', description: 'A command that must exit 0.' }, check],
};

export const verifySpec: ObjectSpec = {
  type: 'object',
  title: 'Verify',
  description:
    "Checks the finished image before it is published (ruddervirt verify, actions/verify, and the build action before it publishes): the output boots as a new VM — with a fresh cloud-init seed (new instance-id, a throw-away SSH key for the communicator's user) when the VM has a cidata cdrom, else with the communicator settings as they are — and each check runs over SSH. The VM is then stopped and removed; the image is not changed.",
  properties: {
    checks: { type: 'array', items: checkItem, description: 'Commands that must pass, in order; every check runs, and verify fails if any failed.', minItems: 1 },
    bootCommand: {
      type: 'union',
      description: "Keys to type when the image boots, in boot-command syntax (for an image that stops at its boot loader's prompt). Default none: the image boots by itself.",
      default: [],
      options: [
        { type: 'string', template: 'boot', description: 'Keys to type.' },
        { type: 'array', items: { type: 'string', template: 'boot', description: 'Keys to type.' }, description: 'Keys to type; elements are joined.' },
      ],
    },
    bootWait: {
      type: 'string',
      format: 'bootWait',
      template: 'load',
      description: "Wait before typing bootCommand: a duration, or <wait 'TEXT'> / <waitSerial 'TEXT'>, as the VM's bootWait.",
      defaultText: "10s with a bootCommand (none when it starts with <wait 'TEXT'>), else none",
    },
    timeout: { type: 'string', format: 'duration', template: 'load', description: 'Limit for the whole verify of this VM: boot, SSH and every check.', default: '15m' },
  },
  required: ['checks'],
  hints: { commands: 'checks', inline: 'checks', tests: 'checks', boot_command: 'bootCommand' },
};
