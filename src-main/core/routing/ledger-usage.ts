import type { BudgetStatus } from '../../shared/budget.js';
import type { ProviderId } from '../../shared/providers.js';
import type { ProviderActivityView, RoutingUsage } from './routing-usage.js';
import { formatUsd } from '../../shared/format.js';

/** The parts of the usage ledger, price catalog and budget manager the router reads. */
export interface LedgerSources {
  ledger: () => { countRequestsSince(provider: ProviderId, sinceEpochMs: number): number; providerActivity(provider: ProviderId): ProviderActivityView };
  prices: () => { costUsd(provider: ProviderId, model: string | undefined, inputTokens: number, outputTokens: number): number | null };
  budget: () => { check(): BudgetStatus };
}

/** Adapts the ledger, prices and budgets to what routing needs. Budget rules stay in the budget manager. */
export function ledgerUsage(sources: LedgerSources): RoutingUsage {
  return {
    countRequestsSince: (provider, since) => sources.ledger().countRequestsSince(provider, since),
    activity: (provider) => sources.ledger().providerActivity(provider),
    estimateCostUsd: (provider, model, input, output) => sources.prices().costUsd(provider, model ?? undefined, input, output),
    budgetBlock: (provider, estimated) => {
      const status = sources.budget().check();
      if (!status.enabled || provider === 'local') return null;
      for (const period of status.periods) {
        if (period.provider !== null && period.provider !== provider) continue;
        const scope = `${period.provider ? `${period.provider} ` : ''}${period.period}`;
        if (period.status === 'exceeded') {
          return `${scope} budget is used up (${formatUsd(period.spent_usd)} of ${formatUsd(period.limit_usd)}); it resets at ${period.resets_at}`;
        }
        if (estimated !== null && estimated > period.remaining_usd) {
          return `this request (~${formatUsd(estimated)}) would exceed the ${scope} budget (${formatUsd(period.remaining_usd)} left)`;
        }
      }
      return null;
    },
    budgetPressure: () => {
      const status = sources.budget().check();
      if (!status.enabled) return [];
      return status.periods.map((p) => ({ scope: `${p.provider ? `${p.provider} ` : ''}${p.period}`, used_usd: p.spent_usd + p.reserved_usd, limit_usd: p.limit_usd }));
    },
  };
}
