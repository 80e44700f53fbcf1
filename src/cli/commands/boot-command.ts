/** `ruddervirt boot-command`: shows exactly what a boot command will type, without a VM. */
import { formatPackerAst } from '../../core/bootcommand/actions.js';
import { describeKeyEvent } from '../../core/bootcommand/describe.js';
import { formatGoDurationNanos } from '../../core/bootcommand/go-duration-nanos.js';
import { KEY_INTERVAL_ENV, resolveKeyInterval } from '../../core/bootcommand/key-interval.js';
import { planBootCommand, type BootKeyPlan } from '../../core/bootcommand/plan.js';
import type { KeyEvent } from '../../core/bootcommand/types.js';
import { UsageError, type CliIo, type Command } from '../command.js';

const usage = `Usage: ruddervirt boot-command [--json | --ast] [--] TEXT...

Shows the key events a boot command sends to the VM's VNC console, by Packer's rules: the
grammar of <enter>, <leftCtrlOn>, <wait10s>, <fon> …, Shift around upper-case letters and
~!@#$%^&*()_+{}|:"<>?, one pause of the key interval after every key event.

Each TEXT is one boot_command element; they are joined with nothing in between before parsing,
exactly as Packer does (so "<ent" "er>" is an <enter>). Quote TEXT for your shell.

Options:
  --json   one JSON object per line, in order: {"key": <X11 keysym>, "down": true|false}
           or {"wait": <milliseconds, may be fractional>}
  --ast    the parsed tokens in the notation of Packer's own tests (LIT-Press(a), Spec-On(leftctrl),
           Wait<1m30s>)
  --       end of options (for a TEXT that starts with "--")

Without an option, one line per event ("press Shift_L", "release 'a'", "wait 1m30s") and a
summary with the typing time at the key interval (${KEY_INTERVAL_ENV} or 100ms; a build file's
bootKeyInterval overrides both). A boot command Packer would refuse (a wait that is not positive)
exits 1 with the reason.

Examples:
  ruddervirt boot-command '<esc><wait>' 'auto url=http://10.0.2.2:8000/preseed.cfg<enter>'
  ruddervirt boot-command --json 'AbC<leftCtrlOn>c<leftCtrlOff><wait1m30s>'
`;

type Format = 'listing' | 'json' | 'ast';

function parseArguments(args: string[]): { format: Format; texts: string[] } | 'help' {
  let format: Format = 'listing';
  const texts: string[] = [];
  let optionsEnded = false;
  for (const arg of args) {
    if (!optionsEnded && (arg === '--help' || arg === '-h')) return 'help';
    if (!optionsEnded && arg === '--') optionsEnded = true;
    else if (!optionsEnded && (arg === '--json' || arg === '--ast')) {
      const wanted: Format = arg === '--json' ? 'json' : 'ast';
      if (format !== 'listing' && format !== wanted) throw new UsageError('--json and --ast cannot be combined');
      format = wanted;
    } else if (!optionsEnded && arg.startsWith('--')) {
      throw new UsageError(`unknown option '${arg}' (a TEXT starting with "--" goes after --)`);
    } else texts.push(arg);
  }
  if (texts.length === 0) throw new UsageError('expected at least one TEXT (the boot command)');
  return { format, texts };
}

function jsonLine(event: KeyEvent): string {
  // Fixed key order, and nothing but the event's own fields.
  if ('waitText' in event) return JSON.stringify({ waitText: { source: event.waitText.source, pattern: event.waitText.pattern } });
  return 'wait' in event ? JSON.stringify({ wait: event.wait }) : JSON.stringify({ key: event.key, down: event.down });
}

function summary(plan: BootKeyPlan, intervalMs: number): string {
  const keyEvents = plan.events.filter((e) => 'key' in e).length;
  const waitMs = plan.events.reduce((sum, e) => sum + ('wait' in e ? e.wait : 0), 0);
  const textWaits = plan.events.filter((e) => 'waitText' in e).length;
  const waits = plan.events.length - keyEvents - textWaits;
  const totalNs = BigInt(Math.round((waitMs + keyEvents * intervalMs) * 1e6));
  const interval = formatGoDurationNanos(BigInt(Math.round(intervalMs * 1e6)));
  const onText = textWaits > 0 ? `, ${textWaits} text wait${textWaits === 1 ? '' : 's'} (unbounded here)` : '';
  return `-- ${keyEvents} key event${keyEvents === 1 ? '' : 's'}, ${waits} wait${waits === 1 ? '' : 's'}${onText}: ${formatGoDurationNanos(totalNs)} to type at a ${interval} key interval${textWaits > 0 ? ' plus the text waits' : ''}`;
}

export const bootCommandCommand: Command = {
  name: 'boot-command',
  summary: 'Show the key events a boot command types (Packer grammar)',
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const parsed = parseArguments(args);
    if (parsed === 'help') {
      io.stdout.write(usage);
      return 0;
    }
    const { format, texts } = parsed;
    const plan = planBootCommand(texts, { elementLabel: (i) => `argument ${i + 1}` });
    const lines = format === 'json' ? plan.events.map(jsonLine) : format === 'ast' ? plan.tokens.map(formatPackerAst) : [...plan.events.map(describeKeyEvent), summary(plan, resolveKeyInterval({ env: io.env }))];
    io.stdout.write(lines.map((l) => l + '\n').join(''));
    return 0;
  },
};
