import { accessSync, chmodSync, constants, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import envPaths from 'env-paths';
import { KeywayError, isErrnoException } from './errors.js';
import { PRIVATE_DIR_MODE } from './fs/atomic-write.js';

/** `--data-dir`, then `KEYWAY_DATA_DIR`, then the platform's app-data folder (`~/.config/keyway` on Linux). */
export function resolveDataDir(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit ?? env.KEYWAY_DATA_DIR;
  if (chosen) return resolve(chosen.replace(/^~(?=$|\/)/, homedir()));
  return envPaths('keyway', { suffix: '' }).config;
}

/** Creates the data dir owner-only (0700) or explains why it cannot be used. */
export function ensureDataDir(dir: string): string {
  try {
    mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    if (process.platform !== 'win32') chmodSync(dir, PRIVATE_DIR_MODE);
    accessSync(dir, constants.R_OK | constants.W_OK | constants.X_OK);
  } catch (error) {
    const reason = isErrnoException(error) ? error.code : error instanceof Error ? error.message : 'unknown';
    throw new KeywayError(
      'data_dir_unusable',
      `Data directory ${dir} cannot be used (${reason}). Fix its permissions or choose another with --data-dir or KEYWAY_DATA_DIR.`,
    );
  }
  return dir;
}

/** The file names inside the data dir, in one place. */
export const dataFiles = (dir: string) => ({
  settings: join(dir, 'settings.json'),
  secrets: join(dir, '.keys.enc'),
  audit: join(dir, 'audit.jsonl'),
  routingConfig: join(dir, 'routing_config.json'),
  lock: join(dir, 'keyway.lock'),
  usage: join(dir, 'usage.db'),
  prices: join(dir, 'prices.json'),
  priceData: join(dir, 'price-data.json'),
});
