/**
 * What every VM of one kubevirt build run shares: the API client, the run's objects, where the
 * run lives, the limits of its waits, and the outputs made so far (a later layer's `from:` clones
 * them when they were made in this run).
 */
import type { ObjectClient } from './objects.js';
import type { ClusterRun } from './cluster-run.js';

export interface KubevirtTimeouts {
  /** Imports, uploads and clones of disks. */
  import: number;
  /** From creating the VirtualMachine to its VMI running. */
  start: number;
  /** Capturing the output, and the export becoming ready. */
  export: number;
  /** Removing the run's objects at the end. */
  cleanup: number;
  /** A forced stop: the VMI being gone. */
  stop: number;
}

export const DEFAULT_TIMEOUTS: KubevirtTimeouts = {
  import: 30 * 60_000,
  start: 10 * 60_000,
  export: 30 * 60_000,
  cleanup: 5 * 60_000,
  stop: 3 * 60_000,
};

export interface RunSession {
  objects: ObjectClient;
  run: ClusterRun;
  namespace: string;
  timeouts: KubevirtTimeouts;
  env: NodeJS.ProcessEnv;
  /** The API server's CA (PEM) from the kubeconfig, if any. */
  clusterCa?: string;
  /** The export token of each VM, by "layer/vm" (the render made them). */
  exportToken(vmKey: string): string;
  /** "layer/vm" of the VMs whose output exists in the cluster. */
  outputs: Set<string>;
}
