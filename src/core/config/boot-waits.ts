/**
 * Load-time check of the waits in a boot command, as Packer's config validation does: a
 * `<waitXX>` token whose duration is not positive is an error ("Expecting a positive wait value").
 * Only wait tokens matter here, and they cannot start inside another token (no special key or
 * char toggle contains "<wait"), so finding them needs no full parse of the grammar. The elements
 * are joined first, as Packer joins them before parsing: a token split across two is not a token.
 * A text wait (`<wait 'TEXT'>`) whose TEXT is no regular expression is refused here too.
 */
import { scanBootCommand } from '../bootcommand/parser.js';

// Packer's grammar: "<" "wait" (Duration | Integer)? ">"; "wait" is case-sensitive; a Duration is
// one or more Number+unit with an optional "-" on each number; Integer is 0 or [1-9][0-9]*.
const WAIT = /<wait((?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+|0|[1-9]\d*)?>/gu;

const TEXT_WAIT = /<wait(?:Serial)? (?:'([^']+)'|"([^"]+)")>/g;

export interface BadWait {
  /** Which element of the boot command the token starts in, and where in it. */
  element: number;
  offset: number;
  message: string;
}

export function findBadWaits(elements: readonly string[]): BadWait[] {
  const joined = elements.join('');
  const starts: number[] = [];
  let at = 0;
  for (const e of elements) {
    starts.push(at);
    at += e.length;
  }
  const bad: BadWait[] = [];
  for (const m of joined.matchAll(WAIT)) {
    const spec = m[1];
    // The token read by the boot-command parser itself, so validation and typing agree on every
    // wait, including the ones no timer can hold and the bare integers Go's int64 wraps.
    const problem = scanBootCommand(m[0]).problems[0];
    let message: string | undefined;
    if (problem?.kind === 'non-positive-wait' && spec !== undefined && !/^\d+$/.test(spec)) message = `'${m[0]}' waits ${spec}; expected a positive wait such as <wait5> or <wait500ms>`;
    else if (problem) message = `'${m[0]}' is not a valid wait: ${problem.reason}`;
    if (message) {
      let element = starts.length - 1;
      while (element > 0 && starts[element]! > m.index) element--;
      bad.push({ element, offset: m.index - starts[element]!, message });
    }
  }
  // Ours, not Packer's: <wait 'TEXT'> / <waitSerial 'TEXT'>, whose TEXT must be a regular expression.
  for (const m of joined.matchAll(TEXT_WAIT)) {
    const pattern = m[1] ?? m[2] ?? '';
    try {
      new RegExp(pattern);
    } catch (err) {
      const why = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
      let element = starts.length - 1;
      while (element > 0 && starts[element]! > m.index) element--;
      bad.push({ element, offset: m.index - starts[element]!, message: `'${m[0]}' waits for ${JSON.stringify(pattern)}, which is not a regular expression: ${why}` });
    }
  }
  return bad.sort((a, b) => a.element - b.element || a.offset - b.offset);
}
