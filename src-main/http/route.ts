import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenRecord } from '../shared/tokens.js';

/**
 * One handler on the local HTTP server. Return true when it answered the request, false to let the
 * next route try. `url` is the parsed request URL (always http://127.0.0.1:<port>/...).
 * Routes run after the server's Host/Origin checks (and, for routes behind a token, the bearer
 * token check), so a route never re-checks them; `holder` is the record of the token presented.
 */
export type HttpRoute = (req: IncomingMessage, res: ServerResponse, url: URL, holder?: TokenRecord) => Promise<boolean>;

/** Sends a JSON body with the given status; the one way routes answer with JSON. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}
