import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { KeywayError, isErrnoException } from '../errors.js';

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
  const direct = sources.callerEnv?.[name] ?? sources.env[name];
  if (direct !== undefined && direct !== '') return direct;
  const fromFile = readDotEnv(sources.cwd)[name];
  if (fromFile !== undefined && fromFile !== '') return fromFile;
  throw new KeywayError(
    'env_var_missing',
    `Environment variable ${name} is not set (looked in the environment and in ${join(sources.cwd, '.env')}). Export it or add it to .env, then try again.`,
  );
}

function readDotEnv(cwd: string): Record<string, string> {
  try {
    return parse(readFileSync(join(cwd, '.env')));
  } catch (error) {
    if (isErrnoException(error) && (error.code === 'ENOENT' || error.code === 'EISDIR')) return {};
    throw error;
  }
}
