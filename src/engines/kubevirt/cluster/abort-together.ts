/**
 * Runs tasks side by side so that the first failure stops the others (their shared signal is
 * aborted) and is what the caller sees, after every task has settled: no watch or upload keeps
 * running behind an error.
 */
export async function allOrNothing<T>(signal: AbortSignal, tasks: readonly ((signal: AbortSignal) => Promise<T>)[]): Promise<T[]> {
  const failed = new AbortController();
  const shared = AbortSignal.any([signal, failed.signal]);
  let first: { error: unknown } | undefined;
  const results = await Promise.allSettled(
    tasks.map((task) =>
      task(shared).catch((err: unknown) => {
        if (!first) {
          first = { error: err };
          failed.abort(err instanceof Error ? err : new Error(String(err)));
        }
        throw err;
      }),
    ),
  );
  if (first) throw first.error;
  return results.map((r) => (r as PromiseFulfilledResult<T>).value);
}
