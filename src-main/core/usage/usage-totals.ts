import type { UsageTotals } from '../../shared/usage.js';
import { microsToUsd } from './money.js';

/** One row of the daily aggregate table: a (day, provider, model) group, money in micro-dollars. */
export interface DailyRow {
  day: number;
  provider: number;
  model: string;
  requests: number;
  successes: number;
  input: number;
  output: number;
  cached: number;
  cache_write: number;
  cost: number;
  unpriced: number;
}

export function emptyTotals(): UsageTotals {
  return { requests: 0, successes: 0, failures: 0, input_tokens: 0, output_tokens: 0, cached_input_tokens: 0, cache_write_tokens: 0, cost_usd: 0, unpriced_requests: 0 };
}

/** Accumulates in micro-dollars (cost_usd holds micros until `finish`). */
export function addRow(t: UsageTotals, row: DailyRow): void {
  t.requests += row.requests;
  t.successes += row.successes;
  t.failures += row.requests - row.successes;
  t.input_tokens += row.input;
  t.output_tokens += row.output;
  t.cached_input_tokens += row.cached;
  t.cache_write_tokens += row.cache_write;
  t.cost_usd += row.cost;
  t.unpriced_requests += row.unpriced;
}

export function finishTotals<T extends UsageTotals>(t: T): T {
  return { ...t, cost_usd: microsToUsd(t.cost_usd) };
}

export function getOr<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

export function percentile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? null;
}
