import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps } from '../deps.js';
import { mcpCallContext } from '../call-context.js';
import { requireMcpKeyChanges } from '../key-changes.js';
import { AddKeyOutput } from '../output-schemas.js';
import { toolResult } from '../tool-result.js';
import { envVarParam, labelParam, providerParam, secretParam } from './fields.js';

export function registerAddApiKeyTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'add_api_key',
    {
      title: 'Add or update an API key',
      description:
        'Store an API key for a provider in the OS keychain (or Keyway\'s encrypted file). Give exactly one of env_var (recommended: the name of an environment variable holding the key) or api_key. Adding again with the same provider and label replaces the key. Returns the masked key and fingerprint, never the secret.',
      inputSchema: { provider: providerParam, api_key: secretParam('The API key'), env_var: envVarParam, label: labelParam },
      outputSchema: AddKeyOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (args, extra) =>
      toolResult(deps, 'add_api_key', args, () => {
        requireMcpKeyChanges(deps.service, 'add_api_key');
        return deps.service.addKey(args, mcpCallContext(server, extra._meta));
      }),
  );
}
