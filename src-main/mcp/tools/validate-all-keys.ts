import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps } from '../deps.js';
import { ValidateAllKeysOutput } from '../output-schemas.js';
import { callTool } from '../tool-result.js';
import { ValidateAllKeysInputSchema } from '../../shared/validation.js';

const shape = ValidateAllKeysInputSchema.shape;

export function registerValidateAllKeysTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'validate_all_keys',
    {
      title: 'Validate all API keys',
      description:
        'Check every stored key (format, then unless offline=true a live request to each provider). Returns one result per key plus counts of valid and failed keys.',
      inputSchema: {
        offline: shape.offline.describe('true: format checks only, no network calls. Default false.'),
      },
      outputSchema: ValidateAllKeysOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    (args, extra) => callTool(deps, server, 'validate_all_keys', 'keys.validate_all', args, extra._meta),
  );
}
