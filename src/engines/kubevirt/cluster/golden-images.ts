/**
 * Golden images that stay in the cluster (output.dataSource; manifests/golden-image.ts): a VM's
 * output — the clone DataVolume or the VolumeSnapshot its run captured, or the kept output a reused
 * layer stands on — is taken out of the run, labelled, and a CDI DataSource points at it. On
 * refresh the DataSource is pointed at the new output first, and only then is the output it
 * pointed at before removed (or, if that one is also a kept layer output, only un-marked), so a VM
 * created from the DataSource at any moment finds a source. The wait for the DataSource's Ready
 * condition is CDI's own verdict that its source can be cloned (datasource-controller.go v1.66.0).
 *
 * What is sent is the publish step renderBuild renders (manifests/golden-image.ts
 * renderGoldenPublish): the engine passes it in, with this build's source, sha256 and SBOM as its
 * inputs, so `ruddervirt render` shows the same patches and DataSource; nothing here edits them.
 *
 * DataImportCron, which keeps the common boot sources, does the same: it creates a new source,
 * updates the DataSource, then garbage-collects older sources (containerized-data-importer
 * v1.66.0 pkg/controller/dataimportcron-controller.go, updateDataSource / garbageCollectOldImports).
 */
import type { DataSourceOutput } from '../../../core/config/data-source-output.js';
import { UserError } from '../../../core/errors.js';
import type { Logger } from '../../../core/log.js';
import { LABEL_LAYER_KEY, LABEL_MANAGED_BY, MANAGED_BY } from '../manifests/labels.js';
import {
  ANNOTATION_DATA_SOURCE_SHA256,
  DATA_SOURCE_API_VERSION,
  goldenOutputSelector,
  renderGoldenPublish,
  type GoldenScope,
  type GoldenSource,
  type RenderedPatch,
  type RenderedPublish,
} from '../manifests/golden-image.js';
import { KubeApiError } from './kube-api-error.js';
import type { LiveObject, ObjectClient } from './objects.js';
import { describeRef, refOf, type ObjectRef } from './resources.js';
import { waitFor, type Verdict } from './wait.js';
import { waitUntilGone } from './wait-gone.js';

const KINDS = {
  DataVolume: 'cdi.kubevirt.io/v1beta1',
  VolumeSnapshot: 'snapshot.storage.k8s.io/v1',
} as const;

interface DataSourceObject extends LiveObject {
  spec?: { source?: { pvc?: { namespace?: string; name: string }; snapshot?: { namespace?: string; name: string } } };
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

export interface PublishGoldenRequest {
  objects: ObjectClient;
  dataSource: DataSourceOutput;
  source: GoldenSource;
  scope: GoldenScope;
  sha256: string;
  /** The ConfigMap holding the source's SBOM (cluster/kept-sboms.ts): the DataSource names it. */
  sbom?: string;
  /**
   * The publish step as the build renders it (RenderedBuild.publish, rendered with this source,
   * sha256 and SBOM); without it (a caller with no rendered build) it is rendered here by the same
   * function from the fields above.
   */
  plan?: RenderedPublish;
  logger: Logger;
  signal: AbortSignal;
  timeoutMs: number;
}

export interface PublishedGolden {
  /** "DataSource ns/name → DataVolume ns/x" */
  where: string;
  /** What the DataSource pointed at before and was removed (or un-marked, when a kept layer output). */
  replaced: string[];
  /** Nothing changed: the DataSource already pointed at this source. */
  unchanged: boolean;
}

function sourceRef(source: GoldenSource): ObjectRef {
  return { apiVersion: KINDS[source.kind], kind: source.kind, namespace: source.namespace, name: source.name };
}

function dataSourceRef(ds: DataSourceOutput, namespace: string): ObjectRef {
  return { apiVersion: DATA_SOURCE_API_VERSION, kind: 'DataSource', namespace, name: ds.name };
}

/** Where an existing DataSource points (in its namespace when the source names none). */
export function pointsAt(ds: DataSourceObject): GoldenSource | undefined {
  const s = ds.spec?.source;
  const ns = ds.metadata.namespace ?? '';
  if (s?.pvc) return { kind: 'DataVolume', namespace: s.pvc.namespace || ns, name: s.pvc.name };
  if (s?.snapshot) return { kind: 'VolumeSnapshot', namespace: s.snapshot.namespace || ns, name: s.snapshot.name };
  return undefined;
}

function judgeReady(ds: DataSourceObject | undefined): Verdict<true> {
  if (!ds) return { waiting: 'not there yet' };
  const ready = ds.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status === 'True') return { done: true };
  return { waiting: ready ? `Ready ${ready.status}: ${ready.reason ?? ''} ${ready.message ?? ''}`.trim() : 'no Ready condition yet (is CDI running?)' };
}

/** The existing DataSource of that name, or undefined; refuses one ruddervirt did not make. */
async function existingDataSource(objects: ObjectClient, ref: ObjectRef, signal: AbortSignal): Promise<DataSourceObject | undefined> {
  let found: DataSourceObject | undefined;
  try {
    found = await objects.get<DataSourceObject>(ref, signal);
  } catch (err) {
    if (err instanceof KubeApiError && err.notFound) {
      throw new UserError(`${describeRef(ref)}: the cluster serves no DataSources (cdi.kubevirt.io/v1beta1 datasources); output.dataSource needs CDI v1.43 or later`);
    }
    throw err;
  }
  if (found && found.metadata.labels?.[LABEL_MANAGED_BY] !== MANAGED_BY) {
    throw new UserError(`${describeRef(ref)} exists and was not made by ruddervirt (no label ${LABEL_MANAGED_BY}=${MANAGED_BY}); choose another output.dataSource name, or delete it if it may be replaced`);
  }
  return found;
}

/**
 * The DataSource of an unchanged image: whether it already points at an output with this sha256
 * (a layer reused from the local layer cache has no output in the cluster to point at).
 */
export async function goldenUpToDate(objects: ObjectClient, ds: DataSourceOutput, namespace: string, sha256: string, signal: AbortSignal): Promise<string | undefined> {
  const ref = dataSourceRef(ds, namespace);
  const found = await existingDataSource(objects, ref, signal);
  const at = found ? pointsAt(found) : undefined;
  if (!found || !at || found.metadata.annotations?.[ANNOTATION_DATA_SOURCE_SHA256] !== sha256) return undefined;
  const source = await objects.get(sourceRef(at), signal);
  return source ? `${describeRef(ref)} → ${describeRef(sourceRef(at))}` : undefined;
}

function sendPatch(objects: ObjectClient, p: RenderedPatch, signal: AbortSignal): Promise<unknown> {
  return objects.mergePatch(p.target, p.patch, signal);
}

/** Makes `source` the golden image behind the DataSource (see the file comment). */
export async function publishGolden(req: PublishGoldenRequest): Promise<PublishedGolden> {
  const { objects, dataSource: ds, source, scope, sha256, logger, signal } = req;
  const plan = req.plan ?? renderGoldenPublish(`${scope.layer}/${scope.vm}`, ds, scope, { source, sha256, ...(req.sbom ? { sbomConfigMap: req.sbom } : {}) });
  if (plan.source.kind !== source.kind || plan.source.name !== source.name || plan.source.namespace !== source.namespace || plan.dataSource.name !== ds.name) {
    throw new Error(`internal: the publish step was rendered for ${describeRef(sourceRef(plan.source))}, not ${describeRef(sourceRef(source))}`);
  }
  const dsRef = dataSourceRef(ds, source.namespace);
  const srcRef = sourceRef(source);
  const existing = await existingDataSource(objects, dsRef, signal);
  const before = existing ? pointsAt(existing) : undefined;
  const unchanged = before?.kind === source.kind && before.name === source.name && before.namespace === source.namespace;

  // The source first: labelled and out of the run before anything points at it.
  for (const p of plan.patches) await sendPatch(objects, p, signal);
  if (existing) await sendPatch(objects, plan.refresh, signal);
  else await objects.create(plan.object as unknown as LiveObject, signal);
  await waitFor<DataSourceObject, true>(objects, {
    ref: dsRef,
    what: `${describeRef(dsRef)} to be Ready`,
    timeoutMs: req.timeoutMs,
    signal,
    judge: judgeReady,
    explain: [dsRef, srcRef],
  });
  const where = `${describeRef(dsRef)} → ${describeRef(srcRef)}`;
  logger.info(`golden image: ${unchanged ? 'still ' : ''}${where} (Ready)`);

  // Then the sources it pointed at before: every output marked with this DataSource but the new one.
  const replaced: string[] = [];
  const doomed: ObjectRef[] = [];
  for (const [kind, apiVersion] of Object.entries(KINDS) as [GoldenSource['kind'], string][]) {
    const { items } = await objects.list<LiveObject>(apiVersion, kind, source.namespace, { labelSelector: goldenOutputSelector(ds.name) }, signal);
    for (const o of items) {
      const ref = refOf(o);
      if (kind === source.kind && o.metadata.name === source.name) continue;
      if (o.metadata.labels?.[LABEL_LAYER_KEY] !== undefined) {
        // Also a kept layer output: later builds may still start from it; kept-layer pruning removes it.
        await objects.mergePatch(ref, plan.release.patch, signal);
        if (kind === 'DataVolume') await objects.mergePatch({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: source.namespace, name: o.metadata.name }, plan.release.patch, signal).catch(() => undefined);
        replaced.push(`${describeRef(ref)} (kept as a layer output)`);
        continue;
      }
      await objects.delete(ref, signal);
      doomed.push(ref);
      replaced.push(describeRef(ref));
    }
  }
  const left = await waitUntilGone(objects, doomed, Date.now() + req.timeoutMs, req.timeoutMs);
  if (replaced.length > 0) logger.info(`golden image ${ds.name}: replaced ${replaced.join(', ')}`);
  if (left.length > 0) logger.warn(`golden image ${ds.name}: not yet gone: ${left.join(', ')}`);
  return { where, replaced, unchanged };
}
