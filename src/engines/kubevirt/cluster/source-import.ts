/**
 * The import-source stage on KubeVirt: only the DataVolume that holds a VM's source — the root
 * disk (an http or registry import by CDI, an upload of a local disk or of a `from:` parent) or,
 * for an installer ISO, the ISO's volume — created in the run and filled, with progress. build-vm
 * later creates the VM's other objects; its create of this one adopts it (same name, same run
 * label), and an upload that already succeeded is not sent again.
 */
import type { Build, Layer, Vm } from '../../../core/config/model.js';
import type { Logger } from '../../../core/log.js';
import { allOrNothing } from './abort-together.js';
import { waitForDataVolumes } from './data-volume-wait.js';
import { localDiskUploads } from './local-disk-uploads.js';
import type { RunSession } from './session.js';
import { uploadDisk } from './upload.js';

export interface SourceImportRequest {
  build: Build;
  layer: Layer;
  vm: Vm;
  /** For `from:`: the parent's output on this machine (it is uploaded). */
  parentDisk?: string;
  logger: Logger;
  signal: AbortSignal;
}

export interface ImportedSourceVolume {
  /** namespace/name, for people. */
  reference: string;
  namespace: string;
  /** The DataVolume, and the PersistentVolumeClaim CDI made for it (same name). */
  dataVolume: string;
  /** Filled by CDI from a URL or registry, or uploaded from this machine. */
  how: 'import' | 'upload';
}

export async function importSourceVolume(session: RunSession, req: SourceImportRequest): Promise<ImportedSourceVolume> {
  const { build, layer, vm, logger, signal } = req;
  const key = `${layer.name}/${vm.name}`;
  const rendered = session.run.rendered.vms.find((v) => v.layer === layer.name && v.vm === vm.name);
  if (!rendered) throw new Error(`internal: ${key} was not rendered`);
  const name = vm.source.kind === 'iso' ? rendered.names.installIso : rendered.names.rootDisk;
  const object = session.run.rendered.objects.find((o) => o.vm === key && o.step === 'prepare' && o.object.kind === 'DataVolume' && o.object.metadata.name === name);
  if (!object) throw new Error(`internal: no source DataVolume ${name} rendered for ${key}`);

  const { uploads, rootSource } = localDiskUploads({
    build,
    vm,
    key,
    names: rendered.names,
    outputs: session.outputs,
    logger,
    ...(req.parentDisk ? { parentDisk: req.parentDisk } : {}),
  });
  const upload = uploads.find((u) => u.dataVolume === name);
  await session.run.create(object, signal, name === rendered.names.rootDisk && rootSource ? { volumeSources: new Map([[name, rootSource]]) } : {});
  const label = vm.source.kind === 'iso' ? `installer ISO of ${key}` : `root disk of ${key}`;
  await allOrNothing<unknown>(signal, [
    (s) => waitForDataVolumes({ objects: session.objects, namespace: session.namespace, dataVolumes: [{ name, label }], logger, signal: s, timeoutMs: session.timeouts.import }),
    ...(upload
      ? [
          (s: AbortSignal) =>
            uploadDisk({ objects: session.objects, namespace: session.namespace, ...upload, logger, signal: s, readyTimeoutMs: session.timeouts.import, ...(session.clusterCa ? { clusterCa: session.clusterCa } : {}) }),
        ]
      : []),
  ]);
  return { reference: `${session.namespace}/${name}`, namespace: session.namespace, dataVolume: name, how: upload ? 'upload' : 'import' };
}
