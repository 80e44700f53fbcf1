/** Human-readable key events, for `ruddervirt boot-command` and debug logs. */
import { formatGoDurationNanos } from './go-duration-nanos.js';
import { KEYSYM_NAMES } from './special-keys.js';
import type { KeyEvent, TextWait } from './types.js';

// Control, format, separator and unassigned code points would be invisible or break the line.
const INVISIBLE = /^[\p{C}\p{Z}]$/u;
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', ' ': ' ' };

/** "Shift_L", "'a'", "'\n'" or "U+754C '界'" for a keysym that is just a code point. */
export function keysymName(keysym: number): string {
  const named = KEYSYM_NAMES.get(keysym);
  if (named) return named;
  if (keysym > 0x10ffff || (keysym >= 0xd800 && keysym <= 0xdfff)) return `0x${keysym.toString(16)}`;
  const char = String.fromCodePoint(keysym);
  const quoted = INVISIBLE.test(char) ? (ESCAPES[char] ?? `\\u{${keysym.toString(16)}}`) : char;
  return keysym > 0xff ? `U+${keysym.toString(16).toUpperCase().padStart(4, '0')} '${quoted}'` : `'${quoted}'`;
}

/**
 * One line per event: "press   Shift_L     0xffe1", "release 'a'         0x61", "wait    1m30s",
 * "wait    for screen text /boot:/".
 */
export function describeKeyEvent(event: KeyEvent): string {
  if ('waitText' in event) return `wait    for ${describeTextWait(event.waitText)}`;
  if ('wait' in event) {
    // The stream holds milliseconds; show them the way a boot command writes durations.
    return `wait    ${formatGoDurationNanos(BigInt(Math.round(event.wait * 1e6)))}`;
  }
  const verb = event.down ? 'press' : 'release';
  return `${verb.padEnd(7)} ${keysymName(event.key).padEnd(14)} 0x${event.key.toString(16).padStart(4, '0')}`;
}

/** "screen text /boot:/", "serial console text /login: $/". */
export function describeTextWait({ source, pattern }: TextWait): string {
  return `${source === 'screen' ? 'screen' : 'serial console'} text /${pattern}/`;
}
