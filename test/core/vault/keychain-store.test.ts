import { afterAll, describe, expect, it } from 'vitest';
import { KeychainStore } from '../../../src-main/core/vault/keychain-store.js';
import { keychainAvailable, removeKeychainService, testKeychainService } from '../../support/keychain.js';
import { describeSecretStoreContract } from './secret-store.contract.js';

// Runs against the real Secret Service (gnome-keyring inside dbus-run-session in `npm test` and CI).
// keychainAvailable() throws when none answers, so this suite cannot silently skip.
const available = await keychainAvailable();
const services: string[] = [];

afterAll(async () => {
  for (const service of services) await removeKeychainService(service);
});

describe.runIf(available)('KeychainStore against the OS secret service', () => {
  describeSecretStoreContract('KeychainStore', async () => {
    const service = testKeychainService();
    services.push(service);
    return KeychainStore.open(service);
  });

  it('names where secrets live so the UI can say it', async () => {
    const service = testKeychainService();
    services.push(service);
    const store = await KeychainStore.open(service);
    expect(store.kind).toBe('keychain');
    expect(store.location).toContain(service);
  });
});
