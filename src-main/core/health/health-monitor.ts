import type { RoutingConfig } from '../../shared/config.js';
import type { HealthStatus, ProviderHealth } from '../../shared/provider-stats.js';
import { PROVIDER_IDS, type ProviderId } from '../../shared/providers.js';
import type { ServiceEvents } from '../events.js';
import { baseUrlFor } from '../providers/endpoints.js';
import { probe } from '../providers/probe.js';
import type { CircuitBreaker } from './circuit-breaker.js';

export interface HealthMonitorDeps {
  config: () => RoutingConfig;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  events: ServiceEvents;
  breaker: CircuitBreaker;
  /** Per-request timeout for pings. */
  timeoutMs: number;
  /** Ollama ping interval (settings `health_ping_interval_s`, default 30 s). */
  intervalMs: () => number;
  /** Longest wait between pings while Ollama is down (default 5 minutes). */
  maxBackoffMs: number;
}

/** What one check or one real request showed about a provider. */
export interface HealthObservation {
  status: Exclude<HealthStatus, 'unknown'>;
  latency_ms: number | null;
  detail: string;
  retry_after_s?: number | null;
  models?: string[];
}

/** The wait before the next ping: the interval while up, doubling per consecutive failure up to the cap. */
export function nextPingDelay(consecutiveFailures: number, intervalMs: number, maxBackoffMs: number): number {
  if (consecutiveFailures <= 0) return intervalMs;
  return Math.min(maxBackoffMs, intervalMs * 2 ** Math.min(consecutiveFailures, 30));
}

const UNKNOWN: ProviderHealth = { status: 'unknown', last_check_at: null, latency_ms: null, detail: null, rate_limited_until: null, models: null };

/**
 * Provider health. Ollama is pinged (`/api/version`, then `/api/tags` for its installed models) on a
 * timer that only long-lived processes start; remote providers learn their health from validation
 * and tracked requests (periodic remote checks would cost quota). Every status change is a
 * `provider.status` event.
 */
export class HealthMonitor {
  readonly #deps: HealthMonitorDeps;
  readonly #health = new Map<ProviderId, ProviderHealth>();
  #timer: NodeJS.Timeout | undefined;
  #failures = 0;
  #running = false;

  constructor(deps: HealthMonitorDeps) {
    this.#deps = deps;
  }

  get(provider: ProviderId): ProviderHealth {
    return this.#health.get(provider) ?? UNKNOWN;
  }

  all(): Record<ProviderId, ProviderHealth> {
    return Object.fromEntries(PROVIDER_IDS.map((p) => [p, this.get(p)])) as Record<ProviderId, ProviderHealth>;
  }

  /** Seconds left on a 429's retry-after, as an ISO time; null when not rate limited now. */
  rateLimitedUntil(provider: ProviderId): string | null {
    const until = this.get(provider).rate_limited_until;
    return until && Date.parse(until) > this.#deps.now().getTime() ? until : null;
  }

  /** Records an observation; emits `provider.status` when the status changed. */
  record(provider: ProviderId, observation: HealthObservation): ProviderHealth {
    const previous = this.get(provider);
    const now = this.#deps.now();
    const retry = observation.retry_after_s;
    const next: ProviderHealth = {
      status: observation.status,
      last_check_at: now.toISOString(),
      latency_ms: observation.latency_ms,
      detail: observation.detail,
      rate_limited_until: retry ? new Date(now.getTime() + retry * 1000).toISOString() : retry === null ? null : previous.rate_limited_until,
      models: observation.models ?? previous.models,
    };
    this.#health.set(provider, next);
    if (next.status !== previous.status) {
      this.#deps.events.emit('provider.status', {
        provider,
        status: next.status,
        previous: previous.status,
        detail: observation.detail,
        key_id: null,
        key_validation: null,
      });
    }
    return next;
  }

  /** Pings Ollama once: version (is it up?) then tags (which models are installed?). */
  async checkLocal(): Promise<ProviderHealth> {
    const baseUrl = baseUrlFor('local', this.#deps.config(), this.#deps.env);
    const version = await probe({ url: `${baseUrl}/api/version`, headers: {}, timeoutMs: this.#deps.timeoutMs });
    if (version.outcome !== 'valid') {
      this.#deps.breaker.recordFailure('local');
      const status = version.outcome === 'unreachable' || version.outcome === 'timeout' ? 'down' : 'degraded';
      return this.record('local', { status, latency_ms: version.latency_ms, detail: `Ollama at ${baseUrl}: ${version.detail}` });
    }
    this.#deps.breaker.recordSuccess('local');
    const tags = await probe({ url: `${baseUrl}/api/tags`, headers: {}, timeoutMs: this.#deps.timeoutMs });
    const models = tags.outcome === 'valid' ? modelNames(tags.body) : undefined;
    const v = (version.body as { version?: unknown } | undefined)?.version;
    const detail = `Ollama ${typeof v === 'string' ? v : '(unknown version)'} at ${baseUrl}${models ? `, ${models.length} model(s) installed` : '; model list unavailable'}`;
    return this.record('local', { status: models ? 'up' : 'degraded', latency_ms: version.latency_ms, detail, ...(models ? { models } : {}) });
  }

  /** Starts the Ollama ping loop (first ping now). Safe to call twice. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule(0);
  }

  stop(): void {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The delay the loop will use next (for status displays and tests). */
  currentDelayMs(): number {
    return nextPingDelay(this.#failures, this.#deps.intervalMs(), this.#deps.maxBackoffMs);
  }

  #schedule(delayMs: number): void {
    if (!this.#running) return;
    this.#timer = setTimeout(() => void this.#tick(), delayMs);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    if (!this.#running) return;
    try {
      // An invalid routing_config.json at start (no last good one yet) skips this ping; it must not
      // end the loop or, as an unhandled rejection, the process.
      const enabled = this.#deps.config().providers.local?.enabled ?? true;
      if (enabled) {
        const health = await this.checkLocal().catch(() => undefined);
        this.#failures = health?.status === 'down' || health === undefined ? this.#failures + 1 : 0;
      }
    } catch {
      // Nothing to ping with; try again at the next interval.
    }
    this.#schedule(this.currentDelayMs());
  }
}

function modelNames(body: unknown): string[] | undefined {
  const models = (body as { models?: unknown } | undefined)?.models;
  if (!Array.isArray(models)) return undefined;
  return models.flatMap((m) => (typeof (m as { name?: unknown }).name === 'string' ? [(m as { name: string }).name] : []));
}
