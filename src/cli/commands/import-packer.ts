/** `ruddervirt import-packer TEMPLATE [--var-file F]... [--var k=v]...`: a Packer template → a build file on stdout. */
import { formatProblem } from '../../core/config/problems.js';
import { importPacker } from '../../core/packer/import-packer.js';
import { PackerTemplateError } from '../../core/packer/read-template.js';
import { UsageError, type Command } from '../command.js';

export interface ImportPackerArgs {
  template: string;
  varFiles: string[];
  vars: Record<string, string>;
}

export function parseImportPackerArgs(args: readonly string[]): ImportPackerArgs {
  const positional: string[] = [];
  const varFiles: string[] = [];
  const vars: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('-') && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = flag !== arg ? arg.slice(eq + 1) : args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--var-file' || flag === '-var-file') varFiles.push(value());
    else if (flag === '--var' || flag === '-var') {
      const assignment = value();
      const at = assignment.indexOf('=');
      if (at <= 0) throw new UsageError(`--var expects NAME=VALUE, got '${assignment}'`);
      vars[assignment.slice(0, at)] = assignment.slice(at + 1);
    } else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option '${arg}'`);
    else positional.push(arg);
  }
  if (positional.length !== 1) throw new UsageError('expected one Packer template (a .json or .pkr.hcl file, or a folder of .pkr.hcl files)');
  return { template: positional[0]!, varFiles, vars };
}

export const importPackerCommand: Command = {
  name: 'import-packer',
  summary: 'Turn a Packer template (JSON or HCL2, qemu builder) into a build file',
  usage: `Usage: ruddervirt import-packer TEMPLATE [--var-file FILE]... [--var NAME=VALUE]...

Reads a Packer template — a JSON file, a .pkr.hcl file, or a folder of .pkr.hcl files with their
variables, locals and *.auto.pkrvars.hcl — and prints the equivalent build file on stdout: its qemu
and kubevirt-iso sources become VMs, its shell, file, windows-restart and windows-update
provisioners come along, and Packer's variables are expanded the way Packer expands them (boot
commands keep {{ .HTTPIP }}, {{ .HTTPPort }} and {{ .Name }} for build time).

Every option that has no place in a build file is written as a "# packer:" comment where it would
go and printed as a warning on stderr, with the reason. The result is checked like 'validate' does,
as if saved beside the template. Exit 0 when it validates; 1 when the template is broken or the
result does not validate (the problems are printed with their lines).

Options:
  --var-file FILE    A *.pkrvars.hcl (HCL2) or JSON (legacy) file of variable values (repeatable)
  --var NAME=VALUE   Set a template variable (repeatable; applied after the var files)

Example:
  ruddervirt import-packer fedora.pkr.hcl --var-file prod.pkrvars.hcl > fedora.yaml
`,
  async run(args, io) {
    const { template, varFiles, vars } = parseImportPackerArgs(args);
    try {
      const result = await importPacker(template, { varFiles, vars, cwd: io.cwd, env: io.env });
      io.stdout.write(result.yaml);
      for (const w of result.warnings) io.stderr.write(`warning: ${w}\n`);
      if (result.problems.length > 0) {
        for (const p of result.problems) io.stderr.write(`${formatProblem(p)}\n`);
        io.stderr.write(`${template}: the imported build file does not validate (${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}; lines refer to stdout)\n`);
        return 1;
      }
      return 0;
    } catch (err) {
      if (!(err instanceof PackerTemplateError)) throw err;
      for (const p of err.problems) io.stderr.write(`${formatProblem(p)}\n`);
      return 1;
    }
  },
};
