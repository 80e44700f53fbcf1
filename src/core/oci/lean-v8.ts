/**
 * V8 set for the rest of a process whose job is a publish: the CLI's `publish` command and the
 * publish-containerdisk action call this first.
 *
 * Its optimising tiers (Maglev, TurboFan) go off. The work of a publish is deflate and sha256 in
 * native code; its JavaScript is glue run a few times per block, which the interpreter and
 * Sparkplug run fast enough. But a long stream makes that glue
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

/**
 * And the young generation stays at its starting size. A stream's glue allocates steadily, so V8
 * doubles the semi-spaces (nodejs/node deps/v8/src/heap/new-spaces.cc@v24.x, SemiSpaceNewSpace::Grow
 * multiplies by semi_space_growth_factor, read at each growth) though little of it survives a
 * scavenge. Measured on a 1 GiB disk (half random) to a local registry, Node 24.21, three runs
 * each twice: new space 3.5 -> 2.0 MiB, peak RSS 63.7-64.1 -> 62.4-62.9 MiB, wall time the same
 * (3.8-4.4 s). Later V8s hold the factor at 2 or more (flag-definitions.h,
 * DEFINE_MIN_VALUE_IMPLICATION), and there this flag does nothing.
 */
const LEAN_FLAGS = ['--no-turbofan', '--no-maglev', '--semi-space-growth-factor=1'];

export function leanV8FromNowOn(): void {
  for (const flag of LEAN_FLAGS) {
    try {
      v8.setFlagsFromString(flag);
    } catch {
      // an unknown flag on another V8: that setting stays as it was
    }
  }
}
