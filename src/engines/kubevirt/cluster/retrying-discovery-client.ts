/**
 * Capability discovery with retries: API servers answer 500 or 429 now and then (restarts,
 * overload), and one such answer must not fail a build before it started. Each question is
 * retried on its own. KubeDiscoveryClient reports failures as UserErrors whose text ends with the
 * HTTP status ("…failed: HTTP 503") or the network error, which is what we go by.
 */
import type { AccessAnswer, AccessAttributes, DiscoveryClient, KubeVirtInfo, NodeKvmInfo, ServedGroup, SnapshotClassInfo, StorageClassInfo } from '../discovery-client.js';
import { withRetries } from './retry.js';

const TRANSIENT = /(: HTTP (429|5\d\d)$)|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|socket hang up|other side closed|fetch failed|terminated/i;

export function discoveryRetryable(err: unknown): boolean {
  return err instanceof Error && TRANSIENT.test(err.message);
}

export class RetryingDiscoveryClient implements DiscoveryClient {
  constructor(
    private readonly inner: DiscoveryClient,
    private readonly signal: AbortSignal,
    private readonly onRetry?: (err: unknown) => void,
  ) {}

  private retry<T>(ask: () => Promise<T>): Promise<T> {
    return withRetries(ask, { signal: this.signal, retryable: discoveryRetryable, ...(this.onRetry ? { onRetry: this.onRetry } : {}) });
  }

  servedGroups(): Promise<ServedGroup[]> {
    return this.retry(() => this.inner.servedGroups());
  }
  servedResources(group: string, version: string): Promise<string[] | undefined> {
    return this.retry(() => this.inner.servedResources(group, version));
  }
  reviewAccess(attributes: AccessAttributes): Promise<AccessAnswer> {
    return this.retry(() => this.inner.reviewAccess(attributes));
  }
  volumeSnapshotClasses(): Promise<SnapshotClassInfo[] | undefined> {
    return this.retry(() => this.inner.volumeSnapshotClasses());
  }
  storageClasses(): Promise<StorageClassInfo[] | undefined> {
    return this.retry(() => this.inner.storageClasses());
  }
  kubeVirts(): Promise<KubeVirtInfo[] | undefined> {
    return this.retry(() => this.inner.kubeVirts());
  }
  kvmNodes(): Promise<NodeKvmInfo | undefined> {
    return this.retry(() => this.inner.kvmNodes());
  }
}
