import type { RoutingConfig } from '../../shared/config.js';
import type { KeyRecord, ValidationState } from '../../shared/keys.js';
import type { ErrorCode } from '../../shared/errors.js';
import type { HealthStatus } from '../../shared/provider-stats.js';
import type { ProviderId } from '../../shared/providers.js';
import {
  ValidateAllKeysInputSchema,
  ValidateKeyInputSchema,
  type KeyValidationResult,
  type ValidateAllKeysInput,
  type ValidateAllKeysResult,
  type ValidateKeyInput,
  type ValidationOutcome,
} from '../../shared/validation.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { CallContext } from '../call-context.js';
import { KeywayError, isKeywayError } from '../errors.js';
import type { ServiceEvents } from '../events.js';
import { parseInput } from '../parse-input.js';
import { checkKeyFormat } from '../vault/key-format.js';
import type { KeyVault } from '../vault/key-vault.js';
import { baseUrlFor } from './endpoints.js';
import { probe, type ProbeResult } from './probe.js';
import { isInvalidKeyAnswer, validationRequest } from './validation-request.js';

/**
 * Where live outcomes are reported: provider health and the circuit breaker (health/, wired by
 * routing/provider-services.ts). Declared here so providers/ never imports health/, which itself
 * probes through providers/.
 */
export interface ProviderObservers {
  health: {
    get(provider: ProviderId): { status: HealthStatus };
    record(provider: ProviderId, observation: { status: Exclude<HealthStatus, 'unknown'>; latency_ms: number | null; detail: string; retry_after_s?: number | null }): unknown;
  };
  breaker: { recordSuccess(provider: ProviderId): void; recordFailure(provider: ProviderId): void };
}

export interface KeyValidatorDeps extends ProviderObservers {
  keys: KeyVault;
  audit: AuditLog;
  events: ServiceEvents;
  config: () => RoutingConfig;
  env: NodeJS.ProcessEnv;
  now: () => Date;
  timeoutMs: number;
}

const OK_OUTCOMES: ReadonlySet<ValidationOutcome> = new Set(['valid', 'rate_limited', 'format_ok']);

/**
 * Key validation: the format first, then (unless offline) one cheap authenticated call to the
 * provider. Live outcomes are stored on the key record, feed provider health and the circuit
 * breaker, and are audited with the fingerprint only.
 */
export class KeyValidator {
  readonly #deps: KeyValidatorDeps;

  constructor(deps: KeyValidatorDeps) {
    this.#deps = deps;
  }

  async validate(input: ValidateKeyInput, ctx: CallContext): Promise<KeyValidationResult> {
    const parsed = parseInput(ValidateKeyInputSchema, input);
    const record = this.#deps.keys.find(parsed.provider, parsed.label);
    if (!record) {
      const error = new KeywayError('key_not_found', `No ${parsed.provider} key with label "${parsed.label}" to validate.`, {
        remedy: { action: 'add_key', provider: parsed.provider, label: parsed.label },
      });
      await this.#deps.audit.append({ actor: ctx.actor, action: 'key.validate', provider: parsed.provider, outcome: 'error', error_code: error.code });
      throw error;
    }
    return this.#validateRecord(record, parsed.offline, ctx);
  }

  /** Every stored key, concurrently. One key's failure never stops the others. */
  async validateAll(input: ValidateAllKeysInput, ctx: CallContext): Promise<ValidateAllKeysResult> {
    const { offline } = parseInput(ValidateAllKeysInputSchema, input);
    const { keys } = this.#deps.keys.list();
    const results = await Promise.all(keys.map((record) => this.#validateRecord(record, offline, ctx)));
    const valid = results.filter((r) => r.ok).length;
    return { results, valid, failed: results.length - valid };
  }

  async #validateRecord(record: KeyRecord, offline: boolean, ctx: CallContext): Promise<KeyValidationResult> {
    const started = this.#deps.now();
    let secret: string | undefined;
    let outcome: ValidationOutcome;
    let detail: string;
    let live: ProbeResult | undefined;
    try {
      secret = (await this.#deps.keys.getSecret(record.provider, record.label)).current;
    } catch (error) {
      if (!isKeywayError(error) || error.code !== 'key_not_found') throw error;
      secret = undefined;
    }
    if (secret === undefined) {
      outcome = 'missing';
      detail = `the secret is missing from the secret store; add the ${record.provider} key again`;
    } else {
      const format = formatProblem(record.provider, secret);
      if (format) {
        outcome = 'format_invalid';
        detail = format;
      } else if (offline) {
        outcome = 'format_ok';
        detail = 'format ok (offline: not checked with the provider)';
      } else {
        const config = this.#deps.config();
        const baseUrl = baseUrlFor(record.provider, config, this.#deps.env);
        // A key for local travels only to a base_url the owner set (a proxy): stock Ollama needs none,
        // and whatever happens to listen on its default port is vouched for by no one.
        const sent = record.provider === 'local' && !config.providers.local?.base_url ? undefined : secret;
        live = await probe({ ...validationRequest(record.provider, baseUrl, sent), timeoutMs: this.#deps.timeoutMs }, isInvalidKeyAnswer(record.provider));
        outcome = live.outcome;
        detail = live.detail;
      }
    }
    detail = redact(detail, secret);
    const result: KeyValidationResult = {
      key_id: record.id,
      provider: record.provider,
      label: record.label,
      masked: record.masked,
      fingerprint: record.fingerprint,
      outcome,
      ok: OK_OUTCOMES.has(outcome),
      http_status: live?.http_status ?? null,
      latency_ms: live?.latency_ms ?? null,
      detail,
      checked_at: started.toISOString(),
      offline,
    };
    await this.#record(record, result, live, ctx);
    return result;
  }

  async #record(record: KeyRecord, result: KeyValidationResult, live: ProbeResult | undefined, ctx: CallContext): Promise<void> {
    const state = storedState(result.outcome);
    if (state) await this.#deps.keys.recordStatus(record.id, { validation: state, detail: result.detail });
    if (live) this.#observe(record.provider, live);
    await this.#deps.audit.append({
      actor: ctx.actor,
      action: 'key.validate',
      provider: record.provider,
      key_id: record.id,
      fingerprint: record.fingerprint,
      outcome: result.ok ? 'ok' : 'error',
      error_code: errorCodeOf(result.outcome),
      detail: `${result.offline ? 'offline' : 'live'}: ${result.outcome}${result.http_status ? ` (HTTP ${result.http_status})` : ''}`,
    });
    if (state) this.#deps.events.emit('key.changed', { action: 'key.validate', key_id: record.id, provider: record.provider });
    if (result.outcome === 'invalid' || result.outcome === 'format_invalid') {
      const health = this.#deps.health.get(record.provider).status;
      this.#deps.events.emit('provider.status', {
        provider: record.provider,
        status: health,
        previous: health,
        detail: `key ${record.id} is invalid: ${result.detail}`,
        key_id: record.id,
        key_validation: 'invalid',
      });
    }
  }

  /** What a live check says about the provider itself (not the key). */
  #observe(provider: ProviderId, live: ProbeResult): void {
    const { health, breaker } = this.#deps;
    switch (live.outcome) {
      case 'valid':
      case 'invalid':
        breaker.recordSuccess(provider);
        health.record(provider, { status: 'up', latency_ms: live.latency_ms, detail: live.detail, retry_after_s: null });
        return;
      case 'rate_limited':
        health.record(provider, { status: 'up', latency_ms: live.latency_ms, detail: live.detail, retry_after_s: live.retry_after_s ?? 60 });
        return;
      case 'unreachable':
      case 'timeout':
        breaker.recordFailure(provider);
        health.record(provider, { status: 'down', latency_ms: live.latency_ms, detail: live.detail });
        return;
      case 'error':
        if ((live.http_status ?? 0) >= 500) breaker.recordFailure(provider);
        health.record(provider, { status: 'degraded', latency_ms: live.latency_ms, detail: live.detail });
        return;
    }
  }
}

function formatProblem(provider: ProviderId, secret: string): string | null {
  try {
    checkKeyFormat(provider, secret);
    return null;
  } catch (error) {
    return isKeywayError(error) ? error.message : 'the key format could not be checked';
  }
}

/** The validation state kept on the key record; an offline "format ok" never overwrites a live result. */
function storedState(outcome: ValidationOutcome): ValidationState | null {
  switch (outcome) {
    case 'format_ok':
      return null;
    case 'format_invalid':
      return 'invalid';
    case 'missing':
      return 'error';
    default:
      return outcome;
  }
}

function errorCodeOf(outcome: ValidationOutcome): ErrorCode | null {
  switch (outcome) {
    case 'invalid':
      return 'key_rejected';
    case 'format_invalid':
      return 'invalid_key_format';
    case 'missing':
      return 'key_not_found';
    case 'unreachable':
    case 'timeout':
    case 'error':
      return 'provider_unavailable';
    default:
      return null;
  }
}

/** Belt and braces: no message leaves here with the secret in it, whatever produced it. */
function redact(text: string, secret: string | undefined): string {
  return secret && secret.length >= 4 ? text.split(secret).join('[redacted]') : text;
}
