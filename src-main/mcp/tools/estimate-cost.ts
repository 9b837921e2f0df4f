import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps } from '../deps.js';
import { CostEstimateOutput } from '../output-schemas.js';
import { toolResult } from '../tool-result.js';
import { EstimateCostInputSchema } from '../../shared/usage.js';
import { MODEL_HELP, PROVIDER_HELP } from './fields.js';

const shape = EstimateCostInputSchema.shape;

export function registerEstimateCostTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'estimate_cost',
    {
      title: 'Estimate the cost of a request',
      description:
        'Estimate the USD cost of a request before making it, from the provider\'s (or the given model\'s) current price. The result names the price entry used (priced_as), its source (seed, catalog, prices.json override) and data version, and the long-prompt tier billed, if any. cost_usd is null (with a warning) when no price is known.',
      inputSchema: {
        provider: shape.provider.describe(PROVIDER_HELP),
        input_tokens: shape.input_tokens.describe('Input (prompt) tokens.'),
        output_tokens: shape.output_tokens.describe('Expected output (completion) tokens.'),
        model: shape.model.describe(MODEL_HELP),
      },
      outputSchema: CostEstimateOutput,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) => toolResult(deps, 'estimate_cost', args, () => deps.service.estimateCost(args)),
  );
}
