/**
 * Taking a disk out of the cluster through a VirtualMachineExport (kubevirt/kubevirt
 * pkg/storage/export/export/export.go@v1.5.0):
 * wait until the export is Ready, pick the disk's gzip link (raw when there is none; the export
 * server offers no qcow2), and download it with the token in the x-kubevirt-export-token header,
 * unpacking gzip on the fly into a sparse raw file. The caller converts that to the asked format.
 *
 * Route: the external link when an Ingress publishes one; the internal link when we run in the
 * cluster; otherwise a port-forward to the export server's pod (`virtctl vmexport download
 * --port-forward`). The server's certificate is checked against the CA the export publishes.
 */
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { UserError } from '../../../core/errors.js';
import type { Logger } from '../../../core/log.js';
import { ProgressReporter } from '../../../core/progress-reporter.js';
import { clusterHttpsRequest, routeToService, runningInCluster, transferRetryable, type HttpsTarget } from './cluster-https.js';
import { readBody } from './kube-api.js';
import type { LiveObject, ObjectClient } from './objects.js';
import { withRetries } from './retry.js';
import { SparseFileWriter } from './sparse-file-writer.js';
import { waitFor, type Verdict } from './wait.js';

export const EXPORT_TOKEN_HEADER = 'x-kubevirt-export-token';
const EXPORT_SERVICE_PORT = 443;

interface ExportFormat {
  format?: string;
  url?: string;
}

interface ExportLinks {
  cert?: string;
  volumes?: { name?: string; formats?: ExportFormat[] }[];
}

export interface VirtualMachineExportObject extends LiveObject {
  status?: {
    phase?: string;
    serviceName?: string;
    links?: { internal?: ExportLinks; external?: ExportLinks };
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
  };
}

export function judgeExport(object: VirtualMachineExportObject | undefined): Verdict<VirtualMachineExportObject> {
  if (!object) return { waiting: 'not created yet' };
  const phase = object.status?.phase ?? '';
  const hasLinks = (object.status?.links?.internal?.volumes?.length ?? 0) > 0 || (object.status?.links?.external?.volumes?.length ?? 0) > 0;
  if (phase === 'Ready' && hasLinks) return { done: object };
  if (phase === 'Terminated') return { failed: 'the export ended (its time to live ran out, or its source started running)' };
  if (phase === 'Skipped') return { failed: 'KubeVirt skipped the export (its source holds no exportable volume)' };
  const why = object.status?.conditions?.find((c) => c.status !== 'True' && (c.message || c.reason));
  return { waiting: `${phase || 'Pending'}${why ? ` (${why.reason ?? ''}${why.message ? `: ${why.message}` : ''})` : ''}` };
}

export interface DiskLink {
  url: URL;
  format: 'gzip' | 'raw';
  links: ExportLinks;
  external: boolean;
}

/** The download link of the wanted volume: gzip first (fewer bytes through a port-forward), else raw. */
export function pickDiskLink(object: VirtualMachineExportObject, volume: string | undefined, preferExternal: boolean): DiskLink {
  const sets: [ExportLinks | undefined, boolean][] = [
    [object.status?.links?.external, true],
    [object.status?.links?.internal, false],
  ];
  if (!preferExternal) sets.reverse();
  for (const [links, external] of sets) {
    const volumes = links?.volumes ?? [];
    const chosen = volumes.find((v) => v.name === volume) ?? volumes.find((v) => volume !== undefined && v.name?.includes(volume)) ?? volumes[0];
    for (const format of ['gzip', 'raw'] as const) {
      const url = chosen?.formats?.find((f) => f.format === format)?.url;
      if (url) return { url: new URL(url), format, links: links!, external };
    }
  }
  throw new UserError(`VirtualMachineExport ${object.metadata.name} offers no raw or gzip disk link (formats: ${JSON.stringify(object.status?.links ?? {})})`);
}

export interface ExportDownloadRequest {
  objects: ObjectClient;
  namespace: string;
  exportName: string;
  /** export.kubevirt.io/v1 or v1beta1, as created. */
  apiVersion: string;
  token: string;
  /** The PVC whose disk is wanted (an export of a VM snapshot lists several). */
  volume?: string;
  /** The raw disk is written here. */
  rawFile: string;
  logger: Logger;
  signal: AbortSignal;
  readyTimeoutMs: number;
  env: NodeJS.ProcessEnv;
  clusterCa?: string;
}

async function target(req: ExportDownloadRequest, object: VirtualMachineExportObject): Promise<{ target: HttpsTarget; format: 'gzip' | 'raw' }> {
  const inCluster = runningInCluster(req.env);
  const link = pickDiskLink(object, req.volume, !inCluster);
  const ca = [link.links.cert, link.external ? req.clusterCa : undefined].filter((c): c is string => Boolean(c));
  if (link.external || inCluster) return { target: { url: link.url, route: { kind: 'direct' }, ca }, format: link.format };
  const service = object.status?.serviceName ?? `virt-export-${req.exportName}`;
  const route = await routeToService(req.objects, { namespace: req.namespace, service, port: EXPORT_SERVICE_PORT, signal: req.signal });
  return { target: { url: link.url, route, ca }, format: link.format };
}

/** Waits for the export and downloads its disk as a raw file. */
export async function downloadExport(req: ExportDownloadRequest): Promise<void> {
  const { objects, logger, signal } = req;
  const ref = { apiVersion: req.apiVersion, kind: 'VirtualMachineExport', namespace: req.namespace, name: req.exportName };
  const ready = await waitFor<VirtualMachineExportObject, VirtualMachineExportObject>(objects, {
    ref,
    what: `the export ${req.exportName}`,
    timeoutMs: req.readyTimeoutMs,
    signal,
    judge: judgeExport,
    onState: (_o, verdict) => {
      if ('waiting' in verdict) logger.info(`export: ${verdict.waiting}`);
    },
  });
  const { target: where, format } = await target(req, ready);
  logger.info(`export: downloading ${format} from ${where.url.host}${where.route.kind === 'port-forward' ? ` through a port-forward to pod ${where.route.namespace}/${where.route.pod}` : ''}`);
  await withRetries(
    async () => {
      const res = await clusterHttpsRequest(objects.api, where, { method: 'GET', headers: { [EXPORT_TOKEN_HEADER]: req.token, accept: '*/*' }, signal });
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        const text = await readBody(res, signal).catch(() => '');
        const error = new UserError(`the export server answered ${status} for ${where.url.pathname}: ${text.trim().slice(0, 300)}`);
        throw Object.assign(error, { status });
      }
      const length = Number(res.headers['content-length']);
      const progress = new ProgressReporter(logger, `download ${req.exportName} (${format})`, Number.isFinite(length) && length > 0 ? length : undefined);
      progress.start();
      const counter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          progress.add(chunk.length);
          cb(null, chunk);
        },
      });
      const writer = new SparseFileWriter(req.rawFile);
      if (format === 'gzip') await pipeline(res, counter, createGunzip(), writer, { signal });
      else await pipeline(res, counter, writer, { signal });
      progress.finish(`${writer.bytesWritten} bytes of disk`);
    },
    {
      signal,
      attempts: 3,
      baseDelayMs: 2_000,
      retryable: transferRetryable,
      onRetry: (err) => logger.warn(`export: ${err instanceof Error ? err.message : String(err)}; downloading again`),
    },
  );
}
