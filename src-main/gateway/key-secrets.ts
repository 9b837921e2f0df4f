import type { ServiceEvents } from '../core/events.js';
import type { KeyVault } from '../core/vault/key-vault.js';
import type { ProviderId } from '../shared/providers.js';

/** One key to try: its label and secret (Ollama without a stored key: no label, no secret). */
export interface KeyChoice {
  label: string | null;
  secret: string | undefined;
}

/**
 * The provider keys the gateway sends, in failover order (`default` first, then the other labels).
 * Secrets are read from the vault once and kept in memory until any key changes, so a keychain
 * round trip is not on every request's path.
 */
export class KeySecrets {
  readonly #keys: KeyVault;
  readonly #cache = new Map<ProviderId, Promise<KeyChoice[]>>();

  constructor(keys: KeyVault, events: ServiceEvents) {
    this.#keys = keys;
    events.on('key.changed', () => this.#cache.clear());
  }

  choices(provider: ProviderId): Promise<KeyChoice[]> {
    let found = this.#cache.get(provider);
    if (!found) {
      found = this.#load(provider);
      this.#cache.set(provider, found);
      found.catch(() => this.#cache.delete(provider));
    }
    return found;
  }

  async #load(provider: ProviderId): Promise<KeyChoice[]> {
    const records = this.#keys.list({ provider }).keys;
    const ordered = [...records].sort((a, b) => Number(b.label === 'default') - Number(a.label === 'default') || a.label.localeCompare(b.label));
    const choices: KeyChoice[] = [];
    for (const record of ordered) {
      try {
        choices.push({ label: record.label, secret: (await this.#keys.getSecret(provider, record.label)).current });
      } catch {
        // A listed key whose secret is gone is skipped; the others still serve.
      }
    }
    if (choices.length === 0 && provider === 'local') choices.push({ label: null, secret: undefined });
    return choices;
  }
}
