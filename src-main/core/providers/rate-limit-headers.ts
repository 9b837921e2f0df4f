type Headers = Record<string, string | string[] | undefined>;

/** Remaining/reset header pairs: OpenAI's (reset as a duration, e.g. `6m0s`) and Anthropic's (reset as an RFC 3339 time). */
const PAIRS: ReadonlyArray<readonly [remaining: string, reset: string]> = [
  ['x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests'],
  ['x-ratelimit-remaining-tokens', 'x-ratelimit-reset-tokens'],
  ['anthropic-ratelimit-requests-remaining', 'anthropic-ratelimit-requests-reset'],
  ['anthropic-ratelimit-tokens-remaining', 'anthropic-ratelimit-tokens-reset'],
  ['anthropic-ratelimit-input-tokens-remaining', 'anthropic-ratelimit-input-tokens-reset'],
  ['anthropic-ratelimit-output-tokens-remaining', 'anthropic-ratelimit-output-tokens-reset'],
];

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
/** A provider's pause longer than a day is not believed. */
const MAX_PAUSE_S = 24 * 3600;

function one(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `6m0s`, `1.5s`, `20ms` (OpenAI) or an ISO time (Anthropic): seconds from `nowMs`, or undefined when unreadable. */
function secondsUntil(reset: string, nowMs: number): number | undefined {
  const at = Date.parse(reset);
  if (!Number.isNaN(at) && /^\d{4}-/.test(reset)) return Math.max(0, (at - nowMs) / 1000);
  let seconds = 0;
  let matched = '';
  for (const [whole, amount, unit] of reset.matchAll(DURATION_PART)) {
    seconds += Number(amount) * UNIT_SECONDS[unit!]!;
    matched += whole;
  }
  return matched.length > 0 && matched === reset.trim() ? seconds : undefined;
}

/** `retry-after` as seconds (a number or an HTTP date), else undefined. */
export function retryAfterSeconds(headers: Headers, nowMs: number): number | undefined {
  const value = one(headers, 'retry-after');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, MAX_PAUSE_S);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.min(MAX_PAUSE_S, Math.max(0, Math.ceil((date - nowMs) / 1000)));
}

/**
 * How long the provider says to wait: `retry-after` when given, else, when a rate-limit header
 * says nothing is left (requests or tokens), the time until that limit resets. Undefined when the
 * headers say nothing is exhausted. Routing skips the provider until then.
 */
export function pauseSeconds(headers: Headers, nowMs: number): number | undefined {
  const retry = retryAfterSeconds(headers, nowMs);
  if (retry !== undefined) return retry;
  let pause: number | undefined;
  for (const [remaining, reset] of PAIRS) {
    if (one(headers, remaining)?.trim() !== '0') continue;
    const resetValue = one(headers, reset);
    const seconds = resetValue === undefined ? undefined : secondsUntil(resetValue.trim(), nowMs);
    if (seconds !== undefined && seconds > 0) pause = Math.max(pause ?? 0, Math.min(Math.ceil(seconds), MAX_PAUSE_S));
  }
  return pause;
}
