/**
 * A fake of GitHub's artifact service (artifacts v4, what @actions/artifact 2+ speaks): twirp JSON
 * calls on the results service — CreateArtifact (returns a signed blob URL), FinalizeArtifact
 * (size and sha256 checked against what reached the blob), ListArtifacts — scoped by the workflow
 * run and job ids that the client reads from the runtime token's `Actions.Results:<run>:<job>`
 * claim. Names are unique per run, as on GitHub. The uploaded zip can be read back (readZip) to
 * check what an action put in it.
 */
import { createHash } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import type { FakeBlobStorage } from './fake-blob-storage.js';
import { json, twirpError, type FakeReply, type FakeRoute } from './fake-server.js';

const SERVICE = '/twirp/github.actions.results.api.v1.ArtifactService/';
const CONTAINER = 'actions-results';

export interface FakeArtifact {
  id: number;
  name: string;
  runId: string;
  jobId: string;
  finalized: boolean;
  size: number;
  createdAt: Date;
}

export class FakeArtifactStore {
  private readonly artifacts: FakeArtifact[] = [];
  private nextId = 1;

  constructor(
    private readonly blobs: FakeBlobStorage,
    private readonly token: string,
    private readonly runId: string,
    private readonly jobId: string,
  ) {}

  /** Finalized artifacts, in upload order. */
  list(): FakeArtifact[] {
    return this.artifacts.filter((a) => a.finalized);
  }

  /** The uploaded bytes (a zip) of the finalized artifact `name`. */
  content(name: string): Buffer | undefined {
    const a = this.list().find((x) => x.name === name);
    return a ? this.blobs.get(CONTAINER, `${a.runId}/${a.id}/${a.name}.zip`) : undefined;
  }

  readonly route: FakeRoute = (req, base) => {
    if (!req.url.pathname.startsWith(SERVICE)) return undefined;
    if (req.headers.authorization !== `Bearer ${this.token}`) return twirpError(401, 'unauthenticated', 'bad or missing runtime token');
    const body = JSON.parse(req.body.toString() || '{}') as Record<string, unknown>;
    if (body.workflow_run_backend_id !== this.runId || body.workflow_job_run_backend_id !== this.jobId) {
      return twirpError(403, 'permission_denied', 'backend ids do not match the token');
    }
    const method = req.url.pathname.slice(SERVICE.length);
    const name = String(body.name ?? '');
    if (method === 'CreateArtifact') return this.create(base, name, body);
    if (method === 'FinalizeArtifact') return this.finalize(name, body);
    if (method === 'ListArtifacts') {
      const filter = (body.name_filter as string | undefined) ?? undefined;
      return json(200, {
        artifacts: this.list()
          .filter((a) => filter === undefined || a.name === filter)
          .map((a) => ({ workflow_run_backend_id: a.runId, workflow_job_run_backend_id: a.jobId, database_id: String(a.id), name: a.name, size: String(a.size), created_at: a.createdAt.toISOString() })),
      });
    }
    return twirpError(404, 'bad_route', `no such method ${method}`);
  };

  private create(base: string, name: string, body: Record<string, unknown>): FakeReply {
    if (body.version !== 7) return twirpError(400, 'invalid_argument', `artifact version ${String(body.version)} is not supported`);
    if (this.artifacts.some((a) => a.name === name && a.runId === this.runId)) {
      return twirpError(409, 'already_exists', 'an artifact with this name already exists on the workflow run');
    }
    const a: FakeArtifact = { id: this.nextId++, name, runId: this.runId, jobId: this.jobId, finalized: false, size: 0, createdAt: new Date() };
    this.artifacts.push(a);
    return json(200, { ok: true, signed_upload_url: this.blobs.signedUrl(base, CONTAINER, `${a.runId}/${a.id}/${a.name}.zip`) });
  }

  private finalize(name: string, body: Record<string, unknown>): FakeReply {
    const a = this.artifacts.find((x) => x.name === name && !x.finalized);
    const data = a && this.blobs.get(CONTAINER, `${a.runId}/${a.id}/${a.name}.zip`);
    if (!a || !data) return twirpError(404, 'not_found', `no upload of artifact ${name} in progress`);
    if (String(body.size) !== String(data.length)) return twirpError(400, 'invalid_argument', `size ${String(body.size)} but ${data.length} bytes were uploaded`);
    const hash = (body.hash as string | undefined) ?? '';
    const actual = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    if (hash !== actual) return twirpError(400, 'invalid_argument', `hash ${hash} does not match the upload (${actual})`);
    a.finalized = true;
    a.size = data.length;
    return json(200, { ok: true, artifact_id: String(a.id) });
  }
}

/**
 * The files of a zip archive (name → bytes), read through its central directory: stored and
 * deflated entries, which is what @actions/artifact's archiver writes. Small on purpose: a test
 * reads back what the action uploaded without trusting the uploader's own code.
 */
export function readZip(zip: Buffer): Map<string, Buffer> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip: no end-of-central-directory record');
  const count = zip.readUInt16LE(eocd + 10);
  let p = zip.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(p) !== 0x02014b50) throw new Error(`zip: bad central directory entry at ${p}`);
    const method = zip.readUInt16LE(p + 10);
    const compressed = zip.readUInt32LE(p + 20);
    const nameLength = zip.readUInt16LE(p + 28);
    const extraLength = zip.readUInt16LE(p + 30);
    const commentLength = zip.readUInt16LE(p + 32);
    const local = zip.readUInt32LE(p + 42);
    const name = zip.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    p += 46 + nameLength + extraLength + commentLength;
    if (zip.readUInt32LE(local) !== 0x04034b50) throw new Error(`zip: bad local header for ${name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + compressed);
    if (name.endsWith('/')) continue;
    if (method === 0) files.set(name, Buffer.from(data));
    else if (method === 8) files.set(name, inflateRawSync(data));
    else throw new Error(`zip: ${name} uses compression method ${method}`);
  }
  return files;
}
