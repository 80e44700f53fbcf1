/**
 * Ordering inside a layer: the VMs boot together, but a VM with `dependsOn: [db]` starts its
 * provisioners only once db's provisioners are done (an app VM waits for its database) — and db
 * stays up until every VM depending on it has finished provisioning, so app never provisions
 * against a database that is already powering off.
 */
import { throwIfAborted } from '../abort.js';

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (e: Error) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A VM nobody waits for must not turn its failure into an unhandled rejection.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

function untilAborted(signal: AbortSignal): Promise<never> {
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason as Error);
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
  aborted.catch(() => undefined);
  return aborted;
}

export class LayerSync {
  /** Settles when a VM's provisioners are done (resolved) or it failed (rejected). */
  private readonly ready = new Map<string, Deferred>();
  /** Resolves when a VM is past provisioning, whatever the outcome. */
  private readonly finished = new Map<string, Deferred>();
  private readonly dependents = new Map<string, string[]>();

  constructor(vms: readonly { name: string; dependsOn: readonly string[] }[]) {
    for (const vm of vms) {
      this.ready.set(vm.name, deferred());
      this.finished.set(vm.name, deferred());
      for (const d of vm.dependsOn) this.dependents.set(d, [...(this.dependents.get(d) ?? []), vm.name]);
    }
  }

  provisioned(vm: string): void {
    this.ready.get(vm)?.resolve();
    this.finished.get(vm)?.resolve();
  }

  failed(vm: string, error: Error): void {
    this.ready.get(vm)?.reject(new Error(`${vm} failed: ${error.message}`));
    this.finished.get(vm)?.resolve();
  }

  /** The VMs that wait for `vm` (for log lines). */
  dependentsOf(vm: string): readonly string[] {
    return this.dependents.get(vm) ?? [];
  }

  async waitFor(deps: readonly string[], signal: AbortSignal): Promise<void> {
    const waits = deps.map((d) => this.ready.get(d)?.promise ?? Promise.reject(new Error(`dependsOn names '${d}', which is not a VM of this layer`)));
    await Promise.race([Promise.all(waits), untilAborted(signal)]);
    throwIfAborted(signal);
  }

  /** Resolves once every VM depending on `vm` is past provisioning (no cycles: the loader forbids them). */
  async waitForDependents(vm: string, signal: AbortSignal): Promise<void> {
    const waits = this.dependentsOf(vm).map((d) => this.finished.get(d)!.promise);
    await Promise.race([Promise.all(waits), untilAborted(signal)]);
    throwIfAborted(signal);
  }
}
