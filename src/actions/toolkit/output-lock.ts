/**
 * The actions' output folder, made ready and locked as the CLI's --output is (core/output-folder.ts):
 * a second build writing into the same folder (two jobs of a self-hosted runner sharing a path) is
 * refused with a message naming the input, instead of replacing the first one's image under it.
 * The lock is released when the action ends; one left by a killed step is taken over.
 */
import path from 'node:path';
import { lockOutputFolder, prepareOutputFolder } from '../../core/output-folder.js';
import { optionalInput } from './inputs.js';
import type { ActionContext } from './run-action.js';

/** The `output-directory` input (default output/<build>), ready to write and locked until the action ends. */
export async function lockedOutputDirectory(ctx: ActionContext, buildName: string): Promise<string> {
  const given = optionalInput('output-directory');
  const dir = path.resolve(ctx.workspace, given ?? path.join('output', buildName));
  const label = `input 'output-directory' (${dir})`;
  await prepareOutputFolder(dir, label);
  const lock = await lockOutputFolder(dir, label, "choose another 'output-directory'");
  ctx.atEnd(() => lock.release());
  return dir;
}
