/** A TCP server for tests of the byte streams to stand behind a pod's or a VMI's port. */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface EchoServer {
  host: string;
  port: number;
  connections(): number;
  close(): Promise<void>;
}

/** Echoes bytes back, prefixed by a greeting line (as an SSH or RFB server speaks first). */
export async function startEchoServer(greeting = 'hello\n'): Promise<EchoServer> {
  const live = new Set<net.Socket>();
  const server = net.createServer((s) => {
    live.add(s);
    s.on('close', () => live.delete(s));
    s.on('error', () => undefined);
    s.write(greeting);
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    connections: () => live.size,
    close: () =>
      new Promise<void>((r) => {
        for (const s of live) s.destroy();
        server.close(() => r());
      }),
  };
}
