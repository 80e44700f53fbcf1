/**
 * V8's optimising tiers (Maglev, TurboFan), switched off for the rest of a process whose job is a
 * publish: the CLI's `publish` command and the publish-containerdisk action call this first. The
 * work of a publish is deflate and sha256 in native code; its JavaScript is glue run a few times
 * per block, which the interpreter and Sparkplug run fast enough. But a long stream makes that glue
 * hot (node's stream-state getters, called for every socket write and zlib output), and the first
 * function TurboFan compiles maps its compiler's pages of node's binary. Measured on the Debian 12
 * test guest (451 MB) to a local registry: peak RSS 77.6 -> 70.1 MiB (node's pages 51.5 -> 46.3
 * MiB, anonymous 26.6 -> 24.1 MiB: compiler zones left in the malloc arenas of V8's worker
 * threads), with the same CPU time (6.0 s user) and wall time.
 *
 * Not for the library: the flags are process-wide, and a build that publishes a layer and then
 * goes on (reading screens for the next layer's boot command, say) needs its JIT. They are set at
 * run time, as garbage.ts sets --expose-gc, because the process is not ours to restart with flags;
 * node warns that flags changed after start-up may do nothing (nodejs/node doc/api/v8.md@v24.x,
 * setFlagsFromString), in which case only the memory above is lost. Code optimised before keeps
 * running as it is.
 */
import v8 from 'node:v8';

const INTERPRETER_ONLY_FLAGS = ['--no-turbofan', '--no-maglev'];

export function interpretOnlyFromNowOn(): void {
  for (const flag of INTERPRETER_ONLY_FLAGS) {
    try {
      v8.setFlagsFromString(flag);
    } catch {
      // an unknown flag on another V8: that tier stays on
    }
  }
}
