/**
 * The whole-build action's post step: the build cleans up after itself, but a main step killed
 * outright (the runner's cancellation window ran out) cannot. Whatever still runs from the build's
 * temp folder is stopped, and the folder removed.
 */
import * as core from '@actions/core';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { stopProcessesWithMarker } from '../toolkit/processes.js';
import { runAction } from '../toolkit/run-action.js';

await runAction(async () => {
  const buildTemp = core.getState('buildTemp');
  if (!buildTemp) return;
  if (core.getState('keepOnFailure') === 'true' && core.getState('status') !== 'succeeded') {
    core.info(`keep-on-failure: leaving ${buildTemp} and anything still running from it`);
    return;
  }
  const stopped = await stopProcessesWithMarker(buildTemp);
  if (stopped.length > 0) core.info(`stopped ${stopped.length} leftover process(es) of the build`);
  if (existsSync(buildTemp)) await rm(buildTemp, { recursive: true, force: true });
});
