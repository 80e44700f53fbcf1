/**
 * The named keys a boot command can press (`<enter>`, `<leftCtrlOn>` …) and the X11 keysyms the VNC
 * driver sends for them. Facts from packer-plugin-sdk's bootcommand package (grammar and VNC key map),
 * see docs/boot-command.md for the user-facing table.
 *
 * The order of this table is the grammar's ordered choice: the parser tries the names top to bottom
 * and commits to the first one that matches, so a name must come before any name it is a prefix of
 * (`f10` before `f1`, `leftAlt` before `left`). A unit test holds the table to that rule.
 */

export interface SpecialKey {
  /** The name as Packer documents it; matched case-insensitively. */
  readonly name: string;
  /** The X11 keysym sent in the RFB KeyEvent. */
  readonly keysym: number;
  /** The X11 name of that keysym, for listings. */
  readonly x11Name: string;
  /** The packer-plugin-sdk release whose grammar first accepted the name (v0.4.0 = Packer 1.9.x). */
  readonly since: 'v0.4.0' | 'v0.5.0' | 'v0.6.9';
}

const fKeys: SpecialKey[] = Array.from({ length: 12 }, (_, i) => ({
  name: `f${i + 1}`,
  keysym: 0xffbe + i,
  x11Name: `F${i + 1}`,
  since: 'v0.4.0' as const,
}));
const f = (n: number): SpecialKey => fKeys[n - 1]!;

export const SPECIAL_KEYS: readonly SpecialKey[] = [
  { name: 'bs', keysym: 0xff08, x11Name: 'BackSpace', since: 'v0.4.0' },
  { name: 'del', keysym: 0xffff, x11Name: 'Delete', since: 'v0.4.0' },
  { name: 'enter', keysym: 0xff0d, x11Name: 'Return', since: 'v0.4.0' },
  { name: 'esc', keysym: 0xff1b, x11Name: 'Escape', since: 'v0.4.0' },
  f(10),
  f(11),
  f(12),
  f(1),
  f(2),
  f(3),
  f(4),
  f(5),
  f(6),
  f(7),
  f(8),
  f(9),
  { name: 'return', keysym: 0xff0d, x11Name: 'Return', since: 'v0.4.0' },
  { name: 'tab', keysym: 0xff09, x11Name: 'Tab', since: 'v0.4.0' },
  { name: 'up', keysym: 0xff52, x11Name: 'Up', since: 'v0.4.0' },
  { name: 'down', keysym: 0xff54, x11Name: 'Down', since: 'v0.4.0' },
  // The space keysym, exactly what a literal ' ' sends.
  { name: 'spacebar', keysym: 0x0020, x11Name: 'space', since: 'v0.4.0' },
  { name: 'insert', keysym: 0xff63, x11Name: 'Insert', since: 'v0.4.0' },
  { name: 'home', keysym: 0xff50, x11Name: 'Home', since: 'v0.4.0' },
  { name: 'end', keysym: 0xff57, x11Name: 'End', since: 'v0.4.0' },
  { name: 'pageUp', keysym: 0xff55, x11Name: 'Prior', since: 'v0.4.0' },
  { name: 'pageDown', keysym: 0xff56, x11Name: 'Next', since: 'v0.4.0' },
  { name: 'leftAlt', keysym: 0xffe9, x11Name: 'Alt_L', since: 'v0.4.0' },
  { name: 'leftCtrl', keysym: 0xffe3, x11Name: 'Control_L', since: 'v0.4.0' },
  { name: 'leftShift', keysym: 0xffe1, x11Name: 'Shift_L', since: 'v0.4.0' },
  { name: 'rightAlt', keysym: 0xffea, x11Name: 'Alt_R', since: 'v0.4.0' },
  { name: 'rightCtrl', keysym: 0xffe4, x11Name: 'Control_R', since: 'v0.4.0' },
  { name: 'rightShift', keysym: 0xffe2, x11Name: 'Shift_R', since: 'v0.4.0' },
  { name: 'leftSuper', keysym: 0xffeb, x11Name: 'Super_L', since: 'v0.4.0' },
  { name: 'rightSuper', keysym: 0xffec, x11Name: 'Super_R', since: 'v0.4.0' },
  // The SDK sends the Alt keysyms for Command (what QEMU maps to the Mac Command key) and Meta for Option.
  { name: 'leftCommand', keysym: 0xffe9, x11Name: 'Alt_L', since: 'v0.6.9' },
  { name: 'rightCommand', keysym: 0xffea, x11Name: 'Alt_R', since: 'v0.6.9' },
  { name: 'leftOption', keysym: 0xffe7, x11Name: 'Meta_L', since: 'v0.6.9' },
  { name: 'rightOption', keysym: 0xffe8, x11Name: 'Meta_R', since: 'v0.6.9' },
  { name: 'left', keysym: 0xff51, x11Name: 'Left', since: 'v0.4.0' },
  { name: 'right', keysym: 0xff53, x11Name: 'Right', since: 'v0.4.0' },
  // In the VNC key map since v0.4.0 but only reachable through the grammar from v0.5.0 on.
  { name: 'menu', keysym: 0xff67, x11Name: 'Menu', since: 'v0.5.0' },
];

/** Packer's name for a special key is its lower-case spelling (`<PageUp>` is "pageup"). */
const byLowerName = new Map(SPECIAL_KEYS.map((k) => [k.name.toLowerCase(), k]));

export function specialKey(lowerName: string): SpecialKey | undefined {
  return byLowerName.get(lowerName);
}

/** X11 names of the keysyms this module sends, for human-readable listings. */
export const KEYSYM_NAMES: ReadonlyMap<number, string> = new Map(SPECIAL_KEYS.map((k) => [k.keysym, k.x11Name]));

/** The Shift key the VNC driver wraps around shifted characters. */
export const SHIFT_L = 0xffe1;
