/**
 * CD-ROM images built from files, for answer files and seeds that installers look up by volume
 * label (OEMDRV for Red Hat kickstarts, cidata for cloud-init NoCloud, any label for Windows
 * autounattend). Built with xorriso in mkisofs mode, with Rock Ridge and Joliet names so Linux
 * and Windows both see the original file names.
 *
 * As with Packer's cd_files: a file lands at the root under its name; a directory lands as a
 * directory of that name, or, written with a trailing slash, has its contents put at the root.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { runTool } from '../../core/run-tool.js';

/** Packer's cd_label default. */
export const DEFAULT_CD_LABEL = 'packer';

export interface CdromIsoRequest {
  /** Absolute paths, or relative to `baseDir`. */
  files: string[];
  baseDir: string;
  label?: string;
  destination: string;
  /** For error messages, e.g. "vm web: cdroms.answers". */
  what: string;
  signal?: AbortSignal;
}

/** ISO 9660 volume identifiers hold at most 32 characters. */
export function validateCdLabel(label: string, what: string): void {
  if (label.length === 0 || label.length > 32) {
    throw new UserError(`${what}: label '${label}' must be 1 to 32 characters long (an ISO 9660 volume identifier)`);
  }
  if (/[\u0000-\u001f\u007f-\uffff]/.test(label)) {
    throw new UserError(`${what}: label '${label}' may only hold printable ASCII characters`);
  }
}

export async function buildCdromIso(req: CdromIsoRequest): Promise<void> {
  const label = req.label ?? DEFAULT_CD_LABEL;
  validateCdLabel(label, req.what);
  if (req.files.length === 0) throw new UserError(`${req.what}: no files to put on the CD`);
  const grafts: string[] = [];
  for (const entry of req.files) {
    const contentsOnly = entry.endsWith('/');
    const source = path.resolve(req.baseDir, entry);
    let isDir: boolean;
    try {
      isDir = (await stat(source)).isDirectory();
    } catch {
      throw new UserError(`${req.what}: file '${entry}' does not exist (looked for ${source})`);
    }
    const target = isDir && contentsOnly ? '/' : `/${path.basename(source)}`;
    grafts.push(`${escapeGraft(target)}=${escapeGraft(source)}`);
  }
  await runTool('xorriso', ['-as', 'mkisofs', '-quiet', '-o', req.destination, '-V', label, '-iso-level', '3', '-J', '-joliet-long', '-r', '-graft-points', ...grafts], req.signal ? { signal: req.signal } : {});
}

/** In graft points '=' separates target from source and '\' escapes; both must be escaped. */
function escapeGraft(p: string): string {
  return p.replace(/[\\=]/g, (c) => `\\${c}`);
}
