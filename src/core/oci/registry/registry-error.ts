/** A registry's answer that is not the one we needed, with its OCI error codes when it sent them. */
import type { HttpResponse } from './http.js';

export class RegistryError extends Error {
  override name = 'RegistryError';
  constructor(
    message: string,
    readonly status: number,
    /** OCI distribution error codes from the body, e.g. BLOB_UPLOAD_UNKNOWN, DIGEST_INVALID. */
    readonly codes: string[] = [],
  ) {
    super(message);
  }
}

/** Credentials missing or refused; the message says where they came from and what to do. */
export class RegistryAuthError extends RegistryError {
  override name = 'RegistryAuthError';
}

/** "CODE: message" for each entry of an OCI error body, or a short excerpt of whatever else came back. */
export function describeErrorBody(res: HttpResponse): { text: string; codes: string[] } {
  const raw = res.body.toString('utf8');
  try {
    const parsed = JSON.parse(raw) as { errors?: { code?: string; message?: string }[] };
    if (Array.isArray(parsed.errors) && parsed.errors.length > 0) {
      const codes = parsed.errors.map((e) => String(e.code ?? 'UNKNOWN'));
      return { text: parsed.errors.map((e) => `${e.code ?? 'UNKNOWN'}: ${e.message ?? ''}`.trim()).join('; '), codes };
    }
  } catch {
    // not JSON
  }
  const excerpt = raw.replace(/\s+/g, ' ').trim().slice(0, 200);
  return { text: excerpt || `HTTP ${res.status}`, codes: [] };
}
