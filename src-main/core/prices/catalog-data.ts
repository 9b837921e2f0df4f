import { createRequire } from 'node:module';
import type { ModelInfo, ModelPrice, Provider, StorageFactoryParams, TieredPrices } from '@pydantic/genai-prices';
import type { PriceDataInfo } from '../../shared/prices.js';
import type { ProviderId } from '../../shared/providers.js';
import { compileMatch, dashDates, type ModelMatcher } from './model-match.js';
import { microRates, type MicroPeriod, type MicroRates } from './micro-rates.js';

type GenaiPrices = typeof import('@pydantic/genai-prices');

/**
 * The pinned @pydantic/genai-prices and the day its data was published (npm `time` of 0.1.8).
 * A test checks the installed version, so bumping the package means updating this date.
 */
export const BUNDLED_DATA: PriceDataInfo = { kind: 'bundled', version: 'genai-prices 0.1.8', date: '2026-09-23', fetched_at: null, url: null };

/** Keyway's providers as the price data names them; local (Ollama) models are free and not in it. */
const DATA_PROVIDER: Readonly<Partial<Record<ProviderId, string>>> = { anthropic: 'anthropic', openai: 'openai', google: 'google' };
export const PRICED_PROVIDERS = Object.keys(DATA_PROVIDER) as ProviderId[];

let library:
  | {
      lib: GenaiPrices;
      setProviderData: StorageFactoryParams['setProviderData'];
      remoteDataUrl: string;
      /** The bundled data of Keyway's providers (and those they fall back to), taken before any update replaces it. */
      bundled: Provider[];
    }
  | undefined;

/**
 * Loads the library (about 0.5 MB of price data) on first use only, so commands that never price
 * never pay for it. Synchronous on purpose: routing and estimates price synchronously, and the
 * library is loaded once per process. The CommonJS build is the one instance used everywhere.
 */
export function genaiPrices(): NonNullable<typeof library> {
  if (!library) {
    const lib = createRequire(import.meta.url)('@pydantic/genai-prices') as GenaiPrices;
    let captured: StorageFactoryParams | undefined;
    // The library's update mechanism: its factory hands out the setter for new data and the data URL.
    lib.updatePrices((params) => {
      captured = params;
    });
    if (!captured) throw new Error('@pydantic/genai-prices did not call the updatePrices factory');
    library = { lib, setProviderData: captured.setProviderData, remoteDataUrl: captured.remoteDataUrl, bundled: providersFrom(lib) };
  }
  return library;
}

/** The library's current providers Keyway prices with, plus the providers they fall back to. */
function providersFrom(lib: GenaiPrices): Provider[] {
  const found = new Map<string, Provider>();
  const add = (id: string): void => {
    if (found.has(id)) return;
    const p = lib.findProvider({ providerId: id });
    if (!p || p.id !== id) return;
    found.set(id, p);
    for (const f of p.fallback_model_providers ?? []) add(f);
  };
  for (const id of Object.values(DATA_PROVIDER)) add(id);
  return [...found.values()];
}

/** One model entry of the data, compiled: its matcher, and its price periods in micro-dollars (compiled on first use). */
export interface CatalogEntry {
  id: string;
  match: ModelMatcher;
  info: ModelInfo;
  periods?: readonly MicroPeriod[];
}

interface CatalogProvider {
  entries: CatalogEntry[];
  fallbacks: CatalogProvider[];
}

/** The price data in force for Keyway's providers, compiled for fast lookups. */
export class CatalogData {
  readonly info: PriceDataInfo;
  readonly #providers = new Map<ProviderId, CatalogProvider>();

  constructor(providers: readonly Provider[], info: PriceDataInfo) {
    this.info = info;
    const compiled = new Map<string, CatalogProvider>();
    const compile = (id: string): CatalogProvider | undefined => {
      const known = compiled.get(id);
      if (known) return known;
      const raw = providers.find((p) => p.id === id);
      if (!raw) return undefined;
      const provider: CatalogProvider = { entries: raw.models.map((m) => ({ id: m.id, match: compileMatch(m.match), info: m })), fallbacks: [] };
      compiled.set(id, provider);
      for (const f of raw.fallback_model_providers ?? []) {
        const fallback = compile(f);
        if (fallback) provider.fallbacks.push(fallback);
      }
      return provider;
    };
    for (const [keyway, dataId] of Object.entries(DATA_PROVIDER)) {
      const provider = compile(dataId);
      if (provider) this.#providers.set(keyway as ProviderId, provider);
    }
  }

  /** The library's model matching for a provider: as given, then with dashed dates, then its fallback providers. */
  find(provider: ProviderId, model: string): CatalogEntry | undefined {
    const p = this.#providers.get(provider);
    if (!p) return undefined;
    const id = model.toLowerCase().trim();
    const found = findIn(p, id, true);
    if (found) return found;
    const dashed = dashDates(id);
    return dashed === id ? undefined : findIn(p, dashed, true);
  }

  entries(provider: ProviderId): readonly CatalogEntry[] {
    return this.#providers.get(provider)?.entries ?? [];
  }

  /** The entry's price periods, oldest first. */
  periods(entry: CatalogEntry): readonly MicroPeriod[] {
    entry.periods ??= compilePeriods(entry.info);
    return entry.periods;
  }
}

function findIn(provider: CatalogProvider, id: string, withFallbacks: boolean): CatalogEntry | undefined {
  for (const entry of provider.entries) if (entry.match(id)) return entry;
  if (!withFallbacks) return undefined;
  for (const fallback of provider.fallbacks) {
    const found = findIn(fallback, id, false);
    if (found) return found;
  }
  return undefined;
}

const KEYS = { input: 'input_mtok', output: 'output_mtok', cache_read: 'cache_read_mtok', cache_write: 'cache_write_mtok', cache_write_1h: 'cache_write_1h_mtok' } as const;

/**
 * A model's prices in micro-dollars. Start-date periods become periods; time-of-day discounts
 * (none for Anthropic, OpenAI or Google) are not applied, so such a model is billed its regular rate.
 */
function compilePeriods(info: ModelInfo): MicroPeriod[] {
  const list = Array.isArray(info.prices) ? info.prices : [{ prices: info.prices }];
  const periods: MicroPeriod[] = [];
  for (const item of list) {
    const c = item.constraint;
    // Raw v2 data omits `type`: a constraint is a start date or a time-of-day window.
    if (c && 'start_time' in c) continue;
    const fromMs = c && 'start_date' in c ? Date.parse(`${c.start_date}T00:00:00Z`) : -Infinity;
    periods.push(compilePrice(item.prices, fromMs));
  }
  if (periods.length === 0) periods.push(compilePrice(list[0]!.prices, -Infinity));
  return periods.sort((a, b) => a.fromMs - b.fromMs);
}

function compilePrice(price: ModelPrice, fromMs: number): MicroPeriod {
  const at = (threshold: number | null): MicroRates => {
    const usd = (key: string): number | undefined => rateAt(price[key], threshold);
    return microRates({
      // An entry without a token rate bills those tokens at 0, as calcPrice does (e.g. a free model).
      input: usd(KEYS.input) ?? 0,
      output: usd(KEYS.output) ?? 0,
      cache_read: usd(KEYS.cache_read),
      cache_write: usd(KEYS.cache_write),
      cache_write_1h: usd(KEYS.cache_write_1h),
    });
  };
  const starts = new Set<number>();
  for (const key of Object.values(KEYS)) {
    const v = price[key];
    if (typeof v === 'object') for (const t of v.tiers) starts.add(t.start);
  }
  return { fromMs, base: at(null), tiers: [...starts].sort((a, b) => a - b).map((above) => ({ above, rates: at(above) })) };
}

/** The USD rate for requests just above `threshold` input tokens (null: the base rate). */
function rateAt(value: number | TieredPrices | undefined, threshold: number | null): number | undefined {
  if (value === undefined || typeof value === 'number') return value;
  let rate = value.base;
  let best = -1;
  if (threshold !== null) {
    for (const t of value.tiers) {
      if (threshold >= t.start && t.start > best) {
        best = t.start;
        rate = t.price;
      }
    }
  }
  return rate;
}
