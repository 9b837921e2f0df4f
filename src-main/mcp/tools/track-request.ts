import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps } from '../deps.js';
import { TrackOutput } from '../output-schemas.js';
import { callTool } from '../tool-result.js';
import { TrackRequestInputSchema } from '../../shared/usage.js';
import { MODEL_HELP, PROVIDER_HELP } from './fields.js';

const shape = TrackRequestInputSchema.shape;

export function registerTrackRequestTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'track_request',
    {
      title: 'Track a completed request',
      description:
        'Record one request made to a provider (tokens, model, success, latency) so usage, cost and budgets stay accurate. Returns the stored record with its cost.',
      inputSchema: {
        provider: shape.provider.describe(PROVIDER_HELP),
        input_tokens: shape.input_tokens.describe('Input (prompt) tokens used.'),
        output_tokens: shape.output_tokens.describe('Output (completion) tokens used.'),
        model: shape.model.describe(MODEL_HELP),
        success: shape.success.describe('Did the request succeed? Default true.'),
        latency_ms: shape.latency_ms.describe('How long the request took, in milliseconds.'),
      },
      outputSchema: TrackOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    (args, extra) => callTool(deps, server, 'track_request', 'usage.track', args, extra._meta),
  );
}
