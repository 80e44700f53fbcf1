/**
 * A TCP proxy on 127.0.0.1 that forwards to a registry and, once, drops the connection that carries
 * the N-th byte sent towards the registry (the network failure a push must survive) or, with
 * direction 'from-registry', coming back from it (a pull's broken blob read).
 */
import net from 'node:net';

export interface CuttingProxy {
  host: string;
  /** True once the cut has happened. */
  cut(): boolean;
  close(): Promise<void>;
}

export async function startCuttingProxy(target: string, cutAfterBytes: number, direction: 'to-registry' | 'from-registry' = 'to-registry'): Promise<CuttingProxy> {
  const [targetHost, targetPort] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  let forwarded = 0;
  let didCut = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (data: Buffer) => {
      if (direction === 'to-registry' && !didCut && forwarded + data.length >= cutAfterBytes) {
        // Deliver part of this piece, so the registry holds a partial chunk, then break both sides.
        upstream.write(data.subarray(0, Math.max(0, cutAfterBytes - forwarded)), () => {
          didCut = true;
          drop();
        });
        forwarded = cutAfterBytes;
        client.pause();
        return;
      }
      if (direction === 'to-registry') forwarded += data.length;
      if (!upstream.write(data)) client.pause();
    });
    upstream.on('drain', () => client.resume());
    upstream.on('data', (data: Buffer) => {
      if (direction === 'from-registry' && !didCut && forwarded + data.length >= cutAfterBytes) {
        client.write(data.subarray(0, Math.max(0, cutAfterBytes - forwarded)), () => {
          didCut = true;
          drop();
        });
        forwarded = cutAfterBytes;
        upstream.pause();
        return;
      }
      if (direction === 'from-registry') forwarded += data.length;
      if (!client.write(data)) upstream.pause();
    });
    client.on('drain', () => upstream.resume());
    client.on('close', drop);
    upstream.on('close', drop);
    client.on('error', drop);
    upstream.on('error', drop);
    client.on('close', () => sockets.delete(client));
    upstream.on('close', () => sockets.delete(upstream));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    cut: () => didCut,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
