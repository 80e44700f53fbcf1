/**
 * What the local engine's keeper process (keeper.ts) and the process that starts it
 * (start-detached.ts) say to each other: the flag that marks a keeper's command line, the start
 * request sent over the IPC channel, and the messages sent back.
 */
import type { Build, Vm } from '../../core/config/model.js';
import type { DetachedVmRecord } from './attach.js';
import type { LocalEngineOptions } from './engine.js';

export const KEEPER_FLAG = '--ruddervirt-vm-keeper';

/** The engine options that survive JSON (functions such as the containerDisk source stay with the caller). */
export type KeeperEngineOptions = Omit<LocalEngineOptions, 'containerDisks' | 'detachable' | 'keeperEntry' | 'env'>;

export interface KeeperRequest {
  build: Build;
  /** The VM to start, as the caller resolved it (its source may point at an imported file). */
  vm: Vm;
  workDir: string;
  logDir: string;
  httpPort?: number;
  parentDisk?: string;
  engine: KeeperEngineOptions;
}

export type KeeperMessage = { type: 'log'; level: 'info' | 'warn' | 'error' | 'debug'; line: string } | { type: 'ready'; record: DetachedVmRecord } | { type: 'failed'; message: string; userError: boolean };

export function isKeeperProcess(argv: readonly string[] = process.argv): boolean {
  return argv.some((a) => a.startsWith(`${KEEPER_FLAG}=`));
}
