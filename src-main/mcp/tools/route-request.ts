import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps } from '../deps.js';
import { RouteOutput } from '../output-schemas.js';
import { callTool } from '../tool-result.js';
import { RouteRequestInputSchema } from '../../shared/routing.js';
import { TASK_TYPE_HELP } from './fields.js';

const shape = RouteRequestInputSchema.shape;

export function registerRouteRequestTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'route_request',
    {
      title: 'Route a request to the best provider',
      description:
        'Pick the provider and model for a task type (e.g. code_generation, code_review, chat, analysis, data_extraction, embeddings): the preferred provider if usable, else the task\'s provider from the routing table, else the fallback order. Explains the choice and every provider skipped (no key, disabled, unhealthy, over budget, ...).',
      inputSchema: {
        task_type: shape.task_type.describe(TASK_TYPE_HELP),
        preferred_provider: shape.preferred_provider.describe('Try this provider first.'),
        enable_fallback: shape.enable_fallback.describe('Fall back to other providers when the first choice is unusable. Default true.'),
        estimated_input_tokens: shape.estimated_input_tokens.describe('Expected input tokens, to price the choice and check it against the budget.'),
        estimated_output_tokens: shape.estimated_output_tokens.describe('Expected output tokens, to price the choice and check it against the budget.'),
      },
      outputSchema: RouteOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args, extra) => callTool(deps, server, 'route_request', 'routing.route', args, extra._meta),
  );
}
