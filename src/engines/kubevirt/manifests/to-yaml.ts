/**
 * A rendered run as multi-document YAML, the way `helm template` prints: one document per
 * object in creation order, each introduced by a comment saying when it is created and why.
 */
import { stringify } from 'yaml';
import type { RenderedBuild, RenderedObject, Step } from './rendered.js';
import type { AnyManifest } from './types.js';

const STEP_NOTES: Record<Step, string> = {
  run: 'created first',
  network: 'created before any VM',
  prepare: 'created before the VM',
  start: 'created to start the VM',
  capture: 'created after the VM shut down',
  export: 'created to take the output out of the cluster',
};

export interface YamlOptions {
  /** Replace Secret data values by "REDACTED" (for review, logs and golden files). */
  redactSecrets?: boolean;
}

function redacted(object: AnyManifest): AnyManifest {
  if (object.kind !== 'Secret' || !('data' in object) || !object.data) return object;
  const copy = structuredClone(object);
  if ('data' in copy && copy.data) for (const key of Object.keys(copy.data)) copy.data[key] = 'REDACTED';
  return copy;
}

export function objectToYaml(rendered: RenderedObject, options: YamlOptions = {}): string {
  const object = options.redactSecrets ? redacted(rendered.object) : rendered.object;
  const comment = `# ${rendered.step}: ${rendered.note} (${STEP_NOTES[rendered.step]})\n`;
  return comment + stringify(object, { lineWidth: 0, minContentWidth: 0 });
}

export function renderedToYaml(build: RenderedBuild, options: YamlOptions = {}): string {
  return build.objects.map((o) => `---\n${objectToYaml(o, options)}`).join('');
}
