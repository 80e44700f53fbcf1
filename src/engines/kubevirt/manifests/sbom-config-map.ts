/**
 * The SBOM of an output that stays in the cluster (a kept layer output, a golden image behind a
 * DataSource): the SPDX document the build read from the guest, in a ConfigMap owned by that
 * output — so Kubernetes' garbage collector removes it with the output (pruning, a replaced golden
 * image), and a later build that reuses the output from the cluster, or a person with kubectl,
 * finds the document that describes it.
 *
 * The output and the DataSource point at it with the annotation `ruddervirt.io/sbom`; the
 * ConfigMap says which output it describes by that output's sha256 (as on this machine), checked
 * before it is used. A ConfigMap holds at most 1 MiB (kubernetes/kubernetes
 * staging/src/k8s.io/api/core/v1/types.go, ConfigMap: "the total bytes of the values in the Data
 * field must be less than MaxSecretSize bytes", 1 MiB): a document that fits goes in plain under
 * `data` (`kubectl get cm NAME -o jsonpath='{.data.sbom\.spdx\.json}'`), a larger one gzipped
 * under `binaryData`; one too large even then is not kept.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { LABEL_BUILD, LABEL_COMPONENT, LABEL_LAYER, LABEL_MANAGED_BY, LABEL_VM, MANAGED_BY } from './labels.js';

export const ANNOTATION_SBOM = 'ruddervirt.io/sbom';
/** On the ConfigMap: the sha256 of the output it describes. */
export const ANNOTATION_SBOM_OF_SHA256 = 'ruddervirt.io/output-sha256';
export const SBOM_KEY = 'sbom.spdx.json';
export const SBOM_GZIP_KEY = 'sbom.spdx.json.gz';
/** Below the API server's 1 MiB, with room for the metadata. */
export const CONFIG_MAP_LIMIT = 1024 * 1024 - 16 * 1024;

export interface SbomOwner {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
}

export interface SbomScope {
  build: string;
  layer: string;
  vm: string;
}

const DNS_SUBDOMAIN_MAX = 253;

/** The ConfigMap's name: the output's, with `-sbom` (an output name is a DNS subdomain of at most 253). */
export function sbomConfigMapName(outputName: string): string {
  const suffix = '-sbom';
  return `${outputName.slice(0, DNS_SUBDOMAIN_MAX - suffix.length).replace(/[-.]+$/, '')}${suffix}`;
}

export class SbomTooLargeError extends Error {
  override name = 'SbomTooLargeError';
}

/** The ConfigMap holding `document` for the output `owner` (see the file comment). */
export interface SbomConfigMap {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string>; ownerReferences: { apiVersion: string; kind: string; name: string; uid: string }[] };
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

export function sbomConfigMap(req: { namespace: string; owner: SbomOwner; scope: SbomScope; sha256: string; document: string }): SbomConfigMap {
  const bytes = Buffer.byteLength(req.document, 'utf8');
  let payload: Pick<SbomConfigMap, 'data' | 'binaryData'>;
  if (bytes <= CONFIG_MAP_LIMIT) {
    payload = { data: { [SBOM_KEY]: req.document } };
  } else {
    const gz = gzipSync(Buffer.from(req.document, 'utf8'), { level: 9 });
    // binaryData is base64 in the object, but counted by its decoded bytes.
    if (gz.length > CONFIG_MAP_LIMIT) throw new SbomTooLargeError(`the SBOM is ${bytes} bytes (${gz.length} gzipped), more than a ConfigMap holds (1 MiB)`);
    payload = { binaryData: { [SBOM_GZIP_KEY]: gz.toString('base64') } };
  }
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: sbomConfigMapName(req.owner.name),
      namespace: req.namespace,
      labels: { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_BUILD]: req.scope.build, [LABEL_LAYER]: req.scope.layer, [LABEL_VM]: req.scope.vm, [LABEL_COMPONENT]: 'sbom' },
      annotations: { [ANNOTATION_SBOM_OF_SHA256]: req.sha256 },
      // Not a controller: the output's own controller (CDI, the snapshot controller) owns nothing here.
      ownerReferences: [{ apiVersion: req.owner.apiVersion, kind: req.owner.kind, name: req.owner.name, uid: req.owner.uid }],
    },
    ...payload,
  };
}

export interface SbomConfigMapObject {
  metadata: { name: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
  binaryData?: Record<string, string>;
}

/**
 * The document a ConfigMap holds, when it describes the output with `sha256`; otherwise why not
 * (another output's SBOM, or no document at all).
 */
export function sbomFromConfigMap(cm: SbomConfigMapObject, sha256: string): { document: string } | { problem: string } {
  const of = cm.metadata.annotations?.[ANNOTATION_SBOM_OF_SHA256];
  if (of !== sha256) return { problem: `ConfigMap ${cm.metadata.name} describes output sha256 ${of ?? '(none)'}, not ${sha256}` };
  const plain = cm.data?.[SBOM_KEY];
  if (plain !== undefined) return { document: plain };
  const gz = cm.binaryData?.[SBOM_GZIP_KEY];
  if (gz !== undefined) {
    try {
      return { document: gunzipSync(Buffer.from(gz, 'base64')).toString('utf8') };
    } catch (err) {
      return { problem: `ConfigMap ${cm.metadata.name}: ${SBOM_GZIP_KEY} is not gzip (${err instanceof Error ? err.message : String(err)})` };
    }
  }
  return { problem: `ConfigMap ${cm.metadata.name} has no ${SBOM_KEY} or ${SBOM_GZIP_KEY}` };
}
