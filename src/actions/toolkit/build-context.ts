/**
 * Loads the build file for an action: from the `build-file` input, or — in the later stages of a
 * split workflow — from the handoff, so provision and snapshot need no inputs at all. Variables
 * are the handoff's non-secret ones overlaid with the `vars` input; every secret the build file
 * reveals is masked at once.
 */
import path from 'node:path';
import { loadBuild } from '../../core/config/load.js';
import type { Build } from '../../core/config/model.js';
import { redactedVariables } from '../../core/pipeline/manifest.js';
import type { PhaseTimeouts } from '../../core/pipeline/vm-steps.js';
import { HandoffError, type Handoff, type HandoffBuild } from './handoff.js';
import { durationInput, keyValueInput, listInput, optionalInput } from './inputs.js';
import type { ActionContext } from './run-action.js';

export interface LoadedBuild {
  build: Build;
  /** What the handoff keeps: the file, where it was loaded from, and the non-secret variables. */
  handoff: HandoffBuild;
  vars: Record<string, string>;
}

export function loadBuildForAction(ctx: ActionContext, handoff?: Handoff): LoadedBuild {
  const fileInput = optionalInput('build-file');
  const file = fileInput ?? handoff?.build?.file;
  if (!file) throw new HandoffError(`input 'build-file': missing, and no earlier RudderVirt action of this job recorded one`);
  const cwd = fileInput || !handoff?.build ? ctx.workspace : handoff.build.cwd;
  const inputVars = keyValueInput('vars');
  // Mask variable values given as inputs before anything can print them; secrets.* are masked by
  // the runner already, but a value built from one (a URL with a token) is not.
  const vars = { ...(fileInput ? {} : (handoff?.build?.vars ?? {})), ...inputVars };
  // Var files and sensitive names are paths and names, never values: later stages are handed them
  // and read the files again, so a secret in a var file never passes through the handoff.
  const earlier = fileInput ? undefined : handoff?.build;
  const varFiles = [...(earlier?.varFiles ?? []), ...listInput('var-file').map((f) => path.resolve(ctx.workspace, f))];
  const sensitive = [...new Set([...(earlier?.sensitiveVariables ?? []), ...listInput('sensitive-variables')])];
  const build = loadBuild(file, { vars, varFiles, env: ctx.env, cwd, ...(sensitive.length > 0 ? { sensitiveVariables: { names: sensitive, source: "input 'sensitive-variables'" } } : {}) });
  for (const s of build.secrets) ctx.logger.addSecret(s);
  // Only variables with no secret in them at all: a masked value handed on would be used as if real.
  const masked = redactedVariables({ ...build, variables: vars });
  const publicVars = Object.fromEntries(Object.entries(vars).filter(([k, v]) => masked[k] === v && !build.sensitiveVariables?.includes(k)));
  return {
    build,
    vars,
    handoff: { file, cwd, name: build.name, vars: publicVars, ...(varFiles.length > 0 ? { varFiles } : {}), ...(sensitive.length > 0 ? { sensitiveVariables: sensitive } : {}) },
  };
}

export function phaseTimeoutInputs(): PhaseTimeouts {
  const out: PhaseTimeouts = {};
  const set = (key: keyof PhaseTimeouts, input: string) => {
    const ms = durationInput(input);
    if (ms !== undefined) out[key] = ms;
  };
  set('boot', 'boot-timeout');
  set('bootCommand', 'boot-command-timeout');
  set('provision', 'provision-timeout');
  set('shutdown', 'shutdown-timeout');
  set('export', 'export-timeout');
  return out;
}
