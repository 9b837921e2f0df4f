import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps } from '../deps.js';
import { CostEstimateOutput } from '../output-schemas.js';
import { toolResult } from '../tool-result.js';
import { modelParam, providerParam, tokensParam } from './fields.js';

export function registerEstimateCostTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'estimate_cost',
    {
      title: 'Estimate the cost of a request',
      description:
        'Estimate the USD cost of a request before making it, from the provider\'s (or the given model\'s) price per 1,000 input and output tokens. cost_usd is null (with a warning) when no price is known.',
      inputSchema: { provider: providerParam, input_tokens: tokensParam('Input (prompt) tokens.'), output_tokens: tokensParam('Expected output (completion) tokens.'), model: modelParam },
      outputSchema: CostEstimateOutput,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) => toolResult(deps, 'estimate_cost', args, () => deps.service.estimateCost(args)),
  );
}
