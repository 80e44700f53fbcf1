import type { TextSource } from './actions.js';

/** A `<wait 'TEXT'>` / `<waitSerial 'TEXT'>`: until `pattern` (a regular expression) shows. */
export interface TextWait {
  source: TextSource;
  pattern: string;
}

/** What a boot command becomes: the exact stream of RFB key events and waits, in order. */
export type KeyEvent =
  /** An RFB KeyEvent: X11 keysym, pressed (down) or released. */
  | { key: number; down: boolean }
  /** A pause from a <wait…> token, in milliseconds (may be fractional). */
  | { wait: number }
  /** Until the screen or the serial console shows a text. */
  | { waitText: TextWait };

/** Sends key events to a guest (a VNC connection, or a recorder in tests). */
export interface KeySink {
  keyEvent(keysym: number, down: boolean): Promise<void>;
}
