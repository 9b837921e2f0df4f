import { randomBytes } from 'node:crypto';
import { KeychainStore } from '../../src-main/core/vault/keychain-store.js';

/**
 * A keychain service name of its own for each test, so tests never see each other's entries or a
 * developer's real `keyway` secrets. The suite fails (never skips) when no secret service runs,
 * unless KEYWAY_ALLOW_NO_KEYCHAIN=1 says this machine really has none.
 */
export function testKeychainService(): string {
  return `keyway-test-${randomBytes(6).toString('hex')}`;
}

export async function keychainAvailable(): Promise<boolean> {
  try {
    await KeychainStore.open(testKeychainService());
    return true;
  } catch (error) {
    if (process.env.KEYWAY_ALLOW_NO_KEYCHAIN === '1') return false;
    throw error;
  }
}

export async function removeKeychainService(service: string): Promise<void> {
  const store = await KeychainStore.open(service);
  for (const account of await store.accounts()) await store.delete(account);
}
