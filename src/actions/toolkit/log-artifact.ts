/**
 * A build's log folder (boot-command screenshots, serial console, failure captures, the step's own
 * build log) uploaded as a workflow artifact by the action itself, through @actions/artifact and
 * the results service the runner gives every job (ACTIONS_RESULTS_URL, ACTIONS_RUNTIME_TOKEN), so
 * a workflow needs no extra upload step with `if: failure()`.
 *
 * Secrets: the step's log lines are masked when written, but the serial console is written by the
 * VM itself and can echo anything a provisioner printed. So every file except the screenshots goes
 * through the step's secret masker into a staging folder, and only that folder is uploaded. Text
 * typed by a boot command shows on its screenshots; pictures cannot be masked, which the docs say.
 *
 * Artifact names are unique per workflow run; a matrix runs one job id many times, so a name that
 * is taken already gets a numeric suffix rather than failing the upload.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Logger, SecretMasker } from '../../core/log.js';
import { enumInput, InputError, optionalInput } from './inputs.js';

export const UPLOAD_LOGS = ['always', 'on-failure', 'never'] as const;
export type UploadLogs = (typeof UPLOAD_LOGS)[number];

export interface LogArtifactSettings {
  upload: UploadLogs;
  /** The artifact's name (the `artifact-name` input, or a default unique per job and VM). */
  name: string;
}

export interface UploadedLogs {
  name: string;
  id: number;
  /** The artifact's page on the workflow run (downloads the zip). */
  url: string;
  bytes: number;
  files: number;
}

/** Characters the artifact service refuses in names. */
const BAD_NAME_CHARS = /["':<>|*?\r\n\\/]+/g;

export function artifactName(parts: readonly (string | undefined)[]): string {
  return parts
    .filter((p): p is string => !!p)
    .join('-')
    .replace(BAD_NAME_CHARS, '-');
}

/** The `upload-logs` and `artifact-name` inputs; `nameParts` make the default (job id first). */
export function logArtifactInputs(nameParts: readonly string[], env: NodeJS.ProcessEnv = process.env): LogArtifactSettings {
  const upload = enumInput('upload-logs', UPLOAD_LOGS, 'on-failure');
  const given = optionalInput('artifact-name');
  if (given !== undefined && given.replace(BAD_NAME_CHARS, '') !== given) {
    throw new InputError('artifact-name', `'${given}' contains a character artifact names cannot have (" : < > | * ? \\ / or a line break)`);
  }
  return { upload, name: given ?? artifactName(['ruddervirt-logs', env.GITHUB_JOB, ...nameParts]) };
}

export function shouldUploadLogs(upload: UploadLogs, status: 'succeeded' | 'failed' | 'cancelled'): boolean {
  if (upload === 'never') return false;
  if (status === 'succeeded') return upload === 'always';
  // A cancelled job has seconds left before the runner kills it: no upload then.
  return status === 'failed';
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) out.push(full);
    }
  };
  await walk(dir);
  return out.sort();
}

/** Copies `dir` into `staging`, every file but the PNG screenshots passed through the masker. */
export async function stageMaskedLogs(dir: string, staging: string, masker: SecretMasker): Promise<string[]> {
  const staged: string[] = [];
  for (const file of await listFiles(dir)) {
    const target = path.join(staging, path.relative(dir, file));
    await mkdir(path.dirname(target), { recursive: true });
    if (file.endsWith('.png')) await copyFile(file, target);
    else await writeFile(target, masker.mask(await readFile(file, 'utf8')));
    staged.push(target);
  }
  return staged;
}

function runUrl(env: NodeJS.ProcessEnv, id: number): string {
  const server = env.GITHUB_SERVER_URL || 'https://github.com';
  return `${server}/${env.GITHUB_REPOSITORY ?? ''}/actions/runs/${env.GITHUB_RUN_ID ?? ''}/artifacts/${id}`;
}

function isNameConflict(err: unknown): boolean {
  return /\b409\b|already exists/i.test(err instanceof Error ? err.message : String(err));
}

export interface UploadLogsRequest {
  dir: string;
  name: string;
  masker: SecretMasker;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  /** Where the masked copy is made (removed afterwards); default the OS temp folder. */
  tempRoot?: string;
}

/**
 * Uploads the masked log folder; undefined (with the reason logged) when there is nothing to
 * upload, no artifact service, or the upload failed — a missing log artifact never fails a step.
 */
export async function uploadLogFolder(req: UploadLogsRequest): Promise<UploadedLogs | undefined> {
  const env = req.env ?? process.env;
  const { logger } = req;
  if (!env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL) {
    logger.info(`logs: no artifact service in this environment (not on a GitHub runner?); they stay in ${req.dir}`);
    return undefined;
  }
  const staging = await mkdtemp(path.join(req.tempRoot ?? os.tmpdir(), 'ruddervirt-logs-'));
  try {
    const files = await stageMaskedLogs(req.dir, staging, req.masker);
    if (files.length === 0) {
      logger.info(`logs: ${req.dir} is empty; nothing to upload`);
      return undefined;
    }
    // Imported here: @actions/artifact is large and only a step that uploads logs needs it.
    const { DefaultArtifactClient } = await import('@actions/artifact');
    const client = new DefaultArtifactClient();
    const taken = new Set(
      await client.listArtifacts().then(
        (r) => r.artifacts.map((a) => a.name),
        () => [] as string[],
      ),
    );
    let name = req.name;
    for (let n = 2; taken.has(name); n++) name = `${req.name}-${n}`;
    for (let attempt = 0; ; attempt++) {
      try {
        logger.info(`logs: uploading ${files.length} file(s) from ${req.dir} as artifact ${name}`);
        const r = await client.uploadArtifact(name, files, staging);
        const id = r.id ?? 0;
        return { name, id, url: runUrl(env, id), bytes: r.size ?? 0, files: files.length };
      } catch (err) {
        // A parallel matrix leg took the name between the listing and the upload.
        if (!isNameConflict(err) || attempt >= 3) throw err;
        name = `${req.name}-${Date.now().toString(36)}`;
      }
    }
  } catch (err) {
    logger.warn(`logs: uploading the artifact failed (the files stay in ${req.dir}): ${err instanceof Error ? err.message : String(err)}`);
    return undefined;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Uploads the log folder when `settings.upload` asks for it at this outcome. */
export async function uploadLogsIfWanted(settings: LogArtifactSettings, status: 'succeeded' | 'failed' | 'cancelled', req: Omit<UploadLogsRequest, 'name'>): Promise<UploadedLogs | undefined> {
  if (!shouldUploadLogs(settings.upload, status)) return undefined;
  return uploadLogFolder({ ...req, name: settings.name });
}

/** Starts the step's build log in `dir` (a fresh file: a self-hosted runner may keep an old one). */
export async function startBuildLog(logger: { writeAlsoTo(file: string): void }, dir: string, fileName: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, fileName);
  await writeFile(file, '');
  logger.writeAlsoTo(file);
  return file;
}
