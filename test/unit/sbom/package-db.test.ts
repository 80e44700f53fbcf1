/** The package-database parsers (what dpkg-query, rpm and apk print) and the SPDX document made from them. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { PACKAGES_MARK, SBOM_COMMAND, parseApk, parseDpkg, parseOsRelease, parseProbe, parseRpm, splitSbomOutput, type GuestPackage } from '../../../src/core/sbom/package-db.js';
import { buildSpdx, purl } from '../../../src/core/sbom/spdx.js';

const name = fc.stringMatching(/^[a-z0-9][a-z0-9+.-]{0,30}$/);
const version = fc.stringMatching(/^[0-9][A-Za-z0-9.+~-]{0,20}$/);
const arch = fc.constantFrom('amd64', 'all', 'x86_64', 'noarch', 'aarch64');
// rpm forbids '-' in VERSION and RELEASE: the last two '-' of NAME-VERSION-RELEASE are where they start.
const rpmVersion = fc.stringMatching(/^[0-9][A-Za-z0-9.+~]{0,20}$/);
const url = fc.option(fc.stringMatching(/^https:\/\/[a-z]{1,10}\.org\/[a-z]{0,8}$/), { nil: undefined });

describe('dpkg-query', () => {
  it('reads what the query prints: installed packages only, with the source package when it differs', () => {
    const out = [
      'installed\tlibc6\t2.36-9+deb12u7\tamd64\tglibc\t2.36-9+deb12u7\thttps://www.gnu.org/software/libc/libc.html',
      'config-files\told-thing\t1.0\tamd64\told-thing\t1.0\t',
      'installed\tbash\t5.2.15-2+b7\tamd64\tbash\t5.2.15-2\t',
      'installed\topenssh-server\t1:9.2p1-2+deb12u3\tamd64\topenssh\t1:9.2p1-2+deb12u3\thttps://www.openssh.com/',
      'installed\tbase-files\t12.4+deb12u6\tamd64\tbase-files\t12.4+deb12u6\t',
      '',
    ].join('\n');
    expect(parseDpkg(out)).toEqual([
      { name: 'libc6', version: '2.36-9+deb12u7', arch: 'amd64', homepage: 'https://www.gnu.org/software/libc/libc.html', source: { name: 'glibc', version: '2.36-9+deb12u7' } },
      { name: 'bash', version: '5.2.15-2+b7', arch: 'amd64', source: { name: 'bash', version: '5.2.15-2' } },
      { name: 'openssh-server', version: '1:9.2p1-2+deb12u3', arch: 'amd64', homepage: 'https://www.openssh.com/', source: { name: 'openssh', version: '1:9.2p1-2+deb12u3' } },
      { name: 'base-files', version: '12.4+deb12u6', arch: 'amd64' },
    ]);
  });

  it('property: every installed line comes back, in order, and no other', () => {
    const entry = fc.record({ installed: fc.boolean(), name, version, arch, homepage: url, src: fc.option(name, { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), fc.boolean(), (entries, crlf) => {
        const text = entries.map((e) => `${e.installed ? 'installed' : 'not-installed'}\t${e.name}\t${e.version}\t${e.arch}\t${e.src ?? e.name}\t${e.version}\t${e.homepage ?? ''}`).join(crlf ? '\r\n' : '\n');
        const parsed = parseDpkg(text);
        const expected: GuestPackage[] = entries
          .filter((e) => e.installed)
          .map((e) => ({ name: e.name, version: e.version, arch: e.arch, ...(e.homepage ? { homepage: e.homepage } : {}), ...(e.src && e.src !== e.name ? { source: { name: e.src, version: e.version } } : {}) }));
        expect(parsed).toEqual(expected);
      }),
    );
  });
});

describe('rpm', () => {
  it('reads NAME, [EPOCH:]VERSION-RELEASE, ARCH, LICENSE, URL and SOURCERPM; skips gpg-pubkey', () => {
    const out = [
      'bash\t5.2.26-3.fc40\tx86_64\tGPL-3.0-or-later\thttps://www.gnu.org/software/bash\tbash-5.2.26-3.fc40.src.rpm',
      'gpg-pubkey\ta15b79cc-63d04c2c\t(none)\tpubkey\t(none)\t(none)',
      'openssl-libs\t1:3.2.2-3.fc40\tx86_64\tApache-2.0\thttp://www.openssl.org/\topenssl-3.2.2-3.fc40.src.rpm',
    ].join('\n');
    expect(parseRpm(out)).toEqual([
      { name: 'bash', version: '5.2.26-3.fc40', arch: 'x86_64', license: 'GPL-3.0-or-later', homepage: 'https://www.gnu.org/software/bash' },
      { name: 'openssl-libs', version: '1:3.2.2-3.fc40', arch: 'x86_64', license: 'Apache-2.0', homepage: 'http://www.openssl.org/', source: { name: 'openssl', version: '3.2.2-3.fc40' } },
    ]);
  });

  it('property: a line per package comes back whole, (none) meaning absent', () => {
    const entry = fc.record({
      name,
      version: rpmVersion,
      release: fc.stringMatching(/^[0-9][a-z0-9.]{0,8}$/),
      epoch: fc.option(fc.nat(9), { nil: undefined }),
      arch,
      license: fc.option(fc.stringMatching(/^[A-Za-z0-9.+ -]{1,20}$/), { nil: undefined }),
      homepage: url,
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 20 }), (entries) => {
        const text = entries
          .map((e) => `${e.name}\t${e.epoch !== undefined ? `${e.epoch}:` : ''}${e.version}-${e.release}\t${e.arch}\t${e.license ?? '(none)'}\t${e.homepage ?? '(none)'}\t${e.name}-${e.version}-${e.release}.src.rpm`)
          .join('\n');
        expect(parseRpm(text)).toEqual(
          entries.map((e) => ({
            name: e.name,
            version: `${e.epoch !== undefined ? `${e.epoch}:` : ''}${e.version}-${e.release}`,
            arch: e.arch,
            ...(e.license ? { license: e.license } : {}),
            ...(e.homepage ? { homepage: e.homepage } : {}),
          })),
        );
      }),
    );
  });
});

describe('apk', () => {
  it('reads the records of /lib/apk/db/installed', () => {
    const db = [
      'C:Q1abc=',
      'P:musl',
      'V:1.2.5-r0',
      'A:x86_64',
      'L:MIT',
      'U:https://musl.libc.org/',
      'o:musl',
      'F:lib',
      'R:libc.musl-x86_64.so.1',
      '',
      'P:busybox-binsh',
      'V:1.36.1-r29',
      'A:x86_64',
      'L:GPL-2.0-only',
      'o:busybox',
      '',
    ].join('\n');
    expect(parseApk(db)).toEqual([
      { name: 'musl', version: '1.2.5-r0', arch: 'x86_64', license: 'MIT', homepage: 'https://musl.libc.org/' },
      { name: 'busybox-binsh', version: '1.36.1-r29', arch: 'x86_64', license: 'GPL-2.0-only', source: { name: 'busybox' } },
    ]);
  });

  it('property: records separated by blank lines come back in order, whatever other fields they hold', () => {
    const entry = fc.record({
      name,
      version,
      arch,
      license: fc.option(fc.stringMatching(/^[A-Za-z0-9.-]{1,12}$/), { nil: undefined }),
      extra: fc.array(fc.stringMatching(/^[FRMaZc]:[a-z0-9/]{0,10}$/), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 20 }), (entries) => {
        const db = entries.map((e) => [`P:${e.name}`, `V:${e.version}`, `A:${e.arch}`, ...(e.license ? [`L:${e.license}`] : []), ...e.extra].join('\n')).join('\n\n') + '\n';
        expect(parseApk(db)).toEqual(entries.map((e) => ({ name: e.name, version: e.version, arch: e.arch, ...(e.license ? { license: e.license } : {}) })));
      }),
    );
  });
});

describe('the one SBOM command', () => {
  it('cuts the output at the mark: the probe before it, the package list after it', () => {
    expect(splitSbomOutput(`dpkg\nID=debian\n\n${PACKAGES_MARK}\ninstalled\tbash\t5.2\n`)).toEqual({ probe: 'dpkg\nID=debian\n', packages: 'installed\tbash\t5.2\n' });
    // os-release without a final newline still ends before the mark.
    expect(splitSbomOutput(`rpm\nID=fedora\n${PACKAGES_MARK}\n`)).toEqual({ probe: 'rpm\nID=fedora', packages: '' });
    expect(splitSbomOutput("'m' is not recognized as an internal or external command")).toBeUndefined();
  });

  it('runs in POSIX sh (dash) and says none where no package tool is on PATH', () => {
    const r = spawnSync('/bin/sh', ['-c', SBOM_COMMAND], { encoding: 'utf8', env: { PATH: '/nonexistent' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = splitSbomOutput(r.stdout);
    expect(out).toBeDefined();
    expect(parseProbe(out!.probe).manager).toBeUndefined();
    expect(out!.packages).toBe('');
  });
});

describe('probe and os-release', () => {
  it('reads the manager from the first line and os-release after it', () => {
    expect(parseProbe('dpkg\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n')).toEqual({
      manager: 'dpkg',
      os: { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' },
    });
    expect(parseProbe('none\n')).toEqual({ manager: undefined, os: {} });
    expect(parseProbe('')).toEqual({ manager: undefined, os: {} });
  });

  it('property: a value reads the same bare, double-quoted or single-quoted', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9._()/-](?:[A-Za-z0-9 ._()/-]{0,28}[A-Za-z0-9._()/-])?$/), fc.constantFrom('', '"', "'"), (value, quote) => {
        expect(parseOsRelease(`PRETTY_NAME=${quote}${value}${quote}\n`).prettyName).toBe(value);
      }),
    );
  });
});

describe('SPDX 2.3', () => {
  const debian = { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' };

  it('purls name the type, the distro and the arch; an rpm epoch is a qualifier', () => {
    expect(purl('dpkg', debian, { name: 'openssh-server', version: '1:9.2p1-2+deb12u3', arch: 'amd64', source: { name: 'openssh' } })).toBe(
      'pkg:deb/debian/openssh-server@1%3A9.2p1-2%2Bdeb12u3?arch=amd64&distro=debian-12&upstream=openssh',
    );
    expect(purl('rpm', { id: 'fedora', versionId: '40' }, { name: 'openssl-libs', version: '1:3.2.2-3.fc40', arch: 'x86_64' })).toBe('pkg:rpm/fedora/openssl-libs@3.2.2-3.fc40?arch=x86_64&distro=fedora-40&epoch=1');
  });

  it('property: a well-formed document — unique SPDX IDs, every package described by the image, versions kept', () => {
    const pkg = fc
      .record({ name: fc.string({ minLength: 1, maxLength: 20 }), version: fc.string({ minLength: 1, maxLength: 20 }), arch: fc.option(arch, { nil: undefined }) })
      .map((p) => (p.arch ? p : { name: p.name, version: p.version }));
    fc.assert(
      fc.property(fc.array(pkg, { maxLength: 40 }), fc.constantFrom('dpkg' as const, 'rpm' as const, 'apk' as const), (packages, manager) => {
        const doc = buildSpdx({ name: 'demo base/web', manager, os: debian, packages, tool: { name: 'ruddervirt', version: '0.1.0' }, created: '2026-01-02T03:04:05Z' });
        expect(doc).toMatchObject({ spdxVersion: 'SPDX-2.3', dataLicense: 'CC0-1.0', SPDXID: 'SPDXRef-DOCUMENT', documentDescribes: ['SPDXRef-Image'] });
        const ids = doc.packages.map((p) => p.SPDXID);
        expect(new Set(ids).size).toBe(ids.length);
        for (const id of ids) expect(id).toMatch(/^SPDXRef-[A-Za-z0-9.-]+$/);
        expect(doc.packages.slice(1).map((p) => [p.name, p.versionInfo])).toEqual(packages.map((p) => [p.name, p.version]));
        expect(doc.relationships.filter((r) => r.relationshipType === 'CONTAINS').map((r) => r.relatedSpdxElement)).toEqual(ids.slice(1));
        for (const p of doc.packages.slice(1)) {
          const locator = p.externalRefs![0]!.referenceLocator;
          const at = locator.lastIndexOf('@', locator.indexOf('?') >= 0 ? locator.indexOf('?') : undefined);
          expect(decodeURIComponent(locator.slice(locator.lastIndexOf('/', at) + 1, at))).toBe(p.name);
        }
        expect(doc.documentNamespace).toMatch(/^urn:uuid:[0-9a-f-]{36}$/);
      }),
    );
  });
});
