import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SetLevelRequestSchema, type LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import { KEYWAY_VERSION } from '../shared/version.js';
import type { McpDeps } from './deps.js';
import { registerPrompts } from './prompts/index.js';
import { registerResources } from './resources/index.js';
import { registerTools } from './tools/index.js';

export interface McpConnection {
  server: McpServer;
  /** Releases what this connection subscribed to; call when its transport closes. */
  cleanup: () => void;
}

/** One MCP server per connection (stdio, socket or HTTP session), all over the same service. */
export function createMcpServer(deps: McpDeps): McpConnection {
  const server = new McpServer(
    { name: 'keyway', title: 'Keyway', version: KEYWAY_VERSION },
    {
      capabilities: { logging: {}, resources: { subscribe: true, listChanged: false }, prompts: {}, tools: {} },
      instructions:
        'Keyway keeps the user\'s AI-provider API keys in the OS keychain, routes tasks to providers, tracks tokens and cost and enforces budgets. Never ask the user to paste a key into the chat; use env_var.',
    },
  );
  const cleanups: Array<() => void> = [];
  // The client's logging/setLevel; until it sends one, info and above (debug lines stay quiet).
  let clientLevel: LoggingLevel = 'info';
  server.server.setRequestHandler(SetLevelRequestSchema, (request) => {
    clientLevel = request.params.level;
    return {};
  });
  const processLevel = deps.processLogLevel ?? 'info';
  const connection: McpDeps = {
    ...deps,
    log: (line, level = 'info') => {
      if (atLeast(level, processLevel)) deps.log?.(`[${deps.transport}] ${line}`, level);
      if (atLeast(level, clientLevel) && server.isConnected()) {
        server.sendLoggingMessage({ level, logger: 'keyway', data: line }, server.server.transport?.sessionId).catch(() => {});
      }
    },
  };
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

const SEVERITY: readonly LoggingLevel[] = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

function atLeast(level: LoggingLevel, threshold: LoggingLevel): boolean {
  return SEVERITY.indexOf(level) >= SEVERITY.indexOf(threshold);
}
