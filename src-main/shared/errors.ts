/**
 * Every failure a user can act on carries one of these codes. Fronts map them to exit codes,
 * MCP `isError` results and HTTP statuses; the message always says what to do next.
 */
export const ERROR_CODES = [
  'invalid_input',
  'unknown_provider',
  'invalid_key_format',
  'key_rejected',
  'key_not_found',
  'env_var_missing',
  'secret_store_unavailable',
  'secret_key_missing',
  'secret_key_mismatch',
  'vault_corrupt',
  'backup_invalid',
  'passphrase_mismatch',
  'data_dir_unusable',
  'audit_broken',
  'config_invalid',
  'budget_exceeded',
  'reservation_not_found',
  'no_provider_available',
  'provider_unavailable',
  'prices_unavailable',
  'forbidden',
  'service_running',
  'service_unreachable',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The wire form of an error: what `--json`, MCP and `/api` return. Never contains a secret. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
}
