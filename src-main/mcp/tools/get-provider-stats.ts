import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps } from '../deps.js';
import { ProviderStatsOutput } from '../output-schemas.js';
import { callTool } from '../tool-result.js';
import { ProviderStatsInputSchema } from '../../shared/provider-stats.js';
import { PROVIDER_HELP } from './fields.js';

const shape = ProviderStatsInputSchema.shape;

export function registerGetProviderStatsTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'get_provider_stats',
    {
      title: 'Get provider statistics',
      description:
        'Per provider (or one): enabled, models, keys (masked) and their validation, health and circuit state, request counts, success rate, latency p50/p95, cost today and this month.',
      inputSchema: {
        provider: shape.provider.describe(PROVIDER_HELP),
      },
      outputSchema: ProviderStatsOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args, extra) => callTool(deps, server, 'get_provider_stats', 'providers.stats', args, extra._meta),
  );
}
