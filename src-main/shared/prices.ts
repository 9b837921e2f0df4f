import { z } from 'zod';
import { PROVIDER_IDS, type ProviderId } from './providers.js';

/**
 * Where a price came from: the user's prices.json (`override`), the bundled or updated
 * @pydantic/genai-prices data (`catalog`), the seed's table (`seed`), or a free local model.
 */
export type PriceSource = 'override' | 'catalog' | 'seed' | 'local';

/** USD per million tokens. Cache writes without a TTL are the 5-minute writes where the provider has two. */
export interface TokenRates {
  input: number;
  output: number;
  /** Reading from the prompt cache; the input rate when the provider states none. */
  cache_read: number;
  /** Writing to the prompt cache (Anthropic: the 5-minute write); the input rate when none is stated. */
  cache_write: number;
  /** Anthropic's 1-hour cache write; the 5-minute rate when none is stated. */
  cache_write_1h: number;
}

/** Rates that replace the base rates for the whole request once its input tokens exceed `above_input_tokens`. */
export interface PriceTier extends TokenRates {
  above_input_tokens: number;
}

/** The tier a request was billed at: null when the base rates applied. */
export interface AppliedTier {
  above_input_tokens: number;
}

/** One period of a model's price: `from` is the first UTC day it applies (null: since the start of the data). */
export interface PricePeriod {
  from: string | null;
  rates: TokenRates;
  tiers: PriceTier[];
}

/** What the price data in force is and how current it is. */
export interface PriceDataInfo {
  /** `bundled`: the data shipped in @pydantic/genai-prices; `updated`: fetched by `keyway prices update`. */
  kind: 'bundled' | 'updated';
  /** Stored with each tracked record, e.g. `genai-prices 0.1.8` or `update 3f2a9c1e0b7d`. */
  version: string;
  /** The day the data was published (bundled) or fetched (updated), YYYY-MM-DD. */
  date: string;
  /** When updated data was fetched (ISO time); null for the bundled data. */
  fetched_at: string | null;
  /** Where updated data was fetched from. */
  url: string | null;
}

/** A model's price as resolved for one provider and model id. */
export interface ModelPriceView {
  provider: ProviderId;
  model: string;
  /** The entry the price came from (a family or prefix match names the entry); null when unpriced. */
  priced_as: string | null;
  source: PriceSource | null;
  /** The data version or file that priced it (see PriceDataInfo.version, `prices.json <hash>`, `seed`). */
  price_version: string | null;
  /** The period in force now; null when unpriced. */
  current: PricePeriod | null;
  /** Every period the entry has, oldest first (a price that changes on a date has several). */
  periods: PricePeriod[];
}

export interface PriceListing {
  data: PriceDataInfo;
  /** prices.json in the data dir, and whether it is in force. */
  overrides: { path: string; state: 'absent' | 'ok' | 'invalid'; problem: string | null };
  models: ModelPriceView[];
  warnings: string[];
}

const providerId = z.enum(PROVIDER_IDS, { error: () => `provider must be one of ${PROVIDER_IDS.join(', ')}` });

const modelId = z
  .string()
  .min(1, 'model must not be empty')
  .max(128, 'model must be at most 128 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/, 'model must be a model id such as claude-sonnet-4-5');

export const ListPricesInputSchema = z
  .object({
    provider: providerId.optional(),
    /** Resolve one model id (as requests name it) instead of listing the provider's entries. */
    model: modelId.optional(),
    /** Resolve these models (e.g. the routed ones the GUI shows) instead of listing entries. */
    models: z.array(z.strictObject({ provider: providerId, model: modelId })).max(32, 'models may list at most 32 models').optional(),
  })
  .strict()
  .refine((v) => v.model === undefined || v.provider !== undefined, { message: 'model needs a provider (provider/model)', path: ['model'] })
  .refine((v) => v.models === undefined || (v.provider === undefined && v.model === undefined), { message: 'give either models or provider/model', path: ['models'] });
export type ListPricesInput = z.input<typeof ListPricesInputSchema>;

/** One model whose price differs between the data in force before and after an update. */
export interface PriceChange {
  provider: ProviderId;
  model: string;
  change: 'added' | 'removed' | 'changed';
  /** For `changed`: the rates before and after (the current period of each). */
  before: TokenRates | null;
  after: TokenRates | null;
}

export interface PriceUpdateResult {
  /** false when the fetched data was the same as the data already kept. */
  updated: boolean;
  url: string;
  before: PriceDataInfo;
  after: PriceDataInfo;
  /** The data file kept in the data dir. */
  path: string;
  changes: PriceChange[];
}

const usdPerMillion = (what: string) =>
  z
    .number({ error: `${what} must be USD per million tokens, e.g. 3 for $3/M` })
    .finite()
    .min(0, `${what} must be 0 or more`)
    .max(100_000, `${what} is over $100,000 per million tokens; check the value`);

const rateFields = {
  input: usdPerMillion('input'),
  output: usdPerMillion('output'),
  cache_read: usdPerMillion('cache_read').optional(),
  cache_write: usdPerMillion('cache_write').optional(),
  cache_write_1h: usdPerMillion('cache_write_1h').optional(),
};

const overrideTier = z.strictObject({
  above_input_tokens: z
    .number({ error: 'above_input_tokens must be a whole number of input tokens' })
    .int('above_input_tokens must be a whole number of input tokens')
    .min(1, 'above_input_tokens must be at least 1'),
  ...rateFields,
});

const overrideModel = z
  .strictObject({ ...rateFields, tiers: z.array(overrideTier).max(8, 'tiers may list at most 8 tiers').optional() })
  .refine((p) => new Set((p.tiers ?? []).map((t) => t.above_input_tokens)).size === (p.tiers ?? []).length, {
    message: 'each tier needs a different above_input_tokens',
    path: ['tiers'],
  });

/**
 * prices.json in the data dir: the user's own prices, USD per million tokens, per provider and
 * model id; optional `tiers` replace the rates for requests above a number of input tokens.
 */
export const PriceOverridesSchema = z.partialRecord(
  providerId,
  z.record(
    modelId,
    overrideModel,
  ),
);
export type PriceOverrides = z.output<typeof PriceOverridesSchema>;
