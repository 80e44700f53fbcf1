/**
 * `ruddervirt screen-text`: the text the build's OCR reads on a screenshot (a PNG from a VM's log
 * folder), and whether a `<wait 'TEXT'>` pattern would match it — to write and check waits
 * without booting anything.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PNG } from 'pngjs';
import { closeSharedOcr, ScreenReader } from '../../core/ocr/screen-reader.js';
import { screenTextMatches } from '../../core/ocr/screen-text.js';
import { UsageError, UserError, type CliIo, type Command } from '../command.js';

const usage = `Usage: ruddervirt screen-text [--match REGEX] FILE.png...

Prints the text OCR reads on each screenshot, as a build reads the VM's screen for
<wait 'TEXT'> (the same engine, offline). With --match, also says whether REGEX would match
(case ignored, quotes and spacing evened out as in a build) and exits 1 when it does not.

Examples:
  ruddervirt screen-text logs/web/bootcommand-01.png
  ruddervirt screen-text --match 'boot:' logs/web/failure.png
`;

function parseArguments(args: string[]): { files: string[]; pattern?: string } | 'help' {
  const files: string[] = [];
  let pattern: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--match') {
      pattern = args[++i];
      if (pattern === undefined || pattern === '') throw new UsageError('--match needs a regular expression');
      try {
        new RegExp(pattern);
      } catch (err) {
        throw new UsageError(`--match ${JSON.stringify(pattern)}: ${(err as Error).message}`);
      }
    } else if (arg.startsWith('--')) throw new UsageError(`unknown option '${arg}'`);
    else files.push(arg);
  }
  if (files.length === 0) throw new UsageError('expected at least one FILE.png');
  return pattern === undefined ? { files } : { files, pattern };
}

export const screenTextCommand: Command = {
  name: 'screen-text',
  summary: "Show the text OCR reads on a screenshot (for <wait 'TEXT'>)",
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const parsed = parseArguments(args);
    if (parsed === 'help') {
      io.stdout.write(usage);
      return 0;
    }
    const reader = await ScreenReader.open();
    let missed = false;
    try {
      for (const file of parsed.files) {
        let png;
        try {
          png = PNG.sync.read(await readFile(path.resolve(io.cwd, file)));
        } catch (err) {
          throw new UserError(`${file}: not a readable PNG (${(err as Error).message})`);
        }
        const { text, ms } = await reader.read({ width: png.width, height: png.height, rgba: png.data });
        if (parsed.files.length > 1) io.stdout.write(`== ${file} (${png.width}x${png.height}, read in ${Math.round(ms)} ms)\n`);
        io.stdout.write(text + '\n');
        if (parsed.pattern !== undefined) {
          const matches = screenTextMatches(parsed.pattern, text);
          missed ||= !matches;
          io.stdout.write(`-- /${parsed.pattern}/ ${matches ? 'matches' : 'does not match'}\n`);
        }
      }
    } finally {
      reader.close();
      await closeSharedOcr();
    }
    return missed ? 1 : 0;
  },
};
