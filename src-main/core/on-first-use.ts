import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A builtin or CommonJS package loaded the first time a synchronous path needs it, not at start:
 * `keyway budget` and other read-only commands never hash, seal or read a .env file, and every
 * module loaded at start is paid on each run.
 */
export function onFirstUse<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}

/** node:crypto (about 6 ms to load): hashing, sealing, tickets and token ids. */
export const nodeCrypto = onFirstUse<typeof import('node:crypto')>('node:crypto');
