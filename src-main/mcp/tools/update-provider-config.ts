import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps } from '../deps.js';
import { mcpCallContext } from '../call-context.js';
import { requireMcpKeyChanges, requireMcpSafeBaseUrl } from '../key-changes.js';
import { UpdateProviderConfigOutput } from '../output-schemas.js';
import { toolResult } from '../tool-result.js';
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
        base_url: shape.base_url.describe("API base URL (http or https): the provider's own API or a server on this machine (localhost); null removes it. Other hosts only by the user, in the Keyway app or CLI, since the key is sent there."),
      },
      outputSchema: UpdateProviderConfigOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (args, extra) =>
      toolResult(deps, 'update_provider_config', args, () => {
        requireMcpKeyChanges(deps.service, 'update_provider_config');
        const { provider, ...patch } = args;
        requireMcpSafeBaseUrl(provider, patch.base_url);
        return deps.service.updateProviderConfig(provider, patch, mcpCallContext(server, extra._meta));
      }),
  );
}
