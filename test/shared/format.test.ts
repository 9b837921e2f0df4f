import { describe, expect, it } from 'vitest';
import { formatUsd, formatUsdCents } from '../../src-main/shared/format.js';

describe('formatUsd', () => {
  it.each<[number | null, string]>([
    [12, '$12.00'],
    [1.575, '$1.58'],
    [1.005, '$1.01'],
    [0.45, '$0.45'],
    [0.0105, '$0.0105'],
    [0.045, '$0.045'],
    [0.000042, '$0.000042'],
    [0, '$0.00'],
    [-2.5, '-$2.50'],
    [null, 'unpriced'],
  ])('shows %j as %s', (usd, text) => {
    expect(formatUsd(usd)).toBe(text);
  });
});

describe('formatUsdCents', () => {
  it.each<[number, string]>([
    [1.575, '$1.58'],
    [41.1, '$41.10'],
    [0.004, '<$0.01'],
    [0.005, '$0.01'],
    [0, '$0.00'],
    [100, '$100.00'],
  ])('shows %j as %s', (usd, text) => {
    expect(formatUsdCents(usd)).toBe(text);
  });
});
