import { randomUUID } from 'node:crypto';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { sendJson, type HttpRoute } from '../http/route.js';
import type { McpDeps } from './deps.js';
import { MAX_MESSAGE_BYTES } from './message-size.js';
import { createMcpServer } from './server.js';

export interface McpHttpEndpoint {
  /** Handles /mcp (Streamable HTTP); mount it as a protected route. */
  route: HttpRoute;
  sessions(): number;
  close(): Promise<void>;
}

/** Sessions kept at most; past it the least recently used one is closed (a client that vanished never says goodbye). */
export const DEFAULT_MAX_HTTP_SESSIONS = 64;

/** Streamable HTTP at /mcp: one session (and one MCP server) per initialize. */
export function mcpHttpEndpoint(deps: McpDeps, options: { maxSessions?: number } = {}): McpHttpEndpoint {
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_HTTP_SESSIONS;
  // Insertion order is recency order: each request moves its session to the end.
  const transports = new Map<string, StreamableHTTPServerTransport>();
  /** Which token opened each session: a session answers only the token that opened it. */
  const holders = new Map<string, string | undefined>();

  const route: HttpRoute = async (req, res, url, holder) => {
    if (url.pathname !== '/mcp') return false;
    const sessionId = req.headers['mcp-session-id'];
    const found = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
    const existing = found && holders.get(sessionId as string) === holder?.id ? found : undefined;
    if (existing) {
      transports.delete(sessionId as string);
      transports.set(sessionId as string, existing);
      await existing.handleRequest(req, res);
      return true;
    }
    if (sessionId !== undefined || req.method !== 'POST') {
      sendJson(res, 404, { jsonrpc: '2.0', error: { code: -32001, message: 'Session not found; send initialize first.' }, id: null });
      return true;
    }
    const connection = createMcpServer({ ...deps, transport: 'http' });
    // Loaded with the first HTTP session: a server no editor talks to over HTTP does not carry it.
    const { StreamableHTTPServerTransport } = await import('@modelcontextprotocol/sdk/server/streamableHttp.js');
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      // The same bound as stdio and the socket (the SDK's default is 4 MiB); larger bodies get 413.
      maxRequestBodySize: MAX_MESSAGE_BYTES,
      onsessioninitialized: (id) => {
        transports.set(id, transport);
        holders.set(id, holder?.id);
        if (transports.size > maxSessions) {
          const [oldest] = transports.values();
          deps.log?.('closing the least recently used HTTP session (session limit reached)', 'info');
          void oldest?.close().catch(() => {});
        }
      },
    });
    transport.onclose = () => {
      if (transport.sessionId) {
        transports.delete(transport.sessionId);
        holders.delete(transport.sessionId);
      }
      connection.cleanup();
    };
    await connection.server.connect(transport);
    await transport.handleRequest(req, res);
    if (!transport.sessionId) {
      // Not an initialize request: the transport answered with an error; drop the unused server.
      await connection.server.close();
    }
    return true;
  };

  return {
    route,
    sessions: () => transports.size,
    close: async () => {
      await Promise.all([...transports.values()].map((t) => t.close().catch(() => {})));
      transports.clear();
    },
  };
}
