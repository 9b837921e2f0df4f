import { z } from 'zod';
import { LabelSchema, ProviderSchema } from './keys.js';
import type { ProviderId } from './providers.js';

/**
 * The outcome of checking one key. Live: `valid`, `invalid` (401/403), `rate_limited` (429, the key
 * itself works), `unreachable`, `timeout`, `error` (any other HTTP status). Offline: `format_ok`
 * or `format_invalid`; `missing` when the secret is gone from the store.
 */
export type ValidationOutcome = 'valid' | 'invalid' | 'rate_limited' | 'unreachable' | 'timeout' | 'error' | 'format_ok' | 'format_invalid' | 'missing';

export const ValidateKeyInputSchema = z.strictObject({
  provider: ProviderSchema,
  label: LabelSchema,
  offline: z.boolean().default(false),
});
export type ValidateKeyInput = z.input<typeof ValidateKeyInputSchema>;

export const ValidateAllKeysInputSchema = z.strictObject({ offline: z.boolean().default(false) });
export type ValidateAllKeysInput = z.input<typeof ValidateAllKeysInputSchema>;

export interface KeyValidationResult {
  key_id: string;
  provider: ProviderId;
  label: string;
  masked: string;
  fingerprint: string;
  outcome: ValidationOutcome;
  /** true for valid, rate_limited and format_ok. */
  ok: boolean;
  http_status: number | null;
  latency_ms: number | null;
  /** What happened and what to do; never contains the key. */
  detail: string;
  checked_at: string;
  offline: boolean;
}

export interface ValidateAllKeysResult {
  results: KeyValidationResult[];
  valid: number;
  failed: number;
}
