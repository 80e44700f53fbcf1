/**
 * Matching a `<wait 'TEXT'>` pattern against what OCR read on a screen. OCR text differs from
 * the screen in small, predictable ways: typographic quotes for straight ones, a space before a
 * colon ("boot :"), doubled spaces, blank lines between text lines. A pattern matches when it
 * matches the text as read or the text with those differences evened out, so `boot:` finds
 * "boot :" and `"guest"` finds “guest”. Case is ignored: OCR cannot tell c, o, s, v, w, x or z
 * from their capitals by shape, and reads "Select" as "select" in a title bar.
 */

/** The recognised text with quotes made straight, spaces before punctuation dropped and runs of spaces and blank lines collapsed. */
export function normaliseScreenText(text: string): string {
  return text
    .replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"')
    .replace(/[\u2018\u2019\u201a\u201b\u2032`]/g, "'")
    .replace(/[ \t\u00a0]+/g, ' ')
    .replace(/ ([:;,.!?)\]}])/g, '$1')
    .replace(/([([{]) /g, '$1')
    .replace(/ *\n[ \n]*/g, '\n')
    .trim();
}

/** Whether `pattern` (a regular expression) matches the screen text as read or normalised, ignoring case. */
export function screenTextMatches(pattern: string, text: string): boolean {
  const re = new RegExp(pattern, 'i');
  return re.test(text) || re.test(normaliseScreenText(text));
}
