import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DIGEST_HEX_LENGTH, parseChecksumList, pickChecksum, type ChecksumAlgorithm } from '../../../src/core/sources/checksum-list.js';

const sha256a = 'a'.repeat(64);
const sha256b = 'b'.repeat(64);
const sha512 = 'c'.repeat(128);

describe('checksum files (Packer file: form)', () => {
  it('reads GNU text and binary lines, shasum -p, BSD lines and comments', () => {
    const text = `# comment\n${sha256a}  debian-12.iso\n${sha256b} *other.iso\n${'d'.repeat(40)} ?p.iso\nSHA512 (deb.qcow2) = ${sha512}\n\njunk line\n`;
    const list = parseChecksumList(text);
    expect(list.entries.map((e) => [e.name, e.algorithm, e.line])).toEqual([
      ['debian-12.iso', 'sha256', 2],
      ['other.iso', 'sha256', 3],
      ['p.iso', 'sha1', 4],
      ['deb.qcow2', 'sha512', 5],
    ]);
    expect(list.ignored).toEqual([7]);
    expect(pickChecksum(list, 'https://m.example/debian/debian-12.iso')).toMatchObject({ checksum: { algorithm: 'sha256', hex: sha256a } });
    expect(pickChecksum(list, 'https://m.example/deb.qcow2')).toMatchObject({ checksum: { algorithm: 'sha512', hex: sha512 } });
  });

  it("prefers the longest path match (Ubuntu's netboot and hwe-netboot mini.iso), where go-getter's substring test takes the first", () => {
    const list = parseChecksumList(`${sha256a} *./netboot/mini.iso\n${sha256b} *./hwe-netboot/mini.iso\n`);
    expect(pickChecksum(list, 'http://x/images/hwe-netboot/mini.iso')).toMatchObject({ checksum: { hex: sha256b } });
    expect(pickChecksum(list, 'http://x/images/netboot/mini.iso')).toMatchObject({ checksum: { hex: sha256a } });
    // Neither folder is the source's: refused, saying why, rather than guessed.
    expect(pickChecksum(list, 'http://x/mirror/mini.iso')).toMatchObject({ error: expect.stringContaining('in another folder') });
    // Two bare names for one file with different digests: refused.
    expect(pickChecksum(parseChecksumList(`${sha256a}  mini.iso\n${sha256b}  mini.iso\n`), 'http://x/mini.iso')).toMatchObject({ error: expect.stringContaining('equally well') });
  });

  it('a bare digest (x.iso.sha256) is used when the file names no file; names with spaces and escapes are kept', () => {
    expect(pickChecksum(parseChecksumList(`${sha256a}\n`), 'https://x/y.iso')).toMatchObject({ checksum: { hex: sha256a } });
    const list = parseChecksumList(`${sha256a}  my image.iso\n\\${sha256b}  back\\\\slash.iso\n`);
    expect(pickChecksum(list, 'file:///tmp/my%20image.iso')).toMatchObject({ checksum: { hex: sha256a } });
    expect(pickChecksum(list, '/tmp/back\\slash.iso')).toMatchObject({ checksum: { hex: sha256b } });
  });

  it('says what is missing or unsupported', () => {
    expect(pickChecksum(parseChecksumList(`${sha256a}  a.iso\n`), 'https://x/b.iso')).toEqual({ error: "no entry for 'b.iso' (it lists 1 file: 'a.iso')" });
    expect(pickChecksum(parseChecksumList(`SHA384 (a.iso) = ${'e'.repeat(96)}\n`), 'https://x/a.iso')).toMatchObject({ error: expect.stringContaining('SHA384') });
    expect(pickChecksum(parseChecksumList(`SHA256 (a.iso) = ${'e'.repeat(63)}\n`), 'https://x/a.iso')).toMatchObject({ error: expect.stringContaining('63 hex digits') });
    expect(pickChecksum(parseChecksumList('<html>not found</html>\n'), 'https://x/a.iso')).toMatchObject({ error: expect.stringContaining('holds no checksums') });
  });

  it('reads only the signed text of a clear-signed file (Fedora CHECKSUM)', () => {
    const text = `${sha256b}  a.iso\n-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n# Fedora\nSHA256 (a.iso) = ${sha256a}\n-----BEGIN PGP SIGNATURE-----\n\nabc\n-----END PGP SIGNATURE-----\n${sha256b}  a.iso\n`;
    const list = parseChecksumList(text);
    expect(list.clearSigned).toBe(true);
    expect(pickChecksum(list, 'https://x/a.iso')).toMatchObject({ checksum: { hex: sha256a } });
  });
});

const algorithms = Object.keys(DIGEST_HEX_LENGTH) as ChecksumAlgorithm[];
const hexOf = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
const entry = fc.constantFrom(...algorithms).chain((algorithm) =>
  fc.record({
    algorithm: fc.constant(algorithm),
    hex: hexOf(DIGEST_HEX_LENGTH[algorithm]),
    name: fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,20}$/),
    style: fc.constantFrom('text', 'binary', 'portable', 'bsd'),
    upper: fc.boolean(),
  }),
);

function line(e: { algorithm: ChecksumAlgorithm; hex: string; name: string; style: string; upper: boolean }): string {
  const hex = e.upper ? e.hex.toUpperCase() : e.hex;
  if (e.style === 'bsd') return `${e.algorithm.toUpperCase()} (${e.name}) = ${hex}`;
  return `${hex} ${e.style === 'binary' ? '*' : e.style === 'portable' ? '?' : ' '}${e.name}`;
}

describe('checksum file parser properties', () => {
  it('every written entry is read back, and picking a listed file by URL gives its digest', () => {
    fc.assert(
      fc.property(fc.uniqueArray(entry, { selector: (e) => e.name, minLength: 1, maxLength: 8 }), fc.boolean(), fc.nat(), (entries, crlf, pick) => {
        const text = ['# generated', ...entries.map(line), ''].join(crlf ? '\r\n' : '\n');
        const list = parseChecksumList(text);
        expect(list.entries.map((x) => [x.name, x.algorithm, x.hex])).toEqual(entries.map((x) => [x.name, x.algorithm, x.hex]));
        const chosen = entries[pick % entries.length]!;
        const r = pickChecksum(list, `https://mirror.example/pub/${encodeURIComponent(chosen.name)}`);
        expect(r).toMatchObject({ checksum: { algorithm: chosen.algorithm, hex: chosen.hex } });
      }),
    );
  });

  it('never throws, and a picked entry always names the source file (or the file names none)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.stringMatching(/^[a-z0-9.]{1,10}$/), (text, name) => {
        const list = parseChecksumList(text);
        const r = pickChecksum(list, `https://x/dir/${name}`);
        if ('checksum' in r) {
          const named = list.entries.some((e) => e.name !== undefined);
          if (named)
            expect(
              r.entry
                .name!.split('/')
                .filter((s) => s && s !== '.')
                .at(-1),
            ).toBe(name);
          expect(r.checksum.hex).toHaveLength(DIGEST_HEX_LENGTH[r.checksum.algorithm]);
        }
      }),
    );
  });
});
