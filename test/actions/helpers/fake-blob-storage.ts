/**
 * A fake of the Azure Blob Storage that GitHub's results service hands out signed URLs for: the
 * cache (v2) and artifact clients upload and download with @azure/storage-blob against those URLs.
 * Just the block-blob operations they use — Put Blob (one shot), Put Block + Put Block List
 * (chunked uploads), Get Blob Properties and ranged Get Blob (x-ms-range) — on an in-memory store,
 * path-style (http://127.0.0.1:port/<account>/<container>/<blob>), which the SDK uses for IP hosts.
 * A URL whose signature the fake did not issue is refused, as a wrong SAS would be.
 */
import { randomBytes } from 'node:crypto';
import type { FakeReply, FakeRequest, FakeRoute } from './fake-server.js';

const ACCOUNT = 'fakeaccount';

function azureHeaders(extra: Record<string, string | number> = {}): Record<string, string | number> {
  return {
    'x-ms-request-id': randomBytes(8).toString('hex'),
    'x-ms-version': '2025-01-05',
    date: new Date().toUTCString(),
    ...extra,
  };
}

function azureError(status: number, code: string, message: string): FakeReply {
  return {
    status,
    headers: azureHeaders({ 'content-type': 'application/xml', 'x-ms-error-code': code }),
    body: `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  };
}

export class FakeBlobStorage {
  private readonly blobs = new Map<string, { data: Buffer; etag: string; modified: Date; contentType: string }>();
  private readonly uncommitted = new Map<string, Map<string, Buffer>>();
  private readonly signatures = new Map<string, string>();

  /** A signed URL for a blob (as the results service returns): read/write for whoever holds it. */
  signedUrl(base: string, container: string, name: string): string {
    const blobPath = `/${ACCOUNT}/${container}/${name}`;
    const sig = randomBytes(16).toString('base64');
    this.signatures.set(blobPath, sig);
    return `${base}${blobPath}?sv=2025-01-05&se=2099-01-01T00%3A00%3A00Z&sr=b&sp=rcw&sig=${encodeURIComponent(sig)}`;
  }

  /** The committed bytes of a blob (by container and name), if any. */
  get(container: string, name: string): Buffer | undefined {
    return this.blobs.get(`/${ACCOUNT}/${container}/${name}`)?.data;
  }

  readonly route: FakeRoute = (req) => {
    if (!req.url.pathname.startsWith(`/${ACCOUNT}/`)) return undefined;
    const blobPath = decodeURIComponent(req.url.pathname);
    const sig = req.url.searchParams.get('sig');
    if (!sig || this.signatures.get(blobPath) !== sig) return azureError(403, 'AuthenticationFailed', 'Signature did not match.');
    const comp = req.url.searchParams.get('comp');
    if (req.method === 'PUT' && comp === 'block') return this.putBlock(blobPath, req);
    if (req.method === 'PUT' && comp === 'blocklist') return this.putBlockList(blobPath, req);
    if (req.method === 'PUT' && comp === null) {
      if (req.headers['x-ms-blob-type'] !== 'BlockBlob') return azureError(400, 'MissingRequiredHeader', 'x-ms-blob-type: BlockBlob expected');
      return this.commit(blobPath, req.body, String(req.headers['x-ms-blob-content-type'] ?? 'application/octet-stream'));
    }
    if (req.method === 'HEAD' || req.method === 'GET') return this.read(blobPath, req);
    return azureError(405, 'UnsupportedHttpVerb', `${req.method} is not faked`);
  };

  private putBlock(blobPath: string, req: FakeRequest): FakeReply {
    const id = req.url.searchParams.get('blockid');
    if (!id) return azureError(400, 'InvalidQueryParameterValue', 'blockid missing');
    const blocks = this.uncommitted.get(blobPath) ?? new Map<string, Buffer>();
    blocks.set(id, req.body);
    this.uncommitted.set(blobPath, blocks);
    return { status: 201, headers: azureHeaders({ 'x-ms-request-server-encrypted': 'true' }) };
  }

  private putBlockList(blobPath: string, req: FakeRequest): FakeReply {
    const ids = [...req.body.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g)].map((m) => m[1]!);
    const blocks = this.uncommitted.get(blobPath) ?? new Map<string, Buffer>();
    const parts: Buffer[] = [];
    for (const id of ids) {
      const block = blocks.get(id);
      if (!block) return azureError(400, 'InvalidBlockList', `block ${id} was never staged`);
      parts.push(block);
    }
    this.uncommitted.delete(blobPath);
    return this.commit(blobPath, Buffer.concat(parts), String(req.headers['x-ms-blob-content-type'] ?? 'application/octet-stream'));
  }

  private commit(blobPath: string, data: Buffer, contentType: string): FakeReply {
    const etag = `"0x${randomBytes(8).toString('hex').toUpperCase()}"`;
    const modified = new Date();
    this.blobs.set(blobPath, { data, etag, modified, contentType });
    return { status: 201, headers: azureHeaders({ etag, 'last-modified': modified.toUTCString(), 'x-ms-request-server-encrypted': 'true' }) };
  }

  private read(blobPath: string, req: FakeRequest): FakeReply {
    const blob = this.blobs.get(blobPath);
    if (!blob) return azureError(404, 'BlobNotFound', 'The specified blob does not exist.');
    const common = { etag: blob.etag, 'last-modified': blob.modified.toUTCString(), 'x-ms-blob-type': 'BlockBlob', 'content-type': blob.contentType, 'accept-ranges': 'bytes' };
    if (req.method === 'HEAD') return { status: 200, headers: azureHeaders({ ...common, 'content-length': blob.data.length }) };
    const range = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers['x-ms-range'] ?? req.headers.range ?? ''));
    if (!range) return { status: 200, headers: azureHeaders(common), body: blob.data };
    const start = Number(range[1]);
    const end = Math.min(range[2] ? Number(range[2]) : blob.data.length - 1, blob.data.length - 1);
    if (start >= blob.data.length) return azureError(416, 'InvalidRange', 'The range specified is invalid for the current size of the resource.');
    return {
      status: 206,
      headers: azureHeaders({ ...common, 'content-range': `bytes ${start}-${end}/${blob.data.length}` }),
      body: blob.data.subarray(start, end + 1),
    };
  }
}
