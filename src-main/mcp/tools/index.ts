import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps } from '../deps.js';
import { registerAddApiKeyTool } from './add-api-key.js';
import { registerListApiKeysTool } from './list-api-keys.js';
import { registerRemoveApiKeyTool } from './remove-api-key.js';
import { registerRotateKeyTool } from './rotate-key.js';

/** Every tool, in the seed's order. */
export function registerTools(server: McpServer, deps: McpDeps): void {
  registerAddApiKeyTool(server, deps);
  registerRemoveApiKeyTool(server, deps);
  registerRotateKeyTool(server, deps);
  registerListApiKeysTool(server, deps);
}
