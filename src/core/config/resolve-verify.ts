/**
 * A VM's checked `verify:` block → VerifySettings (verify-spec.ts has its shape). The rules that
 * need more than one field: checks run over SSH, so the VM needs an ssh communicator; a text wait
 * in bootWait needs a bootCommand to type after it.
 */
import { scanBootCommand } from '../bootcommand/parser.js';
import { findBadWaits } from './boot-waits.js';
import type { Communicator } from './model.js';
import type { FieldPath } from './problems.js';
import { isRaw, list, obj, str, strings, type Raw, type ResolveContext } from './resolve-context.js';
import type { VerifyCheck, VerifySettings } from './verify-settings.js';

const MINUTE = 60_000;
export const DEFAULT_VERIFY_TIMEOUT_MS = 15 * MINUTE;
export const DEFAULT_CHECK_TIMEOUT_MS = 5 * MINUTE;
const DEFAULT_BOOT_WAIT_MS = 10_000;

export function resolveVerify(ctx: ResolveContext, vmRaw: Raw, p: FieldPath, communicator: Communicator): VerifySettings | undefined {
  const raw = obj(vmRaw, 'verify');
  if (!raw) return undefined;
  const vp = [...p, 'verify'];
  if (communicator.type !== 'ssh') {
    ctx.report(vp, "verify runs its checks over SSH; expected a communicator of type 'ssh' (with sshUsername) on this VM", 'key');
  }
  const checks: VerifyCheck[] = [];
  (list(raw, 'checks') ?? []).forEach((c, i) => {
    const cp = [...vp, 'checks', i];
    if (typeof c === 'string') {
      if (c.trim() === '') ctx.report(cp, 'an empty command; expected a command to run in the guest, e.g. systemctl is-active ssh');
      else checks.push({ run: c, validExitCodes: [0], timeout: DEFAULT_CHECK_TIMEOUT_MS });
      return;
    }
    if (!isRaw(c)) return;
    const run = str(c, 'run') ?? '';
    if (run.trim() === '' && typeof c.run === 'string') ctx.report([...cp, 'run'], 'an empty command; expected a command to run in the guest');
    const codes = (list(c, 'validExitCodes') ?? [0]).filter((x): x is number => typeof x === 'number');
    const name = str(c, 'name');
    checks.push({ run, validExitCodes: codes.length > 0 ? codes : [0], timeout: ctx.duration(c, 'timeout', cp, DEFAULT_CHECK_TIMEOUT_MS, 1), ...(name ? { name } : {}) });
  });
  const bootCommand = strings(raw, 'bootCommand') ?? [];
  const single = typeof raw.bootCommand === 'string';
  for (const bad of findBadWaits(bootCommand)) {
    ctx.reportInside(single ? [...vp, 'bootCommand'] : [...vp, 'bootCommand', bad.element], bootCommand[bad.element]!, bad.offset, bad.message);
  }
  const settings: VerifySettings = { checks, bootCommand, bootWait: -1, timeout: ctx.duration(raw, 'timeout', vp, DEFAULT_VERIFY_TIMEOUT_MS, 1) };
  resolveBootWait(ctx, raw, vp, settings);
  return settings;
}

/** As the VM's bootWait (resolve-vm.ts), but without a bootCommand there is nothing to wait for. */
function resolveBootWait(ctx: ResolveContext, raw: Raw, p: FieldPath, v: VerifySettings): void {
  const text = str(raw, 'bootWait');
  if (text !== undefined && /^<wait/.test(text)) {
    const { tokens, problems } = scanBootCommand(text);
    const token = tokens[0];
    if (problems.length > 0) ctx.report([...p, 'bootWait'], problems[0]!.reason);
    else if (tokens.length === 1 && token?.kind === 'waitText') v.bootWaitText = { source: token.source, pattern: token.pattern };
    if (v.bootCommand.length === 0) ctx.report([...p, 'bootWait'], 'bootWait waits before typing bootCommand, and verify has no bootCommand; expected a bootCommand, or no bootWait');
    return;
  }
  if (text === undefined) {
    const head = v.bootCommand.join('').slice(0, 4096);
    v.bootWait = v.bootCommand.length === 0 || scanBootCommand(head).tokens[0]?.kind === 'waitText' ? -1 : DEFAULT_BOOT_WAIT_MS;
    return;
  }
  if (v.bootCommand.length === 0) ctx.report([...p, 'bootWait'], 'bootWait waits before typing bootCommand, and verify has no bootCommand; expected a bootCommand, or no bootWait');
  const ms = ctx.duration(raw, 'bootWait', p, DEFAULT_BOOT_WAIT_MS);
  v.bootWait = ms === 0 ? DEFAULT_BOOT_WAIT_MS : ms;
}
