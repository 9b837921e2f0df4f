import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps } from '../deps.js';
import { RotateKeyOutput } from '../output-schemas.js';
import { callTool } from '../tool-result.js';
import { RotateKeyInputSchema } from '../../shared/keys.js';
import { API_KEY_HELP, ENV_VAR_HELP, LABEL_HELP, PROVIDER_HELP } from './fields.js';

const shape = RotateKeyInputSchema.shape;

export function registerRotateKeyTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'rotate_key',
    {
      title: 'Rotate an API key',
      description:
        'Replace a stored key with a new one. Give exactly one of env_var (recommended: the name of an environment variable holding the new key) or new_api_key. The old key is discarded.',
      inputSchema: {
        provider: shape.provider.describe(PROVIDER_HELP),
        new_api_key: shape.new_api_key.describe(API_KEY_HELP('The new API key')),
        env_var: shape.env_var.describe(ENV_VAR_HELP),
        label: shape.label.describe(LABEL_HELP),
      },
      outputSchema: RotateKeyOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    (args, extra) => callTool(deps, server, 'rotate_key', 'keys.rotate', args, extra._meta),
  );
}
