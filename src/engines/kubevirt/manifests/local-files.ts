/**
 * The local files a build sends into the cluster, read once before rendering so the manifest
 * renderers stay pure: the httpDirectory (plus httpContent) each file server serves, the files of
 * each cdrom, and the sizes of local ISOs that are uploaded.
 *
 * Both the file server and the cdroms are fed from Secrets (see file-server.ts, cdroms.ts), which
 * Kubernetes limits to 1 MiB of data each; going over is a user error that says so.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../../core/errors.js';
import { formatBytes } from '../../../core/log.js';
import type { Build, Cdrom, Vm } from '../../../core/config/model.js';

/** Kubernetes refuses Secrets (and ConfigMaps) whose data exceeds 1 MiB. */
export const SECRET_DATA_LIMIT = 1024 * 1024;

/** What a Secret key may be; a cdrom's file names are its Secret's keys. */
export const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

export interface LocalFile {
  /** Where it is served or placed: '/'-separated, relative ("preseed.cfg", "win/unattend.xml"). */
  path: string;
  data: Buffer;
}

export interface LocalInputs {
  /** Per VM key ("layer/vm"): the files its HTTP server serves, sorted by path. */
  http: Map<string, LocalFile[]>;
  /** Per cdrom key ("layer/vm/cdrom"): files at the root of the CD, sorted by path. */
  cdromFiles: Map<string, LocalFile[]>;
  /** Per local ISO path (absolute): its size in bytes. */
  isoSizes: Map<string, number>;
}

export const vmKey = (layer: string, vm: string): string => `${layer}/${vm}`;
export const cdromKey = (layer: string, vm: string, cdrom: string): string => `${layer}/${vm}/${cdrom}`;

export function emptyLocalInputs(): LocalInputs {
  return { http: new Map(), cdromFiles: new Map(), isoSizes: new Map() };
}

/** Reads every local file the build's manifests embed. Throws UserError naming the VM and file. */
export function collectLocalInputs(build: Build): LocalInputs {
  const inputs = emptyLocalInputs();
  // Messages name files as the build file does: relative to its folder.
  const shown = (p: string) => {
    const rel = path.relative(build.dir, p);
    return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel + (p.endsWith('/') ? '/' : '') : p;
  };
  for (const layer of build.layers) {
    for (const vm of layer.vms) {
      const what = `vm ${layer.name}/${vm.name}`;
      const http = httpFiles(vm, what);
      if (http.length > 0) inputs.http.set(vmKey(layer.name, vm.name), http);
      for (const cdrom of vm.cdroms) {
        if (cdrom.files) inputs.cdromFiles.set(cdromKey(layer.name, vm.name, cdrom.name), cdromFiles(cdrom, `${what}: cdroms.${cdrom.name}`, shown));
        if (cdrom.iso) inputs.isoSizes.set(cdrom.iso, fileSize(cdrom.iso, `${what}: cdroms.${cdrom.name}.iso`));
      }
    }
  }
  return inputs;
}

function fileSize(file: string, what: string): number {
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new UserError(`${what}: ${file} is not a file`);
    return st.size;
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`${what}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function readFile(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new UserError(`${what}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function httpFiles(vm: Vm, what: string): LocalFile[] {
  const files = new Map<string, LocalFile>();
  if (vm.httpDirectory) {
    for (const rel of walk(vm.httpDirectory, `${what}: httpDirectory`)) {
      files.set(rel, { path: rel, data: readFile(path.join(vm.httpDirectory, ...rel.split('/')), `${what}: httpDirectory`) });
    }
  }
  // httpContent wins over a file of the same path, as in Packer.
  for (const [urlPath, content] of Object.entries(vm.httpContent ?? {})) {
    const rel = urlPath.replace(/^\/+/, '');
    if (rel === '' || rel.split('/').some((s) => s === '' || s === '.' || s === '..')) {
      throw new UserError(`${what}: httpContent key '${urlPath}' must name a file, like /preseed.cfg`);
    }
    files.set(rel, { path: rel, data: Buffer.from(content, 'utf8') });
  }
  const list = [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  checkSecretSize(list, `${what}: the HTTP files (httpDirectory and httpContent)`, 'put large files on a web server and fetch them by URL');
  return list;
}

/** Relative '/'-separated paths of the regular files under `dir` (following symlinks), sorted. */
function walk(dir: string, what: string): string[] {
  const out: string[] = [];
  const visit = (abs: string, rel: string, depth: number) => {
    if (depth > 32) throw new UserError(`${what}: ${dir} is nested more than 32 folders deep (a symlink loop?)`);
    let entries: string[];
    try {
      entries = readdirSync(abs);
    } catch (err) {
      throw new UserError(`${what}: cannot read the folder ${abs}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    for (const name of entries.sort()) {
      const childAbs = path.join(abs, name);
      const childRel = rel ? `${rel}/${name}` : name;
      const st = statSync(childAbs, { throwIfNoEntry: false });
      if (st?.isDirectory()) visit(childAbs, childRel, depth + 1);
      else if (st?.isFile()) out.push(childRel);
    }
  };
  visit(dir, '', 0);
  return out;
}

/**
 * KubeVirt turns a Secret into an ISO with one file per key, all at the root: as with Packer's
 * cd_files a file lands under its own name and "dir/" (when the path keeps its slash) puts a
 * folder's files at the root, but a folder cannot land as a folder.
 */
function cdromFiles(cdrom: Cdrom, what: string, shown: (p: string) => string): LocalFile[] {
  const files = new Map<string, LocalFile>();
  const add = (name: string, abs: string) => {
    if (!SECRET_KEY.test(name)) {
      throw new UserError(`${what}: file name '${name}' cannot be used on a KubeVirt cdrom (allowed: letters, digits, '-', '_' and '.')`);
    }
    if (files.has(name)) throw new UserError(`${what}: two files are named '${name}'; a cdrom holds each name once`);
    files.set(name, { path: name, data: readFile(abs, what) });
  };
  for (const entry of cdrom.files ?? []) {
    const contentsOnly = entry.endsWith('/');
    const abs = path.resolve(entry);
    const st = statSync(abs, { throwIfNoEntry: false });
    if (!st) throw new UserError(`${what}: file '${shown(entry)}' does not exist`);
    if (st.isFile()) {
      add(path.basename(abs), abs);
      continue;
    }
    if (!contentsOnly) {
      throw new UserError(
        `${what}: '${shown(entry)}' is a folder; the kubevirt engine makes cdroms from Secrets, whose files all sit at the root of the CD, ` + `so a folder cannot be on it: list the folder's files instead`,
      );
    }
    for (const name of readdirSync(abs).sort()) {
      const child = path.join(abs, name);
      const cst = statSync(child, { throwIfNoEntry: false });
      if (cst?.isDirectory()) {
        throw new UserError(`${what}: '${shown(entry)}' holds the folder '${name}'; a KubeVirt cdrom made from a Secret holds files only at its root`);
      }
      if (cst?.isFile()) add(name, child);
    }
  }
  const list = [...files.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  checkSecretSize(list, what, 'put large files on an ISO (cdroms[].iso) instead');
  return list;
}

function checkSecretSize(files: LocalFile[], what: string, advice: string): void {
  const total = files.reduce((n, f) => n + f.data.length, 0);
  if (total > SECRET_DATA_LIMIT) {
    throw new UserError(`${what} add up to ${formatBytes(total)}; the kubevirt engine carries them in a Kubernetes Secret, which holds at most 1 MiB. ${advice}`);
  }
}
