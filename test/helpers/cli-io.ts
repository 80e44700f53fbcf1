/** A CliIo that records what a command writes, for calling commands in-process. */
import { Writable } from 'node:stream';
import type { CliIo } from '../../src/cli/command.js';

export function memoryIo(cwd: string, env: NodeJS.ProcessEnv = {}): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        append(chunk.toString());
        cb();
      },
    });
  return { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), env, cwd, signal: new AbortController().signal, out: () => out, err: () => err };
}
