import { KeywayError } from '../errors.js';
import { KEYCHAIN_SERVICE, type SecretStore } from './secret-store.js';

type Keytar = typeof import('keytar');

const PROBE_TIMEOUT_MS = 5_000;

/** Secrets in the OS keychain (macOS Keychain, Windows Credential Vault, Secret Service on Linux) via keytar. */
export class KeychainStore implements SecretStore {
  readonly kind = 'keychain' as const;
  readonly location: string;
  readonly #keytar: Keytar;
  readonly #service: string;

  private constructor(keytar: Keytar, service: string) {
    this.#keytar = keytar;
    this.#service = service;
    this.location = `${platformKeychainName()} (service "${service}")`;
  }

  /**
   * Loads keytar and makes one harmless call, so that a missing native module or a machine without
   * a secret service is reported now, in words, rather than on the first real write.
   */
  static async open(service = KEYCHAIN_SERVICE): Promise<KeychainStore> {
    let keytar: Keytar;
    try {
      const loaded = (await import('keytar')) as Keytar & { default?: Keytar };
      keytar = loaded.default ?? loaded;
    } catch {
      throw unavailable('the keytar module is not installed (on Linux it needs libsecret-1-dev to build)');
    }
    try {
      await withTimeout(keytar.findCredentials(service), PROBE_TIMEOUT_MS);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : 'no answer';
      throw unavailable(`the OS secret service did not answer (${reason})`);
    }
    return new KeychainStore(keytar, service);
  }

  async get(account: string): Promise<string | undefined> {
    return (await this.#keytar.getPassword(this.#service, account)) ?? undefined;
  }

  async set(account: string, secret: string): Promise<void> {
    await this.#keytar.setPassword(this.#service, account, secret);
  }

  async delete(account: string): Promise<boolean> {
    return this.#keytar.deletePassword(this.#service, account);
  }

  async accounts(): Promise<string[]> {
    return (await this.#keytar.findCredentials(this.#service)).map((c) => c.account);
  }
}

function unavailable(reason: string): KeywayError {
  return new KeywayError(
    'secret_store_unavailable',
    `The OS keychain is not available: ${reason}. Use the encrypted file instead: set SECRET_KEY and pass --store file (or KEYWAY_SECRET_STORE=file).`,
  );
}

function platformKeychainName(): string {
  if (process.platform === 'darwin') return 'macOS Keychain';
  if (process.platform === 'win32') return 'Windows Credential Manager';
  return 'Secret Service keyring';
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
