import type { MatchLogic } from '@pydantic/genai-prices';

/** A compiled form of @pydantic/genai-prices' MatchLogic, tested against an already lower-cased model id. */
export type ModelMatcher = (lowerId: string) => boolean;

/**
 * Compiles a match rule once (lower-cased literals, one RegExp per rule) so that a lookup walks a
 * provider's models in a few microseconds. Same semantics as the library's matcher: literals
 * compare case-insensitively, regexes run on the lower-cased id; checked against calcPrice in tests.
 */
export function compileMatch(logic: MatchLogic): ModelMatcher {
  if ('or' in logic) {
    const parts = logic.or.map(compileMatch);
    return (id) => parts.some((p) => p(id));
  }
  if ('and' in logic) {
    const parts = logic.and.map(compileMatch);
    return (id) => parts.every((p) => p(id));
  }
  if ('equals' in logic) {
    const s = logic.equals.toLowerCase();
    return (id) => id === s;
  }
  if ('starts_with' in logic) {
    const s = logic.starts_with.toLowerCase();
    return (id) => id.startsWith(s);
  }
  if ('ends_with' in logic) {
    const s = logic.ends_with.toLowerCase();
    return (id) => id.endsWith(s);
  }
  if ('contains' in logic) {
    const s = logic.contains.toLowerCase();
    return (id) => id.includes(s);
  }
  if ('regex' in logic) {
    const re = new RegExp(logic.regex);
    return (id) => re.test(id);
  }
  return () => false;
}

const COMPACT_DATE = /(-)(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=-|:|$)/g;

/**
 * `claude-x-20250929` -> `claude-x-2025-09-29`: the library's second try when a dated id matches
 * nothing as given (some entries list dashed dates). Invalid calendar dates are left alone.
 */
export function dashDates(id: string): string {
  return id.replace(COMPACT_DATE, (whole, dash: string, y: string, m: string, d: string) => {
    const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
    return date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d) ? whole : `${dash}${y}-${m}-${d}`;
  });
}
