import type { Provider } from '@pydantic/genai-prices';
import type { AppliedTier, ModelPriceView, PriceDataInfo, PriceListing, PriceSource, TokenRates } from '../../shared/prices.js';
import type { ProviderId } from '../../shared/providers.js';
import type { CostEstimate } from '../../shared/usage.js';
import { microsToUsd } from '../usage/money.js';
import { modelFamily } from '../providers/catalog.js';
import { DEFAULT_MODELS, SEED_PRICES } from '../providers/seed-prices.js';
import { BUNDLED_DATA, CatalogData, PRICED_PROVIDERS } from './catalog-data.js';
import { checkUsage, costOf, microRates, periodAt, periodView, ratesInUsd, type MicroPeriod, type UsageTokens } from './micro-rates.js';
import { PriceOverrides, type OverrideState } from './price-overrides.js';
import { activateBundledInLibrary, activateInLibrary, readStoredPriceData } from './stored-price-data.js';

export type { UsageTokens } from './micro-rates.js';

/** How a provider and model id resolve to a price; cached per id until the data or prices.json change. */
export interface PriceLookup {
  model: string;
  /** The entry the price came from (a dated id or alias names its entry), or null when unpriced. */
  priced_as: string | null;
  source: PriceSource | null;
  /** Data version or prices.json hash that priced it; stored with tracked records. */
  price_version: string | null;
  /** Price periods oldest first; null when unpriced. */
  periods: readonly MicroPeriod[] | null;
  warnings: string[];
}

/** One request priced: what the gateway and the ledger store. Money is integer micro-dollars. */
export interface PricedUsage {
  provider: ProviderId;
  model: string;
  priced_as: string | null;
  source: PriceSource | null;
  price_version: string | null;
  /** null when the model has no known price (see warnings); never silently 0. */
  cost_micros: number | null;
  input_micros: number | null;
  output_micros: number | null;
  /** The tier the request was billed at, or null for the base rates. */
  tier: AppliedTier | null;
  /** The rates that applied, USD per million tokens. */
  rates: TokenRates | null;
  warnings: string[];
}

const SEED_VERSION = 'seed';
const LOCAL_VERSION = 'local';
/** Distinct model ids remembered; past this the cache starts over (ids come from callers, so it is bounded). */
const MAX_CACHED = 4096;

const SEED: ReadonlyMap<ProviderId, ReadonlyMap<string, MicroPeriod>> = new Map(
  Object.entries(SEED_PRICES).map(([provider, table]) => [
    provider as ProviderId,
    new Map(Object.entries(table).map(([model, p]) => [model, { fromMs: -Infinity, base: microRates(p), tiers: [] }])),
  ]),
);
const FREE: MicroPeriod = { fromMs: -Infinity, base: microRates({ input: 0, output: 0, cache_read: 0, cache_write: 0, cache_write_1h: 0 }), tiers: [] };

export interface PriceCatalogOptions {
  /** prices.json: the user's prices, which win. */
  overridesPath?: string;
  /** Data kept by `keyway prices update`; used instead of the bundled data when present and valid. */
  dataPath?: string;
  now?: () => Date;
}

/**
 * Model prices: the user's prices.json first, then the seed's own models (so the seed's rates hold
 * exactly), then @pydantic/genai-prices (bundled, or newer data from `keyway prices update`), then
 * the seed's families. Local (Ollama) models are free. Anything else is unpriced, never $0.
 * Lookups are cached per model id; prices.json is checked for edits at most once a second.
 */
export class PriceCatalog {
  readonly overridesPath: string | undefined;
  readonly dataPath: string | undefined;
  readonly #overrides: PriceOverrides | undefined;
  readonly #now: () => Date;
  readonly #cache = new Map<string, PriceLookup>();
  #catalog: CatalogData | undefined;

  constructor(options: PriceCatalogOptions = {}) {
    this.overridesPath = options.overridesPath;
    this.dataPath = options.dataPath;
    this.#overrides = options.overridesPath ? new PriceOverrides(options.overridesPath) : undefined;
    this.#now = options.now ?? (() => new Date());
  }

  /** Finds the price entry for `model` (or the provider's default model). */
  lookup(provider: ProviderId, model?: string): PriceLookup {
    const overrides = this.#overrideState();
    const name = model ?? DEFAULT_MODELS[provider];
    const key = `${provider}\u0000${name}`;
    let found = this.#cache.get(key);
    if (!found) {
      found = this.#resolve(provider, name, overrides);
      if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
      this.#cache.set(key, found);
    }
    return found;
  }

  /**
   * Prices one request with the price in force at `at` (default now): the core API for the
   * ledger and the gateway. Throws invalid_input when the token parts do not add up.
   */
  price(provider: ProviderId, model: string | undefined, usage: UsageTokens, at: Date | number = this.#now()): PricedUsage {
    checkUsage(usage);
    const found = this.lookup(provider, model);
    const cost = found.periods === null ? null : costOf(periodAt(found.periods, typeof at === 'number' ? at : at.getTime()), usage);
    // One literal, no object spread: this runs once per tracked request (see the prices bench).
    return {
      provider,
      model: found.model,
      priced_as: found.priced_as,
      source: found.source,
      price_version: found.price_version,
      cost_micros: cost === null ? null : cost.total,
      input_micros: cost === null ? null : cost.input,
      output_micros: cost === null ? null : cost.output,
      tier: cost === null ? null : cost.tier,
      rates: cost === null ? null : ratesInUsd(cost.rates),
      warnings: found.warnings,
    };
  }

  /** Cost in micro-dollars now, or null when unpriced. */
  costMicros(provider: ProviderId, model: string | undefined, usage: UsageTokens): number | null {
    return this.price(provider, model, usage).cost_micros;
  }

  /** USD cost for a request, or null when unpriced: the function the router uses. */
  costUsd(provider: ProviderId, model: string | undefined, inputTokens: number, outputTokens: number): number | null {
    const micros = this.costMicros(provider, model, { input_tokens: inputTokens, output_tokens: outputTokens });
    return micros === null ? null : microsToUsd(micros);
  }

  estimate(provider: ProviderId, model: string | undefined, usage: UsageTokens): CostEstimate {
    const p = this.price(provider, model, usage);
    return {
      provider,
      model: p.model,
      priced_as: p.priced_as,
      price_source: p.source,
      price_version: p.price_version,
      tier: p.tier,
      input_tokens: usage.input_tokens,
      output_tokens: usage.output_tokens,
      cached_input_tokens: usage.cached_input_tokens ?? 0,
      cache_write_tokens: usage.cache_write_tokens ?? 0,
      cache_write_1h_tokens: usage.cache_write_1h_tokens ?? 0,
      input_per_1k_usd: p.rates === null ? null : p.rates.input / 1000,
      output_per_1k_usd: p.rates === null ? null : p.rates.output / 1000,
      rates: p.rates,
      input_cost_usd: p.input_micros === null ? null : microsToUsd(p.input_micros),
      output_cost_usd: p.output_micros === null ? null : microsToUsd(p.output_micros),
      cost_usd: p.cost_micros === null ? null : microsToUsd(p.cost_micros),
      warnings: [...p.warnings],
    };
  }

  /** The model's price as shown by `keyway prices provider/model` and the GUI. */
  view(provider: ProviderId, model?: string): ModelPriceView {
    const found = this.lookup(provider, model);
    const nowMs = this.#now().getTime();
    return {
      provider,
      model: found.model,
      priced_as: found.priced_as,
      source: found.source,
      price_version: found.price_version,
      current: found.periods ? periodView(periodAt(found.periods, nowMs)) : null,
      periods: found.periods ? found.periods.map(periodView) : [],
    };
  }

  /** Every entry priced for `provider` (or all providers): overrides, seed and catalog, each as its own model id. */
  list(provider?: ProviderId, model?: string): PriceListing {
    const overrides = this.#overrideState();
    const warnings = overrides.problem ? [overrides.problem] : [];
    const listing = (models: ModelPriceView[]): PriceListing => ({
      data: this.dataInfo(),
      overrides: { path: this.overridesPath ?? 'prices.json', state: overrides.state, problem: overrides.problem },
      models,
      warnings,
    });
    if (provider && model) {
      const view = this.view(provider, model);
      return { ...listing([view]), warnings: this.lookup(provider, model).warnings };
    }
    const providers = provider ? [provider] : (['anthropic', 'openai', 'google', 'local'] as ProviderId[]);
    const views: ModelPriceView[] = [];
    for (const p of providers) {
      const ids = new Set<string>([...(overrides.table?.models.get(p)?.keys() ?? []), ...(SEED.get(p)?.keys() ?? [])]);
      if (PRICED_PROVIDERS.includes(p)) for (const entry of this.#data().entries(p)) ids.add(entry.id);
      for (const id of [...ids].sort()) {
        const view = this.view(p, id);
        if (view.source !== null) views.push(view);
      }
    }
    return listing(views);
  }

  /** The price of each given model as requests name it (unpriced ones included, with their warning). */
  listModels(models: ReadonlyArray<{ provider: ProviderId; model: string }>): PriceListing {
    const overrides = this.#overrideState();
    return {
      data: this.dataInfo(),
      overrides: { path: this.overridesPath ?? 'prices.json', state: overrides.state, problem: overrides.problem },
      models: models.map((m) => this.view(m.provider, m.model)),
      warnings: [...new Set(models.flatMap((m) => this.lookup(m.provider, m.model).warnings))],
    };
  }

  /** The price data in force (bundled or updated). Loads it if needed. */
  dataInfo(): PriceDataInfo {
    return this.#data().info;
  }

  /** The compiled data in force (for comparing an update with it). */
  catalogData(): CatalogData {
    return this.#data();
  }

  /** Replaces the data in force (after `keyway prices update` or the daily refresh). */
  useData(data: CatalogData, providers: Provider[]): void {
    activateInLibrary(providers);
    this.#catalog = data;
    this.#cache.clear();
  }

  /** Forces prices.json and the kept price data to be read again on the next lookup. */
  reload(): void {
    this.#overrides?.invalidate();
    this.#catalog = undefined;
    this.#cache.clear();
  }

  #overrideState(): OverrideState {
    if (!this.#overrides) return { state: 'absent', problem: null, table: null };
    const { state, changed } = this.#overrides.current();
    if (changed) this.#cache.clear();
    return state;
  }

  #data(): CatalogData {
    if (!this.#catalog) {
      const stored = this.dataPath ? readStoredPriceData(this.dataPath) : null;
      // Kept data older than the bundled data (the package was upgraded since) gives way to it.
      if (stored && stored.fetchedAt.slice(0, 10) >= BUNDLED_DATA.date) {
        activateInLibrary(stored.providers);
        this.#catalog = stored.data;
      } else {
        this.#catalog = new CatalogData(activateBundledInLibrary(), BUNDLED_DATA);
      }
    }
    return this.#catalog;
  }

  #resolve(provider: ProviderId, model: string, overrides: OverrideState): PriceLookup {
    const warnings = overrides.problem ? [overrides.problem] : [];
    const family = modelFamily(model);
    const priced = (source: PriceSource, entry: string, version: string, periods: readonly MicroPeriod[]): PriceLookup => ({
      model,
      priced_as: entry,
      source,
      price_version: version,
      periods,
      warnings,
    });
    const table = overrides.table;
    for (const name of [model, family]) {
      const own = table?.models.get(provider)?.get(name);
      if (own && table) return priced('override', name, table.version, [own]);
    }
    const seed = SEED.get(provider)?.get(model);
    if (seed) return priced(provider === 'local' ? 'local' : 'seed', model, provider === 'local' ? LOCAL_VERSION : SEED_VERSION, [seed]);
    if (PRICED_PROVIDERS.includes(provider)) {
      const data = this.#data();
      // Google's API names models `models/gemini-...`; the price data lists them bare.
      const entry = data.find(provider, model.startsWith('models/') ? model.slice('models/'.length) : model);
      if (entry) return priced('catalog', entry.id, data.info.version, data.periods(entry));
    }
    const seedFamily = SEED.get(provider)?.get(family);
    if (seedFamily) return priced(provider === 'local' ? 'local' : 'seed', family, provider === 'local' ? LOCAL_VERSION : SEED_VERSION, [seedFamily]);
    if (provider === 'local') return priced('local', family, LOCAL_VERSION, [FREE]);
    return {
      model,
      priced_as: null,
      source: null,
      price_version: null,
      periods: null,
      warnings: [
        ...warnings,
        `No price is known for ${provider} model "${model}", so its cost is not counted (unpriced). Run \`keyway prices update\` for newer price data, or add it to ${this.overridesPath ?? 'prices.json'} as {"${provider}": {"${model}": {"input": <USD per 1M>, "output": <USD per 1M>}}}.`,
      ],
    };
  }
}
