/**
 * A rendered run as multi-document YAML, the way `helm template` prints: one document per
 * object in creation order, each introduced by a comment saying when it is created and why.
 */
import { stringify } from 'yaml';
import type { RenderedPatch } from './golden-image.js';
import type { RenderedBuild, RenderedObject, Step } from './rendered.js';
import type { AnyManifest } from './types.js';

const STEP_NOTES: Record<Step, string> = {
  run: 'created first',
  network: 'created before any VM',
  prepare: 'created before the VM',
  start: 'created to start the VM',
  capture: 'created after the VM shut down',
  export: 'created to take the output out of the cluster',
  keep: 'sent once the layer succeeded, when the build keeps layers',
  publish: 'sent once the output is downloaded',
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

/**
 * A merge patch as the kubectl command that sends the same body, as comment lines: applying the
 * output creates only objects, while a reader sees exactly what the build sends.
 */
export function patchToYaml(p: RenderedPatch, when: string, step: Step): string {
  const body = JSON.stringify(p.patch).replace(/'/g, "'\\''");
  return `# ${step}: ${p.note} (${when})\n# kubectl patch ${p.target.kind.toLowerCase()} ${p.target.name} -n ${p.target.namespace} --type merge -p '${body}'\n`;
}

/**
 * An object the keep or publish step creates, as comment lines (each `#> `): it outlives the run
 * (no run label, no run owner), so applying the output by hand must not create it — a run applied
 * by hand is removed by its label.
 */
export function commentedObjectToYaml(object: AnyManifest, step: Step, note: string, options: YamlOptions = {}): string {
  const yaml = stringify(options.redactSecrets ? redacted(object) : object, { lineWidth: 0, minContentWidth: 0 });
  const lines = yaml.trimEnd().split('\n');
  return `# ${step}: ${note} (${STEP_NOTES[step]}; it outlives the run, so it is not applied with it)\n${lines.map((l) => `#> ${l}`).join('\n')}\n`;
}

/**
 * The run's objects as documents in creation order, then the keep and publish steps as comments
 * (their patches as kubectl commands, their objects as commented YAML), after the last document.
 */
export function renderedToYaml(build: RenderedBuild, options: YamlOptions = {}): string {
  const docs = build.objects.map((o) => objectToYaml(o, options));
  let after = '';
  for (const k of build.keep) {
    if (k.sbom) after += commentedObjectToYaml(k.sbom as unknown as AnyManifest, 'keep', `SBOM of the output of ${k.vm}, owned by it (the publish step creates it when the build keeps no layers)`, options);
    after += patchToYaml(k.patch, STEP_NOTES.keep, 'keep');
  }
  for (const p of build.publish) {
    for (const x of p.patches) after += patchToYaml(x, STEP_NOTES.publish, 'publish');
    after += commentedObjectToYaml(p.object as unknown as AnyManifest, 'publish', `DataSource ${p.dataSource.name}: the golden image, the output of ${p.vm}`, options);
    after += patchToYaml(p.refresh, 'sent instead of the create above when it exists', 'publish');
    after += patchToYaml(p.release, 'sent after the DataSource is Ready', 'publish');
  }
  if (after && docs.length > 0) docs[docs.length - 1] += after;
  return docs.map((doc) => `---\n${doc}`).join('');
}
