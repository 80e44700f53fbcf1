/**
 * How RegistryClient.connect picks the scheme of a loopback registry, against real node:http and
 * node:https servers on 127.0.0.1: plain http is asked first (no TLS handshake for the common local
 * registry), a TLS port's refusal of it leads to https, and a plain server's own answer is final.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { memoryLogger } from '../../../src/core/log.js';
import { RegistryClient } from '../../../src/core/oci/registry/client.js';
import { RegistryError } from '../../../src/core/oci/registry/registry-error.js';
import { makeTestCertificates } from '../../helpers/registry.js';

const TLS_HANDSHAKE = 0x16;

/**
 * Starts `server` on loopback behind a TCP relay that records the first byte of every connection
 * (a TLS server's sockets hand their bytes to OpenSSL, so they cannot be watched directly).
 */
async function listen(server: http.Server): Promise<{ port: number; firstBytes: number[]; close: () => Promise<void> }> {
  const firstBytes: number[] = [];
  const sockets = new Set<net.Socket>();
  // A TLS server refusing plain bytes reports it here; the client sees the socket close.
  server.on('tlsClientError', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const target = (server.address() as net.AddressInfo).port;
  const relay = net.createServer((front) => {
    const back = net.connect(target, '127.0.0.1');
    for (const s of [front, back]) sockets.add(s.on('error', () => {}));
    front.once('data', (b: Buffer) => firstBytes.push(b[0]!));
    front.pipe(back).pipe(front);
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  return {
    port: (relay.address() as net.AddressInfo).port,
    firstBytes,
    close: async () => {
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await Promise.all([new Promise((r) => relay.close(r)), new Promise((r) => server.close(r))]);
    },
  };
}

function client(port: number, extra: { ca?: Buffer } = {}): RegistryClient {
  return new RegistryClient({ registry: `127.0.0.1:${port}`, logger: memoryLogger().logger, retry: { attempts: 1, baseDelayMs: 10, maxDelayMs: 10 }, ...extra });
}

const answerV2 = (status: number) => (req: http.IncomingMessage, res: http.ServerResponse) => {
  res.writeHead(req.url === '/v2/' ? status : 404, { 'content-type': 'application/json', 'docker-distribution-api-version': 'registry/2.0' }).end('{}');
};

let certDir: string;
let tls: { caFile: string; certFile: string; keyFile: string };
beforeAll(async () => {
  certDir = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-scheme-'));
  tls = makeTestCertificates(certDir);
});
afterAll(() => rm(certDir, { recursive: true, force: true }));

describe('scheme of a loopback registry', () => {
  test('a plain http registry is reached with one plain request and no TLS handshake', async () => {
    const server = await listen(http.createServer(answerV2(200)));
    try {
      const c = client(server.port);
      await c.connect();
      c.close();
      expect(c.baseUrl.protocol).toBe('http:');
      expect(server.firstBytes).toEqual(['G'.charCodeAt(0)]);
    } finally {
      await server.close();
    }
  });

  test('a TLS registry refuses the plain request, and https follows', async () => {
    const [cert, key, ca] = await Promise.all([readFile(tls.certFile), readFile(tls.keyFile), readFile(tls.caFile)]);
    const server = await listen(https.createServer({ cert, key }, answerV2(401)));
    try {
      const c = client(server.port, { ca });
      await c.connect();
      c.close();
      expect(c.baseUrl.protocol).toBe('https:');
      expect(server.firstBytes).toEqual(['G'.charCodeAt(0), TLS_HANDSHAKE]);
    } finally {
      await server.close();
    }
  });

  test("a plain server's own error is final: no https try, and the message names the status", async () => {
    const server = await listen(http.createServer(answerV2(500)));
    try {
      const c = client(server.port);
      const err = await c.connect().catch((e: unknown) => e);
      c.close();
      expect(err).toBeInstanceOf(RegistryError);
      expect((err as Error).message).toMatch(/GET \/v2\/ answered HTTP 500/);
      expect(server.firstBytes).not.toContain(TLS_HANDSHAKE);
    } finally {
      await server.close();
    }
  });

  test('a plain server answering 404 is not a registry, whatever https would say', async () => {
    const server = await listen(http.createServer(answerV2(404)));
    try {
      const c = client(server.port);
      const err = await c.connect().catch((e: unknown) => e);
      c.close();
      expect((err as Error).message).toMatch(/answered 404; this is not an OCI distribution registry/);
      expect(server.firstBytes).toEqual(['G'.charCodeAt(0)]);
    } finally {
      await server.close();
    }
  });
});
