import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PriceCatalog } from '../../../src-main/core/prices/price-catalog.js';
import { tempDir } from '../../support/temp-dir.js';

const M = 1_000_000;

function write(path: string, value: unknown): void {
  writeFileSync(path, typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`);
}

describe('prices.json overrides', () => {
  it('wins over the catalog, for the model and its dated ids, and picks up edits', () => {
    const path = join(tempDir(), 'prices.json');
    write(path, { openai: { 'gpt-4': { input: 1, output: 2 }, 'my-finetune': { input: 4, output: 8, cache_read: 0.4 } } });
    const catalog = new PriceCatalog({ overridesPath: path });
    const e = catalog.estimate('openai', 'gpt-4-0613', { input_tokens: M, output_tokens: M });
    expect(e).toMatchObject({ price_source: 'override', priced_as: 'gpt-4', cost_usd: 3 });
    expect(e.price_version).toMatch(/^prices\.json [0-9a-f]{12}$/);
    expect(catalog.price('openai', 'my-finetune', { input_tokens: M, output_tokens: 0, cached_input_tokens: M }).cost_micros).toBe(400_000);
    write(path, { openai: { 'my-finetune': { input: 5, output: 8 } } });
    catalog.reload();
    expect(catalog.costUsd('openai', 'my-finetune', M, 0)).toBe(5);
  });

  it('bills an override tier for the whole request above its threshold, and says so', () => {
    const path = join(tempDir(), 'prices.json');
    write(path, { anthropic: { 'my-model': { input: 2, output: 10, tiers: [{ above_input_tokens: 100_000, input: 4, output: 15, cache_read: 0.4 }] } } });
    const catalog = new PriceCatalog({ overridesPath: path });
    expect(catalog.price('anthropic', 'my-model', { input_tokens: 100_000, output_tokens: 1000 })).toMatchObject({ cost_micros: 210_000, tier: null });
    expect(catalog.price('anthropic', 'my-model', { input_tokens: 100_001, output_tokens: 1000, cached_input_tokens: 1 })).toMatchObject({
      cost_micros: 400_000 + 15_000,
      tier: { above_input_tokens: 100_000 },
      source: 'override',
    });
  });

  it.each([
    ['not JSON', '{\n  "openai": {\n    "gpt-4": { input: 1 }\n  }\n}\n', /line 3 is not valid JSON/],
    ['an unknown provider', { mistralai: { x: { input: 1, output: 1 } } }, /mistralai/],
    ['a negative price', { openai: { 'gpt-4': { input: -1, output: 1 } } }, /openai\.gpt-4\.input \(line 4\): input must be 0 or more/],
    ['a missing output price', { openai: { 'a': { input: 1, output: 1 }, 'gpt-4': { input: 1 } } }, /openai\.gpt-4\.output \(line 7\)/],
    ['a bad tier', { google: { g: { input: 1, output: 1, tiers: [{ above_input_tokens: 10, input: 1, output: 1 }, { above_input_tokens: 0.5, input: 1, output: 1 }] } } }, /google\.g\.tiers\.1\.above_input_tokens \(line 13\)/],
    ['an unknown field', { openai: { 'gpt-4': { input: 1, output: 1, cahce_read: 1 } } }, /openai\.gpt-4 \(line 3\): unknown field "cahce_read"/],
  ])('reports a prices.json with %s naming the field and line, and keeps pricing', (_name, content, problem) => {
    const path = join(tempDir(), 'prices.json');
    write(path, content);
    const estimate = new PriceCatalog({ overridesPath: path }).estimate('openai', 'gpt-4', { input_tokens: 1000, output_tokens: 0 });
    expect(estimate.cost_usd).toBe(0.03);
    expect(estimate.warnings.join(' ')).toMatch(problem);
    expect(estimate.warnings.join(' ')).toContain(path);
  });

  it('keeps the last good overrides in force while the file is broken, in this process and the next', () => {
    const dir = tempDir();
    const path = join(dir, 'prices.json');
    write(path, { openai: { 'my-finetune': { input: 4, output: 8 } } });
    const catalog = new PriceCatalog({ overridesPath: path });
    expect(catalog.costUsd('openai', 'my-finetune', M, 0)).toBe(4);
    write(path, '{ "openai": ');
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    catalog.reload();
    const found = catalog.estimate('openai', 'my-finetune', { input_tokens: M, output_tokens: 0 });
    expect(found.cost_usd).toBe(4);
    expect(found.warnings.join(' ')).toMatch(/not valid JSON.*last good overrides stay in force/);
    // A fresh process (a one-shot CLI run) finds the last good copy too.
    const next = new PriceCatalog({ overridesPath: path });
    expect(next.costUsd('openai', 'my-finetune', M, 0)).toBe(4);
    expect(next.list('openai').overrides.state).toBe('invalid');
  });

  it('reads prices.json once, not per lookup: an edit is seen only after the re-check interval', () => {
    const path = join(tempDir(), 'prices.json');
    write(path, { openai: { 'x-model': { input: 1, output: 1 } } });
    const catalog = new PriceCatalog({ overridesPath: path });
    expect(catalog.costUsd('openai', 'x-model', M, 0)).toBe(1);
    write(path, { openai: { 'x-model': { input: 2, output: 1 } } });
    // Within the same second the cached price is used (no stat, no read).
    expect(catalog.costUsd('openai', 'x-model', M, 0)).toBe(1);
    catalog.reload();
    expect(catalog.costUsd('openai', 'x-model', M, 0)).toBe(2);
  });
});
