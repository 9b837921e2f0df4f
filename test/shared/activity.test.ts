import { describe, expect, it } from 'vitest';
import { isTrouble, statusText, tokenSummary } from '../../src-main/shared/activity.js';

describe('activity wording', () => {
  it.each([
    [{ status: 'ok', success: true }, 'ok', false],
    [{ status: 'tracked', success: true }, 'ok', false],
    [{ status: 'tracked', success: false }, 'failed', true],
    [{ status: 'upstream_error', success: false }, 'failed: provider error', true],
    [{ status: 'client_error', success: false }, 'failed: rejected by provider', true],
    [{ status: 'unreachable', success: false }, 'failed: unreachable', true],
    [{ status: 'cut', success: false }, 'cut: stream broke', true],
    [{ status: 'client_closed', success: false }, 'client closed', true],
    [{ status: 'refused', success: false }, 'refused', true],
  ] as const)('%j reads "%s" (marked: %s)', (request, text, trouble) => {
    expect(statusText(request)).toBe(text);
    expect(isTrouble(request)).toBe(trouble);
  });

  it('names cache reads and writes and reasoning only when there were any', () => {
    const base = { input_tokens: 12_345, output_tokens: 67, cached_input_tokens: 0, cache_write_tokens: 0, reasoning_tokens: 0 };
    expect(tokenSummary(base)).toBe('12,345 in / 67 out');
    expect(tokenSummary({ ...base, cached_input_tokens: 1000, cache_write_tokens: 20, reasoning_tokens: 5 })).toBe('12,345 in / 67 out (1,000 cache read, 20 cache write, 5 reasoning)');
  });
});
