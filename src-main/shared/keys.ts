import { z } from 'zod';
import { PROVIDER_IDS, type ProviderId } from './providers.js';

export const LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
export const ENV_VAR_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export const ProviderSchema = z.enum(PROVIDER_IDS, {
  error: () => `provider must be one of ${PROVIDER_IDS.join(', ')}`,
});

export const LabelSchema = z
  .string()
  .regex(LABEL_PATTERN, 'label must be 1-32 letters, digits, ".", "_" or "-", starting with a letter or digit')
  .default('default');

export const EnvVarNameSchema = z
  .string()
  .regex(ENV_VAR_PATTERN, 'env_var must be an environment variable name such as ANTHROPIC_API_KEY');

/** Secrets are bounded so a pasted file or a runaway string is refused before it reaches the vault. */
export const SecretValueSchema = z.string().max(4096, 'api key is longer than 4096 characters; paste only the key');

export type SecretStoreKind = 'keychain' | 'file';

export type ValidationState = 'unchecked' | 'format_ok' | 'valid' | 'invalid' | 'rate_limited' | 'unreachable' | 'timeout' | 'error';

/** Non-secret metadata about one stored key: what every list shows. */
export interface KeyRecord {
  id: string;
  provider: ProviderId;
  label: string;
  masked: string;
  fingerprint: string;
  source: string;
  store: SecretStoreKind;
  created_at: string;
  updated_at: string;
  last_used_at: string | null;
  last_validated_at: string | null;
  validation: ValidationState;
  validation_detail: string | null;
  previous_fingerprint: string | null;
  previous_expires_at: string | null;
}

export const AddKeyInputSchema = z
  .object({
    provider: ProviderSchema,
    label: LabelSchema,
    api_key: SecretValueSchema.optional(),
    env_var: EnvVarNameSchema.optional(),
  })
  .strict()
  .refine((v) => (v.api_key === undefined) !== (v.env_var === undefined), {
    message: 'give exactly one of api_key or env_var',
  });
export type AddKeyInput = z.input<typeof AddKeyInputSchema>;
export type AddKeyParsed = z.output<typeof AddKeyInputSchema>;

export const RotateKeyInputSchema = z
  .object({
    provider: ProviderSchema,
    label: LabelSchema,
    new_api_key: SecretValueSchema.optional(),
    env_var: EnvVarNameSchema.optional(),
    grace_seconds: z.number().int().min(0).max(30 * 24 * 3600).default(0),
  })
  .strict()
  .refine((v) => (v.new_api_key === undefined) !== (v.env_var === undefined), {
    message: 'give exactly one of new_api_key or env_var',
  });
export type RotateKeyInput = z.input<typeof RotateKeyInputSchema>;
export type RotateKeyParsed = z.output<typeof RotateKeyInputSchema>;

export const KeyRefSchema = z.object({ provider: ProviderSchema, label: LabelSchema }).strict();
export type KeyRef = z.input<typeof KeyRefSchema>;
export type KeyRefParsed = z.output<typeof KeyRefSchema>;

export const ListKeysInputSchema = z.object({ provider: ProviderSchema.optional() }).strict();
export type ListKeysInput = z.input<typeof ListKeysInputSchema>;

export interface AddKeyResult {
  key: KeyRecord;
  created: boolean;
  warnings: string[];
}

export interface RotateKeyResult {
  key: KeyRecord;
  warnings: string[];
}

export interface RemoveKeyResult {
  removed: KeyRecord;
}

export interface ListKeysResult {
  keys: KeyRecord[];
  store: SecretStoreKind | null;
}

export interface FormatCheck {
  id: string;
  provider: ProviderId;
  label: string;
  ok: boolean;
  message: string;
}

export interface ExportKeysResult {
  path: string;
  count: number;
}

export interface ImportKeysResult {
  imported: KeyRecord[];
  store: SecretStoreKind;
}
