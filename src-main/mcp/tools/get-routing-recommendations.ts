import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps } from '../deps.js';
import { RecommendationsOutput } from '../output-schemas.js';
import { callTool } from '../tool-result.js';
import { RoutingRecommendationsInputSchema } from '../../shared/routing.js';
import { TASK_TYPE_HELP } from './fields.js';

const shape = RoutingRecommendationsInputSchema.shape;

export function registerGetRoutingRecommendationsTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'get_routing_recommendations',
    {
      title: 'Get routing recommendations',
      description:
        'Advice on routing: for each task type (or one), what route_request would pick now and cheaper alternatives with the cost per 1,000 requests, plus warnings such as failing providers, unvalidated keys or budget pressure.',
      inputSchema: {
        task_type: shape.task_type.describe(TASK_TYPE_HELP),
      },
      outputSchema: RecommendationsOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args, extra) => callTool(deps, server, 'get_routing_recommendations', 'routing.recommendations', args, extra._meta),
  );
}
