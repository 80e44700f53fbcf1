/** Every `ruddervirt` subcommand, in the order `--help` lists them. */
import type { Command } from './command.js';
import { bootCommandCommand } from './commands/boot-command.js';
import { buildCommand } from './commands/build.js';
import { cleanupCommand } from './commands/cleanup.js';
import { importPackerCommand } from './commands/import-packer.js';
import { publishCommand } from './commands/publish.js';
import { pruneCommand } from './commands/prune.js';
import { renderCommand } from './commands/render.js';
import { schemaCommand } from './commands/schema.js';
import { screenTextCommand } from './commands/screen-text.js';
import { validateCommand } from './commands/validate.js';
import { verifyCommand } from './commands/verify.js';

export const commands: readonly Command[] = [
  buildCommand,
  validateCommand,
  verifyCommand,
  bootCommandCommand,
  screenTextCommand,
  renderCommand,
  importPackerCommand,
  publishCommand,
  pruneCommand,
  cleanupCommand,
  schemaCommand,
];
