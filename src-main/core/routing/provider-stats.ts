import { providerConfigOf } from '../../shared/config.js';
import { PROVIDER_IDS, type ProviderId } from '../../shared/providers.js';
import { ProviderStatsInputSchema, type ProviderStats, type ProviderStatsInput, type ProviderStatsResult } from '../../shared/provider-stats.js';
import { parseInput } from '../parse-input.js';
import { baseUrlFor } from '../providers/endpoints.js';
import type { AvailabilityDeps } from './provider-availability.js';

/** What availability reads, plus the environment (for base URLs). */
export interface ProviderStatsDeps extends AvailabilityDeps {
  env: NodeJS.ProcessEnv;
}

/** The seed's get_provider_stats: configuration, key state, health, circuit and tracked usage per provider. */
export function providerStats(deps: ProviderStatsDeps, input: ProviderStatsInput = {}): ProviderStatsResult {
  const { provider } = parseInput(ProviderStatsInputSchema, input);
  const providers = provider ? [provider] : [...PROVIDER_IDS];
  return { generated_at: deps.now().toISOString(), providers: providers.map((p) => statsFor(deps, p)) };
}

function statsFor(deps: ProviderStatsDeps, provider: ProviderId): ProviderStats {
  const config = deps.config();
  const block = providerConfigOf(config, provider);
  const keys = deps.keys().filter((k) => k.provider === provider);
  const main = keys.find((k) => k.label === 'default') ?? keys[0];
  const usage = deps.usage();
  const activity = usage.activity(provider);
  return {
    provider,
    enabled: block.enabled,
    // Ollama's installed models, once a ping has listed them, are what local offers.
    models: (provider === 'local' ? deps.health.get('local').models : null) ?? block.models,
    base_url: baseUrlFor(provider, config, deps.env),
    rate_limit: block.rate_limit,
    has_key: keys.length > 0,
    keys: keys.map((k) => ({ id: k.id, label: k.label, masked: k.masked, validation: k.validation, last_validated_at: k.last_validated_at })),
    key_validation: main?.validation ?? null,
    health: deps.health.get(provider),
    circuit: deps.breaker.info(provider),
    requests: activity.requests,
    requests_last_minute: usage.countRequestsSince(provider, deps.now().getTime() - 60_000),
    successes: activity.successes,
    failures: activity.failures,
    success_rate: activity.success_rate,
    latency_p50_ms: activity.latency_p50_ms,
    latency_p95_ms: activity.latency_p95_ms,
    cost_today_usd: activity.cost_today_usd,
    cost_month_usd: activity.cost_month_usd,
    last_used_at: activity.last_used_at ?? main?.last_used_at ?? null,
  };
}
