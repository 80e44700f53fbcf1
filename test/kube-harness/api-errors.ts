/**
 * Failures answered the way kube-apiserver answers them: a `Status` object (kind Status, status
 * Failure) with the HTTP code, a machine-readable reason and the message wording of
 * k8s.io/apimachinery's errors package, so clients that parse reasons or messages see what a real
 * cluster sends.
 */

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface StatusObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** What an error names: the resource ("configmaps", group "") and the object name. */
export interface Subject {
  group: string;
  /** The plural ("virtualmachines"), as the real messages write it. */
  resource: string;
  name?: string;
}

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): StatusObject {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** "virtualmachines.kubevirt.io" or "configmaps": how the API server names a resource. */
export function qualifiedResource(s: Pick<Subject, 'group' | 'resource'>): string {
  return s.group ? `${s.resource}.${s.group}` : s.resource;
}

function detailsOf(s: Subject): StatusDetails {
  return { ...(s.name !== undefined ? { name: s.name } : {}), ...(s.group ? { group: s.group } : {}), kind: s.resource };
}

export function notFound(s: Subject): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(s)} "${s.name ?? ''}" not found`, detailsOf(s));
}

export function alreadyExists(s: Subject): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(s)} "${s.name ?? ''}" already exists`, detailsOf(s));
}

export function conflict(s: Subject, why = 'the object has been modified; please apply your changes to the latest version and try again'): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(s)} "${s.name ?? ''}": ${why}`, detailsOf(s));
}

/** 422: `Kind "name" is invalid: field: message, …` with one cause per field. */
export function invalid(kind: string, group: string, name: string, causes: StatusCause[]): ApiError {
  const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  const qualified = group ? `${kind}.${group}` : kind;
  return new ApiError(422, 'Invalid', `${qualified} "${name}" is invalid: ${summary}`, {
    name,
    ...(group ? { group } : {}),
    kind,
    causes: causes.map((c) => ({ reason: c.reason ?? 'FieldValueInvalid', message: c.message, ...(c.field ? { field: c.field } : {}) })),
  });
}

export function badRequest(message: string, causes?: StatusCause[]): ApiError {
  return new ApiError(400, 'BadRequest', message, causes ? { causes } : undefined);
}

export function forbidden(message: string, s?: Subject): ApiError {
  return new ApiError(403, 'Forbidden', message, s ? detailsOf(s) : undefined);
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function methodNotAllowed(message = 'the server does not allow this method on the requested resource'): ApiError {
  return new ApiError(405, 'MethodNotAllowed', message);
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function unsupportedMediaType(contentType: string, accepted: readonly string[]): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`, {
    causes: [{ reason: 'UnexpectedServerResponse', message: `unsupported media type "${contentType}"` }],
  });
}

export function internalError(why: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${why}`, { causes: [{ message: why }], retryAfterSeconds: 1 });
}

export function pageNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}

/** Any thrown value as an ApiError: unexpected failures are the harness's own 500s. */
export function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return internalError(err instanceof Error ? err.message : String(err));
}
