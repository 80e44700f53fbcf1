import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UsageError, type CliIo } from '../../../src/cli/command.js';
import { UserError } from '../../../src/core/errors.js';
import { bootCommandCommand } from '../../../src/cli/commands/boot-command.js';
import { runCli } from '../../../src/cli/run.js';

function capture(env: NodeJS.ProcessEnv = {}): { io: CliIo; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const chunks = { out: [] as Buffer[], err: [] as Buffer[] };
  stdout.on('data', (c: Buffer) => chunks.out.push(c));
  stderr.on('data', (c: Buffer) => chunks.err.push(c));
  return {
    io: { stdout, stderr, env, cwd: process.cwd(), signal: new AbortController().signal },
    out: () => Buffer.concat(chunks.out).toString('utf8'),
    err: () => Buffer.concat(chunks.err).toString('utf8'),
  };
}

async function run(args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  const c = capture(env);
  const code = await bootCommandCommand.run(args, c.io);
  return { code, out: c.out(), err: c.err() };
}

describe('ruddervirt boot-command', () => {
  it('--json prints Packer’s exact stream for the acceptance example', async () => {
    const { code, out } = await run(['--json', 'AbC<leftCtrlOn>c<leftCtrlOff><wait1m30s>']);
    expect(code).toBe(0);
    expect(out).toBe(
      [
        '{"key":65505,"down":true}',
        '{"key":65,"down":true}',
        '{"key":65,"down":false}',
        '{"key":65505,"down":false}',
        '{"key":98,"down":true}',
        '{"key":98,"down":false}',
        '{"key":65505,"down":true}',
        '{"key":67,"down":true}',
        '{"key":67,"down":false}',
        '{"key":65505,"down":false}',
        '{"key":65507,"down":true}',
        '{"key":99,"down":true}',
        '{"key":99,"down":false}',
        '{"key":65507,"down":false}',
        '{"wait":90000}',
        '',
      ].join('\n'),
    );
  });

  it('--json writes fractional waits as JSON numbers', async () => {
    const { out } = await run(['--json', '<wait100µs><wait1.5s><wait4m2ns>']);
    expect(
      out
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([{ wait: 0.1 }, { wait: 1500 }, { wait: 240000.000002 }]);
  });

  it('joins TEXT arguments like boot_command elements, with nothing between them', async () => {
    const split = await run(['--json', 'a<ent', 'er>']);
    const joined = await run(['--json', 'a<enter>']);
    expect(split.out).toBe(joined.out);
    expect(split.out).toContain('{"key":65293,"down":true}');
  });

  it('lists one readable line per event, then the typing time at the key interval', async () => {
    const { code, out } = await run(['A<enter><wait1m30s>'], { PACKER_KEY_INTERVAL: '20ms' });
    expect(code).toBe(0);
    expect(out.trimEnd().split('\n')).toEqual([
      'press   Shift_L        0xffe1',
      "press   'A'            0x0041",
      "release 'A'            0x0041",
      'release Shift_L        0xffe1',
      'press   Return         0xff0d',
      'release Return         0xff0d',
      'wait    1m30s',
      '-- 6 key events, 1 wait: 1m30.12s to type at a 20ms key interval',
    ]);
  });

  it('--ast prints the tokens in the notation of Packer’s tests', async () => {
    const { out } = await run(['--ast', '<wait0><fon>x<F3OFF>']);
    expect(out).toBe('Wait<1s>\nLIT-On(f)\nLIT-Press(x)\nSpec-Off(f3)\n');
  });

  it('takes TEXT that starts with "--" after --', async () => {
    const { out } = await run(['--json', '--', '--x']);
    expect(out.trimEnd().split('\n')).toHaveLength(6);
  });

  it('--help prints the usage', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toContain('Usage: ruddervirt boot-command');
    expect(out).toContain('--json');
  });

  it('refuses a non-positive wait with Packer’s reason and where it is', async () => {
    const refused = run(['ok', 'x<wait0s>']);
    await expect(refused).rejects.toBeInstanceOf(UserError);
    await expect(refused).rejects.toThrow('Expecting a positive wait value. Got 0s (argument 2, column 2: "<wait0s>")');
  });

  it('exits 1 with the reason on stderr and no stack when run from the CLI', async () => {
    const c = capture();
    const code = await runCli(['boot-command', '--json', '<wait-1m>'], [bootCommandCommand], c.io);
    expect(code).toBe(1);
    expect(c.out()).toBe('');
    expect(c.err()).toBe('ruddervirt boot-command: Expecting a positive wait value. Got -1m0s (argument 1, column 1: "<wait-1m>")\n');
  });

  it.each([[[]], [['--json']], [['--bogus', 'a']], [['--json', '--ast', 'a']]])('rejects bad arguments %j', async (args) => {
    await expect(run(args)).rejects.toBeInstanceOf(UsageError);
  });
});
