import { unlinkSync } from 'node:fs';
import { KeywayError, isErrnoException } from '../core/errors.js';
import type { KeywayService } from '../core/service.js';
import { lazyGateway } from '../gateway/lazy-gateway.js';
import type { GatewayTokenVerifier } from '../gateway/gateway-token.js';
import { apiRoutes } from '../http/api-routes.js';
import { dashboardToken } from '../http/auth.js';
import type { HttpRoute } from '../http/route.js';
import { startHttpServer } from '../http/server.js';
import { staticUiRoutes } from '../http/static-ui.js';
import { mcpHttpEndpoint } from '../mcp/http-route.js';
import { listenMcpSocket } from '../mcp/socket-server.js';
import type { TokenKind } from '../shared/tokens.js';
import { KEYWAY_VERSION } from '../shared/version.js';
import { registerOwnerRpc } from './owner-rpc.js';
import { pidAlive, readServerInfo, removeServerInfo, socketAnswers, socketPath, writeServerInfo, type ServerInfo } from './server-info.js';

export { DEFAULT_HTTP_PORT } from './default-port.js';

export interface KeywayServerOptions {
  service: KeywayService;
  /** 0 picks any free port. */
  port: number;
  /** Secret-free lines for the process log. */
  log?: (line: string) => void;
  /** The built renderer served at /ui (default: the one next to the CLI build). */
  uiDir?: string;
  /** More routes behind tokens of a kind. */
  routes?: Partial<Record<TokenKind, HttpRoute[]>>;
  /** Where gateway tokens are checked; defaults to the service's token store (gateway tokens only). */
  gatewayTokens?: GatewayTokenVerifier;
}

export interface RunningKeywayServer {
  info: ServerInfo;
  /** The dashboard token (opens /ui and /api; also in the data dir's http-token file). */
  token: string;
  close(): Promise<void>;
}

/**
 * Serves one KeywayService to other processes, wired once here for `keyway serve` and the tray app:
 * MCP on the data dir's socket (agents) plus the owner CLI's `keyway/call`; on 127.0.0.1, /ui
 * (public files), /api (dashboard token: the owner's GUI) and /mcp (editor tokens: agents); and
 * server.json so others find it. Refuses when another live service owns the data dir; takes over a
 * stale server.json.
 */
export async function startKeywayServer(options: KeywayServerOptions): Promise<RunningKeywayServer> {
  const { service } = options;
  const log = options.log ?? (() => {});
  const dataDir = service.dataDir;
  const path = socketPath(dataDir);
  const existing = readServerInfo(dataDir);
  if (existing && existing.pid !== process.pid && pidAlive(existing.pid)) {
    throw new KeywayError(
      'service_running',
      `Keyway is already serving ${dataDir} (pid ${existing.pid}, ${existing.mcp_url}, socket ${existing.socket}). Stop it first, or use another --data-dir.`,
    );
  }
  if (await socketAnswers(path)) {
    throw new KeywayError('service_running', `Another Keyway process answers on ${path}. Stop it first, or use another --data-dir.`);
  }
  if (existing) log(`taking over stale server.json (pid ${existing.pid} is gone)`);

  const token = await dashboardToken(service.tokens, dataDir);
  const deps = { service, transport: 'socket', log: (line: string) => log(line) };
  const socket = await listenMcpSocket(path, deps, (server) => registerOwnerRpc(server, service));
  const mcp = mcpHttpEndpoint(deps);
  const extra = options.routes ?? {};
  // The gateway finds its clients' tokens in whichever header their SDK uses (x-api-key,
  // x-goog-api-key, Authorization), so it mounts as a public route and checks gateway tokens itself.
  const gateway = lazyGateway({ service, tokens: options.gatewayTokens ?? { verify: (presented) => service.tokens.verify(presented, 'gateway') }, log });
  let http;
  try {
    http = await startHttpServer({
      authenticate: (bearer) => service.tokens.verify(bearer),
      port: options.port,
      publicRoutes: [gateway.route, ...staticUiRoutes(options.uiDir)],
      routes: {
        dashboard: [...apiRoutes(service), ...(extra.dashboard ?? [])],
        editor: [mcp.route, ...(extra.editor ?? [])],
        gateway: extra.gateway ?? [],
      },
      log,
    });
  } catch (error) {
    await gateway.close();
    await socket.close();
    removeSocketFile(path);
    if (isErrnoException(error) && error.code === 'EADDRINUSE') {
      throw new KeywayError('invalid_input', `Port ${options.port} on 127.0.0.1 is in use. Choose another with --port or KEYWAY_PORT (0 picks any free port).`);
    }
    throw error;
  }

  const info: ServerInfo = {
    pid: process.pid,
    socket: path,
    mcp_url: `${http.origin}/mcp`,
    http_origin: http.origin,
    started_at: service.now().toISOString(),
    version: KEYWAY_VERSION,
  };
  writeServerInfo(dataDir, info);
  service.startBackgroundTasks();

  let closing: Promise<void> | undefined;
  return {
    info,
    token,
    close: () =>
      (closing ??= (async () => {
        await mcp.close();
        await http.close();
        await gateway.close();
        await socket.close();
        removeSocketFile(path);
        removeServerInfo(dataDir, process.pid);
      })()),
  };
}

function removeSocketFile(path: string): void {
  if (process.platform === 'win32') return;
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
