/**
 * Properties of the HCL-to-model mapping: whatever text a template holds, it reaches the build
 * file unchanged (after Packer's own escapes and variable expansion), and Packer's sizes and
 * digests keep their meaning. HCL goes through the real parser (@cdktf/hcl2json).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseChecksum } from '../../../src/core/config/checksum.js';
import { parseQuantity } from '../../../src/core/config/quantity.js';
import { readPackerTemplate } from '../../../src/core/packer/read-template.js';
import { normaliseChecksum, packerSize, toBuild } from '../../../src/core/packer/to-build.js';

const dir = mkdtempSync(path.join(tmpdir(), 'rv-packer-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An HCL quoted string for `text`: backslash escapes, and $${ / %%{ for literal ${ / %{. */
function hclString(text: string): string {
  const escaped = text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t').replace(/\$\{/g, '$$$${').replace(/%\{/g, '%%{');
  return `"${escaped}"`;
}

// Printable text including the characters that matter to boot commands and to HCL templates.
const bootText = fc.string({ unit: fc.constantFrom(...'ab Z09<>/{}.$%"\\:=-_\n\t`'.split('')), maxLength: 40 });

let counter = 0;
async function importHcl(hcl: string, vars: Record<string, string> = {}) {
  const file = `t${counter++}.pkr.hcl`;
  writeFileSync(path.join(dir, file), hcl);
  return toBuild(await readPackerTemplate(file, { cwd: dir, vars }));
}

function firstVm(build: Record<string, unknown>): Record<string, unknown> {
  return (build.layers as Array<{ vms: Array<Record<string, unknown>> }>)[0]!.vms[0]!;
}

describe('HCL → build file (properties)', () => {
  it('boot_command elements arrive byte for byte, in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(bootText, { minLength: 1, maxLength: 4 }), async (elements) => {
        const hcl = `source "qemu" "p" {\n  boot_command = [${elements.map(hclString).join(', ')}]\n}\nbuild {\n  sources = ["source.qemu.p"]\n}\n`;
        const { build } = await importHcl(hcl);
        expect(firstVm(build).bootCommand).toEqual(elements);
      }),
      { numRuns: 40 },
    );
  });

  it('a variable interpolated into a string is its --var value, surrounded by the literal text', async () => {
    const plain = fc.string({ unit: fc.constantFrom(...'ab Z09<>/.:=-_'.split('')), maxLength: 20 });
    await fc.assert(
      fc.asyncProperty(plain, plain, bootText, async (before, after, value) => {
        const hcl =
          `variable "v" {\n  type = string\n  default = "d"\n}\nsource "qemu" "p" {\n  boot_command = [${hclString(before).slice(0, -1)}\${var.v}${hclString(after).slice(1)}]\n}\n` +
          `build {\n  sources = ["source.qemu.p"]\n}\n`;
        const { build } = await importHcl(hcl, { v: value });
        expect(firstVm(build).bootCommand).toEqual([before + value + after]);
      }),
      { numRuns: 40 },
    );
  });

  it('provisioners keep their order whatever the mix of types', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom('shell', 'file', 'windows-restart'), { minLength: 1, maxLength: 6 }), async (types) => {
        const blocks = types.map((t, i) =>
          t === 'shell'
            ? `  provisioner "shell" {\n    inline = ["echo ${i}"]\n  }`
            : t === 'file'
              ? `  provisioner "file" {\n    content = "${i}"\n    destination = "/tmp/${i}"\n  }`
              : `  provisioner "windows-restart" {\n    restart_timeout = "${i + 1}m"\n  }`,
        );
        const hcl = `source "qemu" "p" {\n  cpus = 1\n}\nbuild {\n  sources = ["source.qemu.p"]\n${blocks.join('\n')}\n}\n`;
        const { build } = await importHcl(hcl);
        const provisioners = firstVm(build).provisioners as Array<Record<string, unknown>>;
        expect(provisioners.map((p) => p.type)).toEqual(types);
        // Each one is the block it came from, not another of the same type.
        provisioners.forEach((p, i) => {
          if (p.type === 'shell') expect(p.inline).toEqual([`echo ${i}`]);
          if (p.type === 'file') expect(p.destination).toBe(`/tmp/${i}`);
          if (p.type === 'windows-restart') expect(p.restartTimeout).toBe(`${i + 1}m`);
        });
      }),
      { numRuns: 30 },
    );
  });

  it("Packer sizes keep Packer's meaning (binary units; a bare number is MiB)", () => {
    const units = { '': 2 ** 20, b: 1, k: 2 ** 10, K: 2 ** 10, m: 2 ** 20, M: 2 ** 20, g: 2 ** 30, G: 2 ** 30, t: 2 ** 40 } as const;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4096 }), fc.constantFrom(...(Object.keys(units) as Array<keyof typeof units>)), (n, unit) => {
        const size = packerSize(`${n}${unit}`, () => {
          throw new Error('reported');
        });
        const bytes = typeof size === 'number' ? size : (parseQuantity(String(size)) as { bytes: number }).bytes;
        expect(bytes).toBe(n * units[unit]);
      }),
    );
  });

  it('a bare digest gets the algorithm its length implies, and the validator accepts it', () => {
    const lengths = { 32: 'md5', 40: 'sha1', 64: 'sha256', 128: 'sha512' } as const;
    fc.assert(
      fc.property(
        fc.constantFrom(32, 40, 64, 128).chain((length) => fc.array(fc.constantFrom(...'0123456789abcdef'), { minLength: length, maxLength: length })),
        fc.boolean(),
        (digits, upper) => {
          const hex = digits.join('');
          const length = hex.length;
          const written = upper ? hex.toUpperCase() : hex;
          const { value, why } = normaliseChecksum(written);
          expect(why).toBeUndefined();
          expect(parseChecksum(value!)).toEqual({ checksum: { algorithm: lengths[length as keyof typeof lengths], hex } });
        },
      ),
    );
  });
});
