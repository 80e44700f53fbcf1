/**
 * The one way out of a VM without internet: its user-mode NIC runs with QEMU's restrict=on, which
 * drops every connection the guest starts, except `guestfwd` rules. A guestfwd to a character
 * device would carry all connections over one stream (QEMU opens it once), so each connection
 * runs a small relay instead (`cmd:`, started by QEMU per connection with the connection as its
 * stdin and stdout) that joins it to the build's HTTP server on 127.0.0.1. The relay is this
 * process's own Node binary running a script written next to the VM's sockets.
 *
 * QEMU refuses guestfwd rules on the host's own user-mode address (10.0.2.2), so such a guest
 * finds the build's HTTP server at RESTRICTED_HTTP_IP instead, which is what {{ .HTTPIP }} says;
 * 10.0.2.2 answers nothing at all there.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { GuestForward } from '../qemu-args.js';

const RELAY_FILE = 'guestfwd-relay.mjs';

/** Where a guest without internet reaches the build's HTTP server (libslirp's default guestfwd address). */
export const RESTRICTED_HTTP_IP = '10.0.2.4';

/** Joins stdin/stdout (the guest's connection) to 127.0.0.1:PORT; both directions close independently. */
const RELAY_SOURCE = `import net from 'node:net';
const [host, port] = process.argv.slice(2);
const guest = new net.Socket({ fd: 0, readable: true, writable: true, allowHalfOpen: true });
const server = net.connect({ host, port: Number(port), allowHalfOpen: true });
const stop = () => { guest.destroy(); server.destroy(); };
guest.on('error', stop);
server.on('error', stop);
guest.pipe(server);
server.pipe(guest);
`;

/** A guestfwd rule: the guest's connections to `guestIp:port` reach 127.0.0.1:`hostPort`. */
export async function relayToHost(options: { runtimeDir: string; guestIp: string; guestPort: number; hostPort: number; nodeBinary?: string }): Promise<GuestForward> {
  const script = path.join(options.runtimeDir, RELAY_FILE);
  await writeFile(script, RELAY_SOURCE, { mode: 0o600 });
  return { ip: options.guestIp, port: options.guestPort, command: [options.nodeBinary ?? process.execPath, script, '127.0.0.1', String(options.hostPort)] };
}
