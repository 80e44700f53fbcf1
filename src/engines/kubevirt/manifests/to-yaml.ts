/**
 * A rendered run as multi-document YAML, the way `helm template` prints: one document per
 * object in creation order, each introduced by a comment saying when it is created and why.
 */
import { stringify } from 'yaml';
import type { RenderedPatch, RenderedPublish } from './golden-image.js';
import type { RenderedBuild, RenderedObject, Step } from './rendered.js';
import type { AnyManifest } from './types.js';

const STEP_NOTES: Record<Step, string> = {
  run: 'created first',
  network: 'created before any VM',
  prepare: 'created before the VM',
  start: 'created to start the VM',
  capture: 'created after the VM shut down',
  export: 'created to take the output out of the cluster',
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
 * A merge patch as the kubectl command that sends the same body: a comment, so that applying the
 * output creates only objects, while a reader sees exactly what the build sends.
 */
export function patchToYaml(p: RenderedPatch, when: string): string {
  const body = JSON.stringify(p.patch).replace(/'/g, "'\\''");
  return `# publish: ${p.note} (${when})\n# kubectl patch ${p.target.kind.toLowerCase()} ${p.target.name} -n ${p.target.namespace} --type merge -p '${body}'\n`;
}

function publishToYaml(p: RenderedPublish, options: YamlOptions): string[] {
  const step = STEP_NOTES.publish;
  return [
    ...p.patches.map((x) => patchToYaml(x, step)),
    ...(p.sbom ? [objectToYaml({ object: p.sbom as unknown as AnyManifest, step: 'publish', owner: { kind: 'none' }, vm: p.vm, note: `SBOM of the output of ${p.vm}, owned by it` }, options)] : []),
    objectToYaml({ object: p.object as unknown as AnyManifest, step: 'publish', owner: { kind: 'none' }, vm: p.vm, note: `DataSource ${p.dataSource.name}: the golden image, the output of ${p.vm}` }, options),
    patchToYaml(p.refresh, 'sent instead of the create above when it exists'),
    patchToYaml(p.release, 'sent after the DataSource is Ready'),
  ];
}

export function renderedToYaml(build: RenderedBuild, options: YamlOptions = {}): string {
  return [...build.objects.map((o) => objectToYaml(o, options)), ...build.publish.flatMap((p) => publishToYaml(p, options))].map((doc) => `---\n${doc}`).join('');
}
