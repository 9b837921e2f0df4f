import { join } from 'node:path';
import { KeywayError, isErrnoException } from '../errors.js';
import { readBoundedSync } from '../fs/bounded-read.js';
import { onFirstUse } from '../on-first-use.js';
import { ownValue } from '../../shared/own-value.js';

const MAX_DOTENV_BYTES = 1024 * 1024;
/** dotenv loads node:crypto at import (for encrypted .env files): only when a .env file is read. */
const dotenv = onFirstUse<typeof import('dotenv')>('dotenv');

/**
 * Finds the value of an environment variable the way the seed did: the caller's environment first
 * (an MCP client's, when it passed one), then the service's own, then a `.env` file in `cwd`.
 */
export function readEnvSecret(name: string, sources: { callerEnv?: NodeJS.ProcessEnv; env: NodeJS.ProcessEnv; cwd: string }): string {
  // Keyway's own secrets are never an API key: storing one would expose its masked tail and
  // fingerprint, and let a client send it wherever that provider's base URL points.
  if (name === 'SECRET_KEY' || name.startsWith('KEYWAY_')) {
    throw new KeywayError('invalid_input', `${name} is one of Keyway's own settings, not a provider API key. Name the variable that holds the key, such as ANTHROPIC_API_KEY.`);
  }
  const direct = ownValue(sources.callerEnv, name) ?? ownValue(sources.env, name);
  if (direct !== undefined && direct !== '') return direct;
  const fromFile = ownValue(readDotEnv(sources.cwd), name);
  if (fromFile !== undefined && fromFile !== '') return fromFile;
  throw new KeywayError(
    'env_var_missing',
    `Environment variable ${name} is not set (looked in the environment and in ${join(sources.cwd, '.env')}). Export it or add it to .env, then try again.`,
  );
}

function readDotEnv(cwd: string): Record<string, string> {
  try {
    return dotenv().parse(readBoundedSync(join(cwd, '.env'), { maxBytes: MAX_DOTENV_BYTES, what: 'The .env file', remedy: 'keep it to variable assignments' }));
  } catch (error) {
    if (isErrnoException(error) && (error.code === 'ENOENT' || error.code === 'EISDIR')) return {};
    throw error;
  }
}
