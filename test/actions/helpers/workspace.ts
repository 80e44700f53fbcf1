/**
 * A workspace for action tests: a variant of examples/quickstart.yaml (the real test guest, its
 * boot command, seed and provisioners) written into a temp folder with its paths made absolute
 * and a unique build name, so leftovers can be told apart from other tests'.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { repoRoot } from '../../helpers/node24.js';

const examples = path.join(repoRoot, 'examples');

export interface Workspace {
  dir: string;
  buildFile: string;
  buildName: string;
  remove(): void;
}

export function quickstartWorkspace(name: string, edit: (vm: Record<string, unknown>, doc: Record<string, unknown>) => void = () => {}): Workspace {
  const doc = parse(readFileSync(path.join(examples, 'quickstart.yaml'), 'utf8')) as { name: string; layers: { vms: Record<string, unknown>[] }[] };
  doc.name = name;
  const vm = doc.layers[0]!.vms[0]!;
  vm.httpDirectory = path.join(examples, vm.httpDirectory as string);
  for (const p of vm.provisioners as Record<string, unknown>[]) if (typeof p.source === 'string') p.source = path.join(examples, p.source);
  edit(vm, doc as unknown as Record<string, unknown>);
  const dir = mkdtempSync(path.join(os.tmpdir(), `rvtest-${name}-`));
  const buildFile = 'quickstart.yaml';
  writeFileSync(path.join(dir, buildFile), stringify(doc));
  return { dir, buildFile, buildName: name, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A VM that never answers SSH (a blank disk, blank.qcow2 beside the file, boots nothing): fails at 'wait for ssh' within seconds. */
export function noSshBuild(name: string): string {
  return [
    `name: ${name}`,
    'layers:',
    '  - name: base',
    '    vms:',
    '      - name: box',
    '        source: { path: blank.qcow2 }',
    '        memory: 64Mi',
    '        disks: [{ name: root, size: 64Mi }]',
    '        bootWait: 1ms',
    '        communicator: { type: ssh, sshUsername: root, sshPassword: nope-pw-123, sshTimeout: 3s }',
    '        shutdownTimeout: 1s',
    '',
  ].join('\n');
}
