/**
 * Waiting until deleted objects are really gone — finalizers run, VMs stop gracefully, garbage
 * collection cascades — and saying what is left when the time runs out. Shared by a run's own
 * cleanup (cluster-run.ts) and by the removal of a run found by its label (run-sweep.ts).
 */
import { formatGoDuration } from '../../../core/duration.js';
import type { LiveObject, ObjectClient } from './objects.js';
import { describeRef, type ObjectRef } from './resources.js';
import { waitFor, WaitTimeoutError } from './wait.js';

/** Resolves with a description of each object still there at `deadline` (empty: all gone); never rejects. */
export async function waitUntilGone(objects: ObjectClient, refs: readonly ObjectRef[], deadline: number, timeoutMs: number): Promise<string[]> {
  const left = await Promise.all(
    refs.map(async (ref) => {
      let state = 'still there';
      try {
        await waitFor<LiveObject, true>(objects, {
          ref,
          what: `removing ${describeRef(ref)}`,
          // The wait's own timeout (not a signal) ends it, so what is left is described.
          timeoutMs: Math.max(1, deadline - Date.now()),
          signal: new AbortController().signal,
          judge: (o) => (o ? { waiting: o.metadata.deletionTimestamp ? 'being deleted' : 'still there' } : { done: true }),
          onState: (_o, verdict) => {
            if ('waiting' in verdict) state = verdict.waiting;
          },
        });
        return undefined;
      } catch (err) {
        return err instanceof WaitTimeoutError ? `${describeRef(ref)} (${state} after ${formatGoDuration(timeoutMs)})` : `${describeRef(ref)} (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
      }
    }),
  );
  return left.filter((l): l is string => l !== undefined);
}
