import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps } from '../deps.js';
import { mcpCallContext } from '../call-context.js';
import { requireMcpKeyChanges } from '../key-changes.js';
import { RotateKeyOutput } from '../output-schemas.js';
import { toolResult } from '../tool-result.js';
import { envVarParam, labelParam, providerParam, secretParam } from './fields.js';

export function registerRotateKeyTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'rotate_key',
    {
      title: 'Rotate an API key',
      description:
        'Replace a stored key with a new one. Give exactly one of env_var (recommended: the name of an environment variable holding the new key) or new_api_key. The old key is discarded.',
      inputSchema: { provider: providerParam, new_api_key: secretParam('The new API key'), env_var: envVarParam, label: labelParam },
      outputSchema: RotateKeyOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    (args, extra) =>
      toolResult(deps, 'rotate_key', args, () => {
        requireMcpKeyChanges(deps.service, 'rotate_key');
        return deps.service.rotateKey(args, mcpCallContext(server, extra._meta));
      }),
  );
}
