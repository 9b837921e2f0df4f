/**
 * Accounts Keyway keeps in the secret store beside the keys themselves. Key accounts are
 * `<provider>:<label>` (and `<id>#previous`), so a name starting with `@` never collides with one.
 */
export const VAULT_ACCOUNT_PREFIX = '@keyway/';
/** The per-install secret that keys fingerprints (HMAC). */
export const FINGERPRINT_ACCOUNT = `${VAULT_ACCOUNT_PREFIX}fingerprint-key`;
/** The key change under way (intent journal): cleared when the change is complete. */
export const JOURNAL_ACCOUNT = `${VAULT_ACCOUNT_PREFIX}journal`;

export function isKeyAccount(account: string): boolean {
  return !account.startsWith(VAULT_ACCOUNT_PREFIX);
}
