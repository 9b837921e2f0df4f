import { describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_TIMEOUT_MS, httpTimeoutFromEnv } from '../../../src-main/core/routing/provider-services.js';

describe('KEYWAY_HTTP_TIMEOUT_MS', () => {
  it.each([
    [undefined, DEFAULT_HTTP_TIMEOUT_MS],
    ['2500', 2500],
    ['abc', DEFAULT_HTTP_TIMEOUT_MS],
    ['0', DEFAULT_HTTP_TIMEOUT_MS],
    ['-5', DEFAULT_HTTP_TIMEOUT_MS],
    ['1e12', 600_000],
    ['Infinity', DEFAULT_HTTP_TIMEOUT_MS],
  ])('%s gives a timeout of %d ms that AbortSignal.timeout accepts', (value, expected) => {
    const ms = httpTimeoutFromEnv(value === undefined ? {} : { KEYWAY_HTTP_TIMEOUT_MS: value });
    expect(ms).toBe(expected);
    expect(() => AbortSignal.timeout(ms)).not.toThrow();
  });
});
