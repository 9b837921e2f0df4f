import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeywayService } from '../../../src-main/core/service.js';
import { modelFamily } from '../../../src-main/core/providers/catalog.js';
import { PriceCatalog } from '../../../src-main/core/prices/price-catalog.js';
import { SEED_PRICES } from '../../../src-main/core/providers/seed-prices.js';
import { formatUsd, tokenCostMicros } from '../../../src-main/core/usage/money.js';
import type { ProviderId } from '../../../src-main/shared/providers.js';
import { tempDir } from '../../support/temp-dir.js';

function service(): KeywayService {
  return KeywayService.open({ dataDir: tempDir(), env: {}, timeZone: 'UTC' });
}

describe('price catalog', () => {
  it('estimates the seed example: anthropic 5000 in / 2000 out with the default model is $0.045', () => {
    const s = service();
    const estimate = s.estimateCost({ provider: 'anthropic', input_tokens: 5000, output_tokens: 2000 });
    expect(estimate).toMatchObject({ cost_usd: 0.045, input_cost_usd: 0.015, output_cost_usd: 0.03, input_per_1k_usd: 0.003, output_per_1k_usd: 0.015 });
    s.close();
  });

  it.each<[ProviderId, number, number]>([
    ['anthropic', 0.003, 0.015],
    ['openai', 0.01, 0.03],
    ['google', 0.0005, 0.0015],
    ['local', 0, 0],
  ])('prices %s with no model at exactly the seed rate ($%s/1k in, $%s/1k out)', (provider, inPer1k, outPer1k) => {
    const estimate = new PriceCatalog().estimate(provider, undefined, { input_tokens: 1000, output_tokens: 1000 });
    expect(estimate.input_per_1k_usd).toBe(inPer1k);
    expect(estimate.output_per_1k_usd).toBe(outPer1k);
    expect(estimate.cost_usd).toBe(Math.round((inPer1k + outPer1k) * 1e6) / 1e6);
  });

  it('always prices every model the seed lists', () => {
    const catalog = new PriceCatalog();
    for (const [provider, models] of Object.entries(SEED_PRICES)) {
      for (const model of Object.keys(models)) {
        expect(catalog.lookup(provider as ProviderId, model).price, `${provider}/${model}`).not.toBeNull();
      }
    }
  });

  it.each([
    ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet'],
    ['claude-3-opus-20240229', 'claude-3-opus'],
    ['gpt-4-turbo-2024-04-09', 'gpt-4-turbo'],
    ['gpt-4-0613', 'gpt-4'],
    ['models/gemini-pro-001', 'gemini-pro'],
    ['gemini-pro-latest', 'gemini-pro'],
    ['llama2:13b', 'llama2'],
    ['gpt-4o', 'gpt-4o'],
  ])('resolves the dated or tagged id %s to its family %s', (model, family) => {
    expect(modelFamily(model)).toBe(family);
  });

  it('prices a dated id not in any table at its family rate', () => {
    const found = new PriceCatalog().lookup('google', 'gemini-pro-002');
    expect(found).toMatchObject({ priced_as: 'gemini-pro', source: 'seed' });
  });

  it.each(['gpt-4-1106-preview', 'gpt-4-0125-preview', 'gpt-4-turbo-preview', 'gpt-4-vision-preview'])(
    'prices the GPT-4 Turbo preview %s as gpt-4-turbo, not as the dearer gpt-4 its date-stripped name suggests',
    (model) => {
      const estimate = new PriceCatalog().estimate('openai', model, { input_tokens: 1_000_000, output_tokens: 1_000_000 });
      expect(estimate).toMatchObject({ model, priced_as: 'gpt-4-turbo', cost_usd: 40 });
    },
  );

  it('takes newer models from the pinned models.dev catalog', () => {
    const estimate = new PriceCatalog().estimate('openai', 'gpt-4o', { input_tokens: 1_000_000, output_tokens: 1_000_000 });
    expect(estimate).toMatchObject({ price_source: 'catalog', priced_as: 'gpt-4o', cost_usd: 12.5 });
  });

  it('reports an unknown model as unpriced with a warning instead of $0', () => {
    const estimate = new PriceCatalog().estimate('anthropic', 'claude-imaginary', { input_tokens: 100, output_tokens: 100 });
    expect(estimate.cost_usd).toBeNull();
    expect(estimate.price_source).toBeNull();
    expect(estimate.warnings[0]).toMatch(/No price is known for anthropic model "claude-imaginary".*prices\.json/);
  });

  it('treats any local (Ollama) model as free', () => {
    expect(new PriceCatalog().estimate('local', 'qwen2.5-coder:7b', { input_tokens: 10_000, output_tokens: 10_000 }).cost_usd).toBe(0);
  });

  it('bills cached input tokens at the cache-read price', () => {
    const estimate = new PriceCatalog().estimate('anthropic', 'claude-3-5-sonnet', { input_tokens: 1_000_000, output_tokens: 0, cached_input_tokens: 1_000_000 });
    expect(estimate.cost_usd).toBe(0.3);
  });

  it('bills cache writes at the cache-write price, falling back to the input price where the catalog has none', () => {
    const catalog = new PriceCatalog();
    expect(catalog.estimate('anthropic', 'claude-3-5-sonnet', { input_tokens: 1_000_000, output_tokens: 0, cache_write_tokens: 1_000_000 }).cost_usd).toBe(3.75);
    expect(catalog.estimate('openai', 'gpt-4-turbo', { input_tokens: 1_000_000, output_tokens: 0, cache_write_tokens: 1_000_000 }).cost_usd).toBe(10);
    // 500k plain ($1.50) + 300k read ($0.09) + 200k written ($0.75)
    expect(
      catalog.estimate('anthropic', 'claude-3-5-sonnet', { input_tokens: 1_000_000, output_tokens: 0, cached_input_tokens: 300_000, cache_write_tokens: 200_000 }).cost_usd,
    ).toBe(2.34);
  });

  it('uses prices from prices.json in the data dir before the catalog, and picks up edits', () => {
    const dir = tempDir();
    const path = join(dir, 'prices.json');
    writeFileSync(path, JSON.stringify({ openai: { 'gpt-4': { input: 1, output: 2 }, 'my-finetune': { input: 4, output: 8 } } }));
    const catalog = new PriceCatalog({ overridesPath: path });
    expect(catalog.estimate('openai', 'gpt-4-0613', { input_tokens: 1_000_000, output_tokens: 1_000_000 })).toMatchObject({ price_source: 'override', cost_usd: 3 });
    expect(catalog.costUsd('openai', 'my-finetune', 1_000_000, 0)).toBe(4);
    writeFileSync(path, JSON.stringify({ openai: { 'my-finetune': { input: 5, output: 8 } } }));
    catalog.reload();
    expect(catalog.costUsd('openai', 'my-finetune', 1_000_000, 0)).toBe(5);
  });

  it.each([
    ['not JSON', '{ openai: ', /not valid JSON/],
    ['an unknown provider', JSON.stringify({ mistralai: { x: { input: 1, output: 1 } } }), /mistralai/],
    ['a negative price', JSON.stringify({ openai: { 'gpt-4': { input: -1, output: 1 } } }), /openai\.gpt-4\.input: input must be 0 or more/],
    ['a missing output price', JSON.stringify({ openai: { 'gpt-4': { input: 1 } } }), /output/],
  ])('ignores a prices.json with %s, keeps pricing from the catalog and warns naming the problem', (_name, text, problem) => {
    const path = join(tempDir(), 'prices.json');
    writeFileSync(path, text);
    const estimate = new PriceCatalog({ overridesPath: path }).estimate('openai', 'gpt-4', { input_tokens: 1000, output_tokens: 0 });
    expect(estimate.cost_usd).toBe(0.03);
    expect(estimate.warnings.join(' ')).toMatch(problem);
    expect(estimate.warnings.join(' ')).toMatch(/ignored until fixed/);
  });

  it('computes money in integer micro-dollars without float drift', () => {
    // 0.1 + 0.2 style sums: ten requests of $0.0105 are exactly $0.105.
    const micros = Array.from({ length: 10 }, () => tokenCostMicros([[1000, 3_000_000], [500, 15_000_000]])).reduce((a, b) => a + b, 0);
    expect(micros).toBe(105_000);
    // Rounds half up to the micro-dollar, also past 2^53 where it switches to BigInt.
    expect(tokenCostMicros([[1, 500_000]])).toBe(1);
    expect(tokenCostMicros([[1, 499_999]])).toBe(0);
    expect(tokenCostMicros([[10_000_000, 100_000_000_000]])).toBe(1_000_000_000_000);
    expect(formatUsd(0.0105)).toBe('$0.0105');
    expect(formatUsd(0.045)).toBe('$0.045');
    expect(formatUsd(12)).toBe('$12.00');
    expect(formatUsd(null)).toBe('unpriced');
  });

  it('lists every priced model of a provider with where its price comes from, overrides last', () => {
    const path = join(tempDir(), 'prices.json');
    writeFileSync(path, JSON.stringify({ google: { 'gemini-pro': { input: 9, output: 9 } } }));
    const models = new PriceCatalog({ overridesPath: path }).models('google');
    expect(models.find((m) => m.model === 'gemini-pro')).toMatchObject({ source: 'override', price: { input: 9 } });
    expect(models.find((m) => m.model === 'gemini-pro-vision')).toMatchObject({ source: 'seed' });
    expect(models.find((m) => m.model === 'gemini-1.5-pro')).toMatchObject({ source: 'catalog' });
    expect(new PriceCatalog().models('local').every((m) => m.source === 'local' && m.price.input === 0)).toBe(true);
  });
});

