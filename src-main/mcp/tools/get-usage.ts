import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { McpDeps } from '../deps.js';
import { UsageOutput } from '../output-schemas.js';
import { toolResult } from '../tool-result.js';
import { providerParam } from './fields.js';

export function registerGetUsageTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'get_usage',
    {
      title: 'Get usage statistics',
      description:
        'Requests, tokens and cost (USD) over the last N days (default 30), in total, per provider, per model and per day. Optionally for one provider.',
      inputSchema: { provider: providerParam.optional(), days: z.number().int().min(1).max(36600).optional().describe('How many days back, today included. Default 30.') },
      outputSchema: UsageOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) => toolResult(deps, 'get_usage', args, () => deps.service.getUsage(args)),
  );
}
