// Text that came from a file or the command line, made safe to put in a one-line message:
// control characters (newlines, terminal escape sequences, bidirectional overrides) are
// shown as escapes instead of acting on the terminal, and the length is bounded so that a
// hostile value cannot turn one line of error into megabytes.
//
// Pure functions with no imports, so any module (errors, CLI output) can use them.

/** Default bound on what one piece of untrusted text may add to a message. */
export const PRINTABLE_LIMIT = 200;

// C0/C1 controls and DEL (Cc), invisible format characters such as bidi overrides and
// zero-width marks (Cf), the Unicode line and paragraph separators, and lone surrogates.
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `text` with every unsafe character escaped (\n, \t, \x1b, \u{202e}) and cut to at most
 * about `max` characters, ending in "… (N more characters)" when cut. Escapes are never
 * split, and neither are surrogate pairs.
 */
export function printable(text: string, max = PRINTABLE_LIMIT): string {
  let out = '';
  let i = 0;
  for (const ch of text) {
    const piece = escapeUnsafe(ch);
    if (out.length + piece.length > max) {
      const rest = [...text.slice(i)].length;
      return `${out}… (${rest} more characters)`;
    }
    out += piece;
    i += ch.length;
  }
  return out;
}

/** One character (code point) as it may be shown: itself, or its escape when unsafe. */
export function escapeUnsafe(ch: string): string {
  return UNSAFE.test(ch) ? NAMED[ch] ?? escapeCodePoint(ch.codePointAt(0)!) : ch;
}

function escapeCodePoint(cp: number): string {
  return cp <= 0xff ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u{${cp.toString(16)}}`;
}

/**
 * A compact JSON-like rendering of any value (as parsed from a file), bounded in length and
 * nesting and printable: for messages that quote what a file holds. Unlike JSON.stringify
 * it neither overflows the stack on deep nesting nor builds megabytes for a long array.
 */
export function briefJson(value: unknown, max = 80): string {
  const parts: string[] = [];
  let length = 0;
  let cut = false;
  const push = (s: string): boolean => {
    if (length + s.length > max) {
      cut = true;
      return false;
    }
    parts.push(s);
    length += s.length;
    return true;
  };
  const walk = (v: unknown, depth: number): boolean => {
    if (Array.isArray(v)) {
      if (depth > 8) return push('[…]');
      if (!push('[')) return false;
      for (let i = 0; i < v.length; i++) {
        if (i > 0 && !push(',')) return false;
        if (!walk(v[i], depth + 1)) return false;
      }
      return push(']');
    }
    if (typeof v === 'object' && v !== null) {
      if (depth > 8) return push('{…}');
      if (!push('{')) return false;
      let first = true;
      for (const [k, item] of Object.entries(v)) {
        if (!first && !push(',')) return false;
        first = false;
        if (!push(`"${printable(k, 40)}":`)) return false;
        if (!walk(item, depth + 1)) return false;
      }
      return push('}');
    }
    if (typeof v === 'string') return push(`"${printable(v, 40)}"`);
    if (v === undefined) return push('undefined');
    return push(String(v));
  };
  walk(value, 0);
  const text = parts.join('');
  return cut ? `${text}…` : text;
}
