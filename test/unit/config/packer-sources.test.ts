/**
 * The build-file side of Packer's checksum files, mirrors, vm_name and qemuargs: what the loader
 * accepts and refuses, and that the JSON Schema refuses what the validator refuses (20G).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/node24.js';
import { buildOf, load, oneVm, problemsOf } from './helpers.js';

const loadOne = (text: string, options: Parameters<typeof buildOf>[1] = {}) => buildOf(text, options).layers[0]!.vms[0]!;

const sha = `sha256:${'a'.repeat(64)}`;

describe('checksum: file:…, signatures and mirrors', () => {
  it('file:URL and urls load as a checksum file and mirrors', () => {
    const vm = loadOne(oneVm(`source: { iso: { urls: [https://a.example/x.iso, https://b.example/x.iso], checksum: "file:https://a.example/SHA256SUMS" } }`));
    expect(vm.source).toEqual({ kind: 'iso', url: 'https://a.example/x.iso', mirrors: ['https://b.example/x.iso'], checksum: { file: 'https://a.example/SHA256SUMS' } });
  });

  it('refuses an unsupported scheme, a signature on a plain digest, and a signature without a keyring', () => {
    expect(problemsOf(oneVm('source: { url: https://a.example/x.qcow2, checksum: "file:ftp://a.example/SUMS" }'))).toEqual([
      expect.stringMatching(/source\.checksum: the checksum file 'ftp:\/\/a\.example\/SUMS' has an unsupported scheme/),
    ]);
    expect(problemsOf(oneVm(`source: { url: https://a.example/x.qcow2, checksum: "${sha}", checksumSignature: https://a.example/SUMS.sign, checksumKeyring: k.gpg }`), { checkFiles: false })).toEqual([
      expect.stringMatching(/source\.checksumSignature: a signature is checked on a checksum file; expected checksum: file:URL/),
    ]);
    expect(problemsOf(oneVm('source: { url: https://a.example/x.qcow2, checksum: "file:https://a.example/SUMS", checksumSignature: https://a.example/SUMS.sign }'))).toEqual([
      expect.stringMatching(/source\.checksumSignature: 'checksumSignature' needs 'checksumKeyring' next to it/),
    ]);
  });

  it('url and urls are one or the other', () => {
    expect(problemsOf(oneVm(`source: { url: https://a.example/x.qcow2, urls: [https://b.example/x.qcow2], checksum: "${sha}" }`))).toEqual([expect.stringMatching(/'url' and 'urls' cannot be used together/)]);
  });
});

describe('vmName and qemuArgs', () => {
  it('load as the output file name and extra QEMU arguments', () => {
    const vm = loadOne(oneVm('source: { path: x }\nvmName: debian-12.qcow2\nqemuArgs: [[-m, 2048M], [-device, "virtio-rng-pci,", "max-bytes=1024"]]'), { checkFiles: false });
    expect(vm.vmName).toBe('debian-12.qcow2');
    expect(vm.qemuArgs).toEqual([
      ['-m', '2048M'],
      ['-device', 'virtio-rng-pci,', 'max-bytes=1024'],
    ]);
  });

  it('refuses switches RudderVirt drives the VM through, and a vmName that is a path', () => {
    expect(problemsOf(oneVm('source: { path: x }\nqemuArgs: [[-vnc, ":1"], [device, x]]'), { checkFiles: false })).toEqual([
      expect.stringMatching(/qemuArgs\[0\]\[0\]: -vnc is set by RudderVirt/),
      expect.stringMatching(/qemuArgs\[1\]\[0\]: expected a QEMU switch starting with '-'/),
    ]);
    expect(problemsOf(oneVm('source: { path: x }\nvmName: ../x.qcow2'), { checkFiles: false })).toEqual([expect.stringMatching(/vmName: .*expected a file name/)]);
  });
});

describe('the JSON Schema refuses what the validator refuses', () => {
  const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true });
  const validate = ajv.compile(JSON.parse(readFileSync(path.join(repoRoot, 'schema', 'build.schema.json'), 'utf8')) as object);
  const build = (vm: Record<string, unknown>) => ({ name: 'b', layers: [{ name: 'l', vms: [{ name: 'v', source: { path: 'x' }, ...vm }] }] });

  it.each([
    ['20G', false],
    ['512M', false],
    ['20Gi', true],
    ['20e9', true],
    ['1.5Ti', true],
  ])('disk size %s: %s', (size, ok) => {
    expect(validate(build({ disks: [{ name: 'root', size }] }))).toBe(ok);
    expect(load(oneVm(`source: { path: x }\ndisks: [{ name: root, size: ${size} }]`), { checkFiles: false }).problems === undefined).toBe(ok);
  });

  it('checksum file: and urls pass; a bare digest does not', () => {
    expect(validate(build({ source: { urls: ['https://a/x.qcow2'], checksum: 'file:./SHA256SUMS', checksumSignature: 'SHA256SUMS.sign', checksumKeyring: 'k.gpg' } }))).toBe(true);
    expect(validate(build({ source: { url: 'https://a/x.qcow2', checksum: 'a'.repeat(64) } }))).toBe(false);
  });
});
