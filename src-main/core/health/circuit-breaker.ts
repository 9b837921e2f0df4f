import type { CircuitInfo } from '../../shared/provider-stats.js';
import type { ProviderId } from '../../shared/providers.js';

export interface CircuitSettings {
  failure_threshold: number;
  cooldown_ms: number;
}

export const DEFAULT_CIRCUIT_SETTINGS: CircuitSettings = { failure_threshold: 3, cooldown_ms: 30_000 };

interface Circuit {
  failures: number;
  opened_at: number | null;
  /** Half-open: when the single trial request was handed out; null while it is free. */
  trial_at: number | null;
}

/**
 * Per-provider circuit breaker. `failure_threshold` consecutive failures (tracked requests with
 * success=false, failed health checks) open it; after `cooldown_ms` it goes half-open and lets one
 * trial through; the trial's success closes it, its failure opens it again. A trial whose outcome is
 * never reported (the caller routed but never tracked the request) frees up after another cool-down,
 * so a provider cannot stay skipped forever.
 */
export class CircuitBreaker {
  readonly #circuits = new Map<ProviderId, Circuit>();
  readonly #now: () => Date;
  readonly #settings: () => CircuitSettings;

  constructor(now: () => Date, settings: () => CircuitSettings = () => DEFAULT_CIRCUIT_SETTINGS) {
    this.#now = now;
    this.#settings = settings;
  }

  info(provider: ProviderId): CircuitInfo {
    const circuit = this.#circuit(provider);
    if (circuit.opened_at === null) return { state: 'closed', consecutive_failures: circuit.failures, retry_at: null };
    const { cooldown_ms } = this.#settings();
    const retryAt = circuit.opened_at + cooldown_ms;
    if (this.#now().getTime() < retryAt) return { state: 'open', consecutive_failures: circuit.failures, retry_at: new Date(retryAt).toISOString() };
    const trialFreeAt = circuit.trial_at === null ? null : circuit.trial_at + cooldown_ms;
    const waiting = trialFreeAt !== null && this.#now().getTime() < trialFreeAt;
    return { state: 'half_open', consecutive_failures: circuit.failures, retry_at: waiting ? new Date(trialFreeAt).toISOString() : null };
  }

  /** Whether a request may go to `provider` now (closed, or half-open with the trial free). */
  allows(provider: ProviderId): boolean {
    const info = this.info(provider);
    return info.state === 'closed' || (info.state === 'half_open' && info.retry_at === null);
  }

  /** Marks a request as sent; in half-open it is the one trial. */
  take(provider: ProviderId): void {
    if (this.info(provider).state === 'half_open') this.#circuit(provider).trial_at = this.#now().getTime();
  }

  recordSuccess(provider: ProviderId): void {
    this.#circuits.set(provider, { failures: 0, opened_at: null, trial_at: null });
  }

  recordFailure(provider: ProviderId): void {
    const circuit = this.#circuit(provider);
    const state = this.info(provider).state;
    circuit.failures += 1;
    if (state === 'half_open' || (state === 'closed' && circuit.failures >= this.#settings().failure_threshold)) {
      circuit.opened_at = this.#now().getTime();
      circuit.trial_at = null;
    }
  }

  #circuit(provider: ProviderId): Circuit {
    let circuit = this.#circuits.get(provider);
    if (!circuit) {
      circuit = { failures: 0, opened_at: null, trial_at: null };
      this.#circuits.set(provider, circuit);
    }
    return circuit;
  }
}
