/**
 * What only a running build knows, given to renderBuild as explicit inputs so that the objects a
 * build creates are exactly the objects rendered — nothing is edited after rendering:
 * - owners: the uids of the run's root ConfigMap and of its Vpcs, once they exist. Without them
 *   (`ruddervirt render`, or an owner not created yet) the owner reference holds a placeholder uid
 *   that says so.
 * - volumeSources: a DataVolume filled other than the build file alone says, by DataVolume name:
 *   an upload (a `from:` parent whose output is on this machine but not in the cluster), or a
 *   clone of an output an earlier build kept in the cluster (cluster/kept-layers.ts).
 * - published: by "layer/vm", what a VM's publish step (output.dataSource, golden-image.ts) is
 *   sent with: the output behind the DataSource — this run's, or the kept output a reused layer
 *   stands on — its sha256 and SBOM. Without it, render shows this run's output and placeholders.
 * - kept: by "layer/vm", what a VM's keep step (kept-layer-labels.ts) is sent with once its layer
 *   succeeded: the layer's key, the output's facts and SBOM. Without it, placeholders.
 */
import type { CreatedOwner } from './owners.js';
import type { DataVolumeSource } from './types.js';
import type { GoldenPublishInputs } from './golden-image.js';
import type { KeepInputs } from './kept-layer-labels.js';

export interface RunInputs {
  owners?: {
    run?: CreatedOwner;
    /** By Vpc object name. */
    vpcs?: ReadonlyMap<string, CreatedOwner>;
  };
  volumeSources?: ReadonlyMap<string, DataVolumeSource>;
  published?: ReadonlyMap<string, GoldenPublishInputs>;
  kept?: ReadonlyMap<string, KeepInputs>;
}

/** The uid an owner reference shows until its owner exists. */
export function ownerUidPlaceholder(kind: string, name: string): string {
  return `<uid of ${kind} ${name}, set when it is created>`;
}

export function isOwnerUidPlaceholder(uid: string): boolean {
  return uid.startsWith('<uid of ');
}
