/**
 * A failed Kubernetes API call, carrying what the API server said: the HTTP status, the Status
 * object's reason ("NotFound", "AlreadyExists", "Conflict", "Forbidden" …) and message. Callers
 * branch on the reason (create-or-adopt on AlreadyExists, retry on Conflict), people read the
 * message, which names the call.
 */

/** The fields of a metav1.Status we use. */
export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; retryAfterSeconds?: number; causes?: { field?: string; message?: string }[] };
}

export class KubeApiError extends Error {
  override name = 'KubeApiError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly reason: string,
    readonly detail: string,
    /** Seconds the server asked us to wait (Retry-After or details.retryAfterSeconds). */
    readonly retryAfterSeconds?: number,
  ) {
    super(`${method} ${path}: ${status}${reason ? ` ${reason}` : ''}${detail ? `: ${detail}` : ''}`);
  }

  get notFound(): boolean {
    return this.status === 404;
  }

  get alreadyExists(): boolean {
    return this.status === 409 && this.reason === 'AlreadyExists';
  }
}

/** Builds the error from a response body that may or may not be a Status. */
export function kubeApiError(method: string, path: string, status: number, body: string, retryAfterHeader?: string): KubeApiError {
  let parsed: KubeStatus | undefined;
  try {
    const value = JSON.parse(body) as unknown;
    if (value && typeof value === 'object') parsed = value as KubeStatus;
  } catch {
    // Not JSON (a proxy's HTML page, plain text from a websocket upgrade): keep the text.
  }
  const causes = parsed?.details?.causes?.map((c) => (c.field ? `${c.field}: ${c.message ?? ''}` : (c.message ?? ''))).filter(Boolean) ?? [];
  const message = parsed?.message ?? body.trim().slice(0, 300);
  const detail = causes.length > 0 && !causes.every((c) => message.includes(c)) ? `${message} (${causes.join('; ')})` : message;
  const headerSeconds = retryAfterHeader !== undefined && /^\d+$/.test(retryAfterHeader) ? Number(retryAfterHeader) : undefined;
  return new KubeApiError(method, path, status, parsed?.reason ?? defaultReason(status), detail, parsed?.details?.retryAfterSeconds ?? headerSeconds);
}

function defaultReason(status: number): string {
  switch (status) {
    case 401:
      return 'Unauthorized';
    case 403:
      return 'Forbidden';
    case 404:
      return 'NotFound';
    case 409:
      return 'Conflict';
    case 410:
      return 'Gone';
    case 422:
      return 'Invalid';
    case 429:
      return 'TooManyRequests';
    default:
      return status >= 500 ? 'InternalError' : '';
  }
}

/** Network-level failures worth another try: the connection broke, not the request. */
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/**
 * Whether trying the same call again may succeed: overload and server errors, optimistic-lock
 * conflicts (409 Conflict, not AlreadyExists), and broken connections.
 */
export function isTransient(err: unknown): boolean {
  if (err instanceof KubeApiError) {
    return err.status === 429 || err.status >= 500 || (err.status === 409 && err.reason !== 'AlreadyExists');
  }
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  return err instanceof Error && /socket hang up|other side closed|premature close/i.test(err.message);
}
