/**
 * Packer's shell provisioner (packer.md §3.1): each script (the inline lines become one, with the
 * shebang) is uploaded to the same remote path and run through executeCommand; the upload and
 * the start are one unit retried until startRetryTimeout; exit codes are checked against
 * validExitCodes; a dropped connection is CMD_DISCONNECT, fine only with expectDisconnect.
 * Output streams live into the log, line by line (so the secret masker sees whole lines).
 */
import { randomInt } from 'node:crypto';
import { mkdtemp, rm, writeFile, type FileHandle } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { CMD_DISCONNECT, type ExecResult } from '../communicator/types.js';
import type { ShellProvisioner } from '../config/model.js';
import type { Logger } from '../log.js';
import { NotRegularFileError, openRegularFile } from '../regular-file.js';
import { renderTemplate } from '../template/render.js';
import { TemplateError } from '../template/template-error.js';
import { PACKER_DELAYS, ProvisionerError, type ProvisionerContext } from './context.js';
import { LineSplitter } from './output-lines.js';
import { retryFor, type RemoteSession } from './remote-session.js';
import { envVarFile, inlineVars, shellEnvironment } from './shell-env.js';

/** Packer's UnixReader: CRLF → LF, so scripts edited on Windows run (unless `binary`). */
export function crlfToLf(): Transform {
  let carry = false; // the previous chunk ended in \r
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      let text = chunk.toString('latin1');
      if (carry) text = '\r' + text;
      carry = text.endsWith('\r');
      if (carry) text = text.slice(0, -1);
      cb(null, Buffer.from(text.replace(/\r\n/g, '\n'), 'latin1'));
    },
    flush(cb) {
      cb(null, carry ? Buffer.from('\r', 'latin1') : null);
    },
  });
}

function render(template: string, fields: Record<string, string | number>, field: string): string {
  try {
    return renderTemplate(template, { fields });
  } catch (err) {
    if (err instanceof TemplateError) throw new ProvisionerError(`${field}: ${err.message} (at character ${err.offset + 1} of "${template}")`);
    throw err;
  }
}

/** Runs `command`, streaming stdout/stderr to the log line by line. */
export async function execStreaming(session: RemoteSession, command: string, logger: Logger, signal: AbortSignal): Promise<ExecResult> {
  const out = new LineSplitter((line) => logger.info(line));
  const err = new LineSplitter((line) => logger.warn(line));
  try {
    return await session.use((comm) => comm.exec(command, { onStdout: (c) => out.push(c), onStderr: (c) => err.push(c), signal }));
  } finally {
    out.end();
    err.end();
  }
}

async function openScript(script: ScriptSource): Promise<FileHandle> {
  try {
    return (await openRegularFile(script.localPath)).handle;
  } catch (err) {
    if (err instanceof NotRegularFileError) throw new ProvisionerError(`shell: script ${script.label}: ${err.message}`);
    throw err;
  }
}

interface ScriptSource {
  /** What the log calls it. */
  label: string;
  localPath: string;
}

export async function runShell(p: ShellProvisioner, ctx: ProvisionerContext, session: RemoteSession, logger: Logger, signal: AbortSignal): Promise<void> {
  const delays = { ...PACKER_DELAYS, ...ctx.delays };
  const remoteFile = p.remoteFile ?? `script_${randomInt(0, 9999)}.sh`;
  const remotePath = p.remotePath ?? `${p.remoteFolder.replace(/\/+$/, '')}/${remoteFile}`;
  const fields = { ...ctx.vars };
  const httpIp = fields.HTTPIP;
  const env = shellEnvironment({
    environmentVars: p.environmentVars,
    env: p.env,
    ...(ctx.buildName !== undefined ? { buildName: ctx.buildName } : {}),
    ...(ctx.builderType !== undefined ? { builderType: ctx.builderType } : {}),
    ...(httpIp !== undefined ? { httpIp: String(httpIp) } : {}),
    ...(fields.HTTPPort !== undefined ? { httpPort: fields.HTTPPort } : {}),
  });
  const envVarFilePath = p.useEnvVarFile ? `${p.remoteFolder.replace(/\/+$/, '')}/varfile_${randomInt(0, 9999)}.sh` : '';

  let tempDir: string | undefined;
  try {
    const scripts: ScriptSource[] = [];
    if (p.inline && p.inline.length > 0) {
      tempDir = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-shell-'));
      const file = path.join(tempDir, 'inline.sh');
      const lines = p.inline.map((line, i) => render(line, fields, `inline[${i}]`));
      await writeFile(file, `#!${p.inlineShebang}\n${lines.map((l) => l + '\n').join('')}`, { mode: 0o600 });
      scripts.push({ label: 'inline commands', localPath: file });
    } else {
      for (const s of [...(p.script ? [p.script] : []), ...(p.scripts ?? [])]) {
        scripts.push({ label: s, localPath: path.resolve(ctx.buildDir, s) });
      }
    }
    if (scripts.length === 0) throw new ProvisionerError('shell: nothing to run (set inline, script or scripts)');
    // Before anything runs: a FIFO or device as a script would block the upload for ever.
    for (const script of scripts) await (await openScript(script)).close();

    if (p.useEnvVarFile) {
      const content = envVarFile(env);
      await retryFor('uploading the environment variable file', p.startRetryTimeout, delays.retry, signal, logger, () => session.use((comm) => comm.upload(envVarFilePath, content, 0o600, signal)));
    }

    const command = render(p.executeCommand, { ...fields, Path: remotePath, Vars: inlineVars(env), EnvVarFile: envVarFilePath, Command: remotePath }, 'executeCommand');
    for (const script of scripts) {
      logger.info(`Provisioning with shell script: ${script.label}`);
      const result = await retryFor(`running ${script.label}`, p.startRetryTimeout, delays.retry, signal, logger, async () => {
        await session.use(async (comm) => {
          let data: Readable = (await openScript(script)).createReadStream();
          if (!p.binary) data = data.pipe(crlfToLf());
          return comm.upload(remotePath, data, 0o755, signal);
        });
        return execStreaming(session, command, logger, signal);
      });
      checkResult(p, result, session, script.label);
      if (!p.skipClean) {
        await retryFor(`removing ${remotePath}`, p.startRetryTimeout, delays.retry, signal, logger, () => removeRemote(session, remotePath, signal));
      }
    }
    if (p.useEnvVarFile && !p.skipClean) {
      await retryFor(`removing ${envVarFilePath}`, p.startRetryTimeout, delays.retry, signal, logger, () => removeRemote(session, envVarFilePath, signal));
    }
  } finally {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  }
}

function checkResult(p: ShellProvisioner, result: ExecResult, session: RemoteSession, label: string): void {
  if (result.disconnected) session.markLost();
  const code = result.disconnected ? CMD_DISCONNECT : (result.exitCode ?? CMD_DISCONNECT);
  if (code === CMD_DISCONNECT && result.disconnected) {
    if (p.expectDisconnect || p.validExitCodes.includes(CMD_DISCONNECT)) return;
    throw new ProvisionerError(
      `${label}: the script disconnected unexpectedly. If you expected your script to disconnect (a restart, for instance), ` +
        `set expectDisconnect: true or validExitCodes: [0, ${CMD_DISCONNECT}] on the shell provisioner.`,
    );
  }
  if (!p.validExitCodes.includes(code)) {
    const how = result.exitSignal ? ` (killed by SIG${result.exitSignal})` : '';
    throw new ProvisionerError(`${label}: script exited with non-zero exit status: ${code}${how}. Allowed exit codes are: [${p.validExitCodes.join(', ')}]`);
  }
}

/**
 * Packer runs `rm -f` here; the communicator removes the file over its transfer channel (SFTP where
 * the server has it), which spares the guest a shell. A dropped connection is retried by the
 * caller (the guest may be rebooting, as Packer allows): session.use reconnects first.
 */
async function removeRemote(session: RemoteSession, remotePath: string, signal: AbortSignal): Promise<void> {
  await session.use((comm) => comm.remove(remotePath, signal));
}
