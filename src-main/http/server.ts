import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TokenKind, TokenRecord } from '../shared/tokens.js';
import { bearerToken, hostAllowed, originAllowed } from './auth.js';
import { sendJson, type HttpRoute } from './route.js';

export interface HttpServerOptions {
  /** The record of a bearer token that is known, not revoked and not expired; null otherwise. */
  authenticate: (token: string | undefined) => TokenRecord | null;
  /** 0 picks any free port. */
  port: number;
  /** Always loopback; the option exists only so tests can name it explicitly. */
  host?: '127.0.0.1';
  /** Answer without a token (Host/Origin still checked): e.g. /ui static files that carry no data. */
  publicRoutes?: HttpRoute[];
  /**
   * Routes behind `Authorization: Bearer <token>`, by the kind of token that opens them: a token
   * opens only its own kind's routes (the dashboard token /api, editor tokens /mcp, gateway tokens
   * the gateway). Each route gets the token's record.
   */
  routes?: Partial<Record<TokenKind, HttpRoute[]>>;
  /** Extra browser origins allowed besides the server's own (lower-case, e.g. 'http://localhost:5173' in dev). */
  allowedOrigins?: string[];
  /** A secret-free line per refused or failed request. */
  log?: (line: string) => void;
}

export interface RunningHttpServer {
  server: Server;
  port: number;
  /** http://127.0.0.1:<port> (no trailing slash). */
  origin: string;
  close(): Promise<void>;
}

/**
 * The one local HTTP server (shared by /mcp, /api, /ui and the gateway). Every request first passes
 * the Host/Origin checks (DNS rebinding), then public routes are tried in order, then, with a valid
 * bearer token, the routes of that token's kind only; anything else is refused. Tokens are never
 * echoed or logged.
 *
 * Stable API for other fronts: pass `publicRoutes` / `routes[kind]` (see HttpRoute in route.ts).
 */
const OPENS: Record<TokenKind, string> = {
  dashboard: 'The dashboard token opens /ui and /api.',
  editor: 'Editor tokens open only /mcp.',
  gateway: 'Gateway tokens open only the gateway.',
};

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const publicRoutes = options.publicRoutes ?? [];
  const routes = options.routes ?? {};
  let port = options.port;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', `http://${host}:${port}`);
    if (!hostAllowed(req.headers.host, port)) {
      log(`refused ${req.method} ${url.pathname}: foreign Host header`);
      return sendJson(res, 403, { error: { code: 'forbidden', message: 'Host header is not this local server; requests must use 127.0.0.1 or localhost.' } });
    }
    if (!originAllowed(req.headers.origin, port, options.allowedOrigins)) {
      log(`refused ${req.method} ${url.pathname}: foreign Origin`);
      return sendJson(res, 403, { error: { code: 'forbidden', message: 'Requests from other web origins are refused.' } });
    }
    for (const route of publicRoutes) if (await route(req, res, url)) return;
    const holder = options.authenticate(bearerToken(req.headers.authorization));
    if (!holder) {
      log(`refused ${req.method} ${url.pathname}: missing, unknown, revoked or expired bearer token`);
      res.setHeader('www-authenticate', 'Bearer realm="keyway"');
      return sendJson(res, 401, {
        error: {
          code: 'forbidden',
          message: 'Missing, unknown, revoked or expired bearer token. Editors get theirs from `keyway mcp-config <editor> --http`; the dashboard token is in the http-token file of the Keyway data dir.',
        },
      });
    }
    for (const route of routes[holder.kind] ?? []) if (await route(req, res, url, holder)) return;
    log(`refused ${req.method} ${url.pathname}: not open to a ${holder.kind} token`);
    sendJson(res, 403, {
      error: { code: 'forbidden', message: `A ${holder.kind} token does not open ${url.pathname} (or nothing is there). ${OPENS[holder.kind]}` },
    });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`request ${req.method} failed: ${error instanceof Error ? error.name : typeof error}`);
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'internal', message: 'Internal error.' } });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    origin: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
