import type { RoutingConfig } from '../../shared/config.js';
import type { KeyRecord } from '../../shared/keys.js';
import { PROVIDER_IDS, type ProviderId } from '../../shared/providers.js';
import {
  RoutingRecommendationsInputSchema,
  type Advice,
  type RoutingOption,
  type RoutingRecommendations,
  type RoutingRecommendationsInput,
  type TaskRecommendation,
} from '../../shared/routing.js';
import { parseInput } from '../parse-input.js';
import { meetsQuality, modelQuality } from './model-quality.js';
import type { ProviderAvailability } from './provider-availability.js';
import { candidateChain } from './router.js';
import type { RoutingUsage } from './routing-usage.js';
import { formatUsd } from '../../shared/format.js';
import { ownValue } from '../../shared/own-value.js';

export interface RecommendationDeps {
  config: () => RoutingConfig;
  keys: () => KeyRecord[];
  availability: ProviderAvailability;
  usage: () => RoutingUsage;
  now: () => Date;
}

/** When a provider is worth flagging for failures: enough requests to mean something, and this many failing. */
const FAILING_MIN_REQUESTS = 5;
const FAILING_RATE = 0.2;
/** Without observed traffic, costs are quoted at this mix. */
const DEFAULT_MIX = { input_tokens: 1000, output_tokens: 500 };
const UNUSED_AFTER_DAYS = 30;

/**
 * Routing advice computed from the data in force: for each task type, the current choice against
 * its alternatives at the observed token mix, and the problems worth acting on (failing providers,
 * unvalidated or rejected keys, budget pressure, unused keys). No canned text.
 */
export function routingRecommendations(deps: RecommendationDeps, input: RoutingRecommendationsInput = {}): RoutingRecommendations {
  const { task_type } = parseInput(RoutingRecommendationsInputSchema, input);
  const config = deps.config();
  const usage = deps.usage();
  const taskTypes = task_type ? [task_type] : Object.keys(config.routing).sort();
  const tasks = taskTypes.map((t) => recommendTask(deps, config, t));
  const advice: Advice[] = [];

  for (const task of tasks) {
    const cheaper = task.alternatives.find((a) => a.available && a.cost_per_1k_requests_usd !== null);
    const current = task.current;
    if (current?.cost_per_1k_requests_usd && cheaper?.cost_per_1k_requests_usd !== undefined && cheaper.cost_per_1k_requests_usd !== null && cheaper.cost_per_1k_requests_usd < current.cost_per_1k_requests_usd * 0.5) {
      advice.push({
        kind: 'cheaper_alternative',
        provider: cheaper.provider,
        key_id: null,
        message: `${task.task_type}: ${cheaper.provider} (${cheaper.model ?? 'default model'}) would cost $${cheaper.cost_per_1k_requests_usd.toFixed(2)} per 1k requests against $${current.cost_per_1k_requests_usd.toFixed(2)} on ${current.provider} at your ${task.token_mix.source} token mix${qualityNote(cheaper, current)}.`,
      });
    }
    if (!current) {
      const reasons = task.alternatives.map((a) => `${a.provider}: ${a.skip_reason ?? 'unavailable'}`).join(', ');
      advice.push({
        kind: 'provider_unavailable',
        provider: null,
        key_id: null,
        message: `${task.task_type}: no provider can take it now (${reasons}). Add a key, enable a provider or wait for the budget or rate limit to reset.`,
      });
    }
  }

  for (const provider of PROVIDER_IDS) {
    const activity = usage.activity(provider);
    if (activity.requests >= FAILING_MIN_REQUESTS && activity.failures / activity.requests >= FAILING_RATE) {
      advice.push({
        kind: 'provider_failing',
        provider,
        key_id: null,
        message: `${provider} failed ${activity.failures} of ${activity.requests} recent requests (${Math.round((activity.failures / activity.requests) * 100)}%); consider moving its tasks or checking its status.`,
      });
    }
    const skip = deps.availability.check(provider);
    const routed = Object.entries(config.routing).filter(([, p]) => p === provider).map(([t]) => t);
    if (skip && routed.length > 0 && skip.reason !== 'no_key') {
      advice.push({ kind: 'provider_unavailable', provider, key_id: null, message: `${routed.join(', ')} route to ${provider}, which is unavailable (${skip.reason}: ${skip.detail}).` });
    }
  }

  const nowMs = deps.now().getTime();
  for (const key of deps.keys()) {
    if (key.validation === 'unchecked' || key.validation === 'format_ok') {
      advice.push({ kind: 'key_never_validated', provider: key.provider, key_id: key.id, message: `${key.id} has never been checked with ${key.provider}; run keyway keys validate ${key.provider}.` });
    } else if (key.validation !== 'valid' && key.validation !== 'rate_limited') {
      advice.push({ kind: 'key_failing', provider: key.provider, key_id: key.id, message: `${key.id} failed its last check (${key.validation}${key.validation_detail ? `: ${key.validation_detail}` : ''}).` });
    }
    const lastUse = key.last_used_at ?? usage.activity(key.provider).last_used_at;
    const since = Date.parse(lastUse ?? key.created_at);
    if (nowMs - since >= UNUSED_AFTER_DAYS * 86_400_000) {
      advice.push({
        kind: 'unused_key',
        provider: key.provider,
        key_id: key.id,
        message: `${key.id} has not been used ${lastUse ? 'since' : 'since it was added on'} ${(lastUse ?? key.created_at).slice(0, 10)}; remove it if it is no longer needed.`,
      });
    }
  }

  for (const pressure of usage.budgetPressure()) {
    const fraction = pressure.limit_usd > 0 ? pressure.used_usd / pressure.limit_usd : 1;
    advice.push({
      kind: 'budget_pressure',
      provider: null,
      key_id: null,
      message: `${pressure.scope} budget is ${Math.round(fraction * 100)}% used (${formatUsd(pressure.used_usd)} of ${formatUsd(pressure.limit_usd)}); route more work to cheaper providers or raise the limit.`,
    });
  }

  return { generated_at: deps.now().toISOString(), tasks, advice };
}

function recommendTask(deps: RecommendationDeps, config: RoutingConfig, taskType: string): TaskRecommendation {
  const { availability } = deps;
  const usage = deps.usage();
  const { chain } = candidateChain(config, taskType, undefined);
  const taskProvider = ownValue(config.routing, taskType) ?? chain[0];
  const observed = taskProvider ? usage.activity(taskProvider) : undefined;
  const mix =
    observed?.avg_input_tokens != null && observed.avg_output_tokens != null
      ? { input_tokens: Math.round(observed.avg_input_tokens), output_tokens: Math.round(observed.avg_output_tokens), source: 'observed' as const }
      : { ...DEFAULT_MIX, source: 'default' as const };
  const option = (provider: ProviderId): RoutingOption => {
    const candidate = availability.candidate(provider, taskType, { input: mix.input_tokens, output: mix.output_tokens });
    const skip = availability.check(provider, candidate);
    return {
      provider,
      model: candidate.model,
      cost_per_1k_requests_usd: candidate.estimated_cost_usd === null ? null : round6(candidate.estimated_cost_usd * 1000),
      quality: modelQuality(provider, candidate.model),
      available: skip === null,
      skip_reason: skip?.reason ?? null,
    };
  };
  const options = [...new Set([...chain, ...PROVIDER_IDS])].map(option);
  const current = chain.map((p) => options.find((o) => o.provider === p)).find((o) => o?.available) ?? null;
  const cost = (o: RoutingOption) => o.cost_per_1k_requests_usd ?? Number.POSITIVE_INFINITY;
  const alternatives = options.filter((o) => o !== current).sort((a, b) => Number(b.available) - Number(a.available) || cost(a) - cost(b));
  return { task_type: taskType, current, alternatives, token_mix: mix };
}

/** Says so when the cheaper option is a lower (or unknown) quality tier, so the saving is not oversold. */
function qualityNote(cheaper: RoutingOption, current: RoutingOption): string {
  if (cheaper.quality === current.quality || meetsQuality(cheaper.quality, current.quality ?? undefined)) return '';
  return `, but it is a ${cheaper.quality ?? 'unrated'} model against ${current.quality ?? 'unrated'}`;
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
