/**
 * A boot command ready to type: its tokens, the key-event stream, and where each boot_command element
 * ends in that stream (the pipeline takes a screenshot after each element).
 */
import type { BootToken } from './actions.js';
import { keyEventsFor } from './key-events.js';
import { parseBootCommand, type ParseOptions } from './parser.js';
import type { KeyEvent } from './types.js';

export interface BootKeyPlan {
  tokens: BootToken[];
  events: KeyEvent[];
  /**
   * elementEnds[i] = how many events have been sent once element i is fully typed. A token split
   * across elements belongs to the element where it ends; an empty element ends where the previous
   * one did. One entry per element, non-decreasing.
   */
  elementEnds: number[];
}

/** Parses (Packer's rules: elements concatenated first), validates, and translates to key events. */
export function planBootCommand(command: string | readonly string[], options: ParseOptions = {}): BootKeyPlan {
  const elementCount = typeof command === 'string' ? 1 : command.length;
  const tokens = parseBootCommand(command, options);
  const events: KeyEvent[] = [];
  const elementEnds: number[] = [];
  for (const token of tokens) {
    // Every element before the one this token completes is done before the token is typed.
    while (elementEnds.length < token.span.lastElement) elementEnds.push(events.length);
    events.push(...keyEventsFor(token));
  }
  while (elementEnds.length < elementCount) elementEnds.push(events.length);
  return { tokens, events, elementEnds };
}
