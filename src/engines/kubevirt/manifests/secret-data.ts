/** Files → the `data` of a Secret (base64, so binary files and text alike). */
import { SECRET_KEY, type LocalFile } from './local-files.js';

export interface KeyedFile {
  key: string;
  path: string;
  data: Buffer;
}

/**
 * A Secret key for each file: its path when that is a valid key ("preseed.cfg"), else the path
 * with '/' as '__' and other characters as '_' ("d-i__late.sh"), made unique with "-2", "-3"….
 */
export function keyFiles(files: readonly LocalFile[]): KeyedFile[] {
  const used = new Set<string>();
  return files.map((f) => {
    const base = SECRET_KEY.test(f.path) && f.path !== '.' && f.path !== '..' ? f.path : f.path.replace(/\//g, '__').replace(/[^-._a-zA-Z0-9]/g, '_');
    let key = base;
    for (let n = 2; used.has(key); n++) key = `${base}-${n}`;
    used.add(key);
    return { key, path: f.path, data: f.data };
  });
}

export function secretData(files: readonly KeyedFile[]): Record<string, string> {
  const data: Record<string, string> = {};
  for (const f of files) data[f.key] = f.data.toString('base64');
  return data;
}
