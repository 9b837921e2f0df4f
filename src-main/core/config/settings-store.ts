import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type Conf from 'conf';
import { z } from 'zod';
import { EnvVarNameSchema, LABEL_PATTERN, ProviderSchema, type KeyRecord, type SecretStoreKind } from '../../shared/keys.js';
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

const KeyRecordSchema = z.looseObject({
  id: z.string().max(80),
  provider: ProviderSchema,
  label: z.string().regex(LABEL_PATTERN),
  masked: z.string().max(64),
  fingerprint: z.string().max(128),
  source: z.string().max(256),
  store: z.enum(['keychain', 'file']),
  created_at: z.string(),
  updated_at: z.string(),
  last_used_at: z.string().nullable().default(null),
  last_validated_at: z.string().nullable().default(null),
  validation: z.enum(['unchecked', 'format_ok', 'valid', 'invalid', 'rate_limited', 'unreachable', 'timeout', 'error']).default('unchecked'),
  validation_detail: z.string().nullable().default(null),
  previous_fingerprint: z.string().nullable().default(null),
  previous_expires_at: z.string().nullable().default(null),
});

/** settings.json as read: unknown extra fields are kept, wrong types are refused. */
const SettingsFileSchema = z.looseObject({
  keys: z.record(z.string(), KeyRecordSchema),
  secret_store: z.enum(['keychain', 'file']).nullable(),
  app: z
    .looseObject({
      allow_mcp_key_changes: z.boolean().optional(),
      health_ping_interval_s: z.number().int().min(5).max(3600).optional(),
      launch_at_login: z.boolean().optional(),
      agent_env_vars: z.array(EnvVarNameSchema).max(32).optional(),
    })
    .optional(),
});

/**
 * The settings file, through `conf` (atomic writes, 0600). `conf` re-reads the file on every access,
 * so `update` takes a cross-process lock around its read-modify-write and no concurrent CLI
 * invocation can lose another's change.
 *
 * `read` is on the path of many calls (a route_request read it four times): it keeps the last
 * checked contents and answers from them while the file's stat (inode, size, mtime and ctime in
 * nanoseconds) is unchanged, so an edit by this or any other process is seen by the next call.
 */
export class SettingsStore {
  readonly #dataDir: string;
  #conf: Conf<SettingsData> | undefined;
  #last: { stamp: string; data: SettingsData } | undefined;
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

  /**
   * The file's contents, checked against its schema: a hand-edited or damaged file is reported
   * naming the field, never half-trusted. Shared and frozen: change settings with `update`.
   */
  read(): SettingsData {
    const stamp = fileStamp(this.path);
    if (stamp !== undefined && this.#last?.stamp === stamp) return this.#last.data;
    const data = deepFreeze(this.#readFile());
    this.#last = stamp === undefined ? undefined : { stamp, data };
    return data;
  }

  #readFile(): SettingsData {
    const conf = this.#store();
    let store: unknown;
    try {
      store = conf.store;
    } catch (error) {
      throw unreadable(this.path, error);
    }
    const parsed = SettingsFileSchema.safeParse(store);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new KeywayError(
        'config_invalid',
        `${this.path} is invalid at ${issue.path.join('.') || 'the top level'}: ${issue.message}. Fix or restore the file; Keyway did not change it.`,
      );
    }
    const { keys, secret_store, app, ...rest } = parsed.data;
    const records: Record<string, KeyRecord> = keys;
    return { ...rest, keys: records, secret_store, app: { ...DEFAULT_APP_SETTINGS, ...app } };
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

/** Identifies one version of a file (undefined when it cannot be stat'ed): any write changes ctime, conf's atomic writes the inode too. */
function fileStamp(path: string): string | undefined {
  try {
    const st = statSync(path, { bigint: true, throwIfNoEntry: false });
    return st && `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
  } catch {
    return undefined;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
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
