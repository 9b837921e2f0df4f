/**
 * Control characters: C0 (NUL to US: BEL, BS, TAB, LF, CR, ESC...), DEL and C1 (U+0080 to U+009F,
 * CSI among them). A terminal acts on them (clears the screen, sets colours or the window title,
 * starts a fake line), so no stored name or URL may hold one.
 */
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/** What a terminal shows in a misleading way besides controls: line separators and bidirectional overrides. */
const TERMINAL_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The message a schema gives for a value with a control character. */
export const CONTROL_CHARS_MESSAGE = 'must not contain control characters (such as ESC, BEL, CR, LF, TAB or NUL)';

/** True when `value` holds no control character: the rule for every stored name and URL. */
export function hasNoControlChars(value: string): boolean {
  return !CONTROL_CHARS.test(value);
}

/**
 * `text` with every control, line-separator and bidi-override character written as a visible
 * escape (`\x1b`, `\u202e`), for printing untrusted values to a terminal. `keep` lists characters
 * left as they are (`\n` for multi-line text Keyway composed itself).
 */
export function escapeForTerminal(text: string, keep = ''): string {
  return text.replace(TERMINAL_UNSAFE, (c) => {
    if (keep.includes(c)) return c;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * JSON text (pretty-printed, so its own newlines stay) with the characters JSON.stringify leaves
 * raw (DEL, C1, separators, bidi overrides) written as `\uXXXX`: the same JSON value, safe to print.
 */
export function escapeJsonForTerminal(json: string): string {
  return json.replace(TERMINAL_UNSAFE, (c) => (c === '\n' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
