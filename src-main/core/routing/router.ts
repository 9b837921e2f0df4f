import type { RoutingConfig } from '../../shared/config.js';
import { PROVIDER_IDS, type ProviderId } from '../../shared/providers.js';
import {
  BestProviderForCostInputSchema,
  RouteRequestInputSchema,
  type BestProviderForCostInput,
  type BestProviderForCostResult,
  type CostCandidate,
  type RouteRequestInput,
  type RouteResult,
  type SkippedProvider,
} from '../../shared/routing.js';
import { KeywayError } from '../errors.js';
import type { CircuitBreaker } from '../health/circuit-breaker.js';
import type { HealthMonitor } from '../health/health-monitor.js';
import { parseInput } from '../parse-input.js';
import type { ProviderAvailability } from './provider-availability.js';

export interface RouterDeps {
  config: () => RoutingConfig;
  availability: ProviderAvailability;
  breaker: CircuitBreaker;
  health: HealthMonitor;
}

/** The order providers are tried in: preferred, the task's provider, then fallback_order, each once. */
export function candidateChain(config: RoutingConfig, taskType: string, preferred: ProviderId | undefined): { chain: ProviderId[]; known: boolean } {
  const taskProvider = config.routing[taskType];
  const fallback = config.fallback_order.length > 0 ? config.fallback_order : [...PROVIDER_IDS];
  const ordered = [preferred, taskProvider, ...fallback].filter((p): p is ProviderId => p !== undefined);
  return { chain: [...new Set(ordered)], known: taskProvider !== undefined };
}

/** Task routing with fallback, and cost ranking. */
export class Router {
  readonly #deps: RouterDeps;

  constructor(deps: RouterDeps) {
    this.#deps = deps;
  }

  route(input: RouteRequestInput): RouteResult {
    const parsed = parseInput(RouteRequestInputSchema, input);
    const { availability, breaker } = this.#deps;
    const { chain: full, known } = candidateChain(this.#deps.config(), parsed.task_type, parsed.preferred_provider);
    const chain = parsed.enable_fallback ? full : full.slice(0, 1);
    const tokens =
      parsed.estimated_input_tokens !== undefined || parsed.estimated_output_tokens !== undefined
        ? { input: parsed.estimated_input_tokens ?? 0, output: parsed.estimated_output_tokens ?? 0 }
        : undefined;
    const skipped: SkippedProvider[] = [];
    for (const provider of chain) {
      const candidate = availability.candidate(provider, parsed.task_type, tokens);
      const skip = availability.check(provider, candidate);
      if (skip) {
        skipped.push(skip);
        continue;
      }
      breaker.take(provider);
      return {
        task_type: parsed.task_type,
        provider,
        model: candidate.model,
        reason: reasonFor(provider, parsed.task_type, parsed.preferred_provider, known, skipped),
        chain,
        skipped,
        fallback_used: skipped.length > 0,
        known_task_type: known,
        estimated_cost_usd: candidate.estimated_cost_usd,
      };
    }
    const reasons = skipped.map((s) => `${s.provider}: ${s.reason} (${s.detail})`).join('; ');
    if (!parsed.enable_fallback && skipped[0]) {
      throw new KeywayError(
        'provider_unavailable',
        `${skipped[0].provider} cannot take ${parsed.task_type} now: ${skipped[0].reason} (${skipped[0].detail}). Fix that or allow fallback.`,
      );
    }
    throw new KeywayError('no_provider_available', `No provider can take ${parsed.task_type} now. ${reasons}.`);
  }

  /**
   * Available providers by estimated cost, cheapest first; local comes first when Ollama is known to
   * be up and offers a model (it is free and private). Unavailable providers follow with their reason.
   */
  bestForCost(input: BestProviderForCostInput): BestProviderForCostResult {
    const parsed = parseInput(BestProviderForCostInputSchema, input);
    const { availability, health } = this.#deps;
    const tokens = { input: parsed.input_tokens, output: parsed.output_tokens };
    const config = this.#deps.config();
    const providers = [...new Set([...config.fallback_order, ...PROVIDER_IDS])];
    const ranking: CostCandidate[] = providers.map((provider) => {
      const candidate = availability.candidate(provider, parsed.task_type, tokens);
      const skip = availability.check(provider, candidate);
      return { ...candidate, available: skip === null, skip_reason: skip?.reason ?? null, detail: skip?.detail ?? null };
    });
    const localFirst = (c: CostCandidate) => (c.provider === 'local' && health.get('local').status === 'up' && c.model !== null ? 0 : 1);
    const cost = (c: CostCandidate) => c.estimated_cost_usd ?? Number.POSITIVE_INFINITY;
    // Unavailable providers keep the fallback order; only available ones are ranked.
    ranking.sort((a, b) => Number(b.available) - Number(a.available) || (a.available ? localFirst(a) - localFirst(b) || cost(a) - cost(b) : 0));
    const best = ranking[0];
    if (!best?.available) {
      const reasons = ranking.map((c) => `${c.provider}: ${c.skip_reason ?? 'unavailable'} (${c.detail ?? ''})`).join('; ');
      throw new KeywayError('no_provider_available', `No provider is available to price this request. ${reasons}.`);
    }
    const reason =
      localFirst(best) === 0
        ? `local (Ollama) is up with ${best.model ?? 'a model'} installed and costs nothing`
        : best.estimated_cost_usd === null
          ? `${best.provider} is the only available provider (no price known for ${best.model ?? 'its model'})`
          : `${best.provider} is the cheapest available provider at $${best.estimated_cost_usd.toFixed(6)} for ${tokens.input} input + ${tokens.output} output tokens`;
    return { provider: best.provider, model: best.model, estimated_cost_usd: best.estimated_cost_usd, reason, ranking };
  }
}

function reasonFor(provider: ProviderId, taskType: string, preferred: ProviderId | undefined, known: boolean, skipped: SkippedProvider[]): string {
  const passed = skipped.length > 0 ? `; skipped ${skipped.map((s) => `${s.provider} (${s.reason})`).join(', ')}` : '';
  if (preferred === provider) return `${provider} is the preferred provider${passed}`;
  if (!known) return `task type "${taskType}" is not in the routing table, so the fallback order was used: ${provider}${passed}`;
  if (skipped.length === 0) return `${provider} is configured for ${taskType}`;
  return `fell back to ${provider}${passed}`;
}
