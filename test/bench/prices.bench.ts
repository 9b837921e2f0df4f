import { writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PriceCatalog, type UsageTokens } from '../../src-main/core/prices/price-catalog.js';
import type { ProviderId } from '../../src-main/shared/providers.js';
import type { BenchRow } from './bench-row.js';

const USAGE: UsageTokens = { input_tokens: 4200, output_tokens: 800, cached_input_tokens: 1000, cache_write_tokens: 200 };

/** p50 and p99 of single calls, in microseconds (each call timed on its own). */
function perCallUs(calls: number, fn: (i: number) => void): { p50: number; p99: number } {
  const times = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const start = process.hrtime.bigint();
    fn(i);
    times[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  times.sort();
  return { p50: times[Math.floor(calls / 2)]!, p99: times[Math.floor(calls * 0.99)]! };
}

/**
 * Pricing on the request path: `PriceCatalog.price` (lookup + cost with tiers and cache rates) as
 * the ledger and the gateway call it, with a prices.json in place (checked at most once a second,
 * never read per call).
 */
export async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'keyway-bench-prices-'));
  try {
    const overridesPath = join(dir, 'prices.json');
    writeFileSync(overridesPath, JSON.stringify({ openai: { 'my-finetune': { input: 3, output: 12 } } }));
    const catalog = new PriceCatalog({ overridesPath });
    const known: Array<[ProviderId, string]> = [
      ['anthropic', 'claude-sonnet-4-5-20250929'],
      ['openai', 'gpt-4o-2024-05-13'],
      ['google', 'models/gemini-2.5-pro'],
      ['anthropic', 'claude-3-5-sonnet'],
      ['openai', 'my-finetune'],
    ];
    const loadStart = process.hrtime.bigint();
    for (const [p, m] of known) catalog.price(p, m, USAGE);
    const loadMs = Number(process.hrtime.bigint() - loadStart) / 1e6;
    for (let i = 0; i < 20_000; i++) catalog.price(known[i % known.length]![0], known[i % known.length]![1], USAGE);
    const hot = perCallUs(200_000, (i) => catalog.price(known[i % known.length]![0], known[i % known.length]![1], USAGE));
    const unknownRepeat = perCallUs(100_000, () => catalog.price('openai', 'gpt-imaginary-9', USAGE));
    // First sight of distinct unknown ids: each walks the provider's whole entry list (no cache hit).
    const unknownFirst = perCallUs(3000, (i) => catalog.price((['anthropic', 'openai', 'google'] as const)[i % 3]!, `no-such-model-${i}`, USAGE));
    const knownFirst = perCallUs(3000, (i) => catalog.price('anthropic', `claude-sonnet-4-5-2025${String(1000 + i).padStart(4, '0')}`, USAGE));
    return [
      { figure: 'price lookup + cost, known model (p50)', measured: hot.p50, unit: 'us', goal: 5, kind: 'max', note: `200,000 calls over 5 models (catalog, dated, tiered, seed, prices.json); p99 ${hot.p99.toFixed(2)} us; first use loads the price data once (${loadMs.toFixed(0)} ms)` },
      { figure: 'price lookup, unknown model (p50)', measured: unknownRepeat.p50, unit: 'us', goal: 20, kind: 'max', note: `the same unknown id 100,000 times (unpriced, with its warning); p99 ${unknownRepeat.p99.toFixed(2)} us` },
      { figure: 'price lookup, unknown model seen for the first time (p50)', measured: unknownFirst.p50, unit: 'us', goal: 20, kind: 'max', note: `3,000 distinct ids, each matched against every entry of its provider; p99 ${unknownFirst.p99.toFixed(2)} us` },
      { figure: 'price lookup, known model seen for the first time (p50)', measured: knownFirst.p50, unit: 'us', goal: 20, kind: 'max', note: `3,000 distinct dated ids; p99 ${knownFirst.p99.toFixed(2)} us` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
