import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps } from '../deps.js';
import { UsageOutput } from '../output-schemas.js';
import { callTool } from '../tool-result.js';
import { GetUsageInputSchema } from '../../shared/usage.js';
import { PROVIDER_HELP } from './fields.js';

const shape = GetUsageInputSchema.shape;

export function registerGetUsageTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'get_usage',
    {
      title: 'Get usage statistics',
      description:
        'Requests, tokens and cost (USD) over the last N days (default 30), in total, per provider, per model and per day. Optionally for one provider.',
      inputSchema: {
        provider: shape.provider.describe(PROVIDER_HELP),
        days: shape.days.describe('How many days back, today included. Default 30.'),
      },
      outputSchema: UsageOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args, extra) => callTool(deps, server, 'get_usage', 'usage.get', args, extra._meta),
  );
}
