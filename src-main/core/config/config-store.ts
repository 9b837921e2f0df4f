import { existsSync, readFileSync } from 'node:fs';
import { RoutingConfigSchema, type RoutingConfig } from '../../shared/config.js';
import { PROVIDER_IDS } from '../../shared/providers.js';
import { KeywayError, isErrnoException } from '../errors.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { FileLock } from '../fs/file-lock.js';
import { DEFAULT_ROUTING_CONFIG } from './default-config.js';

/**
 * routing_config.json: validated on every read, created with the seed's defaults on first run,
 * and written only through `update`, which keeps every field it does not touch (unknown ones too).
 */
export class ConfigStore {
  readonly path: string;
  readonly #lock: FileLock;
  #current: RoutingConfig | undefined;

  constructor(path: string) {
    this.path = path;
    this.#lock = new FileLock(`${path}.lock`);
  }

  /** The configuration in force: the last one that loaded cleanly. Loads on first call. */
  current(): RoutingConfig {
    this.#current ??= this.load();
    return this.#current;
  }

  /** Reads and validates the file (creating it with defaults if missing); throws config_invalid naming the field. */
  load(): RoutingConfig {
    if (!existsSync(this.path)) writeFileAtomic(this.path, `${JSON.stringify(DEFAULT_ROUTING_CONFIG, null, 2)}\n`);
    const config = parseConfig(this.path, this.#readRaw());
    this.#current = config;
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
      writeFileAtomic(this.path, `${JSON.stringify(raw, null, 2)}\n`);
      this.#current = config;
      return config;
    });
  }

  #readRaw(): unknown {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      const reason = isErrnoException(error) ? error.code : 'unreadable';
      throw new KeywayError('config_invalid', `${this.path} cannot be read (${reason}). Check the path and its permissions.`);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      const where = error instanceof SyntaxError ? error.message : 'invalid JSON';
      throw new KeywayError('config_invalid', `${this.path} is not valid JSON (${where}). Fix the file; the last good configuration stays in force.`);
    }
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
