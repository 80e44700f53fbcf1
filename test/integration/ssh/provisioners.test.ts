/**
 * The shell and file provisioners against a real OpenSSH server, through runProvisioner (so
 * pauseBefore, timeout and maxRetries are the real wrappers). The guest is this machine as the
 * test user; remote files are checked directly.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import type { SshCommunicator } from '../../../src/core/communicator/ssh-communicator.js';
import { connectSsh } from '../../../src/core/communicator/ssh-connect.js';
import type { RemoteCommunicator } from '../../../src/core/communicator/types.js';
import type { FileProvisioner, ShellProvisioner } from '../../../src/core/config/model.js';
import { LineLogger, SecretMasker } from '../../../src/core/log.js';
import { ProvisionerError, ProvisionerTimeoutError, type ProvisionerContext } from '../../../src/core/provisioners/context.js';
import { runProvisioner } from '../../../src/core/provisioners/run-provisioner.js';
import { startSshd, type TestSshd } from '../../helpers/sshd.js';
import { sshConfig } from './helpers.js';

const PACKER_EXECUTE = 'chmod +x {{ .Path }}; {{ .Vars }} {{ .Path }}';
const PACKER_EXECUTE_ENV_FILE = 'chmod +x {{ .Path }}; . {{ .EnvVarFile }} && {{ .Path }}';

let sshd: TestSshd;
let comm: SshCommunicator;
let local: string;
const opened: RemoteCommunicator[] = [];

beforeAll(async () => {
  sshd = await startSshd();
  comm = await connect();
  local = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-prov-'));
});
afterAll(async () => {
  for (const c of opened) await c.close();
  await sshd?.stop();
  if (local) await rm(local, { recursive: true, force: true });
});

async function connect(): Promise<SshCommunicator> {
  const c = await connectSsh(sshConfig(sshd), { host: sshd.host, port: sshd.port }, { logger: new LineLogger(() => {}), signal: AbortSignal.timeout(20_000) });
  opened.push(c);
  return c;
}

interface Harness {
  ctx: ProvisionerContext;
  /** "info: [web/shell] text" lines with the ms since start. */
  lines: Array<{ text: string; at: number }>;
  text(): string;
  masker: SecretMasker;
  reconnects: number;
}

function harness(overrides: Partial<ProvisionerContext> = {}): Harness {
  const masker = new SecretMasker();
  const started = Date.now();
  const lines: Harness['lines'] = [];
  const logger = new LineLogger((level, line) => lines.push({ text: `${level}: ${line}`, at: Date.now() - started }), masker, '', true);
  const h: Harness = {
    lines,
    text: () => lines.map((l) => l.text).join('\n'),
    masker,
    reconnects: 0,
    ctx: {
      comm,
      logger,
      vars: { HTTPIP: '10.0.2.2', HTTPPort: 8123, Name: 'web' },
      buildDir: local,
      signal: AbortSignal.timeout(60_000),
      reconnect: async () => {
        h.reconnects++;
        return connect();
      },
      vmName: 'web',
      buildName: 'debian-web',
      builderType: 'local',
      delays: { retry: 100, provisionerRetry: 100 },
      ...overrides,
    },
  };
  return h;
}

async function shell(overrides: Partial<ShellProvisioner>): Promise<ShellProvisioner> {
  return {
    type: 'shell',
    pauseBefore: 0,
    timeout: 0,
    maxRetries: 0,
    environmentVars: [],
    env: {},
    executeCommand: PACKER_EXECUTE,
    inlineShebang: '/bin/sh -e',
    remoteFolder: await sshd.remoteDir(),
    validExitCodes: [0],
    expectDisconnect: false,
    startRetryTimeout: 10_000,
    skipClean: false,
    binary: false,
    useEnvVarFile: false,
    ...overrides,
  };
}

/** Processes of the test user whose command line matches `pattern`, once they had up to 3 s to die. */
async function survivors(pattern: string): Promise<string> {
  let ps = '';
  for (let i = 0; i < 15; i++) {
    ps = '';
    await comm.exec(`pgrep -a -u ${sshd.user} -f '${pattern}' || true`, { onStdout: (c) => (ps += c.toString()) });
    if (ps.trim() === '') break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return ps.trim();
}

function outputLines(h: Harness, prefix = '[web/shell] '): string[] {
  return h.lines
    .map((l) => l.text)
    .filter((t) => t.startsWith(`info: ${prefix}`))
    .map((t) => t.slice(`info: ${prefix}`.length));
}

describe('shell provisioner', () => {
  test('inline: runs as the user, renders template fields, output prefixed by VM and provisioner, script removed', async () => {
    const h = harness();
    const p = await shell({ inline: ['echo "hello from $(id -un)"', 'echo "server {{ .HTTPIP }}:{{ .HTTPPort }} for {{ .Name }}"'] });
    const after = await runProvisioner(p, h.ctx);
    expect(after).toBe(comm);
    expect(outputLines(h)).toEqual(expect.arrayContaining([`hello from ${sshd.user}`, 'server 10.0.2.2:8123 for web']));
    expect(h.text()).toContain('info: [web/shell] Provisioning with shell script: inline commands');
    expect(await readdir(p.remoteFolder)).toEqual([]);
  });

  test('inline uses the shebang: -e stops at the first failing line', async () => {
    const h = harness();
    const p = await shell({ inline: ['echo before', 'false', 'echo after'] });
    await expect(runProvisioner(p, h.ctx)).rejects.toThrow('web/shell: inline commands: script exited with non-zero exit status: 1. Allowed exit codes are: [0]');
    expect(outputLines(h)).toContain('before');
    expect(outputLines(h)).not.toContain('after');
  });

  test('output streams live, before the command ends', async () => {
    const h = harness();
    await runProvisioner(await shell({ inline: ['echo start', 'sleep 1', 'echo end'] }), h.ctx);
    const start = h.lines.find((l) => l.text.endsWith('] start'))!;
    const end = h.lines.find((l) => l.text.endsWith('] end'))!;
    expect(end.at - start.at).toBeGreaterThanOrEqual(800);
  });

  test('stderr lines are logged as warnings', async () => {
    const h = harness();
    await runProvisioner(await shell({ inline: ['echo oops >&2'] }), h.ctx);
    expect(h.text()).toContain('warn: [web/shell] oops');
  });

  test('script and scripts run in order from the same remote path; CRLF becomes LF unless binary', async () => {
    const dir = await mkdtemp(path.join(local, 'scripts-'));
    const body = 'wc -c "$0" #\r\n';
    await writeFile(path.join(dir, 'count.sh'), body);
    await writeFile(path.join(dir, 'second.sh'), 'echo "second at $0"\n');
    const h = harness({ buildDir: dir });
    const p = await shell({ scripts: ['count.sh', 'second.sh'], executeCommand: 'sh {{ .Path }}', remoteFile: 'run.sh' });
    await runProvisioner(p, h.ctx);
    const out = outputLines(h);
    const remotePath = `${p.remoteFolder}/run.sh`;
    expect(out).toEqual([`Provisioning with shell script: count.sh`, `${body.length - 1} ${remotePath}`, 'Provisioning with shell script: second.sh', `second at ${remotePath}`]);

    const binary = harness({ buildDir: dir });
    await runProvisioner(await shell({ script: 'count.sh', executeCommand: 'sh {{ .Path }}', remoteFile: 'run.sh', binary: true }), binary.ctx);
    expect(outputLines(binary)[1]).toMatch(new RegExp(`^${body.length} `));
  });

  test('environmentVars, env (wins) and the PACKER_* variables, quoted', async () => {
    const h = harness();
    const p = await shell({
      environmentVars: ['FOO=from list', "QUOTE=it's $HOME", 'EMPTY='],
      env: { FOO: 'from env' },
      inline: ['echo "FOO=$FOO|QUOTE=$QUOTE|EMPTY=[$EMPTY]"', 'echo "$PACKER_BUILD_NAME $PACKER_BUILDER_TYPE $PACKER_HTTP_ADDR"'],
    });
    await runProvisioner(p, h.ctx);
    expect(outputLines(h)).toEqual(expect.arrayContaining(["FOO=from env|QUOTE=it's $HOME|EMPTY=[]", 'debian-web local 10.0.2.2:8123']));
  });

  test('useEnvVarFile: variables come from a sourced file, removed afterwards', async () => {
    const h = harness();
    const p = await shell({
      useEnvVarFile: true,
      executeCommand: PACKER_EXECUTE_ENV_FILE,
      environmentVars: ["GREETING=it's here"],
      inline: ['echo "$GREETING"', 'ls "$(dirname "$0")" | grep -c varfile_ || true'],
    });
    await runProvisioner(p, h.ctx);
    expect(outputLines(h)).toEqual(expect.arrayContaining(["it's here", '1']));
    expect(await readdir(p.remoteFolder)).toEqual([]);
  });

  test('executeCommand with {{ .Vars }} and our {{ .Command }}', async () => {
    const h = harness();
    const p = await shell({ executeCommand: "sh -c '{{ .Vars }} {{ .Command }}'", env: { WHO: 'wrapped' }, inline: ['echo "$WHO via $0"'], remoteFile: 'wrapped.sh' });
    await runProvisioner(p, h.ctx);
    expect(outputLines(h)).toContain(`wrapped via ${p.remoteFolder}/wrapped.sh`);
  });

  test('an unknown template field in executeCommand is a clear error', async () => {
    const h = harness();
    const err = await runProvisioner(await shell({ executeCommand: 'sh {{ .Pth }}', inline: ['true'] }), h.ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/^web\/shell: executeCommand: unknown field "\.Pth".*did you mean "\.Path"\?.*at character 7 of "sh \{\{ \.Pth \}\}"/);
  });

  test('validExitCodes', async () => {
    const failing = await shell({ inline: ['exit 3'] });
    await expect(runProvisioner(failing, harness().ctx)).rejects.toThrow('script exited with non-zero exit status: 3. Allowed exit codes are: [0]');
    await expect(runProvisioner({ ...failing, validExitCodes: [0, 3] }, harness().ctx)).resolves.toBe(comm);
  });

  test('remotePath and skipClean keep the uploaded script', async () => {
    const remote = await sshd.remoteDir();
    const p = await shell({ remotePath: `${remote}/kept.sh`, skipClean: true, inline: ['echo kept'] });
    await runProvisioner(p, harness().ctx);
    expect(await readFile(`${remote}/kept.sh`, 'utf8')).toBe('#!/bin/sh -e\necho kept\n');
  });

  test('secrets echoed by the guest appear as ***', async () => {
    const h = harness();
    h.masker.add(sshd.password);
    h.masker.add('s3cr3t-token-value');
    const p = await shell({ environmentVars: ['API_TOKEN=s3cr3t-token-value'], inline: [`echo "password is ${sshd.password}"`, 'echo "token=$API_TOKEN"'] });
    await runProvisioner(p, h.ctx);
    expect(outputLines(h)).toEqual(expect.arrayContaining(['password is ***', 'token=***']));
    expect(h.text()).not.toContain(sshd.password);
    expect(h.text()).not.toContain('s3cr3t-token-value');
  });
});

describe('expectDisconnect (a command that kills its own SSH session)', () => {
  // The session's sshd process is the parent of the `sh -c` that runs the script.
  const killSession = ['echo going down', 'kill -9 $(cut -d" " -f4 /proc/$PPID/stat)', 'sleep 5'];

  test('with expectDisconnect the disconnect is success; cleanup reconnects and removes the script', async () => {
    const own = await connect();
    const h = harness({ comm: own });
    const p = await shell({ expectDisconnect: true, inline: killSession, remoteFile: 'reboot.sh' });
    const after = await runProvisioner(p, h.ctx);
    expect(outputLines(h)).toContain('going down');
    expect(h.reconnects).toBe(1);
    expect(after).not.toBe(own);
    expect(existsSync(`${p.remoteFolder}/reboot.sh`)).toBe(false);
    expect((await after.exec('true')).exitCode).toBe(0);
  });

  test('without it: a clear error that suggests expectDisconnect', async () => {
    const own = await connect();
    const p = await shell({ inline: killSession });
    const err = await runProvisioner(p, harness({ comm: own }).ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProvisionerError);
    expect((err as Error).message).toMatch(/disconnected unexpectedly.*expectDisconnect: true or validExitCodes: \[0, 2300218\]/);
  });

  test('validExitCodes listing 2300218 accepts it too', async () => {
    const own = await connect();
    const p = await shell({ validExitCodes: [0, 2300218], inline: killSession });
    await expect(runProvisioner(p, harness({ comm: own }).ctx)).resolves.toBeDefined();
  });

  test('a connection that is already gone is re-established before the upload (startRetryTimeout)', async () => {
    const own = await connect();
    await own.close();
    const h = harness({ comm: own });
    const after = await runProvisioner(await shell({ inline: ['echo after reconnect'] }), h.ctx);
    expect(outputLines(h)).toContain('after reconnect');
    expect(h.reconnects).toBe(1);
    expect(after).not.toBe(own);
  });
});

describe('pauseBefore, timeout, maxRetries', () => {
  test('pauseBefore waits and says so', async () => {
    const h = harness();
    const started = Date.now();
    await runProvisioner(await shell({ pauseBefore: 600, inline: ['true'] }), h.ctx);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(h.text()).toContain('info: [web/shell] Pausing 600ms before the next provisioner...');
  });

  test('timeout stops a command that runs too long (also with pauseBefore, unlike Packer) and kills it', async () => {
    const marker = `rv-timeout-${process.pid}`;
    const h = harness();
    const started = Date.now();
    // The marker is in the script's name, so it is on the command line of every process that runs it.
    const err = await runProvisioner(await shell({ pauseBefore: 100, timeout: 800, remoteFile: `${marker}.sh`, skipClean: true, inline: ['sleep 30'] }), h.ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProvisionerTimeoutError);
    expect((err as Error).message).toBe('web/shell: timed out after 800ms (timeout)');
    expect(Date.now() - started).toBeLessThan(5000);
    // "[r]v-…" matches the marker but not this pgrep's own shell command line.
    expect(await survivors(`[r]${marker.slice(1)}`)).toBe('');
  });

  test('maxRetries runs a failing provisioner again', async () => {
    const remote = await sshd.remoteDir();
    const flaky = [`if [ -e ${remote}/tried ]; then echo second try; else touch ${remote}/tried; exit 7; fi`];
    const h = harness();
    await runProvisioner(await shell({ maxRetries: 2, inline: flaky }), h.ctx);
    expect(h.text()).toMatch(/warn: \[web\/shell\] Provisioner failed with ".*non-zero exit status: 7.*", retrying with 2 trie\(s\) left/);
    expect(outputLines(h)).toContain('second try');

    const again = await sshd.remoteDir();
    const once = [`if [ -e ${again}/tried ]; then echo second try; else touch ${again}/tried; exit 7; fi`];
    await expect(runProvisioner(await shell({ maxRetries: 0, inline: once }), harness().ctx)).rejects.toThrow(/exit status: 7/);
  });

  test('cancelling the build stops the provisioner without retrying', async () => {
    const controller = new AbortController();
    const h = harness({ signal: controller.signal });
    setTimeout(() => controller.abort(new Error('build cancelled')), 300);
    await expect(runProvisioner(await shell({ maxRetries: 5, inline: ['sleep 20'] }), h.ctx)).rejects.toThrow('build cancelled');
    expect(h.text()).not.toContain('retrying');
  });
});

describe('file provisioner', () => {
  function file(overrides: Partial<FileProvisioner>): FileProvisioner {
    return { type: 'file', pauseBefore: 0, timeout: 0, maxRetries: 0, sources: [], destination: '', direction: 'upload', generated: false, ...overrides };
  }

  test('upload a file, a directory (with and without trailing slash) and content', async () => {
    const src = await mkdtemp(path.join(local, 'files-'));
    await writeFile(path.join(src, 'motd'), 'welcome\n');
    const remote = await sshd.remoteDir();
    const h = harness({ buildDir: path.dirname(src) });
    await runProvisioner(file({ sources: [`${path.basename(src)}/motd`], destination: `${remote}/etc/motd` }), h.ctx);
    expect(await readFile(`${remote}/etc/motd`, 'utf8')).toBe('welcome\n');
    expect(h.text()).toContain(`info: [web/file] Uploading ${src}/motd => ${remote}/etc/motd`);

    await runProvisioner(file({ sources: [src], destination: `${remote}/with-dir` }), h.ctx);
    expect(await readdir(`${remote}/with-dir/${path.basename(src)}`)).toEqual(['motd']);
    await runProvisioner(file({ sources: [src + '/'], destination: `${remote}/contents` }), h.ctx);
    expect(await readdir(`${remote}/contents`)).toEqual(['motd']);

    await runProvisioner(file({ content: 'inline content', destination: `${remote}/content.txt` }), h.ctx);
    expect(await readFile(`${remote}/content.txt`, 'utf8')).toBe('inline content');
  });

  test('download a file and a directory', async () => {
    const remote = await sshd.remoteDir();
    await comm.upload(`${remote}/logs/build.log`, 'log line\n');
    const out = await mkdtemp(path.join(local, 'dl-'));
    const h = harness({ buildDir: out });
    await runProvisioner(file({ direction: 'download', sources: [`${remote}/logs/build.log`], destination: 'artifacts/' }), h.ctx);
    expect(await readFile(path.join(out, 'artifacts', 'build.log'), 'utf8')).toBe('log line\n');
    await runProvisioner(file({ direction: 'download', sources: [`${remote}/logs/`], destination: 'all-logs' }), h.ctx);
    expect(await readdir(path.join(out, 'all-logs'))).toEqual(['build.log']);
  });

  test('a missing remote file fails clearly', async () => {
    const err = await runProvisioner(file({ direction: 'download', sources: ['/nonexistent/ruddervirt'], destination: local + '/' }), harness().ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProvisionerError);
    expect((err as Error).message).toBe('web/file: downloading /nonexistent/ruddervirt: the remote path /nonexistent/ruddervirt does not exist');
  });
});
