import { describe, expect, it } from 'vitest';
import { pauseSeconds, retryAfterSeconds } from '../../../src-main/core/providers/rate-limit-headers.js';

const NOW = Date.parse('2026-12-02T10:00:00Z');

describe('provider rate-limit headers', () => {
  it('reads retry-after as seconds or as an HTTP date', () => {
    expect(retryAfterSeconds({ 'retry-after': '7' }, NOW)).toBe(7);
    expect(retryAfterSeconds({ 'retry-after': 'Wed, 02 Dec 2026 10:00:30 GMT' }, NOW)).toBe(30);
    expect(retryAfterSeconds({ 'retry-after': 'soon' }, NOW)).toBeUndefined();
    expect(retryAfterSeconds({}, NOW)).toBeUndefined();
  });

  it('pauses until an exhausted OpenAI limit resets (Go-style durations)', () => {
    expect(pauseSeconds({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '6m0s' }, NOW)).toBe(360);
    expect(pauseSeconds({ 'x-ratelimit-remaining-tokens': '0', 'x-ratelimit-reset-tokens': '1.5s' }, NOW)).toBe(2);
    expect(pauseSeconds({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '20ms' }, NOW)).toBe(1);
  });

  it('pauses until an exhausted Anthropic limit resets (RFC 3339 times), taking the longest', () => {
    const headers = {
      'anthropic-ratelimit-requests-remaining': '0',
      'anthropic-ratelimit-requests-reset': '2026-12-02T10:00:12Z',
      'anthropic-ratelimit-output-tokens-remaining': '0',
      'anthropic-ratelimit-output-tokens-reset': '2026-12-02T10:00:45Z',
    };
    expect(pauseSeconds(headers, NOW)).toBe(45);
  });

  it('does not pause while anything is left, for unreadable resets, or beyond a day; retry-after wins', () => {
    expect(pauseSeconds({ 'x-ratelimit-remaining-requests': '3', 'x-ratelimit-reset-requests': '6m0s' }, NOW)).toBeUndefined();
    expect(pauseSeconds({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': 'later' }, NOW)).toBeUndefined();
    expect(pauseSeconds({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '999h' }, NOW)).toBe(86_400);
    expect(pauseSeconds({ 'retry-after': '3', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '6m0s' }, NOW)).toBe(3);
  });
});
