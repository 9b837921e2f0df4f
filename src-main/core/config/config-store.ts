import { existsSync } from 'node:fs';
import { RoutingConfigSchema, type RoutingConfig } from '../../shared/config.js';
import { PROVIDER_IDS, type ProviderId } from '../../shared/providers.js';
import { KeywayError, isErrnoException } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { readBoundedSync } from '../fs/bounded-read.js';
import { FileLock } from '../fs/file-lock.js';
import { DEFAULT_ROUTING_CONFIG } from './default-config.js';

/** routing_config.json holds a few kilobytes; anything past this is not a config. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * routing_config.json: validated on every read, created with the seed's defaults on first run,
 * and written only through `update`, which keeps every field it does not touch (unknown ones too).
 */
export class ConfigStore {
  readonly path: string;
  readonly #lock: FileLock;
  #current: RoutingConfig | undefined;
  /** The file text the configuration in force was parsed from (so a no-op change is not a reload). */
  #currentText: string | undefined;

  constructor(path: string) {
    this.path = path;
    this.#lock = new FileLock(`${path}.lock`);
  }

  /** The configuration in force: the last one that loaded cleanly. Loads on first call. */
  current(): RoutingConfig {
    this.#current ??= this.load();
    return this.#current;
  }

  /** Whether a valid configuration has been loaded (an invalid file at start leaves none). */
  hasGoodConfig(): boolean {
    return this.#current !== undefined;
  }

  /** Reads and validates the file (creating it with defaults if missing); throws config_invalid naming the field. */
  load(): RoutingConfig {
    if (!existsSync(this.path)) this.#createDefault();
    const text = this.#readText();
    const config = parseConfig(this.path, parseJson(this.path, text));
    this.#current = config;
    this.#currentText = text;
    return config;
  }

  /**
   * What is wrong with the file on disk now, when the configuration in force is not what it says:
   * deleted, unreadable or invalid since it was loaded (a long-lived service keeps the last good
   * one). Null when the file matches what is in force, or nothing was loaded yet.
   */
  fileProblem(): string | null {
    if (this.#currentText === undefined) return null;
    if (!existsSync(this.path)) return `${this.path} was deleted; the running service keeps its last good configuration until the file is back.`;
    try {
      const text = this.#readText();
      if (text === this.#currentText) return null;
      parseConfig(this.path, parseJson(this.path, text));
      return null;
    } catch (error) {
      const message = error instanceof KeywayError ? error.message : 'it cannot be read';
      return `${message} The running service keeps its last good configuration until the file is fixed.`;
    }
  }

  /**
   * Re-reads the file after an outside edit. Returns null when its text is what is already in force;
   * throws config_invalid (and keeps the last good configuration) when the new text is invalid.
   */
  reload(): RoutingConfig | null {
    if (!existsSync(this.path)) return null;
    const text = this.#readText();
    if (text === this.#currentText) return null;
    const config = parseConfig(this.path, parseJson(this.path, text));
    this.#current = config;
    this.#currentText = text;
    return config;
  }

  /**
   * Applies `change` to the raw JSON of the file (so unknown fields survive), validates the result
   * and writes it atomically. An invalid result is refused and the file is left as it was.
   */
  update(change: (raw: Record<string, unknown>) => void): Promise<RoutingConfig> {
    return this.#lock.run(() => {
      if (!existsSync(this.path)) this.load();
      const raw = this.#readRaw() as Record<string, unknown>;
      change(raw);
      const config = parseConfig(this.path, raw);
      const text = `${JSON.stringify(raw, null, 2)}\n`;
      writeFileAtomic(this.path, text);
      this.#current = config;
      this.#currentText = text;
      return config;
    });
  }

  /**
   * The seed's update_provider_config: changes only the given fields of one provider's block
   * (`base_url: null` removes it), keeping every other field, known or not.
   */
  updateProvider(provider: ProviderId, patch: ProviderPatch): Promise<RoutingConfig> {
    return this.update((raw) => {
      const providers = isRecord(raw.providers) ? raw.providers : {};
      const block = isRecord(providers[provider]) ? providers[provider] : {};
      for (const field of ['enabled', 'models', 'rate_limit'] as const) {
        if (patch[field] !== undefined) block[field] = patch[field];
      }
      if (patch.base_url === null) delete block.base_url;
      else if (patch.base_url !== undefined) block.base_url = patch.base_url;
      providers[provider] = block;
      raw.providers = providers;
    });
  }

  #createDefault(): void {
    try {
      writeFileAtomic(this.path, `${JSON.stringify(DEFAULT_ROUTING_CONFIG, null, 2)}\n`);
    } catch (error) {
      const reason = isErrnoException(error) ? error.code : 'unwritable';
      throw new KeywayError(
        'config_invalid',
        `${this.path} does not exist and cannot be created (${reason}). Check the --config path or KEYWAY_CONFIG, and that its folder exists and is writable.`,
      );
    }
  }

  #readRaw(): unknown {
    return parseJson(this.path, this.#readText());
  }

  #readText(): string {
    try {
      return readBoundedSync(this.path, { maxBytes: MAX_CONFIG_BYTES, what: 'The config file', remedy: 'routing_config.json holds a few kilobytes; point --config at the right file' }).toString('utf8');
    } catch (error) {
      if (error instanceof KeywayError) throw new KeywayError('config_invalid', error.message);
      const reason = isErrnoException(error) ? error.code : 'unreadable';
      throw new KeywayError('config_invalid', `${this.path} cannot be read (${reason}). Check the path and its permissions.`);
    }
  }
}

export interface ProviderPatch {
  enabled?: boolean;
  models?: string[];
  rate_limit?: number;
  base_url?: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJson(path: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const where = error instanceof SyntaxError ? error.message : 'invalid JSON';
    throw new KeywayError('config_invalid', `${path} is not valid JSON (${where}). Fix the file.`);
  }
}

export function parseConfig(path: string, raw: unknown): RoutingConfig {
  const result = RoutingConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
    const message = issue.code === 'unrecognized_keys' ? unknownNames(issue.keys, issue.path) : issue.message;
    return `${field}: ${message}`;
  });
  throw new KeywayError('config_invalid', `${path} is invalid. ${problems.join('; ')}.`);
}

function unknownNames(keys: string[], path: PropertyKey[]): string {
  const names = keys.map((k) => `"${k}"`).join(', ');
  const last = path.at(-1);
  return last === 'providers' || last === 'per_provider'
    ? `unknown provider ${names}; expected one of ${PROVIDER_IDS.join(', ')}`
    : `unknown field ${names}`;
}
