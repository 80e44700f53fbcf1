/** `ruddervirt render`, run as the dispatcher runs it. */
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { renderCommand } from '../../../src/cli/commands/render.js';
import { runCli } from '../../../src/cli/run.js';
import { rbacYaml } from '../../../src/engines/kubevirt/rbac.js';
import { memoryIo } from '../../helpers/cli-io.js';
import { repoRoot } from '../../helpers/node24.js';
import { tempBuild, SOURCE_URL } from './helpers.js';

const io = (cwd = repoRoot) => memoryIo(cwd);

async function render(args: string[], cwd = repoRoot) {
  const t = io(cwd);
  const code = await runCli(['render', ...args], [renderCommand], t);
  return { code, out: t.out(), err: t.err() };
}

type Doc = { kind: string; metadata: { name: string; namespace?: string; labels: Record<string, string> }; data?: Record<string, string> };
const docs = (yaml: string) => parseAllDocuments(yaml).map((d) => d.toJS() as Doc);

describe('ruddervirt render', () => {
  it('prints the manifests of a build as multi-document YAML', async () => {
    const r = await render(['examples/module.yaml', '--engine', 'kubevirt', '--namespace', 'builds', '--run-id', 'abc12']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const objects = docs(r.out);
    expect(objects[0]).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'web-module-abc12', namespace: 'builds' } });
    expect(new Set(objects.map((o) => o.kind))).toEqual(
      new Set(['ConfigMap', 'Vpc', 'Subnet', 'VpcEgressGateway', 'NetworkAttachmentDefinition', 'DataVolume', 'Secret', 'Pod', 'VirtualMachine', 'VirtualMachineExport']),
    );
    for (const o of objects) {
      expect(o.metadata.labels['ruddervirt.io/run']).toBe('abc12');
      if (o.kind !== 'Vpc' && o.kind !== 'Subnet') expect(o.metadata.namespace).toBe('builds');
    }
    expect(r.out).toMatch(/^---\n# run: root of run abc12/);
  });

  it('renders the same names for the same file by default, and Secrets redacted on request', async () => {
    const a = await render(['examples/debian-iso.yaml', '--redact']);
    const b = await render(['examples/debian-iso.yaml', '--redact']);
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    expect(a.out).toMatch(/preseed\.cfg: REDACTED/);
    expect(docs(a.out).find((o) => o.kind === 'VirtualMachine')!.metadata.namespace).toBe('default');
  });

  it('takes the capture and cluster options', async () => {
    const r = await render(['examples/debian-cloud.yaml', '--snapshot-class', 'snap', '--export-api', 'v1beta1', '--storage-class', 'fast', '--iso-size', '2Gi']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/kind: VolumeSnapshot\n/);
    expect(r.out).toMatch(/apiVersion: export\.kubevirt\.io\/v1beta1/);
    expect(r.out).toMatch(/storageClassName: fast/);
  });

  it('prints the RBAC for a namespace', async () => {
    const r = await render(['--rbac', '--namespace', 'ci', '--service-account', 'builder']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(rbacYaml({ namespace: 'ci', serviceAccount: 'builder' }));
  });

  it.each([
    [[], /missing the build FILE/],
    [['a.yaml', 'b.yaml'], /one build FILE/],
    [['examples/module.yaml', '--engine', 'local'], /local engine .* no manifests/],
    [['examples/module.yaml', '--engine', 'qemu'], /--engine must be kubevirt/],
    [['examples/module.yaml', '--capture', 'volume-snapshot'], /needs --snapshot-class/],
    [['examples/module.yaml', '--capture', 'backup'], /--capture must be/],
    [['examples/module.yaml', '--namespace', 'Bad'], /--namespace 'Bad'/],
    [['examples/module.yaml', '--iso-size', '2GB'], /--iso-size: .*did you mean '2Gi'/],
    [['examples/module.yaml', '--frobnicate'], /Unknown option/],
    [['--rbac', 'examples/module.yaml'], /--rbac takes no build file/],
  ])('refuses bad arguments %j with usage', async (args, message) => {
    const r = await render(args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/ruddervirt render --help/);
  });

  it('reports build-file problems with file and line, and bad run ids', async () => {
    const t = tempBuild(`name: b\nlayers:\n  - name: l\n    vms:\n      - name: v\n        ${SOURCE_URL}\n        nics: [{ model: virtio }, { model: e1000 }]\n`);
    try {
      const r = await render(['build.yaml'], t.dir);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/build\.yaml:7:\d+: layers\[0\]\.vms\[0\]\.nics\[1\]: kubevirt engine: only the first NIC/);
      const bad = await render(['build.yaml', '--run-id', 'NOPE'], t.dir);
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/run id 'NOPE'/);
      const missing = await render(['nothing.yaml'], t.dir);
      expect(missing.code).toBe(1);
      expect(missing.err).toMatch(/nothing\.yaml:1:1: cannot read the build file/);
    } finally {
      t.cleanup();
    }
  });
});
