/**
 * Render equals build: for every example, the objects `ruddervirt render` prints are the objects
 * the kubevirt engine creates. The engine side is its creation path, ClusterRun (every object a
 * build creates goes through ClusterRun.create, which re-renders with the owners' uids and sends
 * the result unedited), fed the way engine.ts feeds it: begin (root, then network), each VM's
 * prepare and start objects, then the layer's captures and exports, and — for a VM with
 * output.dataSource — its publish step as engine.ts publishLayer sends it (publishStep, keepSbom,
 * publishGolden). Both sides take their render options from engineRenderOptions, the engine's own
 * join of its options and the cluster's capabilities, fed from the same command-line flags. The
 * API server is a recorder (no cluster can run here): it keeps each request body and answers
 * with a uid, and reports egress gateways and DataSources ready. The only differences allowed are
 * the values render cannot know: the owners' uids (render prints a placeholder naming the owner),
 * each export token (random), and what a publish is given at run time — the output's sha256 and
 * SBOM document (render prints placeholders).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { loadBuild } from '../../../src/core/config/load.js';
import { memoryLogger } from '../../../src/core/log.js';
import { ClusterRun } from '../../../src/engines/kubevirt/cluster/cluster-run.js';
import type { LiveObject, ObjectClient } from '../../../src/engines/kubevirt/cluster/objects.js';
import { publishGolden } from '../../../src/engines/kubevirt/cluster/golden-images.js';
import { keepSbom } from '../../../src/engines/kubevirt/cluster/kept-sboms.js';
import { keptKindOf } from '../../../src/engines/kubevirt/cluster/kept-layers.js';
import { engineRenderOptions, keepStep, publishStep } from '../../../src/engines/kubevirt/engine.js';
import { collectLocalInputs } from '../../../src/engines/kubevirt/manifests/local-files.js';
import { renderBuild } from '../../../src/engines/kubevirt/manifests/render.js';
import type { CapturePlan } from '../../../src/engines/kubevirt/manifests/render-options.js';
import type { AnyManifest } from '../../../src/engines/kubevirt/manifests/types.js';
import { renderCommand } from '../../../src/cli/commands/render.js';
import { parseCommandArgs } from '../../../src/cli/args.js';
import { KUBEVIRT_ENGINE_FLAGS, KUBEVIRT_FLAGS, kubevirtEngineFlagOptions, kubevirtSettingsFromFlags } from '../../../src/cli/kubevirt-flags.js';
import { exampleFiles } from '../../../scripts/generated-files.js';
import { memoryIo } from '../../helpers/cli-io.js';
import { repoRoot } from '../../helpers/node24.js';

const EXAMPLES = path.join(repoRoot, 'examples');

/** A JSON merge patch as sent (or as render prints it): its target and body. */
interface Patch {
  kind: string;
  name: string;
  body: Record<string, unknown>;
}

/** Stands in for the API server: records create and patch bodies, gives uids, and reports gateways and DataSources ready. */
function recordingApi(): { client: ObjectClient; created: AnyManifest[]; patched: Patch[] } {
  const created: AnyManifest[] = [];
  const patched: Patch[] = [];
  const live = new Map<string, LiveObject>();
  const key = (kind: string, name: string) => `${kind}/${name}`;
  const client = {
    async create<T extends LiveObject>(object: T): Promise<T> {
      created.push(structuredClone(object) as unknown as AnyManifest);
      const made = { ...structuredClone(object), metadata: { ...object.metadata, uid: `uid-${created.length}`, resourceVersion: '1' } } as T;
      if (object.kind === 'VpcEgressGateway') (made as unknown as { status: unknown }).status = { ready: true };
      if (object.kind === 'DataSource') (made as unknown as { status: unknown }).status = { conditions: [{ type: 'Ready', status: 'True' }] };
      live.set(key(object.kind, object.metadata.name), made);
      return made;
    },
    async get<T extends LiveObject>(ref: { kind: string; name: string }): Promise<T | undefined> {
      return live.get(key(ref.kind, ref.name)) as T | undefined;
    },
    async list<T extends LiveObject>(_apiVersion: string, kind: string, _ns: string | undefined, filter: { fieldSelector?: string; labelSelector?: string }) {
      // Only waits list (by name); a label selector asks for outputs a DataSource pointed at before: none here.
      if (filter.labelSelector !== undefined) return { items: [] as T[], resourceVersion: '1' };
      const name = /metadata\.name=(.+)/.exec(filter.fieldSelector ?? '')?.[1];
      const items = [...live.values()].filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
      return { items: items as T[], resourceVersion: '1' };
    },
    async mergePatch(ref: { kind: string; name: string }, body: Record<string, unknown>): Promise<unknown> {
      patched.push({ kind: ref.kind, name: ref.name, body: structuredClone(body) });
      return live.get(key(ref.kind, ref.name));
    },
    async delete(): Promise<boolean> {
      return true;
    },
  };
  return { client: client as unknown as ObjectClient, created, patched };
}

/** A build, its command-line flags, and what its publish steps are given at run time. */
interface Case {
  file: string;
  flags: string[];
  capture: CapturePlan;
}

const SHA256 = 'c'.repeat(64);
const LAYER_KEY = 'e'.repeat(64);
const SBOM_DOCUMENT = '{"spdxVersion":"SPDX-2.3","name":"the guest"}';

function sbomFileOf(vm: string): string {
  const file = path.join(dir, `${vm}.spdx.json`);
  writeFileSync(file, SBOM_DOCUMENT);
  return file;
}

/**
 * What the engine's creation path sends for a build, in the engine's order, with the render
 * options build.ts and engine.ts would give it for these flags.
 */
async function engineRun(c: Case): Promise<{ created: AnyManifest[]; patched: Patch[] }> {
  const build = loadBuild(c.file, { env: {} });
  const { values } = parseCommandArgs(c.flags, { ...KUBEVIRT_FLAGS, ...KUBEVIRT_ENGINE_FLAGS });
  const options = { kubevirt: kubevirtSettingsFromFlags(values), ...kubevirtEngineFlagOptions(values), runId: 'eq1' }; // build.ts
  const rendered = renderBuild(build, collectLocalInputs(build), engineRenderOptions(options, { namespace: 'builds', capture: c.capture, exportApiVersion: 'v1' })); // engine.ts connect
  const { client, created, patched } = recordingApi();
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
    // engine.ts keepLayer (ruddervirt build keeps every layer): each output's SBOM beside it, then the keep patch.
    const kind = keptKindOf(c.capture);
    for (const vm of kind ? layer.vms : []) {
      const k = `${layer.name}/${vm.name}`;
      const source = { kind: kind!.kind, namespace: 'builds', name: rendered.vms.find((v) => `${v.layer}/${v.vm}` === k)!.output.name };
      const facts = { key: LAYER_KEY, runId: 'eq1', sha256: SHA256, bytes: 1234, format: vm.output.format, compressed: vm.output.format === 'qcow2' && vm.output.compress, now: new Date(0) };
      const sbom = vm.output.sbom
        ? await keepSbom({
            objects: client,
            output: { apiVersion: kind!.apiVersion, ...source },
            sbomFile: sbomFileOf(vm.name),
            sha256: SHA256,
            scope: { build: build.name, layer: layer.name, vm: vm.name },
            render: ({ document, owner }) => keepStep(rendered, k, { facts, sbom: { document, ownerUid: owner.uid } }).sbom!,
            signal,
          })
        : undefined;
      const { patch } = keepStep(rendered, k, { facts: { ...facts, ...(sbom ? { sbom } : {}) } });
      await client.mergePatch(patch.target, patch.patch, signal);
    }
    // engine.ts publishLayer, a fresh output: its SBOM beside it (kept already), then the golden image.
    for (const vm of layer.vms) {
      const ds = vm.output.dataSource;
      if (!ds) continue;
      const k = `${layer.name}/${vm.name}`;
      const source = { kind: kind!.kind, namespace: 'builds', name: rendered.vms.find((v) => `${v.layer}/${v.vm}` === k)!.output.name };
      const scope = { build: build.name, layer: layer.name, vm: vm.name };
      const sbomFile = sbomFileOf(vm.name);
      const sbom = await keepSbom({
        objects: client,
        output: { apiVersion: kind!.apiVersion, ...source },
        sbomFile,
        sha256: SHA256,
        scope,
        render: ({ document, owner }) => publishStep(rendered, k, { source, sha256: SHA256, sbom: { document, ownerUid: owner.uid } }).sbom!,
        signal,
      });
      const publish = () =>
        publishGolden({
          objects: client,
          dataSource: ds,
          source,
          scope,
          sha256: SHA256,
          sbom,
          plan: publishStep(rendered, k, { source, sha256: SHA256, sbomConfigMap: sbom }),
          logger: memoryLogger().logger,
          signal,
          timeoutMs: 10_000,
        });
      await publish();
      // A refresh: the DataSource is there now, so the build patches it instead of creating it.
      await publish();
    }
  }
  return { created, patched };
}

const PATCH_LINE = /^# kubectl patch (\S+) (\S+) -n \S+ --type merge -p '(.*)'$/;

/** `ruddervirt render` with the same flags: its objects, and the patches it prints (by the note of each). */
async function renderCli(c: Case): Promise<{ objects: AnyManifest[]; patches: (Patch & { when: string })[] }> {
  const io = memoryIo(repoRoot);
  const args = [c.file, '--namespace', 'builds', '--run-id', 'eq1', '--capture', c.capture.mode, ...(c.capture.mode === 'volume-snapshot' ? ['--snapshot-class', c.capture.snapshotClass] : []), ...c.flags];
  expect(await renderCommand.run(args, io), io.err()).toBe(0);
  const objects = parseAllDocuments(io.out()).map((d) => d.toJS() as AnyManifest);
  const patches: (Patch & { when: string })[] = [];
  const lines = io.out().split('\n');
  // What outlives the run is printed commented out, each line '#> ': one object per run of such lines.
  let block: string[] = [];
  for (const line of [...lines, '']) {
    if (line.startsWith('#> ')) block.push(line.slice(3));
    else if (block.length > 0) {
      objects.push(parse(block.join('\n')) as AnyManifest);
      block = [];
    }
  }
  for (const [i, line] of lines.entries()) {
    const m = PATCH_LINE.exec(line);
    if (!m) continue;
    const kind = [...new Set([...objects.map((o) => o.kind), 'PersistentVolumeClaim', 'VolumeSnapshot', 'DataVolume', 'DataSource'])].find((k) => k.toLowerCase() === m[1]);
    patches.push({ kind: kind ?? m[1]!, name: m[2]!, body: JSON.parse(m[3]!.replace(/'\\''/g, "'")) as Record<string, unknown>, when: /\(([^)]*)\)$/.exec(lines[i - 1] ?? '')?.[1] ?? '' });
  }
  return { objects, patches };
}

const SHA256_ANNOTATION = 'ruddervirt.io/output-sha256';

/** The run-time values render cannot know: owner uids (by owner), export tokens, and what a publish is given. */
function normalise(objects: AnyManifest[]): Map<string, unknown> {
  const uidOwner = new Map(objects.filter((o) => o.metadata.uid).map((o) => [o.metadata.uid!, `${o.kind} ${o.metadata.name}`]));
  const out = new Map<string, unknown>();
  for (const o of objects) {
    const copy = structuredClone(o) as AnyManifest & { data?: Record<string, string> };
    delete copy.metadata.uid;
    for (const ref of copy.metadata.ownerReferences ?? []) ref.uid = /^<uid of (\S+ \S+),/.exec(ref.uid)?.[1] ?? uidOwner.get(ref.uid) ?? `unknown ${ref.uid}`;
    if (copy.kind === 'Secret' && copy.metadata.labels?.['ruddervirt.io/component'] === 'export-token') copy.data = { token: 'TOKEN' };
    if (copy.kind === 'ConfigMap' && copy.metadata.labels?.['ruddervirt.io/component'] === 'sbom') copy.data = { 'sbom.spdx.json': 'DOCUMENT' };
    normaliseSha(copy.metadata as { annotations?: Record<string, unknown> });
    out.set(`${o.kind}/${o.metadata.name}`, copy);
  }
  return out;
}

function normaliseSha(metadata: { annotations?: Record<string, unknown> } | undefined): void {
  if (metadata?.annotations?.[SHA256_ANNOTATION] !== undefined) metadata.annotations[SHA256_ANNOTATION] = 'SHA256';
}

/** What a keep patch is given when the layer succeeded (render prints placeholders). */
const KEPT_FACTS = ['ruddervirt.io/layer-key', 'ruddervirt.io/output-bytes', 'ruddervirt.io/last-used'];

function normalisePatch(p: Patch): Patch {
  const copy = structuredClone({ kind: p.kind, name: p.name, body: p.body });
  const metadata = copy.body.metadata as { annotations?: Record<string, unknown>; labels?: Record<string, unknown> } | undefined;
  normaliseSha(metadata);
  for (const a of KEPT_FACTS) if (metadata?.annotations?.[a] !== undefined) metadata.annotations[a] = a;
  if (metadata?.labels?.['ruddervirt.io/layer-key'] !== undefined) metadata.labels['ruddervirt.io/layer-key'] = 'KEY';
  return copy;
}

async function expectRenderEqualsBuild(c: Case): Promise<{ created: AnyManifest[]; printed: AnyManifest[] }> {
  const engine = await engineRun(c);
  // The owners' uids as the recorder gave them, so references can be read back by owner name.
  const withUids = engine.created.map((o, i) => ({ ...o, metadata: { ...o.metadata, uid: `uid-${i + 1}` } }) as AnyManifest);
  const cli = await renderCli(c);
  const printed = normalise(cli.objects);
  const created = normalise(withUids);
  // The same objects (captures and exports follow each VM's shutdown, so their order is the guests').
  expect([...created.keys()].sort()).toEqual([...printed.keys()].sort());
  for (const [name, object] of created) expect(object, name).toEqual(printed.get(name));
  // Every reference was resolved to a created owner, none left as a placeholder.
  for (const o of engine.created) for (const ref of o.metadata.ownerReferences ?? []) expect(ref.uid).toMatch(/^uid-\d+$/);
  // The patches: each layer's keep patches (ruddervirt build keeps layers), then the first publish
  // sends those printed to be sent after the download, the refresh also the one printed for an existing DataSource.
  const keep = cli.patches.filter((p) => p.when === 'sent once the layer succeeded, when the build keeps layers').map(normalisePatch);
  const afterDownload = cli.patches.filter((p) => p.when === 'sent once the output is downloaded').map(normalisePatch);
  const instead = cli.patches.filter((p) => p.when.startsWith('sent instead')).map(normalisePatch);
  expect(keep.length).toBe(c.capture.mode === 'vm-snapshot' ? 0 : engine.created.filter((o) => o.metadata.labels?.['ruddervirt.io/component'] === 'output').length);
  expect(engine.patched.map(normalisePatch)).toEqual([...keep, ...afterDownload, ...afterDownload, ...instead]);
  return { created: engine.created, printed: cli.objects };
}

const CAPTURES: CapturePlan[] = [{ mode: 'clone' }, { mode: 'volume-snapshot', snapshotClass: 'csi-snapclass' }, { mode: 'vm-snapshot' }];
const dir = mkdtempSync(path.join(os.tmpdir(), 'rvtest-render-equals-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(exampleFiles())('examples/%s', (example) => {
  it.each(CAPTURES.map((c) => ({ name: c.mode, capture: c })))('ruddervirt render prints what the engine creates ($name)', async ({ capture }) => {
    await expectRenderEqualsBuild({ file: path.join(EXAMPLES, example), flags: [], capture });
  });
});

describe('a golden image with cluster settings from the file and the command line', () => {
  /** A kubevirt block, output.dataSource, HTTP files (a file-server pod) and a VPC with internet (an egress gateway). */
  function goldenBuild(): string {
    mkdirSync(path.join(dir, 'http'), { recursive: true });
    writeFileSync(path.join(dir, 'http', 'preseed.cfg'), 'd-i debian-installer/locale string en_US\n');
    const file = path.join(dir, 'golden.yaml');
    writeFileSync(
      file,
      `name: golden
kubevirt:
  storageClassName: slow
  nodeSelector: { zone: a }
  httpServerImage: registry.local/busybox:1.37
network:
  vpcs: [{ name: lab, internet: true, subnets: [{ name: backend, cidr: 10.20.0.0/24 }] }]
layers:
  - name: base
    vms:
      - name: web
        source: { url: "https://example.com/disk.qcow2", checksum: "sha256:${'d'.repeat(64)}" }
        httpDirectory: http
        nics: [{ model: virtio, subnet: backend }]
        output:
          format: qcow2
          dataSource: { name: debian-golden, instancetype: u1.medium, preference: debian }
`,
    );
    return file;
  }
  const flags = ['--storage-class', 'fast', '--node-selector', 'pool=builds', '--http-server-image', 'mirror.local/busybox:1.37', '--iso-size', '20Gi', '--egress-external-subnet', 'ext-net'];

  it.each([{ mode: 'clone' }, { mode: 'volume-snapshot', snapshotClass: 'csi-snapclass' }] as CapturePlan[])('render prints what the engine creates and patches, with the flags over the file ($mode)', async (capture) => {
    const { created } = await expectRenderEqualsBuild({ file: goldenBuild(), flags, capture });
    const kinds = created.map((o) => o.kind);
    expect(kinds).toContain('DataSource');
    const disk = created.find((o) => o.kind === 'DataVolume') as unknown as { spec: { storage?: { storageClassName?: string } } };
    expect(disk.spec.storage?.storageClassName).toBe('fast');
    const pod = created.find((o) => o.kind === 'Pod') as unknown as { spec: { nodeSelector?: Record<string, string>; containers: { image: string }[] } };
    expect(pod.spec.containers[0]!.image).toBe('mirror.local/busybox:1.37');
    expect(pod.spec.nodeSelector).toMatchObject({ pool: 'builds' });
    const gateway = created.find((o) => o.kind === 'VpcEgressGateway') as unknown as { spec: { externalSubnet?: string } };
    expect(gateway.spec.externalSubnet).toBe('ext-net');
    const sbom = created.find((o) => o.kind === 'ConfigMap' && o.metadata.labels?.['ruddervirt.io/component'] === 'sbom') as unknown as { data: Record<string, string> };
    expect(sbom.data['sbom.spdx.json']).toBe(SBOM_DOCUMENT);
  });

  it('render refuses output.dataSource with the vm-snapshot capture, naming the field', async () => {
    const io = memoryIo(repoRoot);
    await expect(renderCommand.run([goldenBuild(), '--capture', 'vm-snapshot'], io)).rejects.toThrow(/golden\.yaml:\d+:\d+: layers\[0\]\.vms\[0\]\.output\.dataSource: .*VirtualMachineSnapshots/);
  });
});

it('covers every example', () => {
  expect(exampleFiles().length).toBeGreaterThanOrEqual(5);
  expect(readFileSync(path.join(EXAMPLES, exampleFiles()[0]!), 'utf8').length).toBeGreaterThan(0);
});
