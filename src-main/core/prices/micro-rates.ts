import type { AppliedTier, PricePeriod, PriceTier, TokenRates } from '../../shared/prices.js';
import { KeywayError } from '../errors.js';
import { tokenCostMicros } from '../usage/money.js';

/** Rates in integer micro-dollars per million tokens (see usage/money.ts), so $0.005/M stays exact. */
export interface MicroRates {
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
  cache_write_1h: number;
}

/** A price in force for requests from `fromMs` on: base rates, and tiers by total input tokens, highest last. */
export interface MicroPeriod {
  /** UTC epoch ms the period starts (-Infinity: since the start of the data). */
  fromMs: number;
  base: MicroRates;
  tiers: ReadonlyArray<{ above: number; rates: MicroRates }>;
}

/**
 * The token counts of one request as providers report them. Cache reads and writes are parts of
 * input_tokens; 1-hour writes are part of cache_write_tokens; reasoning is part of output_tokens.
 */
export interface UsageTokens {
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens?: number;
  cache_write_tokens?: number;
  cache_write_1h_tokens?: number;
  reasoning_tokens?: number;
}

export interface MicroCost {
  /** Total cost in micro-dollars, rounded half-up once. */
  total: number;
  input: number;
  output: number;
  tier: AppliedTier | null;
  /** The rates that applied (base or tier). */
  rates: MicroRates;
}

export const usdToMicroRate = (usdPerMillion: number): number => Math.round(usdPerMillion * 1_000_000);
const microRateToUsd = (micros: number): number => micros / 1_000_000;

/** Fills the rates a provider leaves unstated: cache reads and writes at the input rate, 1-hour writes at the 5-minute rate. */
export function microRates(r: { input: number; output: number; cache_read?: number | null; cache_write?: number | null; cache_write_1h?: number | null }): MicroRates {
  const input = usdToMicroRate(r.input);
  const cacheWrite = r.cache_write == null ? input : usdToMicroRate(r.cache_write);
  return {
    input,
    output: usdToMicroRate(r.output),
    cache_read: r.cache_read == null ? input : usdToMicroRate(r.cache_read),
    cache_write: cacheWrite,
    cache_write_1h: r.cache_write_1h == null ? cacheWrite : usdToMicroRate(r.cache_write_1h),
  };
}

/** The period in force at `atMs` (periods sorted by fromMs). */
export function periodAt(periods: readonly MicroPeriod[], atMs: number): MicroPeriod {
  for (let i = periods.length - 1; i > 0; i--) if (atMs >= periods[i]!.fromMs) return periods[i]!;
  return periods[0]!;
}

/** Checks the partitions once: cache parts within input, 1-hour writes within writes, reasoning within output. */
export function checkUsage(usage: UsageTokens): void {
  const read = usage.cached_input_tokens ?? 0;
  const write = usage.cache_write_tokens ?? 0;
  const write1h = usage.cache_write_1h_tokens ?? 0;
  if (read + write > usage.input_tokens) throw new KeywayError('invalid_input', 'cached_input_tokens plus cache_write_tokens cannot exceed input_tokens');
  if (write1h > write) throw new KeywayError('invalid_input', 'cache_write_1h_tokens is part of cache_write_tokens and cannot exceed it');
  if ((usage.reasoning_tokens ?? 0) > usage.output_tokens) throw new KeywayError('invalid_input', 'reasoning_tokens is part of output_tokens and cannot exceed it');
}

/**
 * Prices one request: a tier whose threshold the request's total input tokens exceed replaces the
 * rates for the whole request (input, output and cache), as Anthropic and Google bill long prompts.
 * Reasoning tokens are output tokens and cost the output rate.
 */
export function costOf(period: MicroPeriod, usage: UsageTokens): MicroCost {
  let rates = period.base;
  let tier: AppliedTier | null = null;
  for (const t of period.tiers) {
    if (usage.input_tokens > t.above) {
      rates = t.rates;
      tier = { above_input_tokens: t.above };
    }
  }
  const read = usage.cached_input_tokens ?? 0;
  const write = usage.cache_write_tokens ?? 0;
  const write1h = usage.cache_write_1h_tokens ?? 0;
  const inputParts: Array<[number, number]> = [
    [usage.input_tokens - read - write, rates.input],
    [read, rates.cache_read],
    [write - write1h, rates.cache_write],
    [write1h, rates.cache_write_1h],
  ];
  const outputParts: Array<[number, number]> = [[usage.output_tokens, rates.output]];
  return {
    total: tokenCostMicros([...inputParts, ...outputParts]),
    input: tokenCostMicros(inputParts),
    output: tokenCostMicros(outputParts),
    tier,
    rates,
  };
}

export function ratesInUsd(r: MicroRates): TokenRates {
  return {
    input: microRateToUsd(r.input),
    output: microRateToUsd(r.output),
    cache_read: microRateToUsd(r.cache_read),
    cache_write: microRateToUsd(r.cache_write),
    cache_write_1h: microRateToUsd(r.cache_write_1h),
  };
}

export function periodView(p: MicroPeriod): PricePeriod {
  return {
    from: Number.isFinite(p.fromMs) ? new Date(p.fromMs).toISOString().slice(0, 10) : null,
    rates: ratesInUsd(p.base),
    tiers: p.tiers.map((t): PriceTier => ({ above_input_tokens: t.above, ...ratesInUsd(t.rates) })),
  };
}
