import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps } from '../deps.js';
import { RemoveKeyOutput } from '../output-schemas.js';
import { callTool } from '../tool-result.js';
import { KeyRefSchema } from '../../shared/keys.js';
import { LABEL_HELP, PROVIDER_HELP } from './fields.js';

const shape = KeyRefSchema.shape;

export function registerRemoveApiKeyTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'remove_api_key',
    {
      title: 'Remove an API key',
      description: 'Delete a provider\'s stored key (the default one, or the one with this label) from the vault. Cannot be undone; confirm with the user first.',
      inputSchema: {
        provider: shape.provider.describe(PROVIDER_HELP),
        label: shape.label.describe(LABEL_HELP),
      },
      outputSchema: RemoveKeyOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    (args, extra) => callTool(deps, server, 'remove_api_key', 'keys.remove', args, extra._meta),
  );
}
