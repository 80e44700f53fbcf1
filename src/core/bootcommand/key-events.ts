/**
 * Boot-command actions → the RFB key-event stream, by the rules of Packer's VNC driver
 * (packer-plugin-sdk bootcommand/vnc_driver.go):
 * - a character is sent as its own code point, whatever that is as a keysym (so 'A' is 0x41 and
 *   '界' is 0x754C, not 0x100754C; '\n' is 0x0A, not Return);
 * - Shift_L is pressed around a character that is upper case (Go's unicode.IsUpper: category Lu)
 *   or one of the US-layout shifted symbols ~!@#$%^&*()_+{}|:"<>? — down before the key's down,
 *   up after the key's up; an On only presses, an Off only releases;
 * - named keys never get Shift;
 * - a wait becomes a pause, a text wait a wait for that text. The per-key interval is not part of the stream (typeKeyEvents adds it).
 */
import type { BootAction, KeyAction } from './actions.js';
import type { KeyEvent } from './types.js';
import { nanosToMs } from './go-duration-nanos.js';
import { SHIFT_L, specialKey } from './special-keys.js';

const SHIFTED_SYMBOLS = new Set('~!@#$%^&*()_+{}|:"<>?');
const UPPERCASE_LETTER = /^\p{Lu}$/u;

/** Whether Packer's VNC driver holds Shift_L around this character. */
export function needsShift(char: string): boolean {
  return UPPERCASE_LETTER.test(char) || SHIFTED_SYMBOLS.has(char);
}

function keyAction(keysym: number, action: KeyAction, shift: boolean): KeyEvent[] {
  const events: KeyEvent[] = [];
  if (shift && action !== 'off') events.push({ key: SHIFT_L, down: true });
  if (action !== 'off') events.push({ key: keysym, down: true });
  if (action !== 'on') events.push({ key: keysym, down: false });
  if (shift && action !== 'on') events.push({ key: SHIFT_L, down: false });
  return events;
}

export function keyEventsFor(action: BootAction): KeyEvent[] {
  switch (action.kind) {
    case 'wait':
      return [{ wait: nanosToMs(action.nanos) }];
    case 'waitText':
      return [{ waitText: { source: action.source, pattern: action.pattern } }];
    case 'literal':
      return keyAction(action.char.codePointAt(0)!, action.action, needsShift(action.char));
    case 'special': {
      const key = specialKey(action.key);
      // The grammar only produces names from the same table; this guards against a hand-built action.
      if (!key) throw new Error(`special ${action.key} not found.`);
      return keyAction(key.keysym, action.action, false);
    }
  }
}

export function toKeyEvents(actions: readonly BootAction[]): KeyEvent[] {
  return actions.flatMap(keyEventsFor);
}
