/**
 * Render equals build: for every example, the objects `ruddervirt render` prints are the objects
 * the kubevirt engine creates. The engine side is its creation path, ClusterRun (every object a
 * build creates goes through ClusterRun.create, which re-renders with the owners' uids and sends
 * the result unedited), fed the way engine.ts feeds it: begin (root, then network), each VM's
 * prepare and start objects, then the layer's captures and exports. The API server is a recorder
 * (no cluster can run here): it keeps each request body and answers with a uid, and reports
 * egress gateways ready. The only differences allowed are the values render cannot know: the
 * owners' uids (render prints a placeholder naming the owner) and each export token (random).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadBuild } from '../../../src/core/config/load.js';
import { memoryLogger } from '../../../src/core/log.js';
import { ClusterRun } from '../../../src/engines/kubevirt/cluster/cluster-run.js';
import type { LiveObject, ObjectClient } from '../../../src/engines/kubevirt/cluster/objects.js';
import { collectLocalInputs } from '../../../src/engines/kubevirt/manifests/local-files.js';
import { renderBuild } from '../../../src/engines/kubevirt/manifests/render.js';
import { renderOptions, type CapturePlan } from '../../../src/engines/kubevirt/manifests/render-options.js';
import type { AnyManifest } from '../../../src/engines/kubevirt/manifests/types.js';
import { renderCommand } from '../../../src/cli/commands/render.js';
import { exampleFiles } from '../../../scripts/generated-files.js';
import { memoryIo } from '../../helpers/cli-io.js';
import { repoRoot } from '../../helpers/node24.js';

const EXAMPLES = path.join(repoRoot, 'examples');

/** Stands in for the API server: records create bodies, gives uids, and reports gateways ready. */
function recordingApi(): { client: ObjectClient; created: AnyManifest[] } {
  const created: AnyManifest[] = [];
  const live = new Map<string, LiveObject>();
  const key = (kind: string, name: string) => `${kind}/${name}`;
  const client = {
    async create<T extends LiveObject>(object: T): Promise<T> {
      created.push(structuredClone(object) as unknown as AnyManifest);
      const made = { ...structuredClone(object), metadata: { ...object.metadata, uid: `uid-${created.length}`, resourceVersion: '1' } } as T;
      if (object.kind === 'VpcEgressGateway') (made as unknown as { status: unknown }).status = { ready: true };
      live.set(key(object.kind, object.metadata.name), made);
      return made;
    },
    async get<T extends LiveObject>(ref: { kind: string; name: string }): Promise<T | undefined> {
      return live.get(key(ref.kind, ref.name)) as T | undefined;
    },
    async list<T extends LiveObject>(_apiVersion: string, kind: string, _ns: string | undefined, filter: { fieldSelector?: string }) {
      const name = /metadata\.name=(.+)/.exec(filter.fieldSelector ?? '')?.[1];
      const items = [...live.values()].filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
      return { items: items as T[], metadata: { resourceVersion: '1' } };
    },
    async delete(): Promise<boolean> {
      return true;
    },
  };
  return { client: client as unknown as ObjectClient, created };
}

/** What the engine's creation path sends for a build, in the engine's order. */
async function engineObjects(example: string, capture: CapturePlan): Promise<AnyManifest[]> {
  const build = loadBuild(path.join(EXAMPLES, example), { env: {} });
  const rendered = renderBuild(build, collectLocalInputs(build), renderOptions({ runId: 'eq1', namespace: 'builds', capture, exportApiVersion: 'v1' }));
  const { client, created } = recordingApi();
  const run = new ClusterRun(client, rendered, memoryLogger().logger);
  const signal = AbortSignal.timeout(30_000);
  await run.begin(signal);
  for (const layer of build.layers) {
    const keys = layer.vms.map((vm) => `${layer.name}/${vm.name}`);
    for (const k of keys) {
      for (const o of rendered.objects.filter((r) => r.vm === k && r.step === 'prepare')) await run.create(o, signal); // engine.ts startOne
      for (const o of rendered.objects.filter((r) => r.vm === k && r.step === 'start')) await run.create(o, signal);
    }
    for (const k of keys) {
      for (const o of rendered.objects.filter((r) => r.vm === k && r.step === 'capture')) await run.create(o, signal); // vm-handle.ts capture
      for (const o of rendered.objects.filter((r) => r.vm === k && r.step === 'export')) await run.create(o, signal); // output-download.ts
    }
  }
  return created;
}

async function renderCli(example: string, capture: CapturePlan): Promise<AnyManifest[]> {
  const io = memoryIo(repoRoot);
  const args = ['render', `examples/${example}`, '--namespace', 'builds', '--run-id', 'eq1', '--capture', capture.mode, ...(capture.mode === 'volume-snapshot' ? ['--snapshot-class', capture.snapshotClass] : [])];
  expect(await renderCommand.run(args.slice(1), io), io.err()).toBe(0);
  return parseAllDocuments(io.out()).map((d) => d.toJS() as AnyManifest);
}

/** The run-time values render cannot know: owner uids (by owner) and export tokens. */
function normalise(objects: AnyManifest[]): Map<string, unknown> {
  const uidOwner = new Map(objects.filter((o) => o.metadata.uid).map((o) => [o.metadata.uid!, `${o.kind} ${o.metadata.name}`]));
  const out = new Map<string, unknown>();
  for (const o of objects) {
    const copy = structuredClone(o) as AnyManifest & { data?: Record<string, string> };
    delete copy.metadata.uid;
    for (const ref of copy.metadata.ownerReferences ?? []) ref.uid = /^<uid of (\S+ \S+),/.exec(ref.uid)?.[1] ?? uidOwner.get(ref.uid) ?? `unknown ${ref.uid}`;
    if (copy.kind === 'Secret' && copy.metadata.labels?.['ruddervirt.io/component'] === 'export-token') copy.data = { token: 'TOKEN' };
    out.set(`${o.kind}/${o.metadata.name}`, copy);
  }
  return out;
}

const CAPTURES: CapturePlan[] = [{ mode: 'clone' }, { mode: 'volume-snapshot', snapshotClass: 'csi-snapclass' }, { mode: 'vm-snapshot' }];

describe.each(exampleFiles())('examples/%s', (example) => {
  it.each(CAPTURES.map((c) => ({ name: c.mode, capture: c })))('ruddervirt render prints what the engine creates ($name)', async ({ capture }) => {
    const engine = await engineObjects(example, capture);
    // The owners' uids as the recorder gave them, so references can be read back by owner name.
    const withUids = engine.map((o, i) => ({ ...o, metadata: { ...o.metadata, uid: `uid-${i + 1}` } }) as AnyManifest);
    const printed = normalise(await renderCli(example, capture));
    const created = normalise(withUids);
    // The same objects (captures and exports follow each VM's shutdown, so their order is the guests').
    expect([...created.keys()].sort()).toEqual([...printed.keys()].sort());
    for (const [name, object] of created) expect(object, name).toEqual(printed.get(name));
    // Every reference was resolved to a created owner, none left as a placeholder.
    for (const o of engine) for (const ref of o.metadata.ownerReferences ?? []) expect(ref.uid).toMatch(/^uid-\d+$/);
  });
});

it('covers every example', () => {
  expect(exampleFiles().length).toBeGreaterThanOrEqual(5);
  expect(readFileSync(path.join(EXAMPLES, exampleFiles()[0]!), 'utf8').length).toBeGreaterThan(0);
});
