/**
 * A listener on 127.0.0.1 whose every connection is carried by a fresh stream from `open` (a
 * KubeVirt port-forward websocket): how the SSH communicator, which dials host:port, reaches a
 * guest inside the cluster. Closing it ends the listener and every connection it carried.
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../../core/log.js';

export interface LocalForwarder {
  host: string;
  port: number;
  close(): Promise<void>;
}

export interface LocalForwarderOptions {
  /** Opens the remote end of one connection. */
  open: (signal: AbortSignal) => Promise<Duplex>;
  logger: Logger;
  /** For log lines ("ssh to base/guest"). */
  what: string;
}

export async function startLocalForwarder(options: LocalForwarderOptions): Promise<LocalForwarder> {
  const stop = new AbortController();
  const live = new Set<{ local: net.Socket; remote?: Duplex }>();
  const server = net.createServer((local) => {
    const pair: { local: net.Socket; remote?: Duplex } = { local };
    live.add(pair);
    local.pause();
    const end = () => {
      live.delete(pair);
      local.destroy();
      pair.remote?.destroy();
    };
    local.once('close', end);
    local.on('error', () => end());
    options.open(stop.signal).then(
      (remote) => {
        if (local.destroyed) {
          remote.destroy();
          return;
        }
        pair.remote = remote;
        remote.on('error', (err) => {
          options.logger.debug(`${options.what}: tunnel closed: ${err.message}`);
          end();
        });
        remote.once('close', end);
        remote.pipe(local);
        local.pipe(remote);
        local.resume();
      },
      (err: unknown) => {
        // The client sees a closed connection, as with a port nobody listens on; SSH waits and retries.
        options.logger.debug(`${options.what}: cannot open the tunnel: ${err instanceof Error ? err.message : String(err)}`);
        end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port,
    close() {
      closed ??= new Promise<void>((resolve) => {
        stop.abort(new Error(`${options.what}: forwarder closed`));
        for (const pair of live) {
          pair.local.destroy();
          pair.remote?.destroy();
        }
        live.clear();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}
