import { createRequire as __rvCreateRequire } from 'node:module';
const require = __rvCreateRequire(import.meta.url);
import {
  ScreenReader,
  closeSharedOcr,
  require_png,
  screenTextMatches
} from "./chunk-DG6KHQHA.js";
import {
  UsageError
} from "./chunk-K4LUY5QM.js";
import {
  UserError
} from "./chunk-OYIX4NJ3.js";
import {
  __toESM
} from "./chunk-U4LSYZ75.js";

// src/cli/commands/screen-text.ts
var import_pngjs = __toESM(require_png(), 1);
import { readFile } from "node:fs/promises";
import path from "node:path";
var usage = `Usage: ruddervirt screen-text [--match REGEX] FILE.png...

Prints the text OCR reads on each screenshot, as a build reads the VM's screen for
<wait 'TEXT'> (the same engine, offline). With --match, also says whether REGEX would match
(case ignored, quotes and spacing evened out as in a build) and exits 1 when it does not.

Examples:
  ruddervirt screen-text logs/web/bootcommand-01.png
  ruddervirt screen-text --match 'boot:' logs/web/failure.png
`;
function parseArguments(args) {
  const files = [];
  let pattern;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--help" || arg === "-h") return "help";
    if (arg === "--match") {
      pattern = args[++i];
      if (pattern === void 0 || pattern === "") throw new UsageError("--match needs a regular expression");
      try {
        new RegExp(pattern);
      } catch (err) {
        throw new UsageError(`--match ${JSON.stringify(pattern)}: ${err.message}`);
      }
    } else if (arg.startsWith("--")) throw new UsageError(`unknown option '${arg}'`);
    else files.push(arg);
  }
  if (files.length === 0) throw new UsageError("expected at least one FILE.png");
  return pattern === void 0 ? { files } : { files, pattern };
}
var screenTextCommand = {
  name: "screen-text",
  summary: "Show the text OCR reads on a screenshot (for <wait 'TEXT'>)",
  usage,
  async run(args, io) {
    const parsed = parseArguments(args);
    if (parsed === "help") {
      io.stdout.write(usage);
      return 0;
    }
    const reader = await ScreenReader.open();
    let missed = false;
    try {
      for (const file of parsed.files) {
        let png;
        try {
          png = import_pngjs.PNG.sync.read(await readFile(path.resolve(io.cwd, file)));
        } catch (err) {
          throw new UserError(`${file}: not a readable PNG (${err.message})`);
        }
        const { text, ms } = await reader.read({ width: png.width, height: png.height, rgba: png.data });
        if (parsed.files.length > 1) io.stdout.write(`== ${file} (${png.width}x${png.height}, read in ${Math.round(ms)} ms)
`);
        io.stdout.write(text + "\n");
        if (parsed.pattern !== void 0) {
          const matches = screenTextMatches(parsed.pattern, text);
          missed ||= !matches;
          io.stdout.write(`-- /${parsed.pattern}/ ${matches ? "matches" : "does not match"}
`);
        }
      }
    } finally {
      reader.close();
      await closeSharedOcr();
    }
    return missed ? 1 : 0;
  }
};
export {
  screenTextCommand
};
