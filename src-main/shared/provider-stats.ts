import { z } from 'zod';
import type { ValidationState } from './keys.js';
import type { ProviderActivity } from './usage.js';
import { PROVIDER_IDS, type ProviderId } from './providers.js';

export type HealthStatus = 'up' | 'degraded' | 'down' | 'unknown';
export type CircuitStatus = 'closed' | 'open' | 'half_open';

export interface ProviderHealth {
  status: HealthStatus;
  last_check_at: string | null;
  latency_ms: number | null;
  /** What the last check found, e.g. "HTTP 500" or "connection refused". */
  detail: string | null;
  /** Set after a 429: do not route here before this time. */
  rate_limited_until: string | null;
  /** Models the provider reported (Ollama's installed models); null when never listed. */
  models: string[] | null;
}

export interface CircuitInfo {
  state: CircuitStatus;
  consecutive_failures: number;
  /**
   * When open: the time the half-open trial becomes possible. When half-open with the trial handed
   * out: when another trial is allowed if the first one's outcome is never reported. Else null.
   */
  retry_at: string | null;
}

export interface ProviderKeySummary {
  id: string;
  label: string;
  masked: string;
  validation: ValidationState;
  last_validated_at: string | null;
}

/** A provider's configuration, keys, health and circuit, plus its recent activity from the usage ledger. */
export interface ProviderStats extends Omit<ProviderActivity, 'avg_input_tokens' | 'avg_output_tokens'> {
  provider: ProviderId;
  enabled: boolean;
  models: string[];
  base_url: string;
  rate_limit: number;
  has_key: boolean;
  keys: ProviderKeySummary[];
  /** The default key's validation state (or the first key's); null without a key. */
  key_validation: ValidationState | null;
  health: ProviderHealth;
  circuit: CircuitInfo;
  requests_last_minute: number;
}

export const ProviderStatsInputSchema = z.strictObject({
  provider: z.enum(PROVIDER_IDS, { error: () => `provider must be one of ${PROVIDER_IDS.join(', ')}` }).optional(),
});
export type ProviderStatsInput = z.input<typeof ProviderStatsInputSchema>;

export interface ProviderStatsResult {
  generated_at: string;
  providers: ProviderStats[];
}
