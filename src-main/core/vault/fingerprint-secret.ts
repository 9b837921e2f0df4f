import type { SecretStore } from './secret-store.js';
import { FINGERPRINT_ACCOUNT } from './vault-accounts.js';

export interface FingerprintSecret {
  key: Buffer;
  /** True once every existing record's fingerprint was recomputed with this key. */
  migrated: boolean;
}

/** This install's fingerprint key, kept in the vault beside the keys it fingerprints. */
export async function readFingerprintSecret(store: SecretStore): Promise<FingerprintSecret | undefined> {
  const raw = await store.get(FINGERPRINT_ACCOUNT);
  if (raw === undefined) return undefined;
  try {
    const parsed = JSON.parse(raw) as { key?: unknown; migrated?: unknown };
    if (typeof parsed.key !== 'string') return undefined;
    const key = Buffer.from(parsed.key, 'base64');
    return key.length === 32 ? { key, migrated: parsed.migrated === true } : undefined;
  } catch {
    return undefined;
  }
}

export async function writeFingerprintSecret(store: SecretStore, secret: FingerprintSecret): Promise<void> {
  await store.set(FINGERPRINT_ACCOUNT, JSON.stringify({ key: secret.key.toString('base64'), migrated: secret.migrated }));
}
