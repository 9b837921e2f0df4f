import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A plain HTTP request with full control over Host/Origin/Authorization (fetch would rewrite Host). */
export function rawRequest(
  port: number,
  options: { method?: string; path?: string; headers?: Record<string, string | undefined>; body?: string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path ?? '/', headers: definedHeaders({ host: `127.0.0.1:${port}`, ...options.headers }) },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Drops headers given as undefined, so a test can remove a default one (e.g. `authorization: undefined`). */
function definedHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter((e): e is [string, string] => e[1] !== undefined));
}

/** An `authenticate` for startHttpServer that knows exactly these tokens (tests that need no token store). */
export function knownTokens(tokens: Record<string, import('../../src-main/shared/tokens.js').TokenKind>): (token: string | undefined) => import('../../src-main/shared/tokens.js').TokenRecord | null {
  return (token) => {
    const kind = token === undefined ? undefined : tokens[token];
    if (kind === undefined || !Object.hasOwn(tokens, token!)) return null;
    return { id: `tok_${'0'.repeat(11)}${Object.keys(tokens).indexOf(token!)}`, name: kind, kind, created_at: new Date(0).toISOString(), expires_at: null, revoked_at: null, last_used_at: null, scope: {} };
  };
}
