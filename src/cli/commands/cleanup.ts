/** `ruddervirt cleanup OUTPUT_DIR` — stops and removes what a build with --on-error abort left for debugging. */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { stopDetachedVm } from '../../engines/index.js';
import { parseCommandArgs } from '../args.js';
import { forgetAbandoned, readAbandoned } from '../abandoned.js';
import { UsageError, type CliIo, type Command } from '../command.js';

const usage = `Usage: ruddervirt cleanup OUTPUT_DIR
       ruddervirt cleanup --build NAME

After \`ruddervirt build --on-error abort\` failed, its VMs are left running for debugging and
recorded in OUTPUT_DIR/abandoned/. This stops each of them and removes its work folder.
--build NAME means the default output folder of that build (output/NAME).

Exit status: 0 done (or nothing left), 2 bad arguments.
`;

export const cleanupCommand: Command = {
  name: 'cleanup',
  summary: 'Stop and remove the VMs a build left for debugging (--on-error abort)',
  usage,
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, { build: { type: 'string' } });
    if (positionals.length > 1 || (positionals.length === 1) === (values.build !== undefined)) throw new UsageError('expects an output folder or --build NAME');
    const outputDir = path.resolve(io.cwd, positionals[0] ?? path.join('output', values.build!));
    const left = await readAbandoned(outputDir);
    if (left.length === 0) {
      io.stderr.write(`nothing left by an aborted build in ${outputDir}\n`);
      return 0;
    }
    for (const { file, vm } of left) {
      const stopped = vm.detached ? await stopDetachedVm(vm.detached) : false;
      if (vm.detached?.engine === 'kubevirt') {
        const state = vm.detached.state as { runId?: string; namespace?: string };
        io.stderr.write(`vm ${vm.vm}: remove its build run with: kubectl delete vm,dv,cm -n ${state.namespace} -l ruddervirt.io/run=${state.runId}\n`);
      }
      if (vm.workDir) await rm(vm.workDir, { recursive: true, force: true });
      await forgetAbandoned(file);
      io.stderr.write(`vm ${vm.vm}: ${stopped ? 'stopped' : 'was not running'}${vm.workDir ? `; removed ${vm.workDir}` : ''}\n`);
    }
    return 0;
  },
};
