#!/usr/bin/env node
/**
 * The `ruddervirt` executable (dist/cli/index.js). The Node check comes first and everything else
 * is imported dynamically: a static import would load the bundled dependencies before the check,
 * and on Node 20 those die with a stack trace (../core/node-version.ts). A process started again
 * as an engine helper (the local engine's VM keeper) is handed over before the CLI runs.
 */
import { exitUnlessSupportedNode } from '../core/node-version.js';

exitUnlessSupportedNode('ruddervirt', `run it with Node 24, for example: npx -y node@24 ${commandLine(process.argv.slice(1))}`);
const { runEngineHelperIfAsked } = await import('../engines/helper-process.js');
if (!(await runEngineHelperIfAsked())) await (await import('./main.js')).main();

/** The command as typed, quoted for a POSIX shell where needed. */
function commandLine(args: readonly string[]): string {
  return args.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}
