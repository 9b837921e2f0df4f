import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps } from '../deps.js';
import { registerAddApiKeyTool } from './add-api-key.js';
import { registerCheckBudgetTool } from './check-budget.js';
import { registerEstimateCostTool } from './estimate-cost.js';
import { registerGetBestProviderForCostTool } from './get-best-provider-for-cost.js';
import { registerGetProviderStatsTool } from './get-provider-stats.js';
import { registerGetRoutingRecommendationsTool } from './get-routing-recommendations.js';
import { registerGetUsageTool } from './get-usage.js';
import { registerListApiKeysTool } from './list-api-keys.js';
import { registerRemoveApiKeyTool } from './remove-api-key.js';
import { registerRotateKeyTool } from './rotate-key.js';
import { registerRouteRequestTool } from './route-request.js';
import { registerTrackRequestTool } from './track-request.js';
import { registerUpdateProviderConfigTool } from './update-provider-config.js';
import { registerValidateAllKeysTool } from './validate-all-keys.js';
import { registerValidateKeyTool } from './validate-key.js';

/** The seed's tools, in its order (keys, routing, usage and costs), then the configuration tools. */
export const TOOL_NAMES = [
  'add_api_key',
  'remove_api_key',
  'rotate_key',
  'list_api_keys',
  'validate_key',
  'validate_all_keys',
  'route_request',
  'get_routing_recommendations',
  'get_provider_stats',
  'get_usage',
  'estimate_cost',
  'check_budget',
  'track_request',
  'update_provider_config',
  'get_best_provider_for_cost',
] as const;

export function registerTools(server: McpServer, deps: McpDeps): void {
  registerAddApiKeyTool(server, deps);
  registerRemoveApiKeyTool(server, deps);
  registerRotateKeyTool(server, deps);
  registerListApiKeysTool(server, deps);
  registerValidateKeyTool(server, deps);
  registerValidateAllKeysTool(server, deps);
  registerRouteRequestTool(server, deps);
  registerGetRoutingRecommendationsTool(server, deps);
  registerGetProviderStatsTool(server, deps);
  registerGetUsageTool(server, deps);
  registerEstimateCostTool(server, deps);
  registerCheckBudgetTool(server, deps);
  registerTrackRequestTool(server, deps);
  registerUpdateProviderConfigTool(server, deps);
  registerGetBestProviderForCostTool(server, deps);
}
