import type { Remedy } from './remedy.js';
import { z } from 'zod';
import { PROVIDER_IDS, type ProviderId } from './providers.js';

const provider = z.enum(PROVIDER_IDS, { error: () => `provider must be one of ${PROVIDER_IDS.join(', ')}` });
const taskType = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'task_type must be snake_case, e.g. code_generation');
const tokens = z.number().int('must be a whole number of tokens').min(0, 'must be 0 or more').max(10_000_000, 'must be at most 10,000,000');

/** Why a provider in the chain was passed over. */
export const SKIP_REASONS = ['disabled', 'no_key', 'key_invalid', 'unhealthy', 'rate_limited', 'over_budget', 'circuit_open'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/**
 * Coarse model quality, lowest first: a provider's smallest model, its mid-size or fast one, its
 * flagship. The table of which model has which tier lives in core/routing/model-quality.ts.
 */
export const QUALITY_TIERS = ['basic', 'standard', 'premium'] as const;
export type QualityTier = (typeof QUALITY_TIERS)[number];

export const RouteRequestInputSchema = z.strictObject({
  task_type: taskType,
  preferred_provider: provider.optional(),
  enable_fallback: z.boolean().default(true),
  estimated_input_tokens: tokens.optional(),
  estimated_output_tokens: tokens.optional(),
});
export type RouteRequestInput = z.input<typeof RouteRequestInputSchema>;

export interface SkippedProvider {
  provider: ProviderId;
  reason: SkipReason;
  /** What is wrong, for people. */
  detail: string;
  /** What would fix it, when something would; each front words it (shared/remedy.ts). */
  remedy?: Remedy;
}

export interface RouteResult {
  task_type: string;
  provider: ProviderId;
  model: string | null;
  /** Why this provider, in one sentence. */
  reason: string;
  /** Every provider considered, in order: preferred, the task's, then fallback_order. */
  chain: ProviderId[];
  skipped: SkippedProvider[];
  fallback_used: boolean;
  /** false when task_type is not in the routing table and the fallback order was used. */
  known_task_type: boolean;
  /** With estimated tokens: the estimated cost at the chosen model's prices. */
  estimated_cost_usd: number | null;
}

export const BestProviderForCostInputSchema = z.strictObject({
  input_tokens: tokens,
  output_tokens: tokens,
  task_type: taskType.optional(),
  /** Only rank a provider first if the model it would use is at least this tier. */
  min_quality: z.enum(QUALITY_TIERS, { error: () => `min_quality must be one of ${QUALITY_TIERS.join(', ')}` }).optional(),
});
export type BestProviderForCostInput = z.input<typeof BestProviderForCostInputSchema>;

export interface CostCandidate {
  provider: ProviderId;
  model: string | null;
  /** null when no price is known for the model. */
  estimated_cost_usd: number | null;
  /** The model's tier; null when Keyway's quality table does not know the model. */
  quality: QualityTier | null;
  available: boolean;
  /** false when min_quality was given and the model is below it (or unrated). */
  meets_quality: boolean;
  skip_reason: SkipReason | null;
  /** Why it cannot be used, or why it does not meet min_quality. */
  detail: string | null;
}

export interface BestProviderForCostResult {
  provider: ProviderId;
  model: string | null;
  estimated_cost_usd: number | null;
  reason: string;
  /** The min_quality asked for; null when none was. */
  min_quality: QualityTier | null;
  /** Every provider, best first; those below min_quality next, unavailable ones last with the reason. */
  ranking: CostCandidate[];
}

export const RoutingRecommendationsInputSchema = z.strictObject({ task_type: taskType.optional() });
export type RoutingRecommendationsInput = z.input<typeof RoutingRecommendationsInputSchema>;

export interface RoutingOption {
  provider: ProviderId;
  model: string | null;
  /** Cost of 1,000 requests at the task's token mix; null when no price is known. */
  cost_per_1k_requests_usd: number | null;
  /** The model's tier (see QUALITY_TIERS); null when unrated. */
  quality: QualityTier | null;
  available: boolean;
  skip_reason: SkipReason | null;
}

export interface TaskRecommendation {
  task_type: string;
  /** What route_request would pick now (null when nothing is available). */
  current: RoutingOption | null;
  /** The other providers, cheapest first. */
  alternatives: RoutingOption[];
  token_mix: { input_tokens: number; output_tokens: number; source: 'observed' | 'default' };
}

export const ADVICE_KINDS = [
  'cheaper_alternative',
  'provider_failing',
  'provider_unavailable',
  'key_never_validated',
  'key_failing',
  'budget_pressure',
  'unused_key',
] as const;
export type AdviceKind = (typeof ADVICE_KINDS)[number];

export interface Advice {
  kind: AdviceKind;
  provider: ProviderId | null;
  key_id: string | null;
  message: string;
}

export interface RoutingRecommendations {
  generated_at: string;
  tasks: TaskRecommendation[];
  advice: Advice[];
}
