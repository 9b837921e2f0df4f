import { z } from 'zod';
import type { AppliedTier, PriceSource, TokenRates } from './prices.js';
import { TICKET_PATTERN } from './budget.js';
import { PROVIDER_IDS, type ProviderId } from './providers.js';

/** One request may not claim more than this many tokens of any kind: larger values are typos or abuse. */
export const MAX_TOKENS_PER_REQUEST = 10_000_000;
/** The longest latency a record may carry: one day. */
export const MAX_LATENCY_MS = 24 * 3600 * 1000;

/** MAX_TOKENS_PER_REQUEST as people read it; a plain constant, since formatting it with Intl at import costs every start-up ICU's set-up (about 25 ms). */
const MAX_TOKENS_TEXT = String(MAX_TOKENS_PER_REQUEST).replace(/\B(?=(\d{3})+$)/g, ',');

const providerId = z.enum(PROVIDER_IDS, { error: () => `provider must be one of ${PROVIDER_IDS.join(', ')}` });

const tokens = (what: string) =>
  z
    .number({ error: `${what} must be a whole number of tokens` })
    .int(`${what} must be a whole number of tokens`)
    .min(0, `${what} must be 0 or more`)
    .max(MAX_TOKENS_PER_REQUEST, `${what} is over ${MAX_TOKENS_TEXT} tokens for one request; check the value`);

const shortName = (what: string) =>
  z
    .string()
    .min(1, `${what} must not be empty`)
    .max(128, `${what} must be at most 128 characters`)
    .regex(/^[\x21-\x7e][\x20-\x7e]*$/, `${what} must be printable ASCII`);

/**
 * Cache reads and writes are parts of input_tokens, so together they cannot exceed it. Checked only
 * when input_tokens itself is valid, so a negative count gets one message, not two.
 */
const cacheWithinInput = (v: { input_tokens: number; cached_input_tokens?: number; cache_write_tokens?: number }): boolean =>
  v.input_tokens < 0 || (v.cached_input_tokens ?? 0) + (v.cache_write_tokens ?? 0) <= v.input_tokens;
const CACHE_WITHIN_INPUT = { message: 'cached_input_tokens plus cache_write_tokens cannot exceed input_tokens', path: ['cached_input_tokens'] };
const oneHourWithinWrites = (v: { cache_write_tokens?: number; cache_write_1h_tokens?: number }): boolean => (v.cache_write_1h_tokens ?? 0) <= (v.cache_write_tokens ?? 0);
const ONE_HOUR_WITHIN_WRITES = { message: 'cache_write_1h_tokens is the part of cache_write_tokens written for one hour, so it cannot exceed cache_write_tokens', path: ['cache_write_1h_tokens'] };

const modelName = z
  .string()
  .min(1, 'model must not be empty')
  .max(128, 'model must be at most 128 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/@+-]*$/, 'model must be a model id such as claude-3-5-sonnet-20241022');

/** One request's provider, model and token counts: what tracking and estimating both take. */
const requestTokenFields = {
  provider: providerId,
  model: modelName.optional(),
  input_tokens: tokens('input_tokens'),
  output_tokens: tokens('output_tokens'),
  /** The part of input_tokens served from the provider's prompt cache (billed at the cache-read price). */
  cached_input_tokens: tokens('cached_input_tokens').optional(),
  /** The part of input_tokens written to the prompt cache (billed at the cache-write price, e.g. Anthropic's cache_creation_input_tokens). */
  cache_write_tokens: tokens('cache_write_tokens').optional(),
  /** The part of cache_write_tokens written with Anthropic's 1-hour TTL (billed at the 1-hour write price). */
  cache_write_1h_tokens: tokens('cache_write_1h_tokens').optional(),
};

/** The seed's `track_request` parameters plus the optional fields the ledger keeps. */
export const TrackRequestInputSchema = z
  .object({
    ...requestTokenFields,
    success: z.boolean({ error: 'success must be true or false' }).default(true),
    latency_ms: z
      .number({ error: 'latency_ms must be a number of milliseconds' })
      .int('latency_ms must be whole milliseconds')
      .min(0, 'latency_ms must be 0 or more')
      .max(MAX_LATENCY_MS, 'latency_ms must be at most 86400000 (one day)')
      .optional(),
    task_type: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'task_type must be snake_case, e.g. code_generation').optional(),
    key_label: shortName('key_label').optional(),
    client: shortName('client').optional(),
    /** A budget reservation this request settles; it is closed in the same commit as the record. */
    reservation: z.string().regex(TICKET_PATTERN, 'reservation must be a ticket id from reserveBudget').optional(),
  })
  .strict()
  .refine(cacheWithinInput, CACHE_WITHIN_INPUT)
  .refine(oneHourWithinWrites, ONE_HOUR_WITHIN_WRITES);
export type TrackRequestInput = z.input<typeof TrackRequestInputSchema>;
export type TrackRequestParsed = z.output<typeof TrackRequestInputSchema>;

/** What a request was priced with and the tokens priced: shared by tracked records and estimates. */
export interface PricedTokens {
  provider: ProviderId;
  /** The model as given, or the provider's default model. */
  model: string;
  /** The price entry used (a dated id or alias names its entry), or null when unpriced. */
  priced_as: string | null;
  price_source: PriceSource | null;
  /** The price data version or prices.json hash the cost was computed with (kept with a record). */
  price_version: string | null;
  /** The long-prompt tier billed, or null for the base rates. */
  tier: AppliedTier | null;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  cache_write_1h_tokens: number;
  /** null when the model has no known price (see warnings); never silently 0. */
  cost_usd: number | null;
  warnings: string[];
}

export interface TrackResult extends PricedTokens {
  id: number;
  time: string;
  success: boolean;
  latency_ms: number | null;
  /** Requests that came through the gateway carry where they came from and how they ended. */
  gateway?: GatewayRecordFields;
}

/** Who sent a gateway request, which way it went and how it ended (absent on track_request records). */
export interface GatewayRecordFields {
  /** The gateway token's name, or the command `keyway exec` ran. */
  client: string | null;
  /** The gateway token's id (spend caps add up per token). */
  token_id: string | null;
  project: string | null;
  /** e.g. `openai/v1/chat/completions`, or `v1/auto -> anthropic` */
  route: string;
  /**
   * ok; upstream_error (the provider answered 5xx, 429 or 401); client_error (the provider refused
   * the request itself, other 4xx); cut (the upstream stream broke); client_closed; unreachable.
   */
  status: GatewayStatus;
  ttfb_ms: number | null;
  /** Reasoning / thinking tokens (already counted in output_tokens). */
  reasoning_tokens: number;
}

export const GATEWAY_STATUSES = ['ok', 'upstream_error', 'client_error', 'cut', 'client_closed', 'unreachable'] as const;
export type GatewayStatus = (typeof GATEWAY_STATUSES)[number];

/** Access log for keys: gateway requests per local day, provider key and client (aggregated, not one line per request). */
export interface GatewayAccessRow {
  day: string;
  provider: ProviderId;
  key_label: string | null;
  client: string | null;
  requests: number;
  failures: number;
}

export interface GatewayAccessReport {
  days: number;
  time_zone: string;
  /** Newest day first; within a day, busiest first. */
  rows: GatewayAccessRow[];
}

/** How many local days back, including today. */
const dayCount = () =>
  z.number({ error: 'days must be a whole number' }).int('days must be a whole number').min(1, 'days must be at least 1').max(36_600, 'days must be at most 36600');

export const GetUsageInputSchema = z
  .object({
    provider: providerId.optional(),
    days: dayCount().default(30),
  })
  .strict();
export type GetUsageInput = z.input<typeof GetUsageInputSchema>;

export interface UsageTotals {
  requests: number;
  successes: number;
  failures: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  /** Sum over priced requests, in USD (exact to the micro-dollar). */
  cost_usd: number;
  /** Requests whose model had no price: their cost is not in cost_usd. */
  unpriced_requests: number;
}

export interface UsageReport {
  provider: ProviderId | null;
  days: number;
  /** First local day included (YYYY-MM-DD) and the last (today). */
  from_day: string;
  to_day: string;
  time_zone: string;
  totals: UsageTotals;
  by_provider: Array<UsageTotals & { provider: ProviderId }>;
  by_model: Array<UsageTotals & { provider: ProviderId; model: string }>;
  /** One entry per local day that had requests, oldest first. */
  daily: Array<UsageTotals & { day: string }>;
}

/** What the router needs to know about one provider's recent behaviour. */
export interface ProviderActivity {
  provider: ProviderId;
  /** Counts over the last 30 local days. */
  requests: number;
  successes: number;
  failures: number;
  /** successes / requests, or null with no requests. */
  success_rate: number | null;
  /** Over the provider's latest 200 requests that reported a latency; null when none did. */
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
  cost_today_usd: number;
  cost_month_usd: number;
  avg_input_tokens: number | null;
  avg_output_tokens: number | null;
  last_used_at: string | null;
}

export const EstimateCostInputSchema = z
  .object(requestTokenFields)
  .strict()
  .refine(cacheWithinInput, CACHE_WITHIN_INPUT)
  .refine(oneHourWithinWrites, ONE_HOUR_WITHIN_WRITES);
export type EstimateCostInput = z.input<typeof EstimateCostInputSchema>;

export interface CostEstimate extends PricedTokens {
  /** USD per 1,000 tokens, the unit the seed uses (of the tier billed). */
  input_per_1k_usd: number | null;
  output_per_1k_usd: number | null;
  /** USD per million tokens of the tier billed. */
  rates: TokenRates | null;
  input_cost_usd: number | null;
  output_cost_usd: number | null;
}

export const ExportUsageInputSchema = z
  .object({
    format: z.enum(['csv', 'json'], { error: () => 'format must be csv or json' }).default('csv'),
    provider: providerId.optional(),
    days: dayCount().optional(),
  })
  .strict();
export type ExportUsageInput = z.input<typeof ExportUsageInputSchema>;

/** One raw ledger record as exported. */
export interface UsageRecord {
  id: number;
  time: string;
  provider: ProviderId;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cache_write_tokens: number;
  cost_usd: number | null;
  /** How the cost was computed: null for records tracked before prices carried their source. */
  priced_as: string | null;
  price_source: string | null;
  price_version: string | null;
  success: boolean;
  latency_ms: number | null;
  task_type: string | null;
  key_label: string | null;
  client: string | null;
  project: string | null;
  route: string | null;
  status: string | null;
  ttfb_ms: number | null;
  reasoning_tokens: number;
}

export interface TokenCount {
  tokens: number;
  /** true only when the tokenizer is the provider's own (OpenAI models in gpt-tokenizer). */
  exact: boolean;
  tokenizer: string;
  note: string;
}
