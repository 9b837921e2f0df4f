import Conf from 'conf';
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
  /** Environment variable names agents may read besides each provider's own (`ANTHROPIC_API_KEY`, ...). */
  agent_env_vars: string[];
}

export const DEFAULT_APP_SETTINGS: AppSettings = {
  allow_mcp_key_changes: true,
  health_ping_interval_s: 30,
  launch_at_login: false,
  agent_env_vars: [],
};

/**
 * The settings file, through `conf` (atomic writes, 0600). `conf` re-reads the file on every access,
 * so `update` takes a cross-process lock around its read-modify-write and no concurrent CLI
 * invocation can lose another's change.
 */
export class SettingsStore {
  readonly #conf: Conf<SettingsData>;
  readonly #lock: FileLock;
  readonly path: string;

  constructor(dataDir: string) {
    try {
      this.#conf = new Conf<SettingsData>({
        cwd: dataDir,
        configName: 'settings',
        projectName: 'keyway',
        configFileMode: PRIVATE_FILE_MODE,
        accessPropertiesByDotNotation: false,
        clearInvalidConfig: false,
        defaults: { keys: {}, secret_store: null, app: DEFAULT_APP_SETTINGS },
      });
    } catch (error) {
      throw unreadable(`${dataDir}/settings.json`, error);
    }
    this.path = this.#conf.path;
    this.#lock = new FileLock(`${this.path}.lock`);
  }

  read(): SettingsData {
    try {
      const store = this.#conf.store;
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
      this.#conf.store = data;
      return result;
    });
  }
}

function unreadable(path: string, error: unknown): KeywayError {
  const reason = error instanceof Error ? error.message.split('\n')[0] : 'unknown';
  return new KeywayError(
    'config_invalid',
    `${path} cannot be read (${reason}). Fix or restore the file; Keyway did not change it.`,
  );
}
