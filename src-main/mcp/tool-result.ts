import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { dispatch } from '../core/dispatch.js';
import { toErrorInfo } from '../core/errors.js';
import type { Channel } from '../shared/channels.js';
import type { ErrorInfo } from '../shared/errors.js';
import { ownerOnly, providerEnvVar, remedyCommand, type Remedy } from '../shared/remedy.js';
import { mcpCaller } from './call-context.js';
import type { McpDeps } from './deps.js';

/**
 * Runs one tool as a call of its channel (dispatch validates, authorizes the agent, audits a
 * refusal) and shapes the answer: the result as structuredContent plus the same JSON as text; an
 * expected failure as `isError: true` with a message the model can act on. Unknown errors keep
 * only their class name (toErrorInfo), so no stack trace or secret reaches the client.
 */
export async function callTool(
  deps: McpDeps,
  server: McpServer,
  tool: string,
  channel: Channel,
  args: Record<string, unknown>,
  meta: Record<string, unknown> | undefined,
): Promise<CallToolResult> {
  try {
    const result = (await dispatch(deps.service, channel, args, mcpCaller(server, meta))) as Record<string, unknown>;
    deps.log?.(`${tool} ok`, 'debug');
    return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
  } catch (error) {
    const info = toErrorInfo(error);
    deps.log?.(`${tool} failed: ${info.code}`, 'warning');
    return { isError: true, content: [{ type: 'text', text: forModel(info) }], _meta: { 'keyway/error_code': info.code } };
  }
}

/** The message plus its remedy in MCP's words: the tool call that fixes it, or what to ask the user. */
export function forModel(info: ErrorInfo): string {
  if (!info.remedy) return info.message;
  return `${info.message} ${remedyForModel(info.remedy)}`;
}

function remedyForModel(remedy: Remedy): string {
  if (ownerOnly(remedy)) return `Only the user can do this: ask them to run \`${remedyCommand(remedy)}\` or to make the change in the Keyway app.`;
  const label = 'label' in remedy && remedy.label && remedy.label !== 'default' ? `, label="${remedy.label}"` : '';
  switch (remedy.action) {
    case 'add_key':
      return `Add one with add_api_key(provider="${remedy.provider}", env_var="${providerEnvVar(remedy.provider)}"${label}).`;
    case 'rotate_key':
      return `Replace it with rotate_key(provider="${remedy.provider}", env_var="${providerEnvVar(remedy.provider)}_NEW"${label}).`;
    case 'validate_key':
      return `Check it with validate_key(provider="${remedy.provider}"${label}).`;
    case 'enable_provider':
      return `Enable it with update_provider_config(provider="${remedy.provider}", enabled=true).`;
    default:
      return `Ask the user to run \`${remedyCommand(remedy)}\`.`;
  }
}
