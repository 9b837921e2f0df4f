import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { McpDeps } from '../deps.js';
import { mcpCallContext } from '../call-context.js';
import { TrackOutput } from '../output-schemas.js';
import { toolResult } from '../tool-result.js';
import { modelParam, providerParam, tokensParam } from './fields.js';

export function registerTrackRequestTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'track_request',
    {
      title: 'Track a completed request',
      description:
        'Record one request made to a provider (tokens, model, success, latency) so usage, cost and budgets stay accurate. Returns the stored record with its cost.',
      inputSchema: { provider: providerParam, input_tokens: tokensParam('Input (prompt) tokens used.'), output_tokens: tokensParam('Output (completion) tokens used.'), model: modelParam, success: z.boolean().optional().describe('Did the request succeed? Default true.'), latency_ms: z.number().int().min(0).max(86_400_000).optional().describe('How long the request took, in milliseconds.') },
      outputSchema: TrackOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (args, extra) => toolResult(deps, 'track_request', args, () => deps.service.trackRequest(args, mcpCallContext(server, extra._meta))),
  );
}
