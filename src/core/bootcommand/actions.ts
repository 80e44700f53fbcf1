/**
 * What the boot-command parser produces: one action per token, like the expressions of Packer's
 * bootcommand AST (wait, special key, literal character), each with the place it was written.
 */
import { formatGoDurationNanos } from './go-duration-nanos.js';

/** Press = down then up; On = down only (held); Off = up only. */
export type KeyAction = 'press' | 'on' | 'off';

/** Where a text wait looks: the screen (OCR of the VNC framebuffer) or the serial console. */
export type TextSource = 'screen' | 'serial';

export type BootAction =
  | { kind: 'wait'; nanos: bigint }
  /**
   * `<wait 'TEXT'>` / `<wait "TEXT">` (packer-plugin-tart's syntax) and `<waitSerial 'TEXT'>`:
   * wait until the regular expression `pattern` matches what the screen shows (OCR) or what the
   * serial console printed since boot. Not in Packer, where these are typed as literal text.
   */
  | { kind: 'waitText'; source: TextSource; pattern: string }
  /** One Unicode code point, typed as its own keysym. */
  | { kind: 'literal'; char: string; action: KeyAction }
  /** A named key; `key` is its lower-case name ("leftctrl"), as Packer keys its map. */
  | { kind: 'special'; key: string; action: KeyAction };

/** Where a token was written: UTF-16 offsets into the concatenated command, and its elements. */
export interface TokenSpan {
  /** Offset of the token's first character in the concatenated command. */
  start: number;
  /** Offset just past its last character. */
  end: number;
  /** The boot_command element holding the first character (0-based). */
  element: number;
  /** 1-based column of the first character within that element, counted in code points. */
  column: number;
  /** The element holding the last character: the element a split token completes. */
  lastElement: number;
  /** The token exactly as written, e.g. "<leftCtrlOn>". */
  text: string;
}

export type BootToken = BootAction & { span: TokenSpan };

const ACTION_NAMES: Record<KeyAction, string> = { press: 'Press', on: 'On', off: 'Off' };

/**
 * The token in the notation of Packer's own tests ("Wait<1s>", "LIT-Press(a)", "Spec-On(leftctrl)"),
 * so results can be compared with what packer-plugin-sdk's parser prints.
 */
export function formatPackerAst(action: BootAction): string {
  switch (action.kind) {
    case 'wait':
      return `Wait<${formatGoDurationNanos(action.nanos)}>`;
    case 'waitText':
      return `WaitText<${action.source} ${JSON.stringify(action.pattern)}>`;
    case 'literal':
      return `LIT-${ACTION_NAMES[action.action]}(${action.char})`;
    case 'special':
      return `Spec-${ACTION_NAMES[action.action]}(${action.key})`;
  }
}
