import type { SecretStoreKind } from '../../shared/keys.js';
import { KeywayError } from '../errors.js';
import { EncryptedFileStore } from './file-store.js';
import { KeychainStore } from './keychain-store.js';
import type { SecretStore } from './secret-store.js';

export interface StoreChoice {
  /** `--store` or `KEYWAY_SECRET_STORE`, when the user named one. */
  requested: string | undefined;
  /** The store this data dir used before, if any. */
  remembered: SecretStoreKind | null;
  secretsFile: string;
  secretKey: string | undefined;
  keychainService?: string;
}

export function parseStoreKind(value: string): SecretStoreKind {
  if (value === 'keychain' || value === 'file') return value;
  throw new KeywayError('invalid_input', `Unknown secret store "${value}": use keychain or file.`);
}

/**
 * The user's explicit choice wins; otherwise the store this data dir already uses; otherwise the
 * OS keychain when it answers, and the encrypted file when SECRET_KEY is set.
 */
export async function openSecretStore(choice: StoreChoice): Promise<SecretStore> {
  const explicit = choice.requested ? parseStoreKind(choice.requested) : choice.remembered;
  if (explicit === 'file') return new EncryptedFileStore(choice.secretsFile, choice.secretKey);
  if (explicit === 'keychain') return KeychainStore.open(choice.keychainService);
  try {
    return await KeychainStore.open(choice.keychainService);
  } catch (error) {
    if (choice.secretKey) return new EncryptedFileStore(choice.secretsFile, choice.secretKey);
    throw error;
  }
}
