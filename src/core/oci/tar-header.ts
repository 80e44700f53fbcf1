/**
 * POSIX ustar headers, written by hand so every byte is ours to fix: no host user names, no
 * timestamps, no record padding that varies between tar implementations. Same inputs, same bytes.
 * Sizes past ustar's 8 GiB limit go into a PAX extended header, which every OCI runtime reads.
 */

export const BLOCK = 512;
/** ustar's size field holds 11 octal digits. */
const MAX_USTAR_SIZE = 0o77777777777;

export interface TarEntry {
  name: string;
  type: 'file' | 'directory';
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  size: number;
  mtime: number;
}

function writeString(block: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new Error(`tar header field too long: '${value}' (max ${length} bytes)`);
  bytes.copy(block, offset);
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  // length-1 digits, zero padded, then NUL: the form GNU tar and Go's archive/tar both write.
  const digits = value.toString(8);
  if (digits.length > length - 1) throw new Error(`tar header number ${value} does not fit in ${length - 1} octal digits`);
  writeString(block, offset, length, digits.padStart(length - 1, '0'));
}

function ustarHeader(name: string, typeflag: string, e: Omit<TarEntry, 'name' | 'type'>): Buffer {
  const block = Buffer.alloc(BLOCK);
  let prefix = '';
  let base = name;
  if (Buffer.byteLength(name) > 100) {
    // Split at a slash so the prefix field carries the directories.
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`tar entry name too long: ${name}`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  writeString(block, 0, 100, base);
  writeOctal(block, 100, 8, e.mode);
  writeOctal(block, 108, 8, e.uid);
  writeOctal(block, 116, 8, e.gid);
  writeOctal(block, 124, 12, e.size);
  writeOctal(block, 136, 12, e.mtime);
  block.fill(0x20, 148, 156); // the checksum is computed with its own field as spaces
  writeString(block, 156, 1, typeflag);
  writeString(block, 257, 6, 'ustar');
  writeString(block, 263, 2, '00');
  writeString(block, 265, 32, e.uname);
  writeString(block, 297, 32, e.gname);
  writeOctal(block, 329, 8, 0);
  writeOctal(block, 337, 8, 0);
  writeString(block, 345, 155, prefix);
  let sum = 0;
  for (const b of block) sum += b;
  writeString(block, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return block;
}

/** A PAX record is "<length> key=value\n" where length counts its own digits. */
export function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body);
  return `${length}${body}`;
}

function padToBlock(n: number): number {
  return (BLOCK - (n % BLOCK)) % BLOCK;
}

/** The header block(s) for one entry; file data follows, padded with padding(size). */
export function encodeTarHeader(entry: TarEntry): Buffer {
  const typeflag = entry.type === 'directory' ? '5' : '0';
  if (entry.size <= MAX_USTAR_SIZE) return ustarHeader(entry.name, typeflag, entry);
  const records = Buffer.from(paxRecord('size', String(entry.size)), 'utf8');
  const paxName = `PaxHeaders/${entry.name.split('/').pop() ?? 'file'}`;
  const pax = ustarHeader(paxName, 'x', { ...entry, size: records.length });
  return Buffer.concat([pax, records, Buffer.alloc(padToBlock(records.length)), ustarHeader(entry.name, typeflag, { ...entry, size: 0 })]);
}

/** Zero bytes after a file's data up to the next 512-byte boundary. */
export function tarPadding(size: number): number {
  return padToBlock(size);
}

/** Two zero blocks end an archive. No record padding: Go's archive/tar writes none either. */
export const TAR_TRAILER_SIZE = 2 * BLOCK;
