/**
 * Create, read, list and delete of whole objects, with the conventions a build needs:
 *
 * - create-or-adopt: a create answered "AlreadyExists" can mean our own earlier try went through
 *   (the answer was lost, or the server failed after storing it). Every object carries the run's
 *   label and run ids are fresh per build, so an existing object with our run label is ours and
 *   is adopted; one without it is someone else's and stops the build. Secrets cannot be read back
 *   (the engine never reads Secrets, see api-calls.ts), so an existing Secret of this run's name
 *   is replaced: deleted and created again.
 * - transient failures (429, 5xx, 409 Conflict, dropped connections) are retried with backoff;
 * - failures that are the user's to fix (401, 403, a missing namespace, a refused object) become
 *   UserErrors that say what was attempted and what to do;
 * - creates and patches ask for `fieldValidation=Strict`. A real API server defaults to Warn,
 *   which drops a field the installed CRD does not know and says so only in a Warning header —
 *   `spec.source.http.checksum` on a CDI before v1.65 (kubevirt/containerized-data-importer
 *   staging/src/kubevirt.io/containerized-data-importer-api/pkg/apis/core/v1beta1/types.go has no
 *   Checksum in v1.64.0) would import a disk unverified without a word. Strict refuses it instead.
 */
import { UserError } from '../../../core/errors.js';
import type { Logger } from '../../../core/log.js';
import { LABEL_RUN } from '../manifests/labels.js';
import { isTransient, KubeApiError } from './kube-api-error.js';
import type { KubeApi } from './kube-api.js';
import { collectionPath, describeRef, objectPath, refOf, type ObjectRef } from './resources.js';
import { withRetries } from './retry.js';

export interface LiveObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    deletionTimestamp?: string;
    creationTimestamp?: string;
  };
}

export interface ObjectList<T> {
  items: T[];
  resourceVersion: string;
}

export interface ListFilter {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
}

const RBAC_HINT = 'grant the roles in docs/rbac.yaml (ruddervirt render --rbac --namespace NS prints them)';

/** Sent with every create and patch (see the file comment). */
const STRICT = { fieldValidation: 'Strict' } as const;

/** Turns errors the user must fix into UserErrors that say what was being done. */
export function explainApiError(err: unknown, doing: string, namespace?: string): unknown {
  if (!(err instanceof KubeApiError)) return err;
  switch (err.status) {
    case 401:
      return new UserError(`${doing}: the API server refused our credentials (401): check the kubeconfig's user and token`);
    case 403:
      return new UserError(`${doing}: forbidden (403): ${err.detail}; ${RBAC_HINT}`);
    case 400:
    case 422:
      if (/strict decoding error: unknown field/.test(err.detail)) {
        return new UserError(
          `${doing}: the API server refused it (${err.status} ${err.reason}): ${err.detail}; the installed version of that API is older than this build needs (spec.source.http.checksum needs CDI v1.65 or later): upgrade it`,
        );
      }
      return new UserError(`${doing}: the API server refused it (${err.status} ${err.reason}): ${err.detail}`);
    case 404:
      if (namespace !== undefined && /namespaces? .*not found/i.test(err.detail)) {
        return new UserError(`${doing}: namespace '${namespace}' does not exist; create it (kubectl create namespace ${namespace}) or pass --namespace`);
      }
      return err;
    default:
      return err;
  }
}

export class ObjectClient {
  constructor(
    readonly api: KubeApi,
    private readonly logger: Logger,
  ) {}

  private retries(signal: AbortSignal, what: string) {
    return {
      signal,
      onRetry: (err: unknown, attempt: number, delayMs: number) => this.logger.debug(`${what}: ${err instanceof Error ? err.message : String(err)}; trying again in ${delayMs} ms (try ${attempt + 1})`),
    };
  }

  async create<T extends LiveObject>(object: T, signal: AbortSignal): Promise<T> {
    const ref = refOf(object);
    const what = `creating ${describeRef(ref)}`;
    const path = collectionPath(ref.apiVersion, ref.kind, ref.namespace);
    try {
      return await withRetries(
        async () => {
          try {
            return await this.api.json<T>('POST', path, { body: object, query: STRICT, signal });
          } catch (err) {
            if (!(err instanceof KubeApiError && err.alreadyExists)) throw err;
            return this.adopt(object, ref, path, signal);
          }
        },
        this.retries(signal, what),
      );
    } catch (err) {
      throw explainApiError(err, what, ref.namespace);
    }
  }

  private async adopt<T extends LiveObject>(object: T, ref: ObjectRef, path: string, signal: AbortSignal): Promise<T> {
    if (ref.kind === 'Secret') {
      this.logger.debug(`${describeRef(ref)} already exists (an earlier try of this run); replacing it`);
      await this.delete(ref, signal);
      return this.api.json<T>('POST', path, { body: object, query: STRICT, signal });
    }
    const existing = await this.get<T>(ref, signal);
    if (!existing) {
      // Told it exists, found nothing: it was deleted meanwhile, or the answer was wrong. Try again.
      throw new KubeApiError('POST', path, 409, 'Conflict', `${describeRef(ref)} was reported to exist but is not there`);
    }
    const ours = object.metadata.labels?.[LABEL_RUN];
    if (ours !== undefined && existing.metadata.labels?.[LABEL_RUN] === ours && !existing.metadata.deletionTimestamp) {
      this.logger.debug(`${describeRef(ref)} already exists from an earlier try of this run; using it`);
      return existing;
    }
    throw new UserError(
      `${describeRef(ref)} already exists and was not made by this build run` +
        `${existing.metadata.labels?.[LABEL_RUN] ? ` (it is from run ${existing.metadata.labels[LABEL_RUN]})` : ''}; delete it or build in another namespace`,
    );
  }

  /** The object, or undefined when it does not exist. */
  async get<T extends LiveObject>(ref: ObjectRef, signal: AbortSignal): Promise<T | undefined> {
    const what = `reading ${describeRef(ref)}`;
    try {
      return await withRetries(
        async () => {
          try {
            return await this.api.json<T>('GET', objectPath(ref), { signal });
          } catch (err) {
            if (err instanceof KubeApiError && err.notFound) return undefined;
            throw err;
          }
        },
        this.retries(signal, what),
      );
    } catch (err) {
      throw explainApiError(err, what, ref.namespace);
    }
  }

  async list<T extends LiveObject>(apiVersion: string, kind: string, namespace: string | undefined, filter: ListFilter, signal: AbortSignal): Promise<ObjectList<T>> {
    const what = `listing ${kind}s${namespace ? ` in ${namespace}` : ''}`;
    try {
      const list = await withRetries(
        () =>
          this.api.json<{ items?: T[]; metadata?: { resourceVersion?: string } }>('GET', collectionPath(apiVersion, kind, namespace), {
            query: { labelSelector: filter.labelSelector, fieldSelector: filter.fieldSelector },
            signal,
          }),
        this.retries(signal, what),
      );
      // List items carry no apiVersion/kind; put them back so they can be passed around as objects.
      const items = (list.items ?? []).map((i) => ({ ...i, apiVersion, kind }));
      return { items, resourceVersion: list.metadata?.resourceVersion ?? '' };
    } catch (err) {
      throw explainApiError(err, what, namespace);
    }
  }

  /** Deletes the object; resolves false when it was already gone. */
  async delete(ref: ObjectRef, signal: AbortSignal, options: DeleteOptions = {}): Promise<boolean> {
    const what = `deleting ${describeRef(ref)}`;
    const body = {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      propagationPolicy: options.propagationPolicy ?? 'Background',
      ...(options.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: options.gracePeriodSeconds } : {}),
    };
    try {
      return await withRetries(
        async () => {
          try {
            await this.api.json('DELETE', objectPath(ref), { body, signal });
            return true;
          } catch (err) {
            if (err instanceof KubeApiError && err.notFound) return false;
            throw err;
          }
        },
        this.retries(signal, what),
      );
    } catch (err) {
      throw explainApiError(err, what, ref.namespace);
    }
  }

  /**
   * A JSON merge patch (RFC 7386: null removes a field). The one patch type every resource takes:
   * custom resources refuse strategic merge patches.
   */
  async mergePatch<T extends LiveObject>(ref: ObjectRef, patch: Record<string, unknown>, signal: AbortSignal): Promise<T> {
    const what = `patching ${describeRef(ref)}`;
    try {
      return await withRetries(() => this.api.json<T>('PATCH', objectPath(ref), { body: JSON.stringify(patch), contentType: 'application/merge-patch+json', query: STRICT, signal }), this.retries(signal, what));
    } catch (err) {
      throw explainApiError(err, what, ref.namespace);
    }
  }

  /**
   * PUT to a subresource (KubeVirt's stop). Retried on overload and broken connections only: a 409
   * there is KubeVirt saying the request does not apply (the VM is not running), not a lock conflict.
   */
  async put(path: string, body: unknown, signal: AbortSignal, what: string): Promise<void> {
    try {
      await withRetries(() => this.api.json('PUT', path, { body, signal }), {
        ...this.retries(signal, what),
        retryable: (err) => isTransient(err) && !(err instanceof KubeApiError && err.status === 409),
      });
    } catch (err) {
      throw explainApiError(err, what);
    }
  }
}
