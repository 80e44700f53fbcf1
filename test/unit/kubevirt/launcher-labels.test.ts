/**
 * The engine finds launcher pods only by labels every supported KubeVirt release sets:
 * kubevirt/kubevirt pkg/virt-controller/services/template.go podLabels sets kubevirt.io/created-by,
 * vm.kubevirt.io/name and the VMI's own labels from v1.5.0 on, but vmi.kubevirt.io/id only from
 * v1.7.0 (absent at v1.6.0).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launcherSelector } from '../../../src/engines/kubevirt/cluster/launcher-pods.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

describe('launcher pod labels (kubevirt/kubevirt pkg/virt-controller/services/template.go, v1.6.0 and v1.7.0)', () => {
  it('selects launchers by the template labels and vm.kubevirt.io/name, which v1.6.0 sets too', () => {
    expect(launcherSelector({ hostname: 'web', templateLabels: { 'ruddervirt.io/vm': 'web' } })).toBe('ruddervirt.io/vm=web,vm.kubevirt.io/name=web');
  });

  it('never relies on vmi.kubevirt.io/id, which launchers carry only from v1.7.0', () => {
    const users = sources(path.resolve(import.meta.dirname, '../../../src/engines/kubevirt')).filter((f) => readFileSync(f, 'utf8').includes('vmi.kubevirt.io/id'));
    expect(users).toEqual([]);
  });
});
