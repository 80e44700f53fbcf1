/**
 * Uploading a local disk image into an `upload` DataVolume through CDI's upload proxy, the way
 * `virtctl image-upload` does: wait until the DataVolume's upload server is ready (phase
 * UploadReady), ask for a token (an UploadTokenRequest for the PVC), and POST the image to
 * /v1beta1/upload with the token as a bearer. CDI converts qcow2 and raw to the volume's raw
 * disk itself. Each try asks for a fresh token: CDI's tokens live 5 minutes
 * (kubevirt/containerized-data-importer pkg/apiserver/apiserver.go, v1.66.0), so a retry after a
 * long first try would otherwise be refused 401 by the proxy (pkg/uploadproxy/uploadproxy.go).
 *
 * Where the proxy is: CDIConfig's status.uploadProxyURL when the cluster publishes one (an
 * Ingress; virtctl's first choice too), else a port-forward to a cdi-uploadproxy pod.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { UserError } from '../../../core/errors.js';
import type { Logger } from '../../../core/log.js';
import { ProgressReporter } from '../../../core/progress-reporter.js';
import { CDI_NAMESPACE } from '../api-calls.js';
import { clusterHttpsRequest, routeToService, transferRetryable, type HttpsTarget } from './cluster-https.js';
import { readBody } from './kube-api.js';
import type { LiveObject, ObjectClient } from './objects.js';
import { withRetries } from './retry.js';
import { waitFor } from './wait.js';
import { dataVolumeRef, type DataVolumeObject } from './data-volume-wait.js';

export const UPLOAD_PROXY_SERVICE = 'cdi-uploadproxy';
const UPLOAD_PROXY_PORT = 443;
/** The synchronous endpoint: it answers once the upload server has the whole image. */
const UPLOAD_PATH = '/v1beta1/upload';

export interface UploadRequest {
  objects: ObjectClient;
  namespace: string;
  dataVolume: string;
  file: string;
  logger: Logger;
  signal: AbortSignal;
  /** For the upload server to become ready. */
  readyTimeoutMs: number;
  /** The cluster's CA (PEM), trusted for a published proxy address. */
  clusterCa?: string;
}

interface UploadTokenRequest extends LiveObject {
  spec: { pvcName: string };
  status?: { token?: string };
}

interface CdiConfig extends LiveObject {
  status?: { uploadProxyURL?: string };
}

/** Where CDI's upload proxy answers, and how to get there. */
async function uploadProxy(req: UploadRequest): Promise<HttpsTarget> {
  let published: string | undefined;
  try {
    const config = await req.objects.get<CdiConfig>({ apiVersion: 'cdi.kubevirt.io/v1beta1', kind: 'CDIConfig', name: 'config' }, req.signal);
    published = config?.status?.uploadProxyURL;
  } catch (err) {
    // Reading CDIConfig is optional (discovery role); without it we port-forward.
    req.logger.debug(`upload: cannot read CDIConfig: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (published) {
    const url = new URL(`${/^https?:\/\//.test(published) ? published : `https://${published}`}`.replace(/\/+$/, '') + UPLOAD_PATH);
    return { url, route: { kind: 'direct' }, ...(req.clusterCa ? { ca: [req.clusterCa] } : {}) };
  }
  const route = await routeToService(req.objects, { namespace: CDI_NAMESPACE, service: UPLOAD_PROXY_SERVICE, port: UPLOAD_PROXY_PORT, signal: req.signal });
  // CDI's own CA signs the proxy's certificate and lives in the cdi namespace, which a builder
  // may not read; the tunnel runs inside the verified API server connection instead.
  return { url: new URL(`https://${UPLOAD_PROXY_SERVICE}.${CDI_NAMESPACE}.svc${UPLOAD_PATH}`), route, insecure: true };
}

export async function uploadDisk(req: UploadRequest): Promise<void> {
  const { objects, logger, signal } = req;
  const ref = dataVolumeRef(req.namespace, req.dataVolume);
  const size = (
    await stat(req.file).catch(() => {
      throw new UserError(`cannot upload ${req.file}: it does not exist`);
    })
  ).size;

  const ready = await waitFor<DataVolumeObject, 'ready' | 'done'>(objects, {
    ref,
    what: `the upload server of DataVolume ${req.dataVolume}`,
    timeoutMs: req.readyTimeoutMs,
    signal,
    judge: (dv) => {
      const phase = dv?.status?.phase;
      if (phase === 'UploadReady') return { done: 'ready' };
      if (phase === 'Succeeded') return { done: 'done' };
      if (phase === 'Failed') return { failed: dv?.status?.conditions?.find((c) => c.type === 'Running')?.message ?? 'the DataVolume failed' };
      return { waiting: dv ? `phase ${phase || 'none yet'}` : 'not created yet' };
    },
  });
  if (ready === 'done') return;

  const target = await uploadProxy(req);
  logger.info(`upload: ${req.file} (${size} bytes) → DataVolume ${req.dataVolume} via ${target.route.kind === 'direct' ? target.url.host : `a port-forward to ${target.route.namespace}/${target.route.pod}`}`);
  await withRetries(
    async (attempt) => {
      const token = await uploadToken(objects, req.namespace, req.dataVolume, signal);
      const progress = new ProgressReporter(logger, `upload ${req.dataVolume}`, size);
      progress.start();
      // Counted as it is sent: a 'data' listener on the file itself would start it flowing
      // before the request is there to take the bytes.
      const file = createReadStream(req.file);
      const body = file.pipe(
        new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            progress.add(chunk.length);
            callback(null, chunk);
          },
        }),
      );
      let res;
      try {
        res = await clusterHttpsRequest(objects.api, target, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': String(size) },
          body,
          signal,
        });
      } finally {
        // A proxy that answers or fails before taking every byte leaves the file unread, and
        // pipe() would hold it open until garbage collection; every retry opens it again.
        file.destroy();
      }
      const text = await readBody(res, signal);
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        progress.finish(attempt > 1 ? `after ${attempt} tries` : undefined);
        return;
      }
      const error = new UploadError(`CDI's upload proxy refused the upload of ${req.dataVolume} (${status}): ${text.trim().slice(0, 300)}`);
      error.status = status;
      throw error;
    },
    {
      signal,
      attempts: 3,
      baseDelayMs: 2_000,
      // A 401 is an expired token: the next try asks for a new one.
      retryable: (err) => transferRetryable(err) || (err instanceof UploadError && err.status === 401),
      onRetry: (err) => logger.warn(`upload: ${err instanceof Error ? err.message : String(err)}; starting it again`),
    },
  );
}

/** A token for one upload try (CDI's API server signs it; it is never stored). */
async function uploadToken(objects: ObjectClient, namespace: string, dataVolume: string, signal: AbortSignal): Promise<string> {
  const tokenRequest = await objects.create<UploadTokenRequest>(
    { apiVersion: 'upload.cdi.kubevirt.io/v1beta1', kind: 'UploadTokenRequest', metadata: { name: dataVolume, namespace }, spec: { pvcName: dataVolume } },
    signal,
  );
  const token = tokenRequest.status?.token;
  if (!token) throw new Error(`CDI returned no upload token for ${dataVolume}`);
  return token;
}

class UploadError extends UserError {
  override name = 'UploadError';
  status = 0;
}
