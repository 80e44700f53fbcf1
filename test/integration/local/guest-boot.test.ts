/**
 * The real test guest (test/fixtures/guest.ts) built through LocalEngine, BIOS and UEFI: typed at
 * its boot prompt over the engine's VNC, it fetches a seed from the host at the address the
 * engine reports (10.0.2.2), starts its SSH server behind the forwarded port, powers off on the
 * ACPI button, and its disk is exported.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VmHandle } from '../../../src/core/engine.js';
import { memoryLogger } from '../../../src/core/log.js';
import { imageInfo } from '../../../src/core/disk/image-info.js';
import { LocalEngine } from '../../../src/engines/local/engine.js';
import { GUEST, ensureGuestImage } from '../../fixtures/guest.js';
import { MiB, buildOf, vmOf } from './build-model.js';
import { RfbKeyboard } from './rfb-keys.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'ruddervirt-guest-engine-'));
let image = '';
let imageSize = 0;
let seedServer: Server;
let seedPort = 0;
const seedRequests: string[] = [];

beforeAll(async () => {
  image = await ensureGuestImage();
  imageSize = (await imageInfo(image)).virtualSize;
  seedServer = createServer((req, res) => {
    seedRequests.push(`${req.method} ${req.url}`);
    if (req.url !== '/seed.sh') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/x-shellscript' }).end('echo "seeded through the local engine"\n');
  });
  await new Promise<void>((r) => seedServer.listen(0, '127.0.0.1', () => r()));
  seedPort = (seedServer.address() as net.AddressInfo).port;
}, 600_000);

afterAll(() => {
  seedServer?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function waitForSerial(handle: VmHandle, text: string | RegExp, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = await handle.serialTail(1000);
    if (lines.some((l) => (typeof text === 'string' ? l.includes(text) : text.test(l)))) return lines;
    if (Date.now() > deadline) throw new Error(`no ${text} on the serial console within ${timeoutMs}ms:\n${lines.slice(-30).join('\n')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function sshBanner(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port });
    let got = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('no SSH banner within 20s'));
    }, 20_000);
    s.on('data', (c: Buffer) => {
      got += c.toString('latin1');
      if (got.includes('\n')) {
        clearTimeout(timer);
        s.destroy();
        resolve(got.split('\n')[0]!.trim());
      }
    });
    s.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

describe.each([
  ['BIOS', undefined],
  ['UEFI', { secureBoot: false }],
] as const)('test guest through LocalEngine (%s, real QEMU)', (firmware, efiFirmware) => {
  it('boots to "guest:" lines after a boot command typed over VNC, fetches its seed from 10.0.2.2, answers SSH, powers off, exports', async () => {
    const name = `guest-${firmware.toLowerCase()}`;
    const vm = vmOf({
      name,
      source: { kind: 'path', path: image },
      memoryBytes: GUEST.memoryMiB * MiB,
      disks: [{ name: 'root', sizeBytes: imageSize + 64 * MiB, bus: 'virtio' }],
      ...(efiFirmware ? { efiFirmware } : {}),
    });
    const engine = new LocalEngine();
    const { logger } = memoryLogger();
    const handle = await engine.startVm({
      build: buildOf(tmp, vm),
      vm,
      workDir: path.join(tmp, name, 'work'),
      logDir: path.join(tmp, name, 'logs'),
      http: { port: seedPort },
      logger,
      signal: AbortSignal.timeout(60_000),
    });
    try {
      await waitForSerial(handle, GUEST.bootPrompt, GUEST.bootTimeoutMs);
      const http = handle.httpEndpoint()!;
      expect(http).toEqual({ ip: GUEST.userNet.hostIp, port: seedPort });
      const { keyboard } = await RfbKeyboard.connect(await handle.openVnc(AbortSignal.timeout(10_000)));
      try {
        await keyboard.type(`guest seed=http://${http.ip}:${http.port}/seed.sh\n`);
      } finally {
        keyboard.close();
      }
      const lines = await waitForSerial(handle, GUEST.milestones.sshReady, GUEST.bootTimeoutMs);
      expect(lines.some((l) => l.startsWith('guest:'))).toBe(true);
      expect(lines.join('\n')).toContain(GUEST.milestones.seedDone);
      expect(seedRequests.filter((r) => r === 'GET /seed.sh').length).toBeGreaterThanOrEqual(1);

      const ssh = await handle.sshAddress(AbortSignal.timeout(1000));
      expect(await sshBanner(ssh.port)).toMatch(/^SSH-2\.0-/);

      await handle.powerOff();
      expect(await handle.waitForShutdown(60_000, AbortSignal.timeout(70_000))).toBe(true);
      expect((await handle.serialTail(50)).join('\n')).toContain(GUEST.milestones.cleanShutdown);

      const out = path.join(tmp, `${name}.qcow2`);
      await handle.exportDisk({ destination: out, format: 'qcow2', compress: true, logger, signal: AbortSignal.timeout(120_000) });
      expect(await imageInfo(out)).toMatchObject({ format: 'qcow2', virtualSize: imageSize + 64 * MiB });
    } finally {
      await handle.stop();
      await engine.close();
    }
  }, 300_000);
});
