import { createRequire } from 'node:module';
import { join } from 'node:path';
import type Conf from 'conf';
import type { KeyRecord, SecretStoreKind } from '../../shared/keys.js';
import { KeywayError } from '../errors.js';
import { PRIVATE_FILE_MODE } from '../fs/atomic-write.js';
import { FileLock } from '../fs/file-lock.js';

/** Everything Keyway keeps in `settings.json`: non-secret key records and app preferences. */
export interface SettingsData {
  keys: Record<string, KeyRecord>;
  /** The secret store that was first used on this data dir; the default from then on. */
  secret_store: SecretStoreKind | null;
  app: AppSettings;
}

export interface AppSettings {
  allow_mcp_key_changes: boolean;
  health_ping_interval_s: number;
  launch_at_login: boolean;
}

export const DEFAULT_APP_SETTINGS: AppSettings = {
  allow_mcp_key_changes: true,
  health_ping_interval_s: 30,
  launch_at_login: false,
};

/**
 * The settings file, through `conf` (atomic writes, 0600). `conf` re-reads the file on every access,
 * so `update` takes a cross-process lock around its read-modify-write and no concurrent CLI
 * invocation can lose another's change.
 */
export class SettingsStore {
  readonly #dataDir: string;
  #conf: Conf<SettingsData> | undefined;
  readonly #lock: FileLock;
  readonly path: string;

  constructor(dataDir: string) {
    this.#dataDir = dataDir;
    this.path = join(dataDir, 'settings.json');
    this.#lock = new FileLock(`${this.path}.lock`);
  }

  /** `conf` (with its JSON-schema validator) loads on first use: commands that never read settings never pay for it. */
  #store(): Conf<SettingsData> {
    if (this.#conf) return this.#conf;
    try {
      const { default: ConfClass } = requireModule('conf') as { default: typeof Conf };
      this.#conf = new ConfClass<SettingsData>({
        cwd: this.#dataDir,
        configName: 'settings',
        projectName: 'keyway',
        configFileMode: PRIVATE_FILE_MODE,
        accessPropertiesByDotNotation: false,
        clearInvalidConfig: false,
        defaults: { keys: {}, secret_store: null, app: DEFAULT_APP_SETTINGS },
      });
    } catch (error) {
      throw unreadable(this.path, error);
    }
    return this.#conf;
  }

  read(): SettingsData {
    const conf = this.#store();
    try {
      const store = conf.store;
      return { ...store, app: { ...DEFAULT_APP_SETTINGS, ...store.app } };
    } catch (error) {
      throw unreadable(this.path, error);
    }
  }

  /** Applies `change` to a fresh copy under the lock and writes it atomically; returns what `change` returns. */
  update<T>(change: (data: SettingsData) => T): Promise<T> {
    return this.#lock.run(() => {
      const data = structuredClone(this.read());
      const result = change(data);
      this.#store().store = data;
      return result;
    });
  }
}

/** `conf` is ESM; Node 20.19+ and Electron load it synchronously through require, which a lazy sync read needs. */
const requireModule = createRequire(import.meta.url);

function unreadable(path: string, error: unknown): KeywayError {
  const reason = error instanceof Error ? error.message.split('\n')[0] : 'unknown';
  return new KeywayError(
    'config_invalid',
    `${path} cannot be read (${reason}). Fix or restore the file; Keyway did not change it.`,
  );
}
