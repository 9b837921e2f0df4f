import { randomUUID } from 'node:crypto';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { sendJson, type HttpRoute } from '../http/route.js';
import type { McpDeps } from './deps.js';
import { createMcpServer } from './server.js';

export interface McpHttpEndpoint {
  /** Handles /mcp (Streamable HTTP); mount it as a protected route. */
  route: HttpRoute;
  sessions(): number;
  close(): Promise<void>;
}

/** Streamable HTTP at /mcp: one session (and one MCP server) per initialize. */
export function mcpHttpEndpoint(deps: McpDeps): McpHttpEndpoint {
  const transports = new Map<string, StreamableHTTPServerTransport>();

  const route: HttpRoute = async (req, res, url) => {
    if (url.pathname !== '/mcp') return false;
    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? transports.get(sessionId) : undefined;
    if (existing) {
      await existing.handleRequest(req, res);
      return true;
    }
    if (sessionId !== undefined || req.method !== 'POST') {
      sendJson(res, 404, { jsonrpc: '2.0', error: { code: -32001, message: 'Session not found; send initialize first.' }, id: null });
      return true;
    }
    const connection = createMcpServer({ ...deps, transport: 'http' });
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void transports.set(id, transport),
    });
    transport.onclose = () => {
      if (transport.sessionId) transports.delete(transport.sessionId);
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
