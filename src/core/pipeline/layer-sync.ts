/**
 * Ordering inside a layer: the VMs boot together, but a VM with `dependsOn: [db]` starts its
 * provisioners only once db's provisioners are done (an app VM waits for its database).
 */
import { throwIfAborted } from './abortable.js';

export class LayerSync {
  private readonly ready = new Map<string, { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void }>();

  constructor(vmNames: readonly string[]) {
    for (const name of vmNames) {
      let resolve!: () => void;
      let reject!: (e: Error) => void;
      const promise = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // A VM nobody waits for must not turn its failure into an unhandled rejection.
      promise.catch(() => undefined);
      this.ready.set(name, { promise, resolve, reject });
    }
  }

  provisioned(vm: string): void {
    this.ready.get(vm)?.resolve();
  }

  failed(vm: string, error: Error): void {
    this.ready.get(vm)?.reject(new Error(`${vm} failed: ${error.message}`));
  }

  async waitFor(deps: readonly string[], signal: AbortSignal): Promise<void> {
    const waits = deps.map((d) => this.ready.get(d)?.promise ?? Promise.reject(new Error(`dependsOn names '${d}', which is not a VM of this layer`)));
    const aborted = new Promise<never>((_, reject) => {
      if (signal.aborted) reject(signal.reason as Error);
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    });
    aborted.catch(() => undefined);
    await Promise.race([Promise.all(waits), aborted]);
    throwIfAborted(signal);
  }
}
