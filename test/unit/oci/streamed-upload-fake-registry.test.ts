/**
 * The streamed layer upload (one PATCH for the whole blob) and its recovery, against a FAKE registry
 * (an in-process HTTP server): Debian's docker-registry 2.8 cancels a session whose PATCH broke off,
 * so only its restart path can be exercised for real (see the integration fault test). This fake
 * keeps partial data and reports it through Range the way the OCI distribution spec describes, which
 * is what resuming relies on; like distribution, it appends a PATCH without Content-Range to what the
 * session holds.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { memoryLogger } from '../../../src/core/log.js';
import type { Digest } from '../../../src/core/oci/digest.js';
import { receivedFromRange, uploadStreamedBlob } from '../../../src/core/oci/registry/streamed-upload.js';
import { RegistryClient } from '../../../src/core/oci/registry/client.js';

interface Faults {
  /** Drop the connection once this many body bytes have arrived in total (partial data kept). */
  cutAtByte?: number;
  /** Answer 503 to this PATCH number (1-based) after reading its body, storing only half of it. */
  fail503OnPatch?: number;
  /** Forget every session after the first dropped connection (404 from then on). */
  forgetAfterCut?: boolean;
  /** Answer the first PATCH with 404 once this many of its bytes arrived, reading no further. */
  refuseFirstPatchAt?: number;
  /** Store the first session's data with one byte flipped (the PUT's digest check must catch it). */
  corruptFirstSession?: boolean;
}

async function fakeRegistry(faults: Faults) {
  const sessions = new Map<string, Buffer[]>();
  const blobs = new Map<string, Buffer>();
  let received = 0;
  let patches = 0;
  const patchHeaders: http.IncomingHttpHeaders[] = [];
  let cut = false;
  let nextId = 0;
  const log: string[] = [];
  const size = (id: string) => (sessions.get(id) ?? []).reduce((n, b) => n + b.length, 0);
  const range = (id: string) => `0-${Math.max(0, size(id) - 1)}`;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    log.push(`${req.method} ${url.pathname}`);
    const upload = /^\/upload\/(\d+)$/.exec(url.pathname);
    if (req.method === 'GET' && url.pathname === '/v2/') return res.writeHead(200).end('{}');
    if (req.method === 'POST' && url.pathname.endsWith('/blobs/uploads/')) {
      const id = String(nextId++);
      sessions.set(id, []);
      return res.writeHead(202, { location: `/upload/${id}`, range: '0-0' }).end();
    }
    if (upload && !sessions.has(upload[1]!)) {
      req.resume();
      return res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"BLOB_UPLOAD_UNKNOWN","message":"gone"}]}');
    }
    if (upload && req.method === 'GET') return res.writeHead(204, { location: url.pathname, range: range(upload[1]!) }).end();
    if (upload && req.method === 'PATCH') {
      const id = upload[1]!;
      patches++;
      patchHeaders.push(req.headers);
      // A ranged PATCH must start where the session ends; one without a range is appended.
      const contentRange = req.headers['content-range'];
      if (contentRange !== undefined && Number(contentRange.split('-')[0]) !== size(id)) {
        req.resume();
        return res.writeHead(416, { range: range(id) }).end();
      }
      const parts = sessions.get(id)!;
      const body: Buffer[] = [];
      const failThis = faults.fail503OnPatch === patches;
      const refuseAt = patches === 1 ? faults.refuseFirstPatchAt : undefined;
      let thisPatch = 0;
      let dropped = false;
      req.on('data', (d: Buffer) => {
        if (dropped) return;
        if (refuseAt !== undefined && thisPatch + d.length >= refuseAt) {
          dropped = true;
          sessions.delete(id);
          req.pause();
          res.writeHead(404, { 'content-type': 'application/json', connection: 'close' }).end('{"errors":[{"code":"BLOB_UPLOAD_UNKNOWN","message":"expired"}]}');
          return;
        }
        thisPatch += d.length;
        if (!cut && faults.cutAtByte !== undefined && received + d.length >= faults.cutAtByte) {
          const keep = faults.cutAtByte - received;
          parts.push(Buffer.from(d.subarray(0, keep)));
          received += keep;
          cut = true;
          dropped = true;
          if (faults.forgetAfterCut) sessions.clear();
          req.socket.destroy();
          return;
        }
        received += d.length;
        if (failThis) body.push(Buffer.from(d));
        else parts.push(Buffer.from(d));
      });
      req.on('end', () => {
        if (dropped) return;
        if (failThis) {
          const all = Buffer.concat(body);
          parts.push(all.subarray(0, all.length >> 1));
          return res.writeHead(503).end('{"errors":[{"code":"UNAVAILABLE","message":"try later"}]}');
        }
        res.writeHead(202, { location: url.pathname, range: range(id) }).end();
      });
      return;
    }
    if (upload && req.method === 'PUT') {
      const data = Buffer.concat(sessions.get(upload[1]!)!);
      if (faults.corruptFirstSession && upload[1] === '0' && data.length > 0) data[data.length >> 1] = data[data.length >> 1]! ^ 1;
      const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
      req.resume();
      if (digest !== url.searchParams.get('digest')) return res.writeHead(400).end('{"errors":[{"code":"DIGEST_INVALID","message":"mismatch"}]}');
      blobs.set(digest, data);
      return res.writeHead(201, { 'docker-content-digest': digest }).end();
    }
    if (req.method === 'DELETE') return res.writeHead(204).end();
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    blobs,
    log,
    patchHeaders,
    received: () => received,
    cut: () => cut,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const RETRY = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 };

/**
 * A deterministic producer of `data` in uneven pieces, as a compressor emits them. Each piece is a
 * copy that counts as held until it is released, and is overwritten when released, the way the
 * member pool reuses it: an upload that sent a piece after handing it back would send garbage.
 */
function producerOf(data: Buffer) {
  let calls = 0;
  let maxHeld = 0;
  const produce = () => {
    calls++;
    const held = new Set<Buffer>();
    async function* chunks() {
      for (let i = 0, step = 1; i < data.length; i += step, step = (step * 7 + 13) % 300_000 || 1) {
        const piece = Buffer.from(data.subarray(i, i + step));
        held.add(piece);
        maxHeld = Math.max(maxHeld, held.size);
        yield piece;
      }
    }
    return {
      chunks: chunks(),
      release(piece: Buffer) {
        expect(held.delete(piece)).toBe(true);
        piece.fill(0xee);
      },
      digest: () => `sha256:${createHash('sha256').update(data).digest('hex')}` as Digest,
    };
  };
  return { produce, calls: () => calls, maxHeld: () => maxHeld };
}

async function setup(faults: Faults) {
  const registry = await fakeRegistry(faults);
  const { logger, lines } = memoryLogger();
  const client = new RegistryClient({ registry: registry.host, logger, retry: RETRY });
  cleanups.push(
    () => registry.close(),
    () => client.close(),
  );
  return { registry, client, logger, lines };
}

test('fake registry: the blob goes out as one streamed PATCH, each piece handed back once written', async () => {
  const data = randomBytes(3 * 1024 * 1024 + 12345);
  const { registry, client, logger } = await setup({});
  const { produce, calls, maxHeld } = producerOf(data);
  const progress: number[] = [];
  const result = await uploadStreamedBlob(client, 'r/disk', produce, { logger, retry: RETRY, onAcknowledged: (n) => progress.push(n) });
  expect(result).toMatchObject({ size: data.length, resumes: 0, restarts: 0 });
  expect(calls()).toBe(1);
  expect(registry.blobs.get(result.digest)!.equals(data)).toBe(true);
  // One PATCH, its size unknown up front: chunked, no Content-Length, no Content-Range.
  expect(registry.log.filter((l) => l.startsWith('PATCH'))).toHaveLength(1);
  expect(registry.patchHeaders[0]).toMatchObject({ 'transfer-encoding': 'chunked' });
  expect(registry.patchHeaders[0]).not.toHaveProperty('content-length');
  expect(registry.patchHeaders[0]).not.toHaveProperty('content-range');
  // Nothing is kept for a resend: the next piece is taken only once the last one went back.
  expect(maxHeld()).toBe(1);
  // Progress rises to the blob's size.
  expect(progress.at(-1)).toBe(data.length);
  expect(progress.every((n, i) => i === 0 || n >= progress[i - 1]!)).toBe(true);
});

test('fake registry: a connection dropped mid-PATCH resumes from the registry’s offset, sending nothing twice', async () => {
  const data = randomBytes(3 * 1024 * 1024 + 12345);
  const { registry, client, logger, lines } = await setup({ cutAtByte: 1_500_000 });
  const { produce, calls } = producerOf(data);
  const result = await uploadStreamedBlob(client, 'r/disk', produce, { logger, retry: RETRY });
  expect(registry.cut()).toBe(true);
  expect(result).toMatchObject({ size: data.length, resumes: 1, restarts: 0 });
  // Produced again to reach the offset, but in the same session, and only the rest was sent.
  expect(calls()).toBe(2);
  expect(registry.log.filter((l) => l.startsWith('POST'))).toHaveLength(1);
  expect(registry.received()).toBe(data.length);
  expect(registry.blobs.get(result.digest)!.equals(data)).toBe(true);
  expect(lines.join('\n')).toMatch(/resuming at byte 1500000/);
  // The status query that made the resume possible:
  expect(registry.log).toContain('GET /upload/0');
});

test('fake registry: a 503 after a partial write is resumed the same way', async () => {
  const data = randomBytes(2 * 1024 * 1024 + 7);
  const { registry, client, logger } = await setup({ fail503OnPatch: 1 });
  const { produce, calls } = producerOf(data);
  const result = await uploadStreamedBlob(client, 'r/disk', produce, { logger, retry: RETRY });
  expect(result).toMatchObject({ resumes: 1, restarts: 0 });
  expect(calls()).toBe(2);
  expect(registry.blobs.get(result.digest)!.equals(data)).toBe(true);
});

test('fake registry: a session the registry forgot is restarted from scratch, and the digest still matches', async () => {
  const data = randomBytes(2 * 1024 * 1024);
  const { registry, client, logger, lines } = await setup({ cutAtByte: 700_000, forgetAfterCut: true });
  const { produce, calls } = producerOf(data);
  const result = await uploadStreamedBlob(client, 'r/disk', produce, { logger, retry: RETRY });
  expect(result.restarts).toBe(1);
  expect(calls()).toBe(2);
  expect(registry.blobs.get(result.digest)!.equals(data)).toBe(true);
  expect(lines.join('\n')).toMatch(/sending the layer again from the start \(restart 1\/2\)/);
});

test('fake registry: a PATCH refused mid-body (404, the rest unread) does not stall; the layer is sent again', async () => {
  const data = randomBytes(4 * 1024 * 1024);
  const { registry, client, logger } = await setup({ refuseFirstPatchAt: 1_000_000 });
  const { produce, calls } = producerOf(data);
  const result = await uploadStreamedBlob(client, 'r/disk', produce, { logger, retry: RETRY });
  expect(result).toMatchObject({ size: data.length, restarts: 1 });
  expect(calls()).toBe(2);
  expect(registry.blobs.get(result.digest)!.equals(data)).toBe(true);
});

test('fake registry: the PUT’s digest check catches bytes stored wrong, and a new session fixes it', async () => {
  const data = randomBytes(1024 * 1024);
  const { registry, client, logger, lines } = await setup({ corruptFirstSession: true });
  const { produce, calls } = producerOf(data);
  const result = await uploadStreamedBlob(client, 'r/disk', produce, { logger, retry: RETRY });
  expect(result.restarts).toBe(1);
  expect(calls()).toBe(2);
  expect(registry.blobs.get(result.digest)!.equals(data)).toBe(true);
  expect(lines.join('\n')).toMatch(/rejected the finished upload/);
});

test('receivedFromRange', () => {
  expect(receivedFromRange('0-1023')).toBe(1024);
  expect(receivedFromRange('bytes=0-9')).toBe(10);
  expect(receivedFromRange('0-0')).toBe(0);
  expect(receivedFromRange(undefined)).toBeUndefined();
  expect(receivedFromRange('5-9')).toBeUndefined();
});
