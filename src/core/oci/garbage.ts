/**
 * Keeps the memory of a long stream flat. node:zlib hands back a fresh Buffer for every compressed
 * block, and V8 frees such off-heap memory only when its heap needs collecting — with our tiny heap
 * that lets tens of MiB of dead buffers pile up (V8's external-memory soft limit is 64 MiB) before
 * anything is freed. Collecting every few MiB of output bounds that; a collection of a heap this
 * small takes about a millisecond.
 *
 * `gc` is only reachable with --expose-gc; the flag can be turned on at run time and the function
 * fetched from a fresh context. If that ever stops working we fall back to doing nothing: memory is
 * then higher, but everything still works.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

type GcFunction = (options?: { type?: 'major' | 'minor'; execution?: 'sync' | 'async' }) => void;

let cached: GcFunction | null | undefined;

function gcFunction(): GcFunction | null {
  if (cached !== undefined) return cached;
  const existing = (globalThis as { gc?: GcFunction }).gc;
  if (typeof existing === 'function') return (cached = existing);
  try {
    v8.setFlagsFromString('--expose-gc');
    const fn = vm.runInNewContext('gc') as unknown;
    cached = typeof fn === 'function' ? (fn as GcFunction) : null;
  } catch {
    cached = null;
  }
  return cached;
}

/** Returns a function to call with each processed byte count; it collects every `everyBytes`. */
export function garbageReclaimer(everyBytes: number): (bytes: number) => void {
  const gc = gcFunction();
  if (!gc) return () => undefined;
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since >= everyBytes) {
      since = 0;
      gc();
    }
  };
}
