/** Packer-compatible boot commands: parse → key events → typed over a KeySink (VNC). */
export type { KeyEvent, KeySink, TextWait } from './types.js';
export { formatPackerAst, type BootAction, type BootToken, type KeyAction, type TextSource, type TokenSpan } from './actions.js';
export { BootCommandError, formatProblem, type BootCommandProblem, type ElementLabel } from './errors.js';
export { parseBootCommand, scanBootCommand, type ParseOptions, type ScanResult } from './parser.js';
export { keyEventsFor, needsShift, toKeyEvents } from './key-events.js';
export { planBootCommand, type BootKeyPlan } from './plan.js';
export { DEFAULT_KEY_INTERVAL_MS, KEY_INTERVAL_ENV, resolveKeyInterval, type KeyIntervalSources } from './key-interval.js';
export { typeKeyEvents, type TypeKeyEventsOptions } from './type-key-events.js';
export { describeKeyEvent, describeTextWait, keysymName } from './describe.js';
export { SPECIAL_KEYS, SHIFT_L, specialKey, type SpecialKey } from './special-keys.js';
