/**
 * The logging seam between the core library and its hosts (the CLI prints to a terminal, the
 * actions to the runner's log). Core code never writes to stdout itself; it takes a Logger.
 * Every message goes through the secret masker first, so a password that reaches a log line by
 * any path is replaced by *** (the same convention GitHub uses for core.setSecret).
 */

export interface Progress {
  phase: string;
  /** Bytes or items done, and the total when known. */
  done?: number;
  total?: number;
  unit?: 'bytes' | 'items';
  message?: string;
}

/**
 * A build phase starting or ending (core/pipeline/phase.ts). Phases are also announced in the log
 * as "==> phase" lines for people; hosts that structure their log by phase (the actions' log
 * groups) take these events instead of reading the text back.
 */
export type PhaseEvent = { type: 'start'; vm: string; phase: string } | { type: 'end'; vm: string; phase: string; status: 'ok' | 'failed' | 'cancelled' };

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  progress(p: Progress): void;
  /** Returns a logger whose lines are prefixed, e.g. "[web/shell]". */
  child(prefix: string): Logger;
  /** Optional: told when a phase starts (before its "==>" line) and ends (after its last line). */
  phase?(event: PhaseEvent): void;
}

/**
 * Lines of a multi-line secret shorter than this are not masked on their own: "}", "-----" or a
 * blank line would mask half the log, and they give nothing away.
 */
export const MIN_SECRET_LINE = 8;

export class SecretMasker {
  private readonly secrets = new Set<string>();
  private sorted: string[] | undefined;

  add(secret: string | undefined): void {
    // Very short values would mask ordinary words; GitHub masks them anyway, we keep them too but
    // never mask the empty string.
    if (!secret) return;
    this.secrets.add(secret);
    // The forms a secret takes inside JSON (manifest.json, state files) and inside a single-quoted
    // shell word (Packer's '"'"' escaping of environment values), which differ from it when it
    // holds quotes, backslashes or control characters.
    const json = JSON.stringify(secret).slice(1, -1);
    if (json !== secret) this.secrets.add(json);
    const quoted = secret.replaceAll("'", `'"'"'`);
    if (quoted !== secret) this.secrets.add(quoted);
    // A private key or kubeconfig printed line by line (or cut into lines by any log) never shows
    // the whole value, so each of its lines is a secret too.
    if (/[\r\n]/.test(secret)) {
      for (const line of secret.split(/\r\n|\r|\n/)) {
        const t = line.trim();
        if (t.length >= MIN_SECRET_LINE) this.secrets.add(t);
      }
    }
    this.sorted = undefined;
  }

  /** The longest text masked; a stream cut into pieces must hold back this much less one. */
  get longest(): number {
    return this.ordered()[0]?.length ?? 0;
  }

  mask(text: string): string {
    let out = text;
    for (const s of this.ordered()) out = out.split(s).join('***');
    return out;
  }

  /** Longest first, so a secret containing another is masked whole. */
  private ordered(): string[] {
    this.sorted ??= [...this.secrets].sort((a, b) => b.length - a.length);
    return this.sorted;
  }
}

export type Sink = (level: 'info' | 'warn' | 'error' | 'debug', line: string) => void;

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

export function formatProgress(p: Progress): string {
  const parts = [p.phase];
  if (p.done !== undefined) {
    const fmt = p.unit === 'bytes' ? formatBytes : String;
    parts.push(p.total ? `${fmt(p.done)} / ${fmt(p.total)} (${((100 * p.done) / p.total).toFixed(1)}%)` : fmt(p.done));
  }
  if (p.message) parts.push(p.message);
  return parts.join(' ');
}

/** A Logger that masks secrets and writes whole lines to a sink. */
export class LineLogger implements Logger {
  constructor(
    private readonly sink: Sink,
    readonly masker: SecretMasker = new SecretMasker(),
    private readonly prefix = '',
    private readonly verbose = false,
  ) {}

  private emit(level: 'info' | 'warn' | 'error' | 'debug', message: string): void {
    for (const line of this.masker.mask(message).split('\n')) this.sink(level, this.prefix + line);
  }

  info(message: string): void {
    this.emit('info', message);
  }
  warn(message: string): void {
    this.emit('warn', message);
  }
  error(message: string): void {
    this.emit('error', message);
  }
  debug(message: string): void {
    if (this.verbose) this.emit('debug', message);
  }
  progress(p: Progress): void {
    this.emit('info', formatProgress(p));
  }
  child(prefix: string): Logger {
    return new LineLogger(this.sink, this.masker, `${this.prefix}[${prefix}] `, this.verbose);
  }
}

/** Collects lines in memory; for tests and for summaries. */
export function memoryLogger(masker = new SecretMasker()): { logger: LineLogger; lines: string[] } {
  const lines: string[] = [];
  return { logger: new LineLogger((level, line) => lines.push(`${level}: ${line}`), masker, '', true), lines };
}
