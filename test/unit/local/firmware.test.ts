import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { findUefiFirmware, globMatch, prepareUefiVars } from '../../../src/engines/local/firmware.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-firmware-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function descriptor(dir: string, name: string, d: { code: string; vars: string; features: string[]; machines?: string[] }): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, name),
    JSON.stringify({
      'interface-types': ['uefi'],
      mapping: { device: 'flash', executable: { filename: d.code, format: 'raw' }, 'nvram-template': { filename: d.vars, format: 'raw' } },
      targets: [{ architecture: 'x86_64', machines: d.machines ?? ['pc-i440fx-*', 'pc-q35-*'] }],
      features: d.features,
    }),
  );
}

function file(name: string, content = name): string {
  const p = path.join(tmp, 'fw', name);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, content);
  return p;
}

describe('OVMF firmware lookup', () => {
  it('copies the vars template per VM, writable, leaving the template alone', async () => {
    const fw = { code: file('C.fd'), codeFormat: 'raw' as const, varsTemplate: file('V.fd', 'template'), varsFormat: 'raw' as const, secureBoot: false, requiresSmm: false, origin: 't' };
    const a = await prepareUefiVars(fw, path.join(tmp, 'a-vars.fd'));
    const b = await prepareUefiVars(fw, path.join(tmp, 'b-vars.fd'));
    writeFileSync(a, 'guest wrote boot entries');
    expect(readFileSync(b, 'utf8')).toBe('template');
    expect(readFileSync(fw.varsTemplate, 'utf8')).toBe('template');
    expect(statSync(b).mode & 0o600).toBe(0o600);
  });

  it('picks descriptors by features and machine, the earlier folder hiding the same file name in a later one', async () => {
    const sys = path.join(tmp, 'usr-share');
    const etc = path.join(tmp, 'etc');
    descriptor(sys, '40-secure.json', { code: file('S_CODE.fd'), vars: file('S_VARS.ms.fd'), features: ['secure-boot', 'enrolled-keys', 'requires-smm'], machines: ['pc-q35-*'] });
    descriptor(sys, '50-secure-empty.json', { code: file('S_CODE.fd'), vars: file('E_VARS.fd'), features: ['secure-boot', 'requires-smm'], machines: ['pc-q35-*'] });
    descriptor(sys, '60-plain.json', { code: file('P_CODE.fd'), vars: file('P_VARS.fd'), features: ['acpi-s3'] });
    descriptor(sys, '10-sev.json', { code: file('SEV.fd'), vars: file('SEV_VARS.fd'), features: ['amd-sev-es'] });
    const dirs = [etc, sys];
    expect((await findUefiFirmware({ secureBoot: false, machine: 'pc', env: {}, descriptorDirs: dirs, knownPaths: [] })).code).toBe(file('P_CODE.fd'));
    const secure = await findUefiFirmware({ secureBoot: true, machine: 'q35', env: {}, descriptorDirs: dirs, knownPaths: [] });
    expect(secure).toMatchObject({ code: file('S_CODE.fd'), varsTemplate: file('S_VARS.ms.fd'), requiresSmm: true, origin: path.join(sys, '40-secure.json') });

    descriptor(etc, '60-plain.json', { code: file('LOCAL_CODE.fd'), vars: file('LOCAL_VARS.fd'), features: [] });
    expect((await findUefiFirmware({ secureBoot: false, machine: 'pc', env: {}, descriptorDirs: dirs, knownPaths: [] })).code).toBe(file('LOCAL_CODE.fd'));
  });

  it('falls back to well-known paths, and RUDDERVIRT_OVMF_CODE/VARS win over everything', async () => {
    const known = [{ code: file('K_CODE.fd'), vars: file('K_VARS.fd'), secureBoot: false }];
    expect((await findUefiFirmware({ secureBoot: false, machine: 'pc', env: {}, descriptorDirs: [path.join(tmp, 'none')], knownPaths: known })).origin).toBe('well-known path');
    const env = { RUDDERVIRT_OVMF_CODE: file('E_CODE.fd'), RUDDERVIRT_OVMF_VARS: file('E_VARS2.fd') };
    expect(await findUefiFirmware({ secureBoot: false, machine: 'pc', env, knownPaths: known })).toMatchObject({ code: env.RUDDERVIRT_OVMF_CODE, varsTemplate: env.RUDDERVIRT_OVMF_VARS });
    await expect(findUefiFirmware({ secureBoot: false, machine: 'pc', env: { RUDDERVIRT_OVMF_CODE: env.RUDDERVIRT_OVMF_CODE } })).rejects.toThrow(/set both/);
    await expect(findUefiFirmware({ secureBoot: false, machine: 'pc', env: { ...env, RUDDERVIRT_OVMF_VARS: '/nope.fd' } })).rejects.toThrow(/\/nope\.fd .* does not exist/);
  });

  it('no firmware at all is a user error that says what to install', async () => {
    const attempt = findUefiFirmware({ secureBoot: true, machine: 'q35', env: {}, descriptorDirs: [path.join(tmp, 'none')], knownPaths: [] });
    await expect(attempt).rejects.toThrow(UserError);
    await expect(findUefiFirmware({ secureBoot: true, machine: 'q35', env: {}, descriptorDirs: [], knownPaths: [] })).rejects.toThrow(/efiFirmware with secureBoot needs OVMF.*apt-get install -y ovmf/);
  });

  it('machine globs as in the descriptors', () => {
    expect(globMatch('pc-q35-*', 'pc-q35-7.2')).toBe(true);
    expect(globMatch('pc-q35-*', 'pc-i440fx-7.2')).toBe(false);
    expect(globMatch('pc-i440fx-?.?', 'pc-i440fx-7.2')).toBe(true);
    fc.assert(
      fc.property(fc.string(), fc.string(), (prefix, rest) => {
        expect(globMatch(`${prefix.replace(/[*?]/g, '')}*`, `${prefix.replace(/[*?]/g, '')}${rest}`)).toBe(true);
      }),
    );
  });
});
