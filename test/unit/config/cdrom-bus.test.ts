/** cdroms[].type / bus and machineType: KubeVirt's rules, and warnings for a bus the guest cannot see. */
import { afterAll, describe, expect, it } from 'vitest';
import { buildOf, oneVm, problemsOf, tempBuildDir } from './helpers.js';

const files = tempBuildDir({ 'user-data': '#cloud-config\n', 'meta-data': 'instance-id: x\n' });
afterAll(files.cleanup);
const opts = { dir: files.dir };
const GENERICCLOUD = 'source: { url: https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-genericcloud-amd64.qcow2, checksum: "sha256:' + 'a'.repeat(64) + '" }';

describe('cdrom type and bus', () => {
  it('defaults: a sata cdrom; a disk on virtio; machine type left to the engine (q35)', () => {
    const vm = buildOf(oneVm('source: { path: x }\ncdroms: [{ name: a, files: [user-data] }, { name: b, files: [meta-data], type: disk }]'), opts).layers[0]!.vms[0]!;
    expect(vm.cdroms.map((c) => [c.type, c.bus])).toEqual([
      [undefined, undefined],
      ['disk', undefined],
    ]);
    expect(vm.machineType).toBeUndefined();
  });

  it('refuses virtio for a cdrom, naming the field, and accepts it for type: disk', () => {
    expect(problemsOf(oneVm('source: { path: x }\ncdroms: [{ name: a, files: [user-data], bus: virtio }]'), opts)).toEqual([
      expect.stringMatching(/^7:\d+: layers\[0\]\.vms\[0\]\.cdroms\[0\]\.bus: a cdrom cannot be on the virtio bus \(KubeVirt refuses it\); expected sata or scsi, or type: disk/),
    ]);
    expect(buildOf(oneVm('source: { path: x }\ncdroms: [{ name: a, files: [user-data], bus: virtio, type: disk }]'), opts).layers[0]!.vms[0]!.cdroms[0]!.bus).toBe('virtio');
  });

  it("refuses ide with KubeVirt's reason", () => {
    expect(problemsOf(oneVm('source: { path: x }\ncdroms: [{ name: a, files: [user-data], bus: ide }]'), opts)[0]).toMatch(/'ide' is not accepted: KubeVirt rejects the IDE bus/);
  });

  it('refuses Secure Boot on pc', () => {
    expect(problemsOf(oneVm('source: { path: x }\nmachineType: pc\nefiFirmware: { secureBoot: true }'), opts)).toEqual([expect.stringMatching(/machineType: Secure Boot needs SMM, which needs the q35 machine type/)]);
  });

  it('warns (without failing) when a Debian genericcloud source gets a sata cidata cdrom its kernel cannot see', () => {
    const build = buildOf(oneVm(`${GENERICCLOUD}\ncdroms: [{ name: seed, files: [user-data, meta-data], label: cidata }]`), opts);
    expect(build.warnings?.map((w) => `${w.line}: ${w.path}: ${w.message}`)).toEqual([
      expect.stringMatching(
        /^7: layers\[0\]\.vms\[0\]\.cdroms\[0\]\.name: a sata cdrom: the source's Debian cloud kernel has no AHCI \(SATA\) driver, so the guest will not see it and cloud-init will not find its seed; use type: disk/,
      ),
    ]);
    for (const fix of ['type: disk', 'bus: scsi']) {
      expect(buildOf(oneVm(`${GENERICCLOUD}\ncdroms: [{ name: seed, files: [user-data, meta-data], label: cidata, ${fix} }]`), opts).warnings).toBeUndefined();
    }
    // Unknown kernels: no guess.
    expect(buildOf(oneVm('source: { path: x }\ncdroms: [{ name: seed, files: [user-data], label: cidata }]'), opts).warnings).toBeUndefined();
  });
});
