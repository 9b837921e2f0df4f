import type { KeywayService } from '../../core/service.js';
import type { ServiceEventName } from '../../shared/events.js';
import type { ProviderId } from '../../shared/providers.js';

/**
 * The three resource documents, each composed only from the service's own answers, and the service
 * events that change each one (for subscriptions). The prompts embed the same documents.
 */
export const RESOURCE_URIS = {
  providers: 'api://providers',
  usage: 'api://usage',
  routing: 'api://routing',
} as const;

export type ResourceUri = (typeof RESOURCE_URIS)[keyof typeof RESOURCE_URIS];

export const RESOURCE_TRIGGERS: Record<ResourceUri, ServiceEventName[]> = {
  'api://providers': ['provider.status', 'config.changed', 'key.changed', 'usage.tracked'],
  'api://usage': ['usage.tracked', 'budget.alert', 'config.changed'],
  'api://routing': ['provider.status', 'config.changed', 'key.changed', 'usage.tracked'],
};

export function providersDocument(service: KeywayService): object {
  return service.getProviderStats({});
}

/** Today, this month (local calendar, as the ledger counts days) and the last 30 days, with the budget. */
export function usageDocument(service: KeywayService, provider?: ProviderId, days = 30): object {
  const today = service.getUsage({ provider, days: 1 });
  // The ledger's own local calendar says which day of the month today is.
  const dayOfMonth = Number(today.to_day.slice(8, 10));
  return {
    today,
    this_month: service.getUsage({ provider, days: dayOfMonth }),
    [days === 30 ? 'last_30_days' : `last_${days}_days`]: service.getUsage({ provider, days }),
    budget: service.checkBudget(),
  };
}

export function routingDocument(service: KeywayService): object {
  const config = service.config.current();
  return {
    routing: config.routing,
    fallback_order: config.fallback_order,
    recommendations: service.getRoutingRecommendations({}),
  };
}
