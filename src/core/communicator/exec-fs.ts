/**
 * RemoteFs for servers without an sftp subsystem: every operation is a small POSIX shell command
 * over exec (`cat > file` to write, `cat file` to read). It needs a POSIX shell on the guest,
 * which any server lacking SFTP but speaking SSH to us (dropbear, busybox) has.
 */
import type { Readable, Writable } from 'node:stream';
import type { RemoteEntry, RemoteFs, RemoteStat } from './remote-fs.js';
import { shellQuote } from './shell-quote.js';
import { remoteDirName } from './transfer-paths.js';
import type { ExecOptions, ExecResult } from './types.js';

export type Exec = (command: string, options?: ExecOptions) => Promise<ExecResult>;

// Prints one "<type><x> <name>\0" record per entry: d/f/o for directory/file/other, x when
// executable. NUL-separated so that names with newlines survive. The three globs cover plain and
// dot files without "." and "..".
const LIST_SCRIPT = `for f in * .[!.]* ..?*; do
  if [ -e "$f" ]; then
    if [ -d "$f" ]; then t=d; elif [ -f "$f" ]; then t=f; else t=o; fi
    if [ -x "$f" ]; then x=x; else x=-; fi
    printf '%s%s %s\\0' "$t" "$x" "$f"
  fi
done`;

export class ExecFs implements RemoteFs {
  readonly kind = 'exec';
  constructor(private readonly exec: Exec) {}

  private async run(command: string, what: string, options: ExecOptions = {}): Promise<Buffer> {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const result = await this.exec(command, {
      onStdout: options.onStdout ?? ((c) => out.push(c)),
      onStderr: (c) => err.push(c),
      ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (result.disconnected) throw new Error(`the connection dropped while ${what}`);
    if (result.exitCode !== 0) {
      const detail = Buffer.concat(err).toString('utf8').trim();
      throw new Error(`${what} failed (exit ${result.exitCode ?? result.exitSignal})${detail ? `: ${detail}` : ''}`);
    }
    return Buffer.concat(out);
  }

  async mkdirp(dir: string, signal?: AbortSignal): Promise<void> {
    await this.run(`mkdir -p ${shellQuote(dir)}`, `creating ${dir}`, signal ? { signal } : {});
  }

  async writeFile(file: string, data: Readable, mode: number, signal?: AbortSignal): Promise<void> {
    const q = shellQuote(file);
    const octal = (mode & 0o7777).toString(8).padStart(4, '0');
    const parent = shellQuote(remoteDirName(file));
    await this.run(`mkdir -p ${parent} && cat > ${q} && chmod ${octal} ${q}`, `writing ${file}`, { stdin: data, ...(signal ? { signal } : {}) });
  }

  async readFile(file: string, out: Writable, signal?: AbortSignal): Promise<void> {
    let failed: Error | undefined;
    try {
      await this.run(`cat ${shellQuote(file)}`, `reading ${file}`, {
        onStdout: (chunk) => {
          out.write(chunk);
        },
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      failed = err as Error;
    }
    await new Promise<void>((resolve) => out.end(resolve));
    if (failed) throw failed;
  }

  async stat(path: string, signal?: AbortSignal): Promise<RemoteStat | undefined> {
    const q = shellQuote(path);
    const answer = (
      await this.run(`if [ -d ${q} ]; then echo d; elif [ -f ${q} ]; then echo f; elif [ -e ${q} ]; then echo o; else echo n; fi; [ -x ${q} ] && echo x || echo -`, `checking ${path}`, signal ? { signal } : {})
    )
      .toString('utf8')
      .split('\n');
    const kind = answer[0];
    if (kind === 'n') return undefined;
    const type = kind === 'd' ? 'directory' : kind === 'f' ? 'file' : 'other';
    return { type, mode: modeFor(type, answer[1] === 'x') };
  }

  async remove(file: string, signal?: AbortSignal): Promise<void> {
    await this.run(`rm -f ${shellQuote(file)}`, `removing ${file}`, signal ? { signal } : {});
  }

  async list(dir: string, signal?: AbortSignal): Promise<RemoteEntry[]> {
    const raw = await this.run(`cd ${shellQuote(dir)} && ${LIST_SCRIPT}`, `listing ${dir}`, signal ? { signal } : {});
    const entries: RemoteEntry[] = [];
    for (const record of raw.toString('utf8').split('\0')) {
      if (record.length < 4) continue;
      const type = record[0] === 'd' ? 'directory' : record[0] === 'f' ? 'file' : 'other';
      entries.push({ name: record.slice(3), type, mode: modeFor(type, record[1] === 'x') });
    }
    return entries;
  }
}

/** Without stat(1) we only learn "executable or not"; map that to the usual modes. */
function modeFor(type: RemoteStat['type'], executable: boolean): number {
  return type === 'directory' || executable ? 0o755 : 0o644;
}
