/**
 * The core library's Logger on a GitHub runner. Three runner conventions are applied here:
 *
 * - one log group per phase, opened and closed by the phase runner's events (Logger.phase), and
 *   one per section of a step (startGroup: a source import, a publish). Groups cannot nest in the
 *   runner's UI, so a new group closes the open one first, and a phase's end closes only its own
 *   group — the VMs of a layer run their phases side by side;
 * - secrets are masked twice: by our SecretMasker before a line is written, and by the runner
 *   (core.setSecret) for anything that escapes, e.g. a tool's own output;
 * - text from guests and tools can never issue workflow commands (see neutralizeCommands), so a
 *   provisioner printing "::add-mask::", "\r::stop-commands::" or "##[set-output]" is shown, not obeyed.
 *
 * Warnings become warning annotations; error lines are ordinary log lines (the final failure is
 * annotated once, by runAction), since a failing VM prints many.
 *
 * The same masked lines can also go to a file (writeAlsoTo), the build log that is uploaded with
 * the screenshots and serial console as the step's log artifact.
 */
import * as core from '@actions/core';
import { appendFileSync } from 'node:fs';
import { formatProgress, SecretMasker, type Logger, type PhaseEvent, type Progress } from '../../core/log.js';

export interface ActionLoggerOptions {
  masker: SecretMasker;
  /** Lines are written here (default: the runner's stdout through @actions/core). */
  write?: (line: string) => void;
  /** How often a progress line is printed per phase (the runner's log is not a terminal). */
  progressIntervalMs?: number;
  groups?: boolean;
  /** A file every masked line is appended to as well (set with writeAlsoTo). */
  file?: string;
}

/**
 * Where the runner ends a line of a step's output: StreamReader.ReadLine, which breaks at "\r\n",
 * "\r" and "\n" (actions/runner src/Runner.Sdk/ProcessInvoker.cs StartReadStream; dotnet/runtime
 * src/libraries/System.Private.CoreLib/src/System/IO/StreamReader.cs ReadLine). A lone "\r" is a
 * line break there, even though a terminal only returns the cursor.
 */
export const RUNNER_LINE_BREAK = /\r\n|\r|\n/;

/**
 * What .NET's String.TrimStart() removes before the runner looks for "::": char.IsWhiteSpace, i.e.
 * U+0009–U+000D, U+0085 and the Unicode space, line and paragraph separators (dotnet/runtime
 * src/libraries/System.Private.CoreLib/src/System/Char.cs IsWhiteSpace). Indenting is no defence.
 */
const DOTNET_LEADING_SPACE = /^[\t-\r\u0085\p{Zs}\p{Zl}\p{Zp}]*/u;

/** Breaks a command marker without changing what the log shows: U+200B is not white space to .NET. */
const ZWSP = '\u200b';

/**
 * Text made inert for the runner's command parser (actions/runner src/Runner.Common/ActionCommand.cs):
 * TryParseV2 takes a line whose TrimStart() starts with "::", and the legacy TryParse takes "##["
 * anywhere in a line. Each runner line of `text` gets a zero-width space after its leading "::"'s
 * first colon and inside every "##[", and lone "\r"s become "\n" so the lines are the runner's.
 */
export function neutralizeCommands(text: string): string {
  return text
    .split(RUNNER_LINE_BREAK)
    .map((line) => {
      const indent = DOTNET_LEADING_SPACE.exec(line)![0];
      const rest = line.slice(indent.length);
      const safe = rest.startsWith('::') ? `:${ZWSP}${rest.slice(1)}` : rest;
      return (indent + safe).replaceAll('##[', `##${ZWSP}[`);
    })
    .join('\n');
}

interface GroupState {
  /** The open group's title, and the phase that opened it (none for a startGroup section). */
  open: string | undefined;
  phase?: { vm: string; phase: string } | undefined;
}

export class ActionLogger implements Logger {
  private readonly write: (line: string) => void;
  private readonly lastProgress = new Map<string, number>();

  constructor(
    private readonly options: ActionLoggerOptions,
    private readonly prefix = '',
    private readonly groups: GroupState = { open: undefined },
  ) {
    this.write = options.write ?? ((line) => core.info(line));
  }

  get masker(): SecretMasker {
    return this.options.masker;
  }

  /** From now on, every line this logger and its children write also goes to `file`. */
  writeAlsoTo(file: string): void {
    this.options.file = file;
  }

  private emit(line: string): void {
    this.write(line);
    this.toFile(line);
  }

  private toFile(line: string): void {
    if (this.options.file === undefined) return;
    try {
      // Synchronous, so the file is complete whenever the step ends, even by process.exit. The
      // runner's log has its own timestamps; the file gets them here.
      appendFileSync(this.options.file, `${new Date().toISOString()} ${line}\n`);
    } catch {
      // A log file that cannot be written must not break the build it describes.
      this.options.file = undefined;
    }
  }

  /** Registers a secret with both maskers, the moment it is read. */
  addSecret(secret: string | undefined): void {
    if (!secret) return;
    this.options.masker.add(secret);
    core.setSecret(secret);
  }

  private lines(message: string): string[] {
    return this.options.masker
      .mask(message)
      .split(RUNNER_LINE_BREAK)
      .map((l) => neutralizeCommands(this.prefix + l));
  }

  info(message: string): void {
    for (const l of this.lines(message)) this.emit(l);
  }

  phase(event: PhaseEvent): void {
    if (event.type === 'start') {
      this.startGroup(event.phase);
      if (this.groups.open !== undefined) this.groups.phase = { vm: event.vm, phase: event.phase };
    } else if (this.groups.phase?.vm === event.vm && this.groups.phase.phase === event.phase) {
      this.closeGroup();
    }
  }

  /** Opens a log group for a section of the step, closing the open one; the lines that follow are in it. */
  startGroup(title: string): void {
    if (this.options.groups === false) return;
    this.closeGroup();
    this.groups.open = `${this.prefix}${title}`;
    core.startGroup(this.options.masker.mask(this.groups.open));
  }

  warn(message: string): void {
    const line = this.options.masker.mask(this.prefix + message);
    core.warning(line);
    this.toFile(`warning: ${line}`);
  }

  error(message: string): void {
    for (const l of this.lines(message)) this.emit(l);
  }

  debug(message: string): void {
    if (!core.isDebug()) return;
    for (const l of this.lines(message)) core.debug(l);
  }

  progress(p: Progress): void {
    const now = Date.now();
    const finished = p.total !== undefined && p.done === p.total;
    const last = this.lastProgress.get(p.phase);
    if (!finished && last !== undefined && now - last < (this.options.progressIntervalMs ?? 10_000)) return;
    this.lastProgress.set(p.phase, now);
    for (const l of this.lines(formatProgress(p))) this.emit(l);
  }

  child(prefix: string): Logger {
    return new ActionLogger(this.options, `${this.prefix}[${prefix}] `, this.groups);
  }

  /** Closes the open group (call before a step's closing lines). */
  closeGroup(): void {
    if (this.groups.open !== undefined) {
      core.endGroup();
      this.groups.open = undefined;
      this.groups.phase = undefined;
    }
  }
}
