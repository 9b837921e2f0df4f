import type { RoutingConfig, UpdateProviderConfigParsed, UpdateProviderConfigResult } from '../../shared/config.js';
import { providerConfigOf } from '../../shared/config.js';
import { change } from '../config/config-change.js';
import type { ProviderStatsInput, ProviderStatsResult, ProviderHealth } from '../../shared/provider-stats.js';
import type { ProviderId } from '../../shared/providers.js';
import type {
  BestProviderForCostInput,
  BestProviderForCostResult,
  RouteRequestInput,
  RouteResult,
  RoutingRecommendations,
  RoutingRecommendationsInput,
} from '../../shared/routing.js';
import type { KeyValidationResult, ValidateAllKeysInput, ValidateAllKeysResult, ValidateKeyInput } from '../../shared/validation.js';
import type { AuditLog } from '../audit/audit-log.js';
import { SYSTEM_CONTEXT, type CallContext } from '../call-context.js';
import type { ConfigStore } from '../config/config-store.js';
import { ConfigWatcher } from '../config/config-watcher.js';
import type { ServiceEvents } from '../events.js';
import { CircuitBreaker, DEFAULT_CIRCUIT_SETTINGS, type CircuitSettings } from '../health/circuit-breaker.js';
import { HealthMonitor } from '../health/health-monitor.js';
import { RemoteChecks } from '../health/remote-checks.js';
import { KeyValidator } from '../providers/key-validator.js';
import type { KeyVault } from '../vault/key-vault.js';
import { ProviderAvailability, type AvailabilityDeps } from './provider-availability.js';
import { providerStats } from './provider-stats.js';
import { routingRecommendations } from './recommendations.js';
import { Router } from './router.js';
import type { RoutingUsage } from './routing-usage.js';

/** Tuning for tests and long-lived processes; every field has a production default. */
export interface ProviderServiceOptions {
  /** Timeout for validation calls and health pings (default 10 s; env KEYWAY_HTTP_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Ollama ping interval; default the `health_ping_interval_s` setting (30 s). */
  pingIntervalMs?: number;
  /** Longest back-off between pings while Ollama is down (default 5 minutes). */
  maxBackoffMs?: number;
  /** Circuit breaker; default routing_config.json `circuit_breaker`, else 3 failures / 30 s. */
  circuit?: Partial<CircuitSettings>;
  /** Quiet time before an edited routing_config.json is re-read (default 75 ms). */
  configDebounceMs?: number;
  /** Periodic remote checks; default routing_config.json `health.remote_check_interval_s`, else off. */
  remoteCheckIntervalMs?: number | null;
}

export interface ProviderServicesDeps {
  config: ConfigStore;
  keys: KeyVault;
  audit: AuditLog;
  events: ServiceEvents;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  /** Seconds between Ollama pings from app settings. */
  pingIntervalS: () => number;
  /** Usage ledger, prices and budgets, as routing reads them. */
  usage: RoutingUsage;
  options?: ProviderServiceOptions;
}

export const DEFAULT_HTTP_TIMEOUT_MS = 10_000;
const MAX_HTTP_TIMEOUT_MS = 10 * 60_000;

/**
 * KEYWAY_HTTP_TIMEOUT_MS as a usable timeout: a positive number of milliseconds, capped at 10
 * minutes; anything else means the 10 s default. (An out-of-range value used to reach
 * AbortSignal.timeout, which throws, and every check was misreported as `unreachable`.)
 */
export function httpTimeoutFromEnv(env: NodeJS.ProcessEnv): number {
  const value = Number(env.KEYWAY_HTTP_TIMEOUT_MS);
  if (!Number.isFinite(value) || value < 1) return DEFAULT_HTTP_TIMEOUT_MS;
  return Math.min(Math.round(value), MAX_HTTP_TIMEOUT_MS);
}
const MAX_BACKOFF_MS = 5 * 60_000;

/**
 * Routing, provider health, circuit breakers and live key validation, composed once. KeywayService
 * exposes their operations; `startBackgroundTasks()` (long-lived processes only) starts the Ollama
 * pings and the routing_config.json watcher, `stop()` ends them.
 */
export class ProviderServices {
  readonly breaker: CircuitBreaker;
  readonly health: HealthMonitor;
  readonly validator: KeyValidator;
  readonly availability: ProviderAvailability;
  readonly router: Router;
  readonly watcher: ConfigWatcher;
  readonly remoteChecks: RemoteChecks;
  /** The environment provider base URLs are read from (OLLAMA_HOST). */
  readonly env: NodeJS.ProcessEnv;
  readonly #deps: ProviderServicesDeps;
  readonly #usage: RoutingUsage;
  /** What availability checks and provider stats read. */
  readonly #sources: AvailabilityDeps;

  constructor(deps: ProviderServicesDeps) {
    this.#deps = deps;
    this.env = deps.env;
    this.#usage = deps.usage;
    const options = deps.options ?? {};
    const config = (): RoutingConfig => deps.config.current();
    const timeoutMs = options.timeoutMs ?? httpTimeoutFromEnv(deps.env);
    this.breaker = new CircuitBreaker(deps.now, () => circuitSettings(config, options.circuit));
    this.health = new HealthMonitor({
      config,
      env: deps.env,
      now: deps.now,
      events: deps.events,
      breaker: this.breaker,
      timeoutMs,
      intervalMs: () => options.pingIntervalMs ?? deps.pingIntervalS() * 1000,
      maxBackoffMs: options.maxBackoffMs ?? MAX_BACKOFF_MS,
    });
    this.validator = new KeyValidator({ keys: deps.keys, audit: deps.audit, events: deps.events, health: this.health, breaker: this.breaker, config, env: deps.env, now: deps.now, timeoutMs });
    const keys = () => deps.keys.list().keys;
    this.#sources = { config, keys, health: this.health, breaker: this.breaker, usage: () => this.#usage, now: deps.now };
    this.availability = new ProviderAvailability(this.#sources);
    this.router = new Router({ config, availability: this.availability, breaker: this.breaker, health: this.health });
    this.watcher = new ConfigWatcher({ store: deps.config, audit: deps.audit, events: deps.events, debounceMs: options.configDebounceMs });
    this.remoteChecks = new RemoteChecks({
      intervalMs: () => {
        if (options.remoteCheckIntervalMs !== undefined) return options.remoteCheckIntervalMs;
        const seconds = safe(config)?.health?.remote_check_interval_s;
        return seconds ? seconds * 1000 : null;
      },
      run: () => this.#checkRemoteProviders(),
    });
    deps.events.on('usage.tracked', (record) => {
      // A request the provider refused as malformed, or one the client walked away from, says nothing about the provider's health.
      const status = record.gateway?.status;
      if (status === 'client_error' || status === 'client_closed') return;
      this.recordOutcome(record.provider, record.success, record.latency_ms);
    });
  }

  /**
   * A tracked request's outcome teaches the circuit breaker and health: a success means the
   * provider is up; a failure marks it degraded (the breaker decides when to stop sending).
   */
  recordOutcome(provider: ProviderId, success: boolean, latencyMs: number | null = null): void {
    if (success) this.breaker.recordSuccess(provider);
    else this.breaker.recordFailure(provider);
    this.health.record(provider, {
      status: success ? 'up' : 'degraded',
      latency_ms: latencyMs,
      detail: success ? 'last tracked request succeeded' : 'last tracked request failed',
    });
  }

  route(input: RouteRequestInput): RouteResult {
    return this.router.route(input);
  }

  bestForCost(input: BestProviderForCostInput): BestProviderForCostResult {
    return this.router.bestForCost(input);
  }

  recommendations(input: RoutingRecommendationsInput = {}): RoutingRecommendations {
    return routingRecommendations(
      { config: () => this.#deps.config.current(), keys: () => this.#deps.keys.list().keys, availability: this.availability, usage: () => this.#usage, now: this.#deps.now },
      input,
    );
  }

  stats(input: ProviderStatsInput = {}): ProviderStatsResult {
    return providerStats({ ...this.#sources, env: this.#deps.env }, input);
  }

  validateKey(input: ValidateKeyInput, ctx: CallContext): Promise<KeyValidationResult> {
    return this.validator.validate(input, ctx);
  }

  validateAllKeys(input: ValidateAllKeysInput, ctx: CallContext): Promise<ValidateAllKeysResult> {
    return this.validator.validateAll(input, ctx);
  }

  /** One Ollama ping now (what one-shot commands do, since they run no timers); none when local is disabled. */
  async checkLocal(): Promise<ProviderHealth> {
    if (safe(() => this.#deps.config.current())?.providers.local?.enabled === false) return this.health.get('local');
    return this.health.checkLocal();
  }

  /** The seed's update_provider_config, written atomically and audited. */
  async updateProviderConfig(parsed: UpdateProviderConfigParsed, ctx: CallContext): Promise<UpdateProviderConfigResult> {
    const { config } = this.#deps;
    const { provider, ...patch } = parsed;
    const fields = Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined);
    return change(this.#deps, 'config.update_provider', ctx, async () => {
      const next = await config.updateProvider(provider, patch);
      return { result: { provider, config: providerConfigOf(next, provider), path: config.path }, detail: fields.join(',') || 'no change', notice: { config: config.path } };
    }, provider);
  }

  start(): void {
    this.watcher.start();
    this.health.start();
    this.remoteChecks.start();
  }

  stop(): void {
    this.remoteChecks.stop();
    this.health.stop();
    this.watcher.stop();
  }

  /** One live check per enabled remote provider that has a key (its default key, else its first). */
  async #checkRemoteProviders(): Promise<void> {
    const config = this.#deps.config.current();
    const keys = this.#deps.keys.list().keys;
    const checks = (['anthropic', 'openai', 'google'] as const)
      .filter((p) => config.providers[p]?.enabled !== false)
      .flatMap((p) => {
        const mine = keys.filter((k) => k.provider === p);
        const key = mine.find((k) => k.label === 'default') ?? mine[0];
        return key ? [this.validator.validate({ provider: p, label: key.label }, SYSTEM_CONTEXT)] : [];
      });
    await Promise.allSettled(checks);
  }
}

function safe(config: () => RoutingConfig): RoutingConfig | undefined {
  try {
    return config();
  } catch {
    return undefined;
  }
}

function circuitSettings(config: () => RoutingConfig, override: Partial<CircuitSettings> | undefined): CircuitSettings {
  const fromFile = safe(config)?.circuit_breaker;
  return {
    failure_threshold: override?.failure_threshold ?? fromFile?.failure_threshold ?? DEFAULT_CIRCUIT_SETTINGS.failure_threshold,
    cooldown_ms: override?.cooldown_ms ?? (fromFile ? fromFile.cooldown_s * 1000 : DEFAULT_CIRCUIT_SETTINGS.cooldown_ms),
  };
}
