import type { ProviderId } from '../../shared/providers.js';
import type { ProviderActivity } from '../../shared/usage.js';

/** One provider's recent behaviour, as the usage ledger reports it. */
export type ProviderActivityView = Omit<ProviderActivity, 'provider'>;

export interface BudgetPressure {
  /** e.g. "daily", "monthly", "anthropic daily". */
  scope: string;
  used_usd: number;
  limit_usd: number;
}

/**
 * What the router needs from usage and budgets. The service adapts the usage ledger and budget
 * checks to this, so routing rules never reach into how usage is stored.
 */
export interface RoutingUsage {
  /** Tracked requests to `provider` since the given time (rate limits count the last minute). */
  countRequestsSince(provider: ProviderId, sinceEpochMs: number): number;
  activity(provider: ProviderId): ProviderActivityView;
  /** Estimated USD for a request; null when the model has no known price. */
  estimateCostUsd(provider: ProviderId, model: string | null, inputTokens: number, outputTokens: number): number | null;
  /** Why a request to `provider` would break a budget now, or null when it fits. */
  budgetBlock(provider: ProviderId, estimatedCostUsd: number | null): string | null;
  /** Budgets the budget module rates `warning` or `exceeded` (its rule, not routing's). */
  budgetPressure(): BudgetPressure[];
}
