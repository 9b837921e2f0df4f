import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps } from '../deps.js';
import { BudgetOutput } from '../output-schemas.js';
import { toolResult } from '../tool-result.js';

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
    (args) => toolResult(deps, 'check_budget', args, () => deps.service.checkBudget()),
  );
}
