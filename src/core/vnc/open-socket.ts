/**
 * Dialling a VNC server (QEMU's `-vnc unix:…` / `-vnc 127.0.0.1:N`), abortable. Kept apart from the
 * RFB client so engines can hand out raw streams without loading the client and its PNG encoder.
 */
import net from 'node:net';

export type VncAddress = { socketPath: string } | { host: string; port: number };

const describe = (a: VncAddress): string => ('socketPath' in a ? a.socketPath : `${a.host}:${a.port}`);

/** A connected socket; destroyed again if the signal aborts first. */
export function openSocket(address: VncAddress, signal?: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const socket = 'socketPath' in address ? net.connect(address.socketPath) : net.connect({ host: address.host, port: address.port });
    const onAbort = (): void => {
      socket.destroy();
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      signal?.removeEventListener('abort', onAbort);
      resolve(socket);
    });
    socket.once('error', (err) => {
      signal?.removeEventListener('abort', onAbort);
      reject(new Error(`cannot connect to the VNC server at ${describe(address)}: ${err.message}`, { cause: err }));
    });
  });
}
