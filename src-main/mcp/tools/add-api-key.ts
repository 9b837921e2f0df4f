import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps } from '../deps.js';
import { AddKeyOutput } from '../output-schemas.js';
import { callTool } from '../tool-result.js';
import { AddKeyInputSchema } from '../../shared/keys.js';
import { API_KEY_HELP, ENV_VAR_HELP, LABEL_HELP, PROVIDER_HELP } from './fields.js';

const shape = AddKeyInputSchema.shape;

export function registerAddApiKeyTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'add_api_key',
    {
      title: 'Add or update an API key',
      description:
        'Store an API key for a provider in the OS keychain (or Keyway\'s encrypted file). Give exactly one of env_var (recommended: the name of an environment variable holding the key) or api_key. Adding again with the same provider and label replaces the key. Returns the masked key and fingerprint, never the secret.',
      inputSchema: {
        provider: shape.provider.describe(PROVIDER_HELP),
        api_key: shape.api_key.describe(API_KEY_HELP('The API key')),
        env_var: shape.env_var.describe(ENV_VAR_HELP),
        label: shape.label.describe(LABEL_HELP),
      },
      outputSchema: AddKeyOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (args, extra) => callTool(deps, server, 'add_api_key', 'keys.add', args, extra._meta),
  );
}
