import type { BudgetStatus } from '../../shared/budget.js';
import type { ProviderId } from '../../shared/providers.js';
import type { ProviderActivityView, RoutingUsage } from './routing-usage.js';

/** The parts of the usage ledger, price catalog and budget manager the router reads. */
export interface LedgerSources {
  ledger: () => { countRequestsSince(provider: ProviderId, sinceEpochMs: number): number; providerActivity(provider: ProviderId): ProviderActivityView };
  prices: () => { costUsd(provider: ProviderId, model: string | undefined, inputTokens: number, outputTokens: number): number | null };
  budget: () => { check(): BudgetStatus; blockFor(provider: ProviderId, estimatedUsd: number | null): string | null };
}

/** Adapts the ledger, prices and budgets to what routing needs. Budget rules stay in the budget manager. */
export function ledgerUsage(sources: LedgerSources): RoutingUsage {
  return {
    countRequestsSince: (provider, since) => sources.ledger().countRequestsSince(provider, since),
    activity: (provider) => sources.ledger().providerActivity(provider),
    estimateCostUsd: (provider, model, input, output) => sources.prices().costUsd(provider, model ?? undefined, input, output),
    budgetBlock: (provider, estimated) => sources.budget().blockFor(provider, estimated),
    budgetPressure: () => {
      const status = sources.budget().check();
      if (!status.enabled) return [];
      return status.periods
        .filter((p) => p.status !== 'ok')
        .map((p) => ({ scope: `${p.provider ? `${p.provider} ` : ''}${p.period}`, used_usd: p.spent_usd + p.reserved_usd, limit_usd: p.limit_usd }));
    },
  };
}
