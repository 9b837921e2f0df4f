import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps, McpLogLevel } from './deps.js';
import { registerPrompts } from './prompts/index.js';
import { registerResources } from './resources/index.js';
import { registerTools } from './tools/index.js';

export interface McpConnection {
  server: McpServer;
  /** Releases what this connection subscribed to; call when its transport closes. */
  cleanup: () => void;
}

const VERSION = '0.1.0';

/** One MCP server per connection (stdio, socket or HTTP session), all over the same service. */
export function createMcpServer(deps: McpDeps): McpConnection {
  const server = new McpServer(
    { name: 'keyway', title: 'Keyway', version: VERSION },
    {
      capabilities: { logging: {}, resources: { subscribe: true, listChanged: false }, prompts: {}, tools: {} },
      instructions:
        'Keyway keeps the user\'s AI-provider API keys in the OS keychain, routes tasks to providers, tracks tokens and cost and enforces budgets. Never ask the user to paste a key into the chat; use env_var.',
    },
  );
  const cleanups: Array<() => void> = [];
  const connection: McpDeps = { ...deps, log: (line, level = 'info') => log(server, deps, line, level) };
  registerTools(server, connection);
  cleanups.push(registerResources(server, connection));
  registerPrompts(server, connection);
  return {
    server,
    cleanup: () => {
      while (cleanups.length > 0) cleanups.pop()!();
    },
  };
}

/** Writes to the process log and, as `notifications/message`, to the client at or above its logging/setLevel. */
function log(server: McpServer, deps: McpDeps, line: string, level: McpLogLevel): void {
  deps.log?.(`[${deps.transport}] ${line}`, level);
  if (!server.isConnected()) return;
  server.sendLoggingMessage({ level, logger: 'keyway', data: line }, server.server.transport?.sessionId).catch(() => {});
}
