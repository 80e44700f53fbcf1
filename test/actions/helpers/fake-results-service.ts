/**
 * A fake of GitHub's results service as a job on github.com sees it today: one ACTIONS_RESULTS_URL
 * that serves the cache (v2, ACTIONS_CACHE_SERVICE_V2 set) and artifacts, the blob storage behind
 * their signed URLs, and an ACTIONS_RUNTIME_TOKEN that is a JWT whose `scp` claim carries the run's
 * and job's backend ids (the artifact client reads them from it). GitHub's service cannot run
 * here; the real @actions/cache and @actions/artifact clients inside the action bundles talk to this.
 */
import { randomUUID } from 'node:crypto';
import { FakeArtifactStore } from './fake-artifact-service.js';
import { FakeBlobStorage } from './fake-blob-storage.js';
import { FakeCacheStore } from './fake-cache-service.js';
import { serveRoutes } from './fake-server.js';

export interface FakeResultsService {
  url: string;
  cache: FakeCacheStore;
  artifacts: FakeArtifactStore;
  requests: { method: string; path: string }[];
  /** What the runner puts into a job's environment for these services. */
  env(): Record<string, string>;
  close(): Promise<void>;
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** An unsigned-looking JWT with the claims the clients read (the fake checks the whole string). */
function runtimeToken(runId: string, jobId: string): string {
  const claims = { scp: `Actions.GenericRead:${runId} Actions.Results:${runId}:${jobId}`, exp: Math.floor(Date.now() / 1000) + 3600 };
  return `${base64url({ typ: 'JWT', alg: 'RS256' })}.${base64url(claims)}.${Buffer.from('fake-signature').toString('base64url')}`;
}

export async function startFakeResultsService(): Promise<FakeResultsService> {
  const runId = randomUUID();
  const jobId = randomUUID();
  const token = runtimeToken(runId, jobId);
  const blobs = new FakeBlobStorage();
  const cache = new FakeCacheStore(blobs, token);
  const artifacts = new FakeArtifactStore(blobs, token, runId, jobId);
  const server = await serveRoutes([cache.route, artifacts.route, blobs.route]);
  const url = `${server.base}/`;
  return {
    url,
    cache,
    artifacts,
    requests: server.requests,
    env: () => ({ ACTIONS_RESULTS_URL: url, ACTIONS_CACHE_SERVICE_V2: 'True', ACTIONS_RUNTIME_TOKEN: token, GITHUB_RUN_ID: '4242', GITHUB_JOB: 'build' }),
    close: () => server.close(),
  };
}
