import type { Remedy } from '../../shared/remedy.js';
import { providerConfigOf, type RoutingConfig } from '../../shared/config.js';
import type { KeyRecord } from '../../shared/keys.js';
import type { ProviderId } from '../../shared/providers.js';
import type { SkippedProvider } from '../../shared/routing.js';
import type { CircuitBreaker } from '../health/circuit-breaker.js';
import type { HealthMonitor } from '../health/health-monitor.js';
import { defaultModel } from '../providers/catalog.js';
import type { RoutingUsage } from './routing-usage.js';

export interface AvailabilityDeps {
  config: () => RoutingConfig;
  keys: () => KeyRecord[];
  health: HealthMonitor;
  breaker: CircuitBreaker;
  usage: () => RoutingUsage;
  now: () => Date;
}

export interface Candidate {
  provider: ProviderId;
  model: string | null;
  estimated_cost_usd: number | null;
}

const MINUTE_MS = 60_000;

/**
 * Whether a provider can take a request now, and if not why: the one place that knows the skip
 * reasons, used by routing, cost ranking, recommendations and stats alike. The checks run in the
 * order a user would fix them: turned off, no key, bad key, down, circuit open, rate limit, budget.
 */
export class ProviderAvailability {
  readonly #deps: AvailabilityDeps;

  constructor(deps: AvailabilityDeps) {
    this.#deps = deps;
  }

  /** The model a request to `provider` would use: the configured one Ollama has installed, else the first configured, else the catalog default. */
  modelFor(provider: ProviderId, taskType?: string): string | null {
    const configured = this.#deps.config().providers[provider]?.models ?? [];
    if (provider === 'local') {
      const installed = this.#deps.health.get('local').models;
      if (installed) {
        const usable = configured.filter((m) => installed.includes(m) || installed.includes(`${m}:latest`));
        const pool = usable.length > 0 ? usable : installed;
        const preferEmbedding = taskType === 'embeddings' ? [...pool, ...installed].find((m) => m.includes('embed')) : undefined;
        return preferEmbedding ?? pool[0] ?? null;
      }
    }
    return configured[0] ?? defaultModel(provider);
  }

  candidate(provider: ProviderId, taskType: string | undefined, tokens: { input: number; output: number } | undefined): Candidate {
    const model = this.modelFor(provider, taskType);
    const estimated_cost_usd = tokens ? this.#deps.usage().estimateCostUsd(provider, model, tokens.input, tokens.output) : null;
    return { provider, model, estimated_cost_usd };
  }

  /** null when the provider can take a request now; otherwise why not. */
  check(provider: ProviderId, candidate?: Candidate): SkippedProvider | null {
    const { config, health, breaker, usage, now } = this.#deps;
    const block = providerConfigOf(config(), provider);
    const skip = (reason: SkippedProvider['reason'], detail: string, remedy?: Remedy): SkippedProvider => (remedy ? { provider, reason, detail, remedy } : { provider, reason, detail });
    if (!block.enabled) return skip('disabled', `${provider} is disabled in routing_config.json`, { action: 'enable_provider', provider });
    const keys = this.#deps.keys().filter((k) => k.provider === provider);
    if (provider !== 'local' && keys.length === 0) return skip('no_key', `no ${provider} key is stored`, { action: 'add_key', provider });
    if (keys.length > 0 && keys.every((k) => k.validation === 'invalid')) {
      return skip('key_invalid', `the ${provider} key was rejected${keys[0]?.validation_detail ? ` (${keys[0].validation_detail})` : ''}`, { action: 'rotate_key', provider });
    }
    const state = health.get(provider);
    if (state.status === 'down') return skip('unhealthy', `${provider} is down: ${state.detail ?? 'no answer'}`);
    if (provider === 'local' && state.models !== null && state.models.length === 0) {
      return skip('unhealthy', 'Ollama has no models installed (ollama pull llama3.2)');
    }
    if (!breaker.allows(provider)) {
      const info = breaker.info(provider);
      const next = info.state === 'half_open' ? `one trial request is out; the next is allowed once it is reported or at ${info.retry_at}` : `retrying after ${info.retry_at}`;
      return skip('circuit_open', `${provider} failed ${info.consecutive_failures} times in a row; ${next}`);
    }
    const limitedUntil = health.rateLimitedUntil(provider);
    if (limitedUntil) return skip('rate_limited', `${provider} answered 429; retry after ${limitedUntil}`);
    const limit = block.rate_limit;
    const lastMinute = usage().countRequestsSince(provider, now().getTime() - MINUTE_MS);
    if (lastMinute >= limit) return skip('rate_limited', `${lastMinute} requests in the last minute reached rate_limit ${limit}`);
    const budget = usage().budgetBlock(provider, candidate?.estimated_cost_usd ?? null);
    if (budget) return skip('over_budget', budget);
    return null;
  }
}
