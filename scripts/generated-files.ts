/**
 * Every file generated from the sources, with the content it must have: what `npm run generate`
 * (scripts/generate.mjs) writes, and what each "is it up to date" test compares against, so the
 * writer and the checks cannot drift apart. The action READMEs and docs/actions.md come from
 * scripts/gen-action-docs.mjs (plain JavaScript, run by generate.mjs beside this).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REFERENCE_END, REFERENCE_START, renderFieldReference } from '../src/core/config/field-reference.js';
import { jsonSchemaText } from '../src/core/config/json-schema.js';
import { loadBuild } from '../src/core/config/load.js';
import { collectLocalInputs } from '../src/engines/kubevirt/manifests/local-files.js';
import { renderBuild } from '../src/engines/kubevirt/manifests/render.js';
import { renderOptions, type CapturePlan, type ExportApiVersion } from '../src/engines/kubevirt/manifests/render-options.js';
import type { RenderedBuild } from '../src/engines/kubevirt/manifests/rendered.js';
import { renderedToYaml } from '../src/engines/kubevirt/manifests/to-yaml.js';
import { rbacYaml } from '../src/engines/kubevirt/rbac.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The namespace and service account docs/rbac.yaml is written for. */
export const RBAC_NAMESPACE = 'ruddervirt-builds';
export const RBAC_SERVICE_ACCOUNT = 'ruddervirt';

export const SCHEMA_FILE = path.join(repoRoot, 'schema', 'build.schema.json');
export const BUILD_FILE_DOC = path.join(repoRoot, 'docs', 'build-file.md');
export const RBAC_DOC = path.join(repoRoot, 'docs', 'rbac.yaml');
export const EXAMPLES_DIR = path.join(repoRoot, 'examples');
export const KUBEVIRT_GOLDEN_DIR = path.join(repoRoot, 'test', 'golden', 'kubevirt');

/** docs/build-file.md with its field reference (between the markers) generated from the spec; the prose is kept. */
export function buildFileDoc(current: string): string {
  const start = current.indexOf(REFERENCE_START);
  const end = current.indexOf(REFERENCE_END);
  if (start < 0 || end < start) throw new Error(`${path.relative(repoRoot, BUILD_FILE_DOC)}: the field reference markers are missing (${REFERENCE_START} … ${REFERENCE_END})`);
  return current.slice(0, start) + `${REFERENCE_START}\n\n${renderFieldReference()}\n${REFERENCE_END}` + current.slice(end + REFERENCE_END.length);
}

export function rbacDoc(): string {
  return rbacYaml({ namespace: RBAC_NAMESPACE, serviceAccount: RBAC_SERVICE_ACCOUNT });
}

export interface RenderVariant {
  name: string;
  capture: CapturePlan;
  exportApiVersion: ExportApiVersion;
}

/** The first is the one the goldens hold; render-examples.test.ts validates all of them. */
export const RENDER_VARIANTS: RenderVariant[] = [
  { name: 'clone capture, export v1', capture: { mode: 'clone' }, exportApiVersion: 'v1' },
  { name: 'CSI snapshot capture, export v1beta1', capture: { mode: 'volume-snapshot', snapshotClass: 'csi-hostpath-snapclass' }, exportApiVersion: 'v1beta1' },
  { name: 'KubeVirt snapshot capture, export v1', capture: { mode: 'vm-snapshot' }, exportApiVersion: 'v1' },
];

export function exampleFiles(): string[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
}

/** `ruddervirt render` of an example with fixed run id, namespace and tokens, so the output is stable. */
export function renderExample(example: string, variant: RenderVariant = RENDER_VARIANTS[0]!): RenderedBuild {
  const build = loadBuild(path.join(EXAMPLES_DIR, example), { env: {} });
  return renderBuild(
    build,
    collectLocalInputs(build),
    renderOptions({ runId: 'golden', namespace: 'builds', capture: variant.capture, exportApiVersion: variant.exportApiVersion, exportToken: (vm) => `token-for-${vm}` }),
  );
}

/** test/golden/kubevirt/<example>: the rendered manifests, Secrets redacted. */
export function kubevirtGolden(example: string): string {
  return renderedToYaml(renderExample(example), { redactSecrets: true });
}

export interface GeneratedFile {
  file: string;
  content: string;
  /** What makes it, for people reading a stale-file message. */
  from: string;
}

/** Every file this module generates, with its content now. */
export function generatedFiles(): GeneratedFile[] {
  return [
    { file: SCHEMA_FILE, content: jsonSchemaText(), from: 'src/core/config/build-spec.ts' },
    { file: BUILD_FILE_DOC, content: buildFileDoc(readFileSync(BUILD_FILE_DOC, 'utf8')), from: 'src/core/config/build-spec.ts' },
    { file: RBAC_DOC, content: rbacDoc(), from: 'src/engines/kubevirt/api-calls.ts' },
    ...exampleFiles().map((e) => ({ file: path.join(KUBEVIRT_GOLDEN_DIR, e), content: kubevirtGolden(e), from: `examples/${e}` })),
  ];
}
