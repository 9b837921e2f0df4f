import { describe, expect, it } from 'vitest';
import type { SecretStore } from '../../../src-main/core/vault/secret-store.js';
import { canaryKey } from '../../support/canary.js';

/** The behaviour every SecretStore backend must share; each backend's suite runs it. */
export function describeSecretStoreContract(name: string, makeStore: () => Promise<SecretStore>): void {
  describe(`${name} (SecretStore contract)`, () => {
    it('returns what was set, and undefined for an unknown account', async () => {
      const store = await makeStore();
      const secret = canaryKey('anthropic');
      await store.set('anthropic:default', secret);
      expect(await store.get('anthropic:default')).toBe(secret);
      expect(await store.get('openai:default')).toBeUndefined();
    });

    it('replaces a value on update', async () => {
      const store = await makeStore();
      await store.set('openai:work', canaryKey('openai'));
      const replacement = canaryKey('openai');
      await store.set('openai:work', replacement);
      expect(await store.get('openai:work')).toBe(replacement);
      expect((await store.accounts()).filter((a) => a === 'openai:work')).toHaveLength(1);
    });

    it('deletes one account and reports whether it existed', async () => {
      const store = await makeStore();
      await store.set('google:a', canaryKey('google'));
      await store.set('google:b', canaryKey('google'));
      expect(await store.delete('google:a')).toBe(true);
      expect(await store.delete('google:a')).toBe(false);
      expect(await store.get('google:a')).toBeUndefined();
      expect(await store.accounts()).toEqual(['google:b']);
    });

    it('keeps every value under concurrent writes', async () => {
      const store = await makeStore();
      const secrets = Array.from({ length: 12 }, (_, i) => [`openai:k${i}`, canaryKey('openai')] as const);
      await Promise.all(secrets.map(([account, secret]) => store.set(account, secret)));
      for (const [account, secret] of secrets) expect(await store.get(account)).toBe(secret);
      expect((await store.accounts()).sort()).toEqual(secrets.map(([a]) => a).sort());
    });

    it('stores unicode and long values intact', async () => {
      const store = await makeStore();
      const value = `local-CANARY-${'ü'.repeat(300)}`;
      await store.set('local:default', value);
      expect(await store.get('local:default')).toBe(value);
    });
  });
}
