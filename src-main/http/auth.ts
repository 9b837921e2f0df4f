import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isErrnoException } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs/atomic-write.js';

const TOKEN_FILE = 'http-token';

/** The bearer token for the local HTTP server: random, created on first run, kept 0600 in the data dir. */
export function loadOrCreateToken(dataDir: string): string {
  const path = join(dataDir, TOKEN_FILE);
  try {
    const existing = readFileSync(path, 'utf8').trim();
    if (/^[A-Za-z0-9_-]{32,}$/.test(existing)) return existing;
  } catch (error) {
    if (!isErrnoException(error) || error.code !== 'ENOENT') throw error;
  }
  const token = randomBytes(32).toString('base64url');
  writeFileAtomic(path, `${token}\n`);
  return token;
}

export function tokenPath(dataDir: string): string {
  return join(dataDir, TOKEN_FILE);
}

/** True when the Authorization header carries `Bearer <token>` (scheme in any case, RFC 9110; constant-time compare). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  if (header?.slice(0, 'Bearer '.length).toLowerCase() !== 'bearer ') return false;
  const given = Buffer.from(header.slice('Bearer '.length).trim());
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * DNS-rebinding defence: a browser tricked into calling 127.0.0.1 under a foreign name still sends
 * that name in Host, and a foreign page sends its own Origin. Only loopback names on our port pass.
 */
export function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false;
  return loopbackAuthorities(port).includes(host.toLowerCase());
}

/** No Origin (a non-browser client) is fine; a browser Origin must be this server itself or an extra allowed one. */
export function originAllowed(origin: string | undefined, port: number, extra: readonly string[] = []): boolean {
  if (origin === undefined) return true;
  const lower = origin.toLowerCase();
  if (extra.includes(lower)) return true;
  return loopbackAuthorities(port).some((authority) => lower === `http://${authority}`);
}

function loopbackAuthorities(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}
