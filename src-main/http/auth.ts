import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TokenStore } from '../core/tokens/token-store.js';
import { isErrnoException } from '../core/errors.js';
import { writeFileAtomic } from '../core/fs/atomic-write.js';

const TOKEN_FILE = 'http-token';

/**
 * The dashboard token (opens /ui and /api with the owner's powers): kept in plaintext only in the
 * data dir's `http-token` file (0600), so the owner's tray app and `keyway serve` can hand it to the
 * browser; the token store holds its hash like any other token. A missing, revoked or unknown token
 * in the file (an older install's shared token among them) is replaced by a new one.
 */
export async function dashboardToken(tokens: TokenStore, dataDir: string): Promise<string> {
  const existing = readDashboardToken(dataDir);
  if (existing && tokens.verify(existing, 'dashboard')) return existing;
  const { token } = await tokens.create({ kind: 'dashboard', name: 'dashboard' });
  writeFileAtomic(tokenPath(dataDir), `${token}\n`);
  return token;
}

/** The dashboard token as the file holds it (not checked against the store), if any. */
export function readDashboardToken(dataDir: string): string | undefined {
  try {
    return readFileSync(tokenPath(dataDir), 'utf8').trim() || undefined;
  } catch (error) {
    if (!isErrnoException(error) || error.code !== 'ENOENT') throw error;
    return undefined;
  }
}

export function tokenPath(dataDir: string): string {
  return join(dataDir, TOKEN_FILE);
}

/** The token of an `Authorization: Bearer <token>` header (scheme in any case, RFC 9110). */
export function bearerToken(header: string | undefined): string | undefined {
  if (header?.slice(0, 'Bearer '.length).toLowerCase() !== 'bearer ') return undefined;
  return header.slice('Bearer '.length).trim();
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
