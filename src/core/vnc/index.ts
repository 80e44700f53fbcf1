/** The VNC (RFB) client used to type boot commands and take screenshots. */
export { RfbClient, VncError, type RfbConnectOptions, type ScreenshotOptions } from './rfb-client.js';
export { connectVnc, openSocket, type VncAddress } from './connect.js';
export { ConnectionClosedError } from './byte-reader.js';
export type { ProtocolVersion } from './rfb-messages.js';
