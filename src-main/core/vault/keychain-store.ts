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

  get(account: string): Promise<string | undefined> {
    return refusedAsError(async () => (await this.#keytar.getPassword(this.#service, account)) ?? undefined);
  }

  set(account: string, secret: string): Promise<void> {
    return refusedAsError(() => this.#keytar.setPassword(this.#service, account, secret));
  }

  delete(account: string): Promise<boolean> {
    return refusedAsError(() => this.#keytar.deletePassword(this.#service, account));
  }

  accounts(): Promise<string[]> {
    return refusedAsError(async () => (await this.#keytar.findCredentials(this.#service)).map((c) => c.account));
  }
}

/** A keychain that answers but refuses (locked collection, denied access) is explained, not an internal error. */
async function refusedAsError<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? 'refused') : 'refused';
    throw new KeywayError(
      'secret_store_unavailable',
      `The OS keychain refused the request (${reason}). Unlock your keyring (log in again, or unlock it in your keyring manager) and retry, or use the encrypted file with --store file and SECRET_KEY.`,
    );
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
