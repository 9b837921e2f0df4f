import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { McpDeps } from '../deps.js';
import { KeyValidationOutput } from '../output-schemas.js';
import { callTool } from '../tool-result.js';
import { ValidateKeyInputSchema } from '../../shared/validation.js';
import { LABEL_HELP, PROVIDER_HELP } from './fields.js';

const shape = ValidateKeyInputSchema.shape;

export function registerValidateKeyTool(server: McpServer, deps: McpDeps): void {
  server.registerTool(
    'validate_key',
    {
      title: 'Validate an API key',
      description:
        'Check one stored key: its format, then (unless offline=true) one authenticated request to the provider. Stores and returns the outcome (valid, invalid, rate_limited, unreachable, ...) with what to do next. Never returns the key.',
      inputSchema: {
        provider: shape.provider.describe(PROVIDER_HELP),
        label: shape.label.describe(LABEL_HELP),
        offline: shape.offline.describe('true: format check only, no network call. Default false.'),
      },
      outputSchema: KeyValidationOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    (args, extra) => callTool(deps, server, 'validate_key', 'keys.validate', args, extra._meta),
  );
}
