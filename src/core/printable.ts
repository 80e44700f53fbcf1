/**
 * Text from a build file (or anything a user or guest wrote) made safe to print on a terminal: C0
 * and C1 control characters, DEL, the Unicode line and paragraph separators and the bidirectional
 * overrides are written as escapes ("\x1b", "\u202e"), so an ANSI or OSC sequence in a key or value
 * shows as text instead of moving the cursor, retitling the window or hiding what follows it
 * (the "Trojan Source" reordering, CVE-2021-42574). Ordinary text, including non-ASCII letters, is
 * unchanged.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function escapeControls(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
