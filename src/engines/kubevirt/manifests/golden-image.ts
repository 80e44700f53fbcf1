/**
 * A golden image kept in the cluster (output.dataSource): the labels and the CDI DataSource that
 * make a build's output look like one of KubeVirt's common boot sources.
 *
 * - DataSource: cdi.kubevirt.io/v1beta1, `spec.source.pvc` or `spec.source.snapshot`, each
 *   `{namespace, name}` (kubevirt/containerized-data-importer v1.66.0
 *   staging/src/kubevirt.io/containerized-data-importer-api/pkg/apis/core/v1beta1/types.go
 *   DataSourceSource, DataVolumeSourcePVC, DataVolumeSourceSnapshot).
 * - The default instance type and preference labels, KubeVirt's names (kubevirt/kubevirt v1.9.0
 *   staging/src/kubevirt.io/api/instancetype/register.go; CDI v1.66.0
 *   pkg/controller/common/util.go LabelDefaultInstancetype…). They go on the DataSource, and on
 *   the PVC or VolumeSnapshot it names: KubeVirt's inferFromVolume reads the DataSource's labels,
 *   else its source's (pkg/instancetype/infer/volume.go fromDataSource → fromPVC /
 *   fromVolumeSnapshot), and CDI's DataSource controller copies `*.kubevirt.io/*` labels from the
 *   source onto the DataSource (datasource-controller.go, CopyAllowedLabels).
 * - `ruddervirt.io/sbom` on the DataSource names the ConfigMap holding the image's SBOM
 *   (sbom-config-map.ts), owned by the source, so it goes when the source is replaced.
 * - `ruddervirt.io/data-source=<name>` marks the object a DataSource of ours points at, so the
 *   next build finds and removes the one it replaces; such an object carries no run label and no
 *   owner (the run's cleanup leaves it).
 *
 * renderGoldenPublish is the publish step as renderBuild renders it (one per such VM): the patches,
 * the SBOM ConfigMap and the DataSource a build sends, with what only the build knows (the output's
 * sha256 and SBOM, a reused layer's kept output) as explicit inputs, placeholders in
 * `ruddervirt render`; cluster/golden-images.ts sends exactly what it returns.
 */
import type { DataSourceOutput } from '../../../core/config/data-source-output.js';
import { ANNOTATION_SBOM, sbomConfigMap, type SbomConfigMap } from './sbom-config-map.js';
import { LABEL_BUILD, LABEL_COMPONENT, LABEL_LAYER, LABEL_MANAGED_BY, LABEL_RUN, LABEL_VM, MANAGED_BY } from './labels.js';

export const LABEL_DEFAULT_INSTANCETYPE = 'instancetype.kubevirt.io/default-instancetype';
export const LABEL_DEFAULT_INSTANCETYPE_KIND = 'instancetype.kubevirt.io/default-instancetype-kind';
export const LABEL_DEFAULT_PREFERENCE = 'instancetype.kubevirt.io/default-preference';
export const LABEL_DEFAULT_PREFERENCE_KIND = 'instancetype.kubevirt.io/default-preference-kind';
/** On the output a DataSource of ours points at: that DataSource's name. */
export const LABEL_DATA_SOURCE = 'ruddervirt.io/data-source';
/** The output's sha256 (as on this machine), on the DataSource: an unchanged image is not replaced. */
export const ANNOTATION_DATA_SOURCE_SHA256 = 'ruddervirt.io/output-sha256';

export const DATA_SOURCE_API_VERSION = 'cdi.kubevirt.io/v1beta1';

/** The default instance type and preference labels; null for unset ones (a merge patch removes them). */
export function defaultInstancetypeLabels(ds: DataSourceOutput): Record<string, string | null> {
  return {
    [LABEL_DEFAULT_INSTANCETYPE]: ds.instancetype ?? null,
    [LABEL_DEFAULT_INSTANCETYPE_KIND]: ds.instancetype ? (ds.instancetypeKind ?? null) : null,
    [LABEL_DEFAULT_PREFERENCE]: ds.preference ?? null,
    [LABEL_DEFAULT_PREFERENCE_KIND]: ds.preference ? (ds.preferenceKind ?? null) : null,
  };
}

function present(labels: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => e[1] !== null));
}

export interface GoldenSource {
  kind: 'DataVolume' | 'VolumeSnapshot';
  namespace: string;
  name: string;
}

export interface GoldenScope {
  build: string;
  layer: string;
  vm: string;
}

/** The DataSource's spec.source for an output. A DataVolume's claim has the DataVolume's name. */
export function dataSourceSource(source: GoldenSource): Record<string, unknown> {
  const at = { namespace: source.namespace, name: source.name };
  return source.kind === 'VolumeSnapshot' ? { pvc: null, snapshot: at } : { pvc: at, snapshot: null };
}

/** A new DataSource pointing at `source`. */
export function dataSourceManifest(ds: DataSourceOutput, source: GoldenSource, scope: GoldenScope, sha256: string, sbom?: string): Record<string, unknown> {
  const { pvc, snapshot } = dataSourceSource(source) as { pvc: unknown; snapshot: unknown };
  return {
    apiVersion: DATA_SOURCE_API_VERSION,
    kind: 'DataSource',
    metadata: {
      name: ds.name,
      namespace: source.namespace,
      labels: { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_BUILD]: scope.build, [LABEL_LAYER]: scope.layer, [LABEL_VM]: scope.vm, [LABEL_COMPONENT]: 'data-source', ...present(defaultInstancetypeLabels(ds)) },
      annotations: { [ANNOTATION_DATA_SOURCE_SHA256]: sha256, ...(sbom ? { [ANNOTATION_SBOM]: sbom } : {}) },
    },
    spec: { source: pvc ? { pvc } : { snapshot } },
  };
}

/** The merge patch that points an existing DataSource of ours at `source`. */
export function dataSourcePatch(ds: DataSourceOutput, source: GoldenSource, scope: GoldenScope, sha256: string, sbom?: string): Record<string, unknown> {
  return {
    metadata: {
      labels: { [LABEL_BUILD]: scope.build, [LABEL_LAYER]: scope.layer, [LABEL_VM]: scope.vm, ...defaultInstancetypeLabels(ds) },
      annotations: { [ANNOTATION_DATA_SOURCE_SHA256]: sha256, [ANNOTATION_SBOM]: sbom ?? null },
    },
    spec: { source: dataSourceSource(source) },
  };
}

/**
 * The merge patch that makes a run's output the golden image: out of the run (no owner, no run
 * label), marked with the DataSource's name and the default labels.
 */
export function goldenOutputPatch(ds: DataSourceOutput, sha256: string): Record<string, unknown> {
  return {
    metadata: {
      ownerReferences: null,
      labels: { [LABEL_RUN]: null, [LABEL_DATA_SOURCE]: ds.name, ...defaultInstancetypeLabels(ds) },
      annotations: { [ANNOTATION_DATA_SOURCE_SHA256]: sha256 },
    },
  };
}

/** The labels that go on a DataVolume's claim (KubeVirt reads the defaults from the PVC). */
export function goldenClaimPatch(ds: DataSourceOutput): Record<string, unknown> {
  return { metadata: { labels: { [LABEL_DATA_SOURCE]: ds.name, ...defaultInstancetypeLabels(ds) } } };
}

/** The patch that un-marks an output a DataSource no longer points at but which stays (a kept layer). */
export function releasedOutputPatch(): Record<string, unknown> {
  return {
    metadata: {
      labels: { [LABEL_DATA_SOURCE]: null, [LABEL_DEFAULT_INSTANCETYPE]: null, [LABEL_DEFAULT_INSTANCETYPE_KIND]: null, [LABEL_DEFAULT_PREFERENCE]: null, [LABEL_DEFAULT_PREFERENCE_KIND]: null },
    },
  };
}

/** Outputs a DataSource of ours points at, or pointed at before. */
export function goldenOutputSelector(name: string): string {
  return `${LABEL_MANAGED_BY}=${MANAGED_BY},${LABEL_DATA_SOURCE}=${name}`;
}

/** A JSON merge patch (RFC 7386) a build sends, rendered like the objects it creates. */
export interface RenderedPatch {
  target: { apiVersion: string; kind: string; namespace: string; name: string };
  patch: Record<string, unknown>;
  note: string;
}

/**
 * What only the build knows when it publishes (run-inputs.ts): the output, its sha256 as
 * downloaded, and its SBOM — the document read from the guest and the output's uid (the
 * ConfigMap's owner) when it is stored now, and the name of the ConfigMap the DataSource names.
 */
export interface GoldenPublishInputs {
  source: GoldenSource;
  sha256: string;
  sbom?: { document: string; ownerUid: string };
  sbomConfigMap?: string;
}

/** The publish step of one VM (output.dataSource), in the order a build sends it. */
export interface RenderedPublish {
  /** "layer/vm" */
  vm: string;
  dataSource: DataSourceOutput;
  source: GoldenSource;
  /** First: the output out of the run and labelled; a DataVolume's claim labelled too. */
  patches: RenderedPatch[];
  /** Then the output's SBOM beside it, owned by it (unless a ConfigMap there already holds this sha256's). */
  sbom?: SbomConfigMap;
  /** Then the DataSource, created when the namespace has none of that name… */
  object: Record<string, unknown>;
  /** …else, when one of ours is there, pointed at the new source by this patch instead. */
  refresh: RenderedPatch;
  /**
   * Last, each earlier output the DataSource pointed at and that stays as a kept layer output is
   * un-marked by this patch (its name is found by label at run time); the others are deleted.
   */
  release: RenderedPatch;
}

const SOURCE_API_VERSIONS: Record<GoldenSource['kind'], string> = { DataVolume: 'cdi.kubevirt.io/v1beta1', VolumeSnapshot: 'snapshot.storage.k8s.io/v1' };

/** The publish step of a VM whose output becomes the golden image behind `ds` (see the file comment). */
export function renderGoldenPublish(vm: string, ds: DataSourceOutput, scope: GoldenScope, inputs: GoldenPublishInputs): RenderedPublish {
  const { source, sha256 } = inputs;
  const at = { namespace: source.namespace, name: source.name };
  const patches: RenderedPatch[] = [
    { target: { apiVersion: SOURCE_API_VERSIONS[source.kind], kind: source.kind, ...at }, patch: goldenOutputPatch(ds, sha256), note: `output of ${vm}: out of the run, the golden image behind DataSource ${ds.name}` },
  ];
  // KubeVirt reads the default instance type from the PVC a DataVolume made (pkg/instancetype/infer/volume.go fromPVC, kubevirt/kubevirt v1.9.0).
  if (source.kind === 'DataVolume') patches.push({ target: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', ...at }, patch: goldenClaimPatch(ds), note: `the claim of the output of ${vm}: the same labels` });
  const sbom = inputs.sbom
    ? sbomConfigMap({
        namespace: source.namespace,
        owner: { apiVersion: SOURCE_API_VERSIONS[source.kind], kind: source.kind, name: source.name, uid: inputs.sbom.ownerUid },
        scope,
        sha256,
        document: inputs.sbom.document,
      })
    : undefined;
  return {
    vm,
    dataSource: ds,
    source,
    patches,
    ...(sbom ? { sbom } : {}),
    object: dataSourceManifest(ds, source, scope, sha256, inputs.sbomConfigMap),
    refresh: {
      target: { apiVersion: DATA_SOURCE_API_VERSION, kind: 'DataSource', namespace: source.namespace, name: ds.name },
      patch: dataSourcePatch(ds, source, scope, sha256, inputs.sbomConfigMap),
      note: `DataSource ${ds.name}, when one of ours is there already: pointed at the output of ${vm}`,
    },
    release: {
      target: { apiVersion: SOURCE_API_VERSIONS[source.kind], kind: source.kind, namespace: source.namespace, name: `<each earlier output labelled ${LABEL_DATA_SOURCE}=${ds.name} that is a kept layer output>` },
      patch: releasedOutputPatch(),
      note: `earlier outputs behind DataSource ${ds.name} that later builds may still start from: un-marked (the others are deleted)`,
    },
  };
}

/** The sha256 a rendered publish shows until the build has downloaded the output. */
export const SHA256_PLACEHOLDER = '<sha256 of the output, set when the build has it>';
/** The SBOM document a rendered publish shows until the build has read it from the guest. */
export const SBOM_DOCUMENT_PLACEHOLDER = '<the SPDX document read from the guest, set when the output is published>';
