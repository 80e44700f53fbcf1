/** Image layer tars in memory, written with tar-stream (not our code), for the containerDisk pull tests. */
import { pack } from 'tar-stream';

export interface TarSpec {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  data?: Buffer;
  linkname?: string;
}

export async function tarOf(entries: readonly TarSpec[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    p.on('end', resolve);
    p.on('error', reject);
  });
  for (const e of entries) {
    const type = e.type ?? 'file';
    await new Promise<void>((resolve, reject) =>
      p.entry(
        { name: e.name, type, mode: type === 'directory' ? 0o555 : 0o444, uid: 107, gid: 107, mtime: new Date(0), ...(e.linkname ? { linkname: e.linkname } : {}) },
        type === 'file' ? (e.data ?? Buffer.alloc(0)) : Buffer.alloc(0),
        (err) => (err ? reject(err) : resolve()),
      ),
    );
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}
