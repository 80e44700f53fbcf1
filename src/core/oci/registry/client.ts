/**
 * A client for one registry on the OCI distribution API: the /v2/ ping that picks the scheme and
 * learns the auth challenge, anonymous / basic / bearer-token auth with scoped tokens, retries with
 * backoff, redirects for blob reads, and digest checks on everything it reads or writes. The
 * streamed, resumable layer upload lives in streamed-upload.ts on top of `call` and `openStream`.
 */
import type { Logger } from '../../log.js';
import { isSha256Digest, sha256, type Digest } from '../digest.js';
import { ACCEPTED_MANIFESTS } from '../media-types.js';
import { apiHost, isLoopbackRegistry } from '../reference.js';
import type { Credential } from './credentials.js';
import { createAgents, discardBody, openHttp, sendHttp, streamHttp, type HttpAgents, type HttpBody, type HttpResponse, type StreamedHttpRequest, type StreamedHttpResponse } from './http.js';
import { describeErrorBody, RegistryAuthError, RegistryError } from './registry-error.js';
import { backoffDelay, DEFAULT_RETRY, isRetryableError, isRetryableStatus, parseRetryAfter, sleep, type RetryPolicy } from './retry.js';
import { parseWwwAuthenticate, type Challenge } from './www-authenticate.js';

export interface RegistryClientOptions {
  /** host[:port] as written in the image reference. */
  registry: string;
  /** Allow plain http and unverified TLS for a registry that is not on loopback. */
  insecure?: boolean;
  /** Extra CA certificates (PEM) to trust for this registry. */
  ca?: string | Buffer;
  credential?: Credential;
  /** Where the credential came from, for error messages. */
  credentialSource?: string;
  logger: Logger;
  signal?: AbortSignal;
  retry?: RetryPolicy;
  /** Tokens we receive are secrets too. */
  onSecret?: (secret: string) => void;
}

export interface CallOptions {
  headers?: Record<string, string>;
  body?: HttpBody;
  /** Token scopes this call needs, e.g. repository:a/b:pull,push. */
  scopes?: string[];
  /** Repeat on dropped connections. False for requests whose body the server may have half-applied. */
  retryNetwork?: boolean;
  /** Repeat on 5xx/429. */
  retryStatus?: boolean;
  maxResponseBytes?: number;
}

export interface ManifestResponse {
  mediaType: string;
  digest: Digest;
  body: Buffer;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** How long the plain-http probe of a loopback registry waits before https is tried. */
const PLAIN_PROBE_TIMEOUT_MS = 10_000;

/** TLS errors that mean "this port speaks plain HTTP". */
function looksLikePlainHttp(err: unknown): boolean {
  const text = `${(err as { code?: string }).code ?? ''} ${err instanceof Error ? err.message : ''}`;
  return /EPROTO|WRONG_VERSION_NUMBER|wrong version number|packet length too long|ECONNRESET|http request/i.test(text);
}

function isCertificateError(err: unknown): boolean {
  const text = `${(err as { code?: string }).code ?? ''} ${err instanceof Error ? err.message : ''}`;
  return /CERT|certificate|self[- ]signed|UNABLE_TO_VERIFY|unable to verify/i.test(text);
}

export function repositoryScope(repo: string, actions: 'pull' | 'pull,push'): string {
  return `repository:${repo}:${actions}`;
}

export class RegistryClient {
  readonly registry: string;
  private readonly host: string;
  private readonly agents: HttpAgents;
  private base: URL | undefined;
  private challenge: Challenge | undefined;
  private readonly tokens = new Map<string, CachedToken>();
  private readonly retry: RetryPolicy;

  constructor(private readonly opts: RegistryClientOptions) {
    this.registry = opts.registry;
    this.host = apiHost(opts.registry);
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.agents = createAgents({ ca: opts.ca, rejectUnauthorized: !opts.insecure });
  }

  /** Closes the keep-alive sockets. */
  close(): void {
    this.agents.destroy();
  }

  get baseUrl(): URL {
    if (!this.base) throw new Error('RegistryClient used before connect()');
    return this.base;
  }

  /** GET /v2/: picks https or (when allowed) http, and records the auth challenge. */
  async connect(): Promise<void> {
    if (this.base) return;
    const loopback = isLoopbackRegistry(this.registry);
    const plainAllowed = this.opts.insecure === true || loopback;
    // Docker and containers/image try https first wherever plain http is allowed. On loopback,
    // where there is no network to protect, plain http goes first: a registry there usually speaks
    // it, and not loading TLS (OpenSSL's code and the root store) saves a publish ~8 MiB. A TLS
    // port answers a plain request with a 400 (Go's net/http) or a TLS alert, and https follows.
    const candidates = loopback ? ['http:', 'https:'] : plainAllowed ? ['https:', 'http:'] : ['https:'];
    let lastError: unknown;
    for (const [index, scheme] of candidates.entries()) {
      const url = new URL(`${scheme}//${this.host}/v2/`);
      const fallback = index < candidates.length - 1;
      let res: HttpResponse;
      try {
        // Only the last candidate's network errors are worth retrying; a silent TLS port must not
        // hold the plain probe for the default two minutes.
        res = await this.sendWithRetry({ method: 'GET', url, ...(fallback && scheme === 'http:' ? { timeoutMs: PLAIN_PROBE_TIMEOUT_MS } : {}) }, { retryNetwork: !fallback });
      } catch (err) {
        lastError = err;
        if (fallback && scheme === 'http:') continue;
        if (scheme === 'https:' && plainAllowed && looksLikePlainHttp(err)) continue;
        if (isCertificateError(err)) {
          throw new RegistryError(
            `${this.registry}: the TLS certificate is not trusted (${err instanceof Error ? err.message : String(err)}); pass the registry's CA with --ca-file, or --insecure to skip verification`,
            0,
          );
        }
        if (scheme === 'https:' && plainAllowed) continue;
        throw new RegistryError(`${this.registry}: cannot reach the registry (${err instanceof Error ? err.message : String(err)})`, 0);
      }
      if (res.status === 200 || res.status === 401) {
        this.base = new URL(`${scheme}//${this.host}`);
        if (res.status === 401) this.challenge = this.pickChallenge(res);
        if (scheme === 'http:') this.opts.logger.debug(`${this.registry}: using plain http`);
        return;
      }
      // A plain request to a TLS port: Go's net/http answers "400 Client sent an HTTP request to an
      // HTTPS server", nginx "400 The plain HTTP request was sent to HTTPS port". Any other answer
      // comes from a server that speaks plain http, so it is the registry's.
      if (fallback && scheme === 'http:' && res.status === 400) continue;
      if (res.status === 404) throw new RegistryError(`${this.registry}: GET /v2/ answered 404; this is not an OCI distribution registry`, 404);
      lastError = new RegistryError(`${this.registry}: GET /v2/ answered HTTP ${res.status} (${describeErrorBody(res).text})`, res.status);
      if (fallback && scheme === 'http:') throw lastError;
    }
    throw lastError instanceof RegistryError ? lastError : new RegistryError(`${this.registry}: cannot reach the registry (${lastError instanceof Error ? lastError.message : String(lastError)})`, 0);
  }

  private pickChallenge(res: HttpResponse): Challenge | undefined {
    const header = res.headers['www-authenticate'];
    const challenges = parseWwwAuthenticate(Array.isArray(header) ? header.join(', ') : (header ?? ''));
    return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic');
  }

  /** Resolves a Location header (absolute or relative) against the registry. */
  resolve(location: string): URL {
    return new URL(location, this.baseUrl);
  }

  private async sendWithRetry(req: Parameters<typeof sendHttp>[1], opts: CallOptions): Promise<HttpResponse> {
    for (let attempt = 1; ; attempt++) {
      this.opts.signal?.throwIfAborted();
      try {
        const res = await sendHttp(this.agents, { ...req, signal: this.opts.signal, maxResponseBytes: opts.maxResponseBytes });
        if (opts.retryStatus !== false && isRetryableStatus(res.status) && attempt < this.retry.attempts) {
          const retryAfter = parseRetryAfter(headerValue(res, 'retry-after'));
          const wait = backoffDelay(attempt, this.retry, retryAfter);
          this.opts.logger.warn(`${req.method} ${req.url.pathname}: HTTP ${res.status}, retrying in ${(wait / 1000).toFixed(1)}s (try ${attempt + 1}/${this.retry.attempts})`);
          await sleep(wait, this.opts.signal);
          continue;
        }
        return res;
      } catch (err) {
        if (opts.retryNetwork !== false && isRetryableError(err) && attempt < this.retry.attempts) {
          const wait = backoffDelay(attempt, this.retry);
          this.opts.logger.warn(`${(err as Error).message}; retrying in ${(wait / 1000).toFixed(1)}s (try ${attempt + 1}/${this.retry.attempts})`);
          await sleep(wait, this.opts.signal);
          continue;
        }
        throw err;
      }
    }
  }

  /**
   * One API call with auth: answers a 401 by (re)authenticating for the scopes the challenge asks
   * for and sending the request once more.
   */
  async call(method: string, target: string | URL, opts: CallOptions = {}): Promise<HttpResponse> {
    await this.connect();
    const url = typeof target === 'string' ? this.resolve(target) : target;
    let scopes = opts.scopes ?? [];
    for (let authTry = 0; ; authTry++) {
      const headers: Record<string, string> = { ...opts.headers };
      const authorization = url.host === this.baseUrl.host ? await this.authorization(scopes, authTry > 0) : undefined;
      if (authorization) headers.authorization = authorization;
      const res = await this.sendWithRetry({ method, url, headers, body: opts.body }, opts);
      if (res.status !== 401 || authTry > 0) {
        if (res.status === 401 || res.status === 403) throw this.authError(res, method, url);
        return res;
      }
      const challenge = this.pickChallenge(res);
      if (!challenge) throw this.authError(res, method, url);
      this.challenge = challenge;
      if (challenge.params.scope) scopes = [...new Set([...scopes, ...challenge.params.scope.split(' ')])];
    }
  }

  /**
   * A request whose body the caller streams (streamHttp), with the token for `scopes`. Its body
   * cannot be sent twice, so a 401 is the caller's to answer: it asks again with `refreshAuth`.
   */
  async openStream(method: string, url: URL, opts: { scopes: string[]; headers?: Record<string, string>; refreshAuth?: boolean }): Promise<StreamedHttpRequest> {
    await this.connect();
    const headers: Record<string, string> = { ...opts.headers };
    const authorization = url.host === this.baseUrl.host ? await this.authorization(opts.scopes, opts.refreshAuth === true) : undefined;
    if (authorization) headers.authorization = authorization;
    return streamHttp(this.agents, { method, url, headers, ...(this.opts.signal ? { signal: this.opts.signal } : {}) });
  }

  authError(res: HttpResponse, method: string, url: URL): RegistryAuthError {
    const { text, codes } = describeErrorBody(res);
    const who = this.opts.credential ? `with credentials from ${this.opts.credentialSource ?? 'the options'}` : 'anonymously (no credentials found)';
    const verb = res.status === 403 ? 'denied' : 'refused';
    return new RegistryAuthError(`${this.registry}: ${method} ${url.pathname} was ${verb} ${who}: ${text}`, res.status, codes);
  }

  private basicHeader(): string | undefined {
    const c = this.opts.credential;
    if (!c?.username || c.password === undefined) return undefined;
    return `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}`;
  }

  private async authorization(scopes: string[], refresh: boolean): Promise<string | undefined> {
    const challenge = this.challenge;
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') return this.basicHeader();
    if (challenge.scheme !== 'bearer') return undefined;
    const key = [...scopes].sort().join(' ');
    const cached = this.tokens.get(key);
    if (cached && !refresh && cached.expiresAt > Date.now()) return `Bearer ${cached.token}`;
    const token = await this.fetchToken(challenge, scopes);
    this.tokens.set(key, token);
    return `Bearer ${token.token}`;
  }

  /** The token endpoint of the bearer challenge (the "Docker token" flow, and OAuth2 for identity tokens). */
  private async fetchToken(challenge: Challenge, scopes: string[]): Promise<CachedToken> {
    const realm = challenge.params.realm;
    if (!realm) throw new RegistryAuthError(`${this.registry}: the bearer challenge names no token realm`, 401);
    const url = new URL(realm);
    const credential = this.opts.credential;
    let res: HttpResponse;
    if (credential?.identityToken) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credential.identityToken, client_id: 'ruddervirt' });
      if (challenge.params.service) form.set('service', challenge.params.service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      res = await this.sendWithRetry({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: Buffer.from(form.toString()) }, {});
    } else {
      if (challenge.params.service) url.searchParams.set('service', challenge.params.service);
      for (const s of scopes) url.searchParams.append('scope', s);
      const basic = this.basicHeader();
      res = await this.sendWithRetry({ method: 'GET', url, headers: basic ? { authorization: basic } : {} }, {});
    }
    if (res.status !== 200) {
      const who = credential ? `the credentials from ${this.opts.credentialSource ?? 'the options'}` : 'an anonymous request';
      throw new RegistryAuthError(`${this.registry}: the token service ${url.origin}${url.pathname} refused ${who} (HTTP ${res.status}: ${describeErrorBody(res).text})`, res.status);
    }
    let body: { token?: string; access_token?: string; expires_in?: number };
    try {
      body = JSON.parse(res.body.toString('utf8')) as typeof body;
    } catch {
      throw new RegistryAuthError(`${this.registry}: the token service answered something that is not JSON`, res.status);
    }
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryAuthError(`${this.registry}: the token service answered without a token`, res.status);
    this.opts.onSecret?.(token);
    // The spec's default lifetime is 60 s; renew a little early.
    const lifetime = (typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60) * 1000;
    return { token, expiresAt: Date.now() + lifetime - Math.min(10_000, lifetime / 4) };
  }

  /** Fails with the registry's own error text when the status is not one of `ok`. */
  expect(res: HttpResponse, ok: number[], what: string): HttpResponse {
    if (ok.includes(res.status)) return res;
    const { text, codes } = describeErrorBody(res);
    throw new RegistryError(`${this.registry}: ${what} failed with HTTP ${res.status}: ${text}`, res.status, codes);
  }

  // ---- blobs ----

  async blobExists(repo: string, digest: Digest): Promise<boolean> {
    const res = await this.call('HEAD', `/v2/${repo}/blobs/${digest}`, { scopes: [repositoryScope(repo, 'pull,push')] });
    if (res.status === 404) return false;
    // A HEAD may redirect to storage; existence is what we asked, and a redirect says yes.
    return this.expect(res, [200, 307, 302], `HEAD blob ${digest} in ${repo}`) !== undefined;
  }

  async getBlob(repo: string, digest: Digest, maxBytes = 4 * 1024 * 1024): Promise<Buffer> {
    let url = this.resolve(`/v2/${repo}/blobs/${digest}`);
    for (let hops = 0; hops < 5; hops++) {
      const res = await this.call('GET', url, { scopes: [repositoryScope(repo, 'pull,push')], maxResponseBytes: maxBytes });
      const location = headerValue(res, 'location');
      if ([301, 302, 303, 307, 308].includes(res.status) && location) {
        url = new URL(location, url);
        continue;
      }
      this.expect(res, [200], `GET blob ${digest} from ${repo}`);
      if (sha256(res.body) !== digest) throw new RegistryError(`${this.registry}: blob ${digest} in ${repo} does not match its digest`, 200);
      return res.body;
    }
    throw new RegistryError(`${this.registry}: too many redirects reading blob ${digest}`, 0);
  }

  /**
   * Opens a blob for streaming from byte `offset` on (a Range request; the answer is 206 when the
   * registry or its storage honoured it, 200 when it sends the whole blob again). Auth, redirects
   * to storage and transient failures before the body starts are handled here; the caller
   * verifies the digest and reopens at its offset when the body breaks off.
   */
  async openBlob(repo: string, digest: Digest, offset = 0): Promise<StreamedHttpResponse> {
    await this.connect();
    let url = this.resolve(`/v2/${repo}/blobs/${digest}`);
    let scopes = [repositoryScope(repo, 'pull')];
    let refreshed = false;
    for (let hops = 0, attempt = 1; hops < 8;) {
      this.opts.signal?.throwIfAborted();
      const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
      const authorization = url.host === this.baseUrl.host ? await this.authorization(scopes, refreshed) : undefined;
      if (authorization) headers.authorization = authorization;
      let res: StreamedHttpResponse;
      try {
        res = await openHttp(this.agents, { method: 'GET', url, headers, ...(this.opts.signal ? { signal: this.opts.signal } : {}) });
      } catch (err) {
        if (isRetryableError(err) && attempt < this.retry.attempts) {
          const wait = backoffDelay(attempt++, this.retry);
          this.opts.logger.warn(`${(err as Error).message}; retrying in ${(wait / 1000).toFixed(1)}s (try ${attempt}/${this.retry.attempts})`);
          await sleep(wait, this.opts.signal);
          continue;
        }
        throw err;
      }
      if (res.status === 200 || res.status === 206) return res;
      const body = await discardBody(res.body);
      const buffered: HttpResponse = { status: res.status, headers: res.headers, body };
      const location = headerValue(buffered, 'location');
      if ([301, 302, 303, 307, 308].includes(res.status) && location) {
        url = new URL(location, url);
        hops++;
        continue;
      }
      if (res.status === 401 && !refreshed && url.host === this.baseUrl.host) {
        const challenge = this.pickChallenge(buffered);
        if (!challenge) throw this.authError(buffered, 'GET', url);
        this.challenge = challenge;
        if (challenge.params.scope) scopes = [...new Set([...scopes, ...challenge.params.scope.split(' ')])];
        refreshed = true;
        continue;
      }
      if (res.status === 401 || res.status === 403) throw this.authError(buffered, 'GET', url);
      if (isRetryableStatus(res.status) && attempt < this.retry.attempts) {
        const wait = backoffDelay(attempt++, this.retry, parseRetryAfter(headerValue(buffered, 'retry-after')));
        this.opts.logger.warn(`GET blob ${digest}: HTTP ${res.status}, retrying in ${(wait / 1000).toFixed(1)}s (try ${attempt}/${this.retry.attempts})`);
        await sleep(wait, this.opts.signal);
        continue;
      }
      this.expect(buffered, [200], `GET blob ${digest} from ${repo}`);
    }
    throw new RegistryError(`${this.registry}: too many redirects reading blob ${digest}`, 0);
  }

  /** Cross-repository mount; false when the registry started an upload instead (it could not mount). */
  async mountBlob(repo: string, digest: Digest, fromRepo: string): Promise<boolean> {
    const res = await this.call('POST', `/v2/${repo}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(fromRepo)}`, {
      scopes: [repositoryScope(repo, 'pull,push'), repositoryScope(fromRepo, 'pull')],
    });
    if (res.status === 201) return true;
    this.expect(res, [202], `mount ${digest} from ${fromRepo} into ${repo}`);
    const location = headerValue(res, 'location');
    if (location) await this.call('DELETE', location, { scopes: [repositoryScope(repo, 'pull,push')] }).catch(() => undefined);
    return false;
  }

  /** POST …/blobs/uploads/: a new upload session's URL. */
  async startUpload(repo: string): Promise<URL> {
    const res = this.expect(await this.call('POST', `/v2/${repo}/blobs/uploads/`, { scopes: [repositoryScope(repo, 'pull,push')] }), [202], `start a blob upload in ${repo}`);
    const location = headerValue(res, 'location');
    if (!location) throw new RegistryError(`${this.registry}: the upload session answer has no Location`, res.status);
    return this.resolve(location);
  }

  /** Small blobs (configs): one POST for the session and one PUT with the bytes. */
  async pushBlob(repo: string, data: Buffer, digest: Digest = sha256(data)): Promise<void> {
    if (await this.blobExists(repo, digest)) return;
    const location = await this.startUpload(repo);
    const res = await this.call('PUT', withDigest(location, digest), {
      scopes: [repositoryScope(repo, 'pull,push')],
      body: data,
      headers: { 'content-type': 'application/octet-stream' },
    });
    this.expect(res, [201], `upload blob ${digest} to ${repo}`);
    this.checkReturnedDigest(res, digest, `blob in ${repo}`);
  }

  checkReturnedDigest(res: HttpResponse, digest: Digest, what: string): void {
    const returned = headerValue(res, 'docker-content-digest');
    if (returned && returned !== digest) {
      throw new RegistryError(`${this.registry}: the registry stored ${what} as ${returned}, but we sent ${digest}`, res.status, ['DIGEST_INVALID']);
    }
  }

  // ---- manifests ----

  async getManifest(repo: string, reference: string): Promise<ManifestResponse | undefined> {
    const res = await this.call('GET', `/v2/${repo}/manifests/${reference}`, {
      scopes: [repositoryScope(repo, 'pull,push')],
      headers: { accept: ACCEPTED_MANIFESTS.join(', ') },
    });
    if (res.status === 404) return undefined;
    this.expect(res, [200], `GET manifest ${repo}:${reference}`);
    const digest = sha256(res.body);
    if (isSha256Digest(reference) && digest !== reference) {
      throw new RegistryError(`${this.registry}: manifest ${repo}@${reference} does not match its digest`, 200);
    }
    let mediaType = (headerValue(res, 'content-type') ?? '').split(';')[0]!.trim();
    try {
      const parsed = JSON.parse(res.body.toString('utf8')) as { mediaType?: string };
      if (parsed.mediaType) mediaType = parsed.mediaType;
    } catch {
      throw new RegistryError(`${this.registry}: manifest ${repo}:${reference} is not JSON`, 200);
    }
    return { mediaType, digest, body: res.body };
  }

  async putManifest(repo: string, reference: string, body: Buffer, mediaType: string): Promise<Digest> {
    const digest = sha256(body);
    const res = await this.call('PUT', `/v2/${repo}/manifests/${reference}`, {
      scopes: [repositoryScope(repo, 'pull,push')],
      body,
      headers: { 'content-type': mediaType },
    });
    this.expect(res, [201, 200], `PUT manifest ${repo}:${reference}`);
    this.checkReturnedDigest(res, digest, `manifest ${repo}:${reference}`);
    return digest;
  }
}

export function headerValue(res: HttpResponse, name: string): string | undefined {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Adds ?digest= to an upload URL that may already carry query parameters (_state, …). */
export function withDigest(location: URL, digest: Digest): URL {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  return url;
}
