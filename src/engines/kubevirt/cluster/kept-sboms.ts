/**
 * SBOMs of outputs that stay in the cluster (manifests/sbom-config-map.ts says how they are
 * stored): written when an output is kept or becomes a golden image, read back when a later build
 * reuses a kept output that this machine's layer cache does not hold.
 */
import { readFile } from 'node:fs/promises';
import { ANNOTATION_SBOM, sbomConfigMap, sbomConfigMapName, sbomFromConfigMap, type SbomConfigMap, type SbomConfigMapObject, type SbomOwner, type SbomScope } from '../manifests/sbom-config-map.js';
import type { LiveObject, ObjectClient } from './objects.js';
import { describeRef, type ObjectRef } from './resources.js';

export { ANNOTATION_SBOM };

export interface KeepSbomRequest {
  objects: ObjectClient;
  /** The output the SBOM describes (its owner). */
  output: ObjectRef;
  /** <image>.spdx.json on this machine. */
  sbomFile: string;
  sha256: string;
  scope: SbomScope;
  /**
   * The ConfigMap as the build renders it (the publish step of manifests/golden-image.ts) from the
   * document and the output's uid; default: sbomConfigMap with the same inputs.
   */
  render?: (inputs: { document: string; owner: SbomOwner }) => SbomConfigMap;
  signal: AbortSignal;
}

/**
 * Stores the SBOM beside `output` (unless a ConfigMap there already describes an output of this
 * sha256) and resolves with the ConfigMap's name, for the `ruddervirt.io/sbom` annotation.
 */
export async function keepSbom(req: KeepSbomRequest): Promise<string> {
  const { objects, output, signal } = req;
  const namespace = output.namespace!;
  const name = sbomConfigMapName(output.name);
  const cmRef: ObjectRef = { apiVersion: 'v1', kind: 'ConfigMap', namespace, name };
  const existing = await objects.get<LiveObject & SbomConfigMapObject>(cmRef, signal);
  if (existing && !existing.metadata.deletionTimestamp && 'document' in sbomFromConfigMap(existing, req.sha256)) return name;
  const owner = await objects.get(output, signal);
  if (!owner?.metadata.uid) throw new Error(`${describeRef(output)} is not there to own its SBOM`);
  const document = await readFile(req.sbomFile, 'utf8');
  // One of an earlier output of the same name (a replaced SBOM) goes first.
  if (existing) await objects.delete(cmRef, signal);
  const sbomOwner = { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid };
  const cm = req.render ? req.render({ document, owner: sbomOwner }) : sbomConfigMap({ namespace, owner: sbomOwner, scope: req.scope, sha256: req.sha256, document });
  if (cm.metadata.name !== name || cm.metadata.namespace !== namespace)
    throw new Error(`internal: the SBOM of ${describeRef(output)} was rendered as ConfigMap ${cm.metadata.namespace}/${cm.metadata.name}, not ${namespace}/${name}`);
  await objects.create(cm as unknown as LiveObject, signal);
  return name;
}

/** The SBOM document of a kept output, from the ConfigMap its annotation names; throws saying why not. */
export async function readKeptSbom(objects: ObjectClient, namespace: string, name: string, sha256: string, signal: AbortSignal): Promise<string> {
  const ref: ObjectRef = { apiVersion: 'v1', kind: 'ConfigMap', namespace, name };
  const cm = await objects.get<LiveObject & SbomConfigMapObject>(ref, signal);
  if (!cm) throw new Error(`${describeRef(ref)} is gone`);
  const found = sbomFromConfigMap(cm, sha256);
  if ('problem' in found) throw new Error(found.problem);
  return found.document;
}
