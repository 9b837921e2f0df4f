import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps } from '../deps.js';
import { BestForCostOutput } from '../output-schemas.js';
import { callTool } from '../tool-result.js';
import { BestProviderForCostInputSchema } from '../../shared/routing.js';
import { TASK_TYPE_HELP } from './fields.js';

const shape = BestProviderForCostInputSchema.shape;

export function registerGetBestProviderForCostTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'get_best_provider_for_cost',
    {
      title: 'Find the cheapest provider',
      description:
        'Rank the usable providers by estimated cost for a request of this size (optionally for a task type). Returns the cheapest usable one and the full ranking, with the reason for each unusable one.',
      inputSchema: {
        input_tokens: shape.input_tokens.describe('Input (prompt) tokens.'),
        output_tokens: shape.output_tokens.describe('Expected output tokens.'),
        task_type: shape.task_type.describe(TASK_TYPE_HELP),
        min_quality: shape.min_quality.describe('Lowest model tier to accept: basic, standard or premium. Providers below it are ranked after those that meet it.'),
      },
      outputSchema: BestForCostOutput,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args, extra) => callTool(deps, server, 'get_best_provider_for_cost', 'routing.best_for_cost', args, extra._meta),
  );
}
