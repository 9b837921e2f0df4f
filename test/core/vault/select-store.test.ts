import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSecretStore, parseStoreKind } from '../../../src-main/core/vault/select-store.js';
import { keychainAvailable, testKeychainService } from '../../support/keychain.js';
import { tempDir } from '../../support/temp-dir.js';

const keychain = await keychainAvailable();

function choice(overrides: Partial<Parameters<typeof openSecretStore>[0]> = {}) {
  return { requested: undefined, remembered: null, secretsFile: join(tempDir(), '.keys.enc'), secretKey: 'a-secret-key', keychainService: testKeychainService(), ...overrides };
}

describe('openSecretStore', () => {
  it('uses the file store when asked, even if the keychain answers', async () => {
    expect((await openSecretStore(choice({ requested: 'file' }))).kind).toBe('file');
  });

  it('uses the store this data dir used before when nothing is requested', async () => {
    expect((await openSecretStore(choice({ remembered: 'file' }))).kind).toBe('file');
  });

  it('lets an explicit request override the remembered store', async () => {
    await expect(openSecretStore(choice({ requested: 'file', remembered: 'keychain', secretKey: undefined }))).rejects.toMatchObject({ code: 'secret_key_missing' });
  });

  it('refuses an unknown store name', () => {
    expect(() => parseStoreKind('vault')).toThrowError(expect.objectContaining({ code: 'invalid_input', message: expect.stringContaining('keychain or file') }));
  });

  it.runIf(keychain)('defaults to the OS keychain when it answers', async () => {
    expect((await openSecretStore(choice())).kind).toBe('keychain');
  });
});
