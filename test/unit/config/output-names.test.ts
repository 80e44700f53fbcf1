/**
 * Output file names across a build: every layer writes into one output folder, so two VMs whose
 * image (or its .sha256 / .spdx.json) would have the same name are refused when the file loads,
 * with the line of the vmName (or name) that makes the second one clash.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { outputFileName, outputFilesOf, reservedOutputName } from '../../../src/core/config/output-file-names.js';
import { buildOf, problemsOf } from './helpers.js';

/** Two layers, VMs given as "layer: [vm lines…]" blocks, each VM with a path source. */
function twoLayers(first: string[], second: string[]): string {
  const vms = (list: string[]) => list.map((v) => `      - { source: { path: x }, ${v} }`).join('\n');
  return `name: demo\nlayers:\n  - name: base\n    vms:\n${vms(first)}\n  - name: app\n    vms:\n${vms(second)}\n`;
}

describe('output file names are unique within a build', () => {
  it('refuses two VMs with the same vmName, at the second vmName, naming the first VM', () => {
    expect(problemsOf(twoLayers(['name: a, vmName: image.qcow2'], ['name: b, vmName: image.qcow2']), { checkFiles: false })).toEqual([
      "8:49: layers[1].vms[0].vmName: vmName 'image.qcow2' is also the output file of base/a; both images would be written to it. Expected a vmName unique within the build",
    ]);
  });

  it('refuses a vmName equal to another VM’s default name', () => {
    expect(problemsOf(twoLayers(['name: web'], ['name: b, vmName: base-web.qcow2']), { checkFiles: false })).toEqual([
      expect.stringMatching(/^8:49: layers\[1\]\.vms\[0\]\.vmName: vmName 'base-web\.qcow2' is also the output file of base\/web/),
    ]);
  });

  it('refuses a vmName that is another image’s checksum or SBOM file', () => {
    expect(problemsOf(twoLayers(['name: a, vmName: disk'], ['name: b, vmName: disk.sha256']), { checkFiles: false })).toEqual([
      expect.stringMatching(/layers\[1\]\.vms\[0\]\.vmName: vmName 'disk\.sha256' clashes with the output of base\/a: both would write 'disk\.sha256'/),
    ]);
    expect(problemsOf(twoLayers(['name: a, vmName: disk.spdx.json'], ['name: b, vmName: disk']), { checkFiles: false })).toEqual([
      expect.stringMatching(/layers\[1\]\.vms\[0\]\.vmName: vmName 'disk' clashes with the output of base\/a: both would write 'disk\.spdx\.json'/),
    ]);
  });

  it('refuses the output folder’s own names and .partial', () => {
    for (const [name, reason] of [
      ['manifest.json', /the build's manifest/],
      ['logs', /log folder/],
      ['x.partial', /unfinished file/],
      ['.ruddervirt-build.lock', /build lock/],
    ] as const) {
      expect(problemsOf(twoLayers([`name: a, vmName: "${name}"`], ['name: b']), { checkFiles: false })).toEqual([expect.stringMatching(reason)]);
    }
  });

  it('accepts distinct names, raw and qcow2 defaults of the same VM name in two layers', () => {
    const build = buildOf(twoLayers(['name: web', 'name: db, vmName: db.img'], ['name: web, output: { format: raw }']), { checkFiles: false });
    expect(build.layers.flatMap((l) => l.vms.map((v) => outputFileName(l, v)))).toEqual(['base-web.qcow2', 'db.img', 'app-web.img']);
  });

  it('property: a build loads exactly when no two VMs share an output file', () => {
    const names = fc.constantFrom('a', 'a.sha256', 'a.spdx.json', 'b', 'base-v0.qcow2', 'app-v0.qcow2', 'c.qcow2');
    fc.assert(
      fc.property(fc.array(fc.option(names, { nil: undefined }), { minLength: 1, maxLength: 4 }), (vmNames) => {
        const vmLine = (n: string | undefined, i: number) => `name: v${i}${n === undefined ? '' : `, vmName: "${n}"`}`;
        const first = vmNames.slice(0, 2).map(vmLine);
        const second = vmNames.slice(2).map((n, i) => vmLine(n, i));
        const files = [...vmNames.slice(0, 2).map((n, i) => n ?? `base-v${i}.qcow2`), ...vmNames.slice(2).map((n, i) => n ?? `app-v${i}.qcow2`)].map((image) => outputFilesOf(image));
        // A layer needs a VM: without a third name, layer app gets one that keeps its default name.
        if (second.length === 0) files.push(outputFilesOf('app-z.qcow2'));
        const text = twoLayers(first, second.length > 0 ? second : ['name: z']);
        const all = files.flat();
        const expectClash = new Set(all).size !== all.length;
        let loaded = true;
        try {
          buildOf(text, { checkFiles: false });
        } catch {
          loaded = false;
        }
        expect(loaded).toBe(!expectClash);
      }),
    );
  });

  it('reservedOutputName leaves ordinary names alone', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}\.(qcow2|img|raw)$/), (name) => {
        expect(reservedOutputName(name)).toBeUndefined();
      }),
    );
  });
});
