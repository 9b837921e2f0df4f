import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUNDLED_DATA } from '../../../src-main/core/prices/catalog-data.js';
import { PriceCatalog, type UsageTokens } from '../../../src-main/core/prices/price-catalog.js';
import { SEED_PRICES } from '../../../src-main/core/providers/seed-prices.js';
import { KeywayService } from '../../../src-main/core/service.js';
import { formatUsd, tokenCostMicros } from '../../../src-main/core/usage/money.js';
import type { ProviderId } from '../../../src-main/shared/providers.js';
import { tempDir } from '../../support/temp-dir.js';

const M = 1_000_000;
const genai = createRequire(import.meta.url)('@pydantic/genai-prices') as typeof import('@pydantic/genai-prices');

describe('price catalog', () => {
  it('estimates the seed example: anthropic 5000 in / 2000 out with the default model is $0.045', () => {
    const s = KeywayService.open({ dataDir: tempDir(), env: {}, timeZone: 'UTC' });
    const estimate = s.estimateCost({ provider: 'anthropic', input_tokens: 5000, output_tokens: 2000 });
    expect(estimate).toMatchObject({ cost_usd: 0.045, input_cost_usd: 0.015, output_cost_usd: 0.03, input_per_1k_usd: 0.003, output_per_1k_usd: 0.015, price_source: 'seed', tier: null });
    s.close();
  });

  it.each<[ProviderId, number, number, number]>([
    ['anthropic', 0.003, 0.015, 18],
    ['openai', 0.01, 0.03, 40],
    ['google', 0.0005, 0.0015, 2],
    ['local', 0, 0, 0],
  ])('prices %s with no model at exactly the seed rate ($%s/1k in, $%s/1k out; 1M/1M = $%s)', (provider, inPer1k, outPer1k, perMillionEach) => {
    const estimate = new PriceCatalog().estimate(provider, undefined, { input_tokens: M, output_tokens: M });
    expect(estimate.input_per_1k_usd).toBe(inPer1k);
    expect(estimate.output_per_1k_usd).toBe(outPer1k);
    expect(estimate.cost_usd).toBe(perMillionEach);
  });

  it('prices every model the seed lists at exactly the seed rate, even where the catalog differs (gemini-pro)', () => {
    const catalog = new PriceCatalog();
    for (const [provider, models] of Object.entries(SEED_PRICES)) {
      for (const [model, p] of Object.entries(models)) {
        const e = catalog.estimate(provider as ProviderId, model, { input_tokens: M, output_tokens: M });
        expect(e.cost_usd, `${provider}/${model}`).toBe(p.input + p.output);
      }
    }
  });

  // One table pins the new behaviour: model, tokens, time -> cost, entry, source, tier.
  it.each<[string, ProviderId, string, UsageTokens, string | null, number | null, string | null, string | null, number | null]>([
    // name, provider, model, usage, at, cost USD, priced_as, source, tier
    ['a current Anthropic model', 'anthropic', 'claude-sonnet-4-5', { input_tokens: 1000, output_tokens: 100 }, null, 0.0045, 'claude-sonnet-4-5', 'catalog', null],
    ['a dated Anthropic id as its entry', 'anthropic', 'claude-haiku-4-5-20251001', { input_tokens: M, output_tokens: M }, null, 6, 'claude-haiku-4-5', 'catalog', null],
    ['a current OpenAI model', 'openai', 'gpt-5.1', { input_tokens: M, output_tokens: M }, null, 11.25, 'gpt-5.1', 'catalog', null],
    ['a current Google model', 'google', 'gemini-2.5-flash-lite', { input_tokens: M, output_tokens: M }, null, 0.5, 'gemini-2.5-flash-lite', 'catalog', null],
    ['Google ids as the API names them', 'google', 'models/gemini-3-flash-preview', { input_tokens: M, output_tokens: M }, null, 3.5, 'gemini-3-flash-preview', 'catalog', null],
    ['a dated id at its own price, not its family', 'openai', 'gpt-4o-2024-05-13', { input_tokens: M, output_tokens: M }, null, 20, 'gpt-4o-2024-05-13', 'catalog', null],
    ['the undated family at its price', 'openai', 'gpt-4o', { input_tokens: M, output_tokens: M }, null, 12.5, 'gpt-4o', 'catalog', null],
    ['a GPT-4 Turbo preview as gpt-4-turbo, not the dearer gpt-4', 'openai', 'gpt-4-1106-preview', { input_tokens: M, output_tokens: M }, null, 40, 'gpt-4-turbo', 'catalog', null],
    ['just below the long-prompt tier', 'anthropic', 'claude-sonnet-4-5', { input_tokens: 199_999, output_tokens: 1000 }, null, 0.614997, 'claude-sonnet-4-5', 'catalog', null],
    ['just above it: the whole request at the tier rates', 'anthropic', 'claude-sonnet-4-5', { input_tokens: 200_001, output_tokens: 1000 }, null, 1.222506, 'claude-sonnet-4-5', 'catalog', 200_000],
    ['a Gemini tier', 'google', 'gemini-2.5-pro', { input_tokens: 300_000, output_tokens: 10_000 }, null, 0.9, 'gemini-2.5-pro', 'catalog', 200_000],
    ['cache reads at their exact rate (no cent rounding)', 'openai', 'gpt-5-nano', { input_tokens: M, output_tokens: 0, cached_input_tokens: M }, null, 0.005, 'gpt-5-nano', 'catalog', null],
    ['gpt-5 cache reads at $0.125', 'openai', 'gpt-5', { input_tokens: M, output_tokens: 0, cached_input_tokens: M }, null, 0.125, 'gpt-5', 'catalog', null],
    ['no cache price: a cached token costs what an uncached one does', 'openai', 'gpt-3.5-turbo', { input_tokens: M, output_tokens: 0, cached_input_tokens: M }, null, 0.5, 'gpt-3.5-turbo', 'seed', null],
    // 400k plain $1.20 + 300k read $0.09 + 200k 5-minute writes $0.75 + 100k 1-hour writes $0.60
    ['cache reads, 5-minute and 1-hour writes each at their rate', 'anthropic', 'claude-sonnet-4-0', { input_tokens: M, output_tokens: 0, cached_input_tokens: 300_000, cache_write_tokens: 300_000, cache_write_1h_tokens: 100_000 }, null, 2.64, 'claude-sonnet-4-0', 'catalog', null],
    ['reasoning tokens are output tokens', 'openai', 'o3', { input_tokens: 0, output_tokens: M, reasoning_tokens: 900_000 }, null, 8, 'o3', 'catalog', null],
    ['a price before its change date', 'anthropic', 'claude-opus-4-6', { input_tokens: 300_000, output_tokens: 0 }, '2026-03-12T23:59:59Z', 3, 'claude-opus-4-6', 'catalog', 200_000],
    ['the same request after the change', 'anthropic', 'claude-opus-4-6', { input_tokens: 300_000, output_tokens: 0 }, '2026-03-13T00:00:00Z', 1.5, 'claude-opus-4-6', 'catalog', null],
    ['an introductory price before its end date', 'google', 'gemini-3.6-flash', { input_tokens: M, output_tokens: 0 }, '2026-12-31T12:00:00Z', 0.75, 'gemini-3.6-flash', 'catalog', null],
    ['the regular price from that date', 'google', 'gemini-3.6-flash', { input_tokens: M, output_tokens: 0 }, '2027-01-01T00:00:00Z', 1.5, 'gemini-3.6-flash', 'catalog', null],
    ['a local model, free', 'local', 'qwen2.5-coder:7b', { input_tokens: 10_000, output_tokens: 10_000 }, null, 0, 'qwen2.5-coder', 'local', null],
    ['an unknown model: unpriced, never $0', 'anthropic', 'claude-imaginary', { input_tokens: 100, output_tokens: 100 }, null, null, null, null, null],
  ])('prices %s', (_name, provider, model, usage, at, cost, pricedAs, source, tier) => {
    const p = new PriceCatalog().price(provider, model, usage, at ? Date.parse(at) : undefined);
    expect(p.cost_micros === null ? null : p.cost_micros / M).toBe(cost);
    expect(p.priced_as).toBe(pricedAs);
    expect(p.source).toBe(source);
    expect(p.tier?.above_input_tokens ?? null).toBe(tier);
    expect(p.price_version).toBe(source === 'catalog' ? BUNDLED_DATA.version : source === 'seed' ? 'seed' : source === 'local' ? 'local' : null);
  });

  it('warns about an unknown model naming prices.json and keyway prices update', () => {
    const estimate = new PriceCatalog({ overridesPath: '/data/prices.json' }).estimate('anthropic', 'claude-imaginary', { input_tokens: 100, output_tokens: 100 });
    expect(estimate).toMatchObject({ cost_usd: null, price_source: null, priced_as: null });
    expect(estimate.warnings[0]).toMatch(/No price is known for anthropic model "claude-imaginary".*keyway prices update.*\/data\/prices\.json/);
  });

  it('names the entry a prefix match was priced as, so a guess is never hidden', () => {
    const view = new PriceCatalog().view('anthropic', 'claude-sonnet-4-5-20250929');
    expect(view).toMatchObject({ model: 'claude-sonnet-4-5-20250929', priced_as: 'claude-sonnet-4-5', source: 'catalog' });
  });

  it('never bills a cached token above an uncached one unless the data says so (every Anthropic, OpenAI, Google entry)', () => {
    const catalog = new PriceCatalog();
    for (const provider of ['anthropic', 'openai', 'google'] as const) {
      for (const view of catalog.list(provider).models) {
        for (const p of view.periods) expect(p.rates.cache_read, `${provider}/${view.model}`).toBeLessThanOrEqual(p.rates.input);
      }
    }
  });

  it('agrees with the library: every entry, at base and tier sizes, costs what calcPrice says', () => {
    const catalog = new PriceCatalog();
    let compared = 0;
    for (const provider of ['anthropic', 'openai', 'google'] as const) {
      for (const view of catalog.list(provider).models.filter((v) => v.source === 'catalog')) {
        for (const input of [1000, 250_000, 300_000]) {
          const usage = { input_tokens: input, output_tokens: 5000, cache_read_tokens: 100, cache_write_tokens: view.provider === 'anthropic' ? 300 : 0 };
          const mine = catalog.price(provider, view.model, { input_tokens: input, output_tokens: 5000, cached_input_tokens: 100, cache_write_tokens: usage.cache_write_tokens });
          const theirs = genai.calcPrice(usage, view.model, { providerId: provider });
          expect(theirs?.model.id, `${provider}/${view.model}`).toBe(mine.priced_as);
          expect(mine.cost_micros! / M, `${provider}/${view.model} at ${input}`).toBeCloseTo(theirs!.total_price, 5);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(300);
  });

  it('matches model ids as the library does, dated and aliased ids included', () => {
    const catalog = new PriceCatalog();
    const ids: Array<[ProviderId, string]> = [
      ['anthropic', 'claude-3-7-sonnet-20250219'],
      ['anthropic', 'claude-opus-4-1-20250805'],
      ['anthropic', 'claude-opus-4-20250514'],
      ['anthropic', 'claude-sonnet-4-20250514'],
      ['anthropic', 'claude-3-5-haiku-20241022'],
      ['openai', 'gpt-5-mini-2025-08-07'],
      ['openai', 'o4-mini-2025-04-16'],
      ['openai', 'gpt-4.1-nano-2025-04-14'],
      ['google', 'gemini-2.5-flash-preview-09-2025'],
      ['google', 'gemini-2.0-flash-001'],
      ['google', 'gemini-1.5-pro-002'],
    ];
    for (const [provider, model] of ids) {
      expect(catalog.lookup(provider, model).priced_as, `${provider}/${model}`).toBe(genai.calcPrice({ input_tokens: 1 }, model, { providerId: provider })?.model.id);
    }
  });

  it('pins the bundled data version: bumping @pydantic/genai-prices means updating its data date', () => {
    const pkg = JSON.parse(readFileSync(join('node_modules', '@pydantic', 'genai-prices', 'package.json'), 'utf8')) as { version: string; license: string };
    expect(BUNDLED_DATA.version).toBe(`genai-prices ${pkg.version}`);
    expect(pkg.license).toBe('MIT');
  });

  it('computes money in integer micro-dollars without float drift', () => {
    const micros = Array.from({ length: 10 }, () => tokenCostMicros([[1000, 3_000_000], [500, 15_000_000]])).reduce((a, b) => a + b, 0);
    expect(micros).toBe(105_000);
    expect(tokenCostMicros([[1, 500_000]])).toBe(1);
    expect(tokenCostMicros([[1, 499_999]])).toBe(0);
    expect(tokenCostMicros([[10_000_000, 100_000_000_000]])).toBe(1_000_000_000_000);
    expect(formatUsd(0.0105)).toBe('$0.0105');
    expect(formatUsd(null)).toBe('unpriced');
  });

  it('refuses token parts that do not add up instead of pricing them', () => {
    const catalog = new PriceCatalog();
    expect(() => catalog.price('anthropic', 'claude-sonnet-4-5', { input_tokens: 10, output_tokens: 0, cached_input_tokens: 8, cache_write_tokens: 8 })).toThrow(/cannot exceed input_tokens/);
    expect(() => catalog.price('anthropic', 'claude-sonnet-4-5', { input_tokens: 10, output_tokens: 0, cache_write_tokens: 2, cache_write_1h_tokens: 3 })).toThrow(/cache_write_1h_tokens/);
    expect(() => catalog.price('openai', 'o3', { input_tokens: 10, output_tokens: 5, reasoning_tokens: 6 })).toThrow(/reasoning_tokens/);
  });

  it('lists a provider with each entry once and where its price comes from', () => {
    const path = join(tempDir(), 'prices.json');
    writeFileSync(path, JSON.stringify({ google: { 'gemini-pro': { input: 9, output: 9 } } }));
    const listing = new PriceCatalog({ overridesPath: path }).list('google');
    const by = (m: string) => listing.models.find((v) => v.model === m);
    expect(listing.data).toMatchObject({ kind: 'bundled', version: BUNDLED_DATA.version, date: BUNDLED_DATA.date });
    expect(listing.overrides.state).toBe('ok');
    expect(by('gemini-pro')).toMatchObject({ source: 'override', current: { rates: { input: 9 } } });
    expect(by('gemini-pro-vision')).toMatchObject({ source: 'seed' });
    expect(by('gemini-2.5-pro')).toMatchObject({ source: 'catalog', current: { tiers: [{ above_input_tokens: 200_000, input: 2.5, output: 15 }] } });
    expect(new PriceCatalog().list('local').models.every((v) => v.source === 'local' && v.current?.rates.input === 0)).toBe(true);
  });
});
