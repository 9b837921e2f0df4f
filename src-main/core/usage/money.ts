/**
 * Money is held as integer micro-dollars (1 USD = 1,000,000) and prices as integer micro-dollars per
 * million tokens, so sums never drift; only the edges (JSON, CLI) turn them into dollars.
 */
export const MICROS_PER_USD = 1_000_000;
const TOKENS_PER_MILLION = 1_000_000;

export function usdToMicros(usd: number): number {
  return Math.round(usd * MICROS_PER_USD);
}

export function microsToUsd(micros: number): number {
  return micros / MICROS_PER_USD;
}

/** tokens x (micro-dollars per million tokens), rounded half-up to the micro-dollar, exactly. */
export function tokenCostMicros(parts: ReadonlyArray<readonly [tokens: number, microsPerMillion: number]>): number {
  let numerator = 0;
  for (const [tokens, price] of parts) numerator += tokens * price;
  if (numerator <= Number.MAX_SAFE_INTEGER) {
    const remainder = numerator % TOKENS_PER_MILLION;
    return (numerator - remainder) / TOKENS_PER_MILLION + (remainder * 2 >= TOKENS_PER_MILLION ? 1 : 0);
  }
  let big = 0n;
  for (const [tokens, price] of parts) big += BigInt(tokens) * BigInt(price);
  const million = BigInt(TOKENS_PER_MILLION);
  return Number(big / million + ((big % million) * 2n >= million ? 1n : 0n));
}

export { formatUsd } from '../../shared/format.js';
