/** Build files written to a temp folder and rendered for the kubevirt engine, for the tests here. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadBuildText } from '../../../src/core/config/load.js';
import type { Build } from '../../../src/core/config/model.js';
import { collectLocalInputs } from '../../../src/engines/kubevirt/manifests/local-files.js';
import { renderBuild } from '../../../src/engines/kubevirt/manifests/render.js';
import { renderOptions, type RenderOptions } from '../../../src/engines/kubevirt/manifests/render-options.js';
import type { RenderedBuild } from '../../../src/engines/kubevirt/manifests/rendered.js';
import type { AnyManifest } from '../../../src/engines/kubevirt/manifests/types.js';

export interface TempBuild {
  dir: string;
  build: Build;
  cleanup(): void;
}

/** Writes `files` (text or bytes) and `build.yaml` under a ruddervirt- temp folder and loads it. */
export function tempBuild(yaml: string, files: Record<string, string | Buffer> = {}): TempBuild {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-kubevirt-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), content);
    }
    writeFileSync(path.join(dir, 'build.yaml'), yaml);
    const build = loadBuildText(yaml, path.join(dir, 'build.yaml'), { env: {} });
    return { dir, build, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

export function renderWith(build: Build, options: Partial<RenderOptions> = {}): RenderedBuild {
  return renderBuild(build, collectLocalInputs(build), renderOptions({ runId: 'r1', namespace: 'ns', exportToken: () => 'token', ...options }));
}

/** Renders a build file written to a temp folder, then removes the folder. */
export function renderYaml(yaml: string, files: Record<string, string | Buffer> = {}, options: Partial<RenderOptions> = {}): RenderedBuild {
  const t = tempBuild(yaml, files);
  try {
    return renderWith(t.build, options);
  } finally {
    t.cleanup();
  }
}

export function objectsOf<K extends AnyManifest['kind']>(rendered: RenderedBuild, kind: K): Extract<AnyManifest, { kind: string }>[] {
  return rendered.objects.filter((o) => o.object.kind === kind).map((o) => o.object);
}

// The rendered objects are plain data; tests read them loosely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = Record<string, any>;

export function one(rendered: RenderedBuild, kind: string, nameEnd = ''): Loose {
  const found = rendered.objects.filter((o) => o.object.kind === kind && o.object.metadata.name.endsWith(nameEnd));
  if (found.length !== 1) throw new Error(`expected one ${kind} named *${nameEnd}, found ${found.length}`);
  return found[0]!.object as unknown as Loose;
}

export const SOURCE_URL = 'source: { url: https://example.org/disk.qcow2, checksum: "sha256:' + 'a'.repeat(64) + '" }';
