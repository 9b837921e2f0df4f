import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps } from '../deps.js';
import { BudgetOutput } from '../output-schemas.js';
import { callTool } from '../tool-result.js';

export function registerCheckBudgetTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'check_budget',
    {
      title: 'Check the budget',
      description:
        'Daily and monthly spend against the limits (overall and per provider): spent, remaining, percent used and status ok / warning / exceeded, with any alerts.',
      inputSchema: {},
      outputSchema: BudgetOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args, extra) => callTool(deps, server, 'check_budget', 'budget.check', args, extra._meta),
  );
}
