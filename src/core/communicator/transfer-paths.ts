/**
 * Where an upload or download lands, following Packer's rules (file provisioner + the SDK's
 * UploadDir):
 * - a local directory given with a trailing slash uploads its contents into the destination;
 *   without one, the directory itself is created inside the destination (rsync's convention);
 * - a file uploaded to a destination ending in "/" keeps its base name there;
 * - a remote source ending in "/" downloads the directory's contents; a destination ending in "/"
 *   (or an existing local directory) receives the source under its base name.
 * Remote paths are POSIX: an SSH server speaks "/" even on Windows.
 */

export function hasTrailingSlash(p: string): boolean {
  return p.length > 1 && (p.endsWith('/') || p.endsWith('\\'));
}

export function stripTrailingSlashes(p: string): string {
  const stripped = p.replace(/[/\\]+$/, '');
  return stripped === '' && p.startsWith('/') ? '/' : stripped;
}

/** The last path element, ignoring trailing slashes (either separator: local paths may be Windows'). */
export function baseName(p: string): string {
  const s = stripTrailingSlashes(p);
  const i = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
  return i < 0 ? s : s.slice(i + 1);
}

/** The remote parent directory ("." for a bare name, "/" for a top-level entry). */
export function remoteDirName(p: string): string {
  const s = stripTrailingSlashes(p);
  const i = s.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return s.slice(0, i);
}

export function remoteJoin(dir: string, name: string): string {
  if (dir === '' || dir === '.') return name;
  return `${stripTrailingSlashes(dir) === '/' ? '' : stripTrailingSlashes(dir)}/${name}`;
}

export interface UploadPlan {
  /** The remote directory or file that receives the source itself. */
  target: string;
  /** For a directory: copy its entries into `target` (true) — else `target` is the copy of the directory. */
  kind: 'file' | 'directory';
}

export function planUpload(localPath: string, localIsDirectory: boolean, remotePath: string): UploadPlan {
  if (localIsDirectory) {
    const target = hasTrailingSlash(localPath) ? stripTrailingSlashes(remotePath) : remoteJoin(remotePath, baseName(localPath));
    return { target, kind: 'directory' };
  }
  const target = hasTrailingSlash(remotePath) ? remoteJoin(remotePath, baseName(localPath)) : remotePath;
  return { target, kind: 'file' };
}

/**
 * The local path that receives a remote file or directory. `localIsDirectory` says whether the
 * destination already exists as a local directory (then it receives the source by name, as cp
 * and scp do).
 */
export function planDownload(remotePath: string, localPath: string, localIsDirectory: boolean): string {
  if (hasTrailingSlash(remotePath)) return stripTrailingSlashes(localPath);
  if (hasTrailingSlash(localPath) || localIsDirectory) return `${stripTrailingSlashes(localPath)}/${baseName(remotePath)}`;
  return localPath;
}

/** True when the last element of a remote path is a glob (`*`, `?`, `[…]`). */
export function isGlob(p: string): boolean {
  return /[*?[]/.test(baseName(p));
}

/** A shell-style pattern for one path element as a RegExp; a leading dot must match explicitly. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = pattern.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\\\]^]/g, (m) => `\\${m}`)}]`;
      i = close;
    } else re += c.replace(/[.+^${}()|\\]/g, (m) => `\\${m}`);
  }
  const dotRule = pattern.startsWith('.') ? '' : '(?!\\.)';
  return new RegExp(`^${dotRule}${re}$`, 's');
}
