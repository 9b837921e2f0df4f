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
import { meetsQuality, modelQuality } from './model-quality.js';
import type { ProviderAvailability } from './provider-availability.js';
import { formatUsd } from '../../shared/format.js';
import { ownValue } from '../../shared/own-value.js';

export interface RouterDeps {
  config: () => RoutingConfig;
  availability: ProviderAvailability;
  breaker: CircuitBreaker;
  health: HealthMonitor;
}

/** The order providers are tried in: preferred, the task's provider, then fallback_order, each once. */
export function candidateChain(config: RoutingConfig, taskType: string, preferred: ProviderId | undefined): { chain: ProviderId[]; known: boolean } {
  const taskProvider = ownValue(config.routing, taskType);
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
        skipped[0].remedy ? { remedy: skipped[0].remedy } : undefined,
      );
    }
    const fix = skipped.find((s) => s.remedy)?.remedy;
    throw new KeywayError('no_provider_available', `No provider can take ${parsed.task_type} now. ${reasons}.`, fix ? { remedy: fix } : undefined);
  }

  /**
   * Available providers by estimated cost, cheapest first; local comes first when Ollama is known to
   * be up and offers a model (it is free and private). With `min_quality`, providers whose model is
   * below that tier come after the ones that meet it. Unavailable providers follow with their reason.
   */
  bestForCost(input: BestProviderForCostInput): BestProviderForCostResult {
    const parsed = parseInput(BestProviderForCostInputSchema, input);
    const { availability, health } = this.#deps;
    const tokens = { input: parsed.input_tokens, output: parsed.output_tokens };
    const min = parsed.min_quality;
    const config = this.#deps.config();
    const providers = [...new Set([...config.fallback_order, ...PROVIDER_IDS])];
    const ranking: CostCandidate[] = providers.map((provider) => {
      const candidate = availability.candidate(provider, parsed.task_type, tokens);
      const skip = availability.check(provider, candidate);
      const quality = modelQuality(provider, candidate.model);
      const meets_quality = meetsQuality(quality, min);
      const detail = skip?.detail ?? (meets_quality ? null : `${candidate.model ?? 'its model'} is ${quality ? `rated ${quality}` : 'not in the quality table'}, below min_quality ${min ?? ''}`);
      return { ...candidate, quality, available: skip === null, meets_quality, skip_reason: skip?.reason ?? null, detail };
    });
    const usable = (c: CostCandidate) => c.available && c.meets_quality;
    const localFirst = (c: CostCandidate) => (c.provider === 'local' && health.get('local').status === 'up' && c.model !== null ? 0 : 1);
    const cost = (c: CostCandidate) => c.estimated_cost_usd ?? Number.POSITIVE_INFINITY;
    // Only usable providers are ranked; the rest keep the fallback order (below min_quality before unavailable).
    ranking.sort((a, b) => Number(usable(b)) - Number(usable(a)) || Number(b.available) - Number(a.available) || (usable(a) ? localFirst(a) - localFirst(b) || cost(a) - cost(b) : 0));
    const best = ranking[0];
    if (!best || !usable(best)) {
      const reasons = ranking.map((c) => `${c.provider}: ${c.skip_reason ?? (c.available ? 'below min_quality' : 'unavailable')} (${c.detail ?? ''})`).join('; ');
      const advice = min && ranking.some((c) => c.available) ? ' Lower min_quality, or give a provider a stronger model (keyway providers set <provider> --models <model>).' : '';
      throw new KeywayError('no_provider_available', `No provider is available to price this request${min ? ` at min_quality ${min}` : ''}. ${reasons}.${advice}`);
    }
    const rated = min ? ` rated ${min} or better` : '';
    const reason =
      localFirst(best) === 0
        ? `local (Ollama) is up with ${best.model ?? 'a model'} installed and costs nothing`
        : best.estimated_cost_usd === null
          ? `${best.provider} is the only available provider${rated} (no price known for ${best.model ?? 'its model'})`
          : `${best.provider} is the cheapest available provider${rated} at ${formatUsd(best.estimated_cost_usd)} for ${tokens.input} input + ${tokens.output} output tokens`;
    return { provider: best.provider, model: best.model, estimated_cost_usd: best.estimated_cost_usd, reason, min_quality: min ?? null, ranking };
  }
}

function reasonFor(provider: ProviderId, taskType: string, preferred: ProviderId | undefined, known: boolean, skipped: SkippedProvider[]): string {
  const passed = skipped.length > 0 ? `; skipped ${skipped.map((s) => `${s.provider} (${s.reason})`).join(', ')}` : '';
  if (preferred === provider) return `${provider} is the preferred provider${passed}`;
  if (!known) return `task type "${taskType}" is not in the routing table, so the fallback order was used: ${provider}${passed}`;
  if (skipped.length === 0) return `${provider} is configured for ${taskType}`;
  return `fell back to ${provider}${passed}`;
}
