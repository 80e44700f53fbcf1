/**
 * Setup mistakes when publishing are user errors with a message, never "internal error" and a stack:
 * a registry port out of range, an OCI layout path that is a file, a registry no one listens on.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { memoryLogger } from '../../../src/core/log.js';
import { publishContainerDisk } from '../../../src/core/oci/publish.js';

let work: string;
let disk: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'ruddervirt-publish-errors-'));
  disk = path.join(work, 'disk.img');
  await writeFile(disk, randomBytes(4096));
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** A loopback port that nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function failure(opts: Partial<Parameters<typeof publishContainerDisk>[0]>): Promise<Error> {
  const err = await publishContainerDisk({ disk, refs: [], logger: memoryLogger().logger, ...opts }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UserError);
  return err as Error;
}

describe('publish setup mistakes are user errors', () => {
  test('a registry port past 65535', async () => {
    // Before: new URL() threw a TypeError ("Invalid URL"), shown as an internal error.
    expect((await failure({ refs: ['127.0.0.1:99999/x:1'] })).message).toBe("invalid image reference '127.0.0.1:99999/x:1': port 99999 is not a TCP port (1-65535)");
  });

  test('--oci-layout naming a file', async () => {
    const file = path.join(work, 'not-a-folder');
    await writeFile(file, 'x');
    expect((await failure({ ociLayout: file })).message).toBe(`${file}: cannot use it as an OCI layout folder: it (or a folder above it) is a file`);
  });

  test('a registry no one listens on', async () => {
    const port = await closedPort();
    const err = await failure({ refs: [`127.0.0.1:${port}/x:1`], insecure: true });
    expect(err.message).toMatch(/cannot reach the registry.*ECONNREFUSED/);
  }, 120_000);

  test('a registry that answers /v2/ and then drops every connection, after the retries', async () => {
    // A registry going away mid-push. Before: "internal error: HttpNetworkError" with a stack.
    const server = (await import('node:http')).createServer((req, res) => {
      if (req.url === '/v2/') res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else req.socket.destroy();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as net.AddressInfo;
    try {
      const err = await failure({ refs: [`127.0.0.1:${port}/x:1`], insecure: true });
      expect(err.message).toMatch(new RegExp(`^cannot reach the registry: .*127\\.0\\.0\\.1:${port}.*; check the address, the port and that it is running$`));
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }, 120_000);
});
