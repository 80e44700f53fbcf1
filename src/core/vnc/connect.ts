/** Opening a VNC connection to a unix socket or TCP port (QEMU's `-vnc unix:…` / `-vnc 127.0.0.1:N`). */
import { RfbClient, type RfbConnectOptions } from './rfb-client.js';

export { openSocket, type VncAddress } from './open-socket.js';
import { openSocket, type VncAddress } from './open-socket.js';

export async function connectVnc(address: VncAddress, options: RfbConnectOptions = {}): Promise<RfbClient> {
  return RfbClient.connect(await openSocket(address, options.signal), options);
}
