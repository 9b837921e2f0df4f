import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps } from '../deps.js';
import { ListKeysOutput } from '../output-schemas.js';
import { callTool } from '../tool-result.js';
import { ListKeysInputSchema } from '../../shared/keys.js';
import { PROVIDER_HELP } from './fields.js';

const shape = ListKeysInputSchema.shape;

export function registerListApiKeysTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'list_api_keys',
    {
      title: 'List API keys',
      description: 'List the stored keys (all, or one provider\'s) with masked form, fingerprint, source and last validation. Secrets are never shown.',
      inputSchema: {
        provider: shape.provider.describe(PROVIDER_HELP),
      },
      outputSchema: ListKeysOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args, extra) => callTool(deps, server, 'list_api_keys', 'keys.list', args, extra._meta),
  );
}
