import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps } from '../deps.js';
import { UpdateProviderConfigOutput } from '../output-schemas.js';
import { callTool } from '../tool-result.js';
import { UpdateProviderConfigInputSchema } from '../../shared/config.js';
import { PROVIDER_HELP } from './fields.js';

const shape = UpdateProviderConfigInputSchema.shape;

export function registerUpdateProviderConfigTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'update_provider_config',
    {
      title: 'Update a provider\'s configuration',
      description:
        'Change one provider\'s block in routing_config.json: enable or disable it, its models, its rate limit (requests per minute) or its base URL. Only the fields given change.',
      inputSchema: {
        provider: shape.provider.describe(PROVIDER_HELP),
        enabled: shape.enabled.describe('false stops routing to this provider.'),
        models: shape.models.describe('Model ids this provider offers, preferred first.'),
        rate_limit: shape.rate_limit.describe('Requests per minute.'),
        base_url: shape.base_url.describe("API base URL: only the provider's official API; null removes a custom one. Keyway sends the key there, so proxies and other hosts are set by the user in the Keyway app or CLI."),
      },
      outputSchema: UpdateProviderConfigOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (args, extra) => callTool(deps, server, 'update_provider_config', 'providers.update', args, extra._meta),
  );
}
