import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bearerMatches, hostAllowed, originAllowed } from './auth.js';
import { sendJson, type HttpRoute } from './route.js';

export interface HttpServerOptions {
  /** Bearer token required by /mcp and every protected route. */
  token: string;
  /** 0 picks any free port. */
  port: number;
  /** Always loopback; the option exists only so tests can name it explicitly. */
  host?: '127.0.0.1';
  /** Answer without a token (Host/Origin still checked): e.g. /ui static files that carry no data. */
  publicRoutes?: HttpRoute[];
  /** Need `Authorization: Bearer <token>`: /mcp, /api/*. */
  protectedRoutes?: HttpRoute[];
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
 * The one local HTTP server (shared by /mcp, /api and /ui). Every request first passes the
 * Host/Origin checks (DNS rebinding), then public routes are tried in order, then, with a valid
 * bearer token, protected routes; anything else is a 404. The token is never echoed or logged.
 *
 * Stable API for other fronts: pass `publicRoutes` / `protectedRoutes` (see HttpRoute in route.ts).
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? (() => {});
  const publicRoutes = options.publicRoutes ?? [];
  const protectedRoutes = options.protectedRoutes ?? [];
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
    if (!bearerMatches(req.headers.authorization, options.token)) {
      log(`refused ${req.method} ${url.pathname}: missing or wrong bearer token`);
      res.setHeader('www-authenticate', 'Bearer realm="keyway"');
      return sendJson(res, 401, {
        error: { code: 'forbidden', message: 'Missing or wrong bearer token. Send Authorization: Bearer <token> from the http-token file in the Keyway data dir (see keyway mcp-config --http).' },
      });
    }
    for (const route of protectedRoutes) if (await route(req, res, url)) return;
    sendJson(res, 404, { error: { code: 'invalid_input', message: `Nothing at ${url.pathname}.` } });
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
