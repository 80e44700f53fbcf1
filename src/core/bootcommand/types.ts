/** What a boot command becomes: the exact stream of RFB key events and waits, in order. */
export type KeyEvent =
  /** An RFB KeyEvent: X11 keysym, pressed (down) or released. */
  | { key: number; down: boolean }
  /** A pause from a <wait…> token, in milliseconds (may be fractional). */
  | { wait: number };

/** Sends key events to a guest (a VNC connection, or a recorder in tests). */
export interface KeySink {
  keyEvent(keysym: number, down: boolean): Promise<void>;
}
