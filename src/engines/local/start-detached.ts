/**
 * Starts a build VM that outlives this process: spawns the keeper (keeper.ts) detached, in its own
 * session, with its output in a log file, relays its log lines while the VM starts, and returns
 * the record attach needs. On abort or failure the keeper is told to stop, so nothing stays
 * behind when the caller fails before it recorded the VM.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { UserError } from '../../core/errors.js';
import type { Logger } from '../../core/log.js';
import { CancelledError } from '../../core/abort.js';
import type { DetachedVmRecord } from './attach.js';
import { KEEPER_FLAG, type KeeperMessage, type KeeperRequest } from './keeper-protocol.js';

export interface StartDetachedOptions {
  request: KeeperRequest;
  keeperLog: string;
  logger: Logger;
  signal: AbortSignal;
  /** The script to run (default: this process's own entry script, which hands the keeper flag to runKeeper). */
  entry?: string;
  env?: NodeJS.ProcessEnv;
}

export function startDetachedVm({ request, keeperLog, logger, signal, entry = process.argv[1], env = process.env }: StartDetachedOptions): Promise<{ record: DetachedVmRecord; keeperPid: number }> {
  if (!entry) throw new Error('cannot start the VM keeper: this process has no entry script');
  const out = openSync(keeperLog, 'a');
  let child;
  try {
    child = spawn(process.execPath, [entry, `${KEEPER_FLAG}=${request.workDir}`], {
      detached: true,
      stdio: ['ignore', out, out, 'ipc'],
      env,
    });
  } finally {
    closeSync(out);
  }
  const keeper = child;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => {
      keeper.kill('SIGTERM');
      // The keeper stops the VM it may have started, then exits; wait for that.
      keeper.once('exit', () => finish(() => reject(new CancelledError())));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    keeper.on('message', (m: KeeperMessage) => {
      if (m.type === 'log') logger[m.level === 'warn' ? 'warn' : m.level](m.line);
      else if (m.type === 'ready') {
        finish(() => {
          if (keeper.connected) keeper.disconnect();
          keeper.unref();
          resolve({ record: m.record, keeperPid: keeper.pid! });
        });
      } else if (m.type === 'failed') {
        finish(() => reject(m.userError ? new UserError(m.message) : new Error(m.message)));
      }
    });
    keeper.once('error', (err) => finish(() => reject(err)));
    keeper.once('exit', (code, sig) => {
      finish(() => {
        let tail = '';
        try {
          tail = readFileSync(keeperLog, 'utf8').trim().split('\n').slice(-15).join('\n');
        } catch {
          // no log
        }
        reject(new Error(`the VM keeper exited (${sig ?? `status ${code}`}) before the VM was ready${tail ? `:\n${tail}` : ''}`));
      });
    });
    keeper.send(request);
  });
}
