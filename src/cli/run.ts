/** Argument dispatch for `ruddervirt`, separate from process wiring so tests can call it. */
import pkg from '../../package.json' with { type: 'json' };
import { escapeControls } from '../core/printable.js';
import { UsageError, UserError, type CliIo, type Command, type LazyCommand } from './command.js';

export const VERSION: string = pkg.version;

/** An error message may quote a build file's values: its lines stay lines, control characters are escaped. */
function printable(message: string): string {
  return message.split('\n').map(escapeControls).join('\n');
}

function overview(commands: readonly (Command | LazyCommand)[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: ruddervirt <command> [options]',
    '',
    'Build virtual-machine images the way Packer does, on KubeVirt or locally with QEMU.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'ruddervirt <command> --help' for a command's options.",
    '',
  ].join('\n');
}

function loaded(command: Command | LazyCommand): Promise<Command> {
  return 'load' in command ? command.load() : Promise.resolve(command);
}

export async function runCli(argv: string[], commands: readonly (Command | LazyCommand)[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const wanted = name === 'help' ? commands.find((c) => c.name === rest[0]) : undefined;
    const target = wanted && (await loaded(wanted));
    io.stdout.write(target ? target.usage.trimEnd() + '\n' : overview(commands));
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.stdout.write(`ruddervirt ${VERSION}\n`);
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.stderr.write(`ruddervirt: unknown command '${escapeControls(name)}'. Run 'ruddervirt --help' for the list.\n`);
    return 2;
  }
  const command = await loaded(entry);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.usage.trimEnd() + '\n');
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`ruddervirt ${command.name}: ${printable(err.message)}\nRun 'ruddervirt ${command.name} --help' for usage.\n`);
      return 2;
    }
    if (err instanceof UserError) {
      io.stderr.write(`ruddervirt ${command.name}: ${printable(err.message)}\n`);
      return err.exitCode;
    }
    if (io.signal.aborted) {
      io.stderr.write(`ruddervirt ${command.name}: cancelled\n`);
      return 130;
    }
    // Not a user mistake: a bug in ruddervirt, so the stack is useful.
    io.stderr.write(`ruddervirt ${command.name}: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}
