import { unlinkSync } from 'node:fs';
import { KeywayError, isErrnoException } from '../core/errors.js';
import type { KeywayService } from '../core/service.js';
import { TokenStore } from '../core/tokens/token-store.js';
import { createGateway } from '../gateway/gateway.js';
import type { GatewayTokenVerifier } from '../gateway/gateway-token.js';
import { loadOrCreateToken } from '../http/auth.js';
import type { HttpRoute } from '../http/route.js';
import { startHttpServer } from '../http/server.js';
import { mcpHttpEndpoint } from '../mcp/http-route.js';
import { listenMcpSocket } from '../mcp/socket-server.js';
import { pidAlive, readServerInfo, removeServerInfo, socketAnswers, socketPath, writeServerInfo, type ServerInfo } from './server-info.js';
import { registerServiceRpc } from './service-rpc.js';

export { DEFAULT_HTTP_PORT } from './default-port.js';
export const KEYWAY_VERSION = '0.1.0';

export interface KeywayServerOptions {
  service: KeywayService;
  /** 0 picks any free port. */
  port: number;
  /** Secret-free lines for the process log. */
  log?: (line: string) => void;
  /** Extra routes on the shared HTTP server (the tray app's /ui and /api). */
  publicRoutes?: HttpRoute[];
  protectedRoutes?: HttpRoute[];
  /** Where gateway tokens are checked; defaults to the data dir's token store. */
  gatewayTokens?: GatewayTokenVerifier;
}

export interface RunningKeywayServer {
  info: ServerInfo;
  /** The bearer token for HTTP (also in the data dir's http-token file). */
  token: string;
  close(): Promise<void>;
}

/**
 * Serves one KeywayService to other processes: MCP on the data dir's socket (plus the CLI's
 * service RPC), Streamable HTTP at /mcp with the shared HTTP server, and server.json so others
 * find it. Refuses when another live service owns the data dir; takes over a stale server.json.
 * Used by `keyway serve` and by the Electron main process.
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

  const token = loadOrCreateToken(dataDir);
  const deps = { service, transport: 'socket', log: (line: string) => log(line) };
  const socket = await listenMcpSocket(path, deps, (server) => registerServiceRpc(server, service));
  const mcp = mcpHttpEndpoint(deps);
  // The gateway authenticates its own clients (gateway tokens), so it mounts as a public route.
  const gateway = createGateway({ service, tokens: options.gatewayTokens ?? new TokenStore({ dataDir }), log });
  let http;
  try {
    http = await startHttpServer({
      token,
      port: options.port,
      publicRoutes: [gateway.route, ...(options.publicRoutes ?? [])],
      protectedRoutes: [mcp.route, ...(options.protectedRoutes ?? [])],
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
