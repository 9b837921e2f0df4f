import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { toErrorInfo } from '../core/errors.js';
import type { ErrorInfo } from '../shared/errors.js';
import { isProviderId, type ProviderId } from '../shared/providers.js';
import type { McpDeps } from './deps.js';

const ENV_VAR_BY_PROVIDER: Record<ProviderId, string> = {
  anthropic: 'ANTHROPIC_API_KEY',
  openai: 'OPENAI_API_KEY',
  google: 'GOOGLE_API_KEY',
  local: 'OLLAMA_API_KEY',
};

/** The conventional environment variable for a provider's key, used in suggestions to the model. */
export function envVarFor(provider: ProviderId): string {
  return ENV_VAR_BY_PROVIDER[provider];
}

/**
 * Runs one tool's work and shapes the answer: the result as structuredContent plus the same JSON
 * as text; an expected failure as `isError: true` with a message the model can act on. Unknown
 * errors keep only their class name (toErrorInfo), so no stack trace or secret reaches the client.
 */
export async function toolResult(
  deps: McpDeps,
  tool: string,
  args: Record<string, unknown>,
  work: () => object | Promise<object>,
): Promise<CallToolResult> {
  try {
    const result = (await work()) as Record<string, unknown>;
    deps.log?.(`${tool} ok`, 'debug');
    return { content: [{ type: 'text', text: JSON.stringify(result) }], structuredContent: result };
  } catch (error) {
    const info = toErrorInfo(error);
    deps.log?.(`${tool} failed: ${info.code}`, 'warning');
    const message = forModel(info, args);
    return { isError: true, content: [{ type: 'text', text: message }], _meta: { 'keyway/error_code': info.code } };
  }
}

/** Rephrases the CLI-flavoured hints of a few codes as the MCP calls that fix them. */
function forModel(info: ErrorInfo, args: Record<string, unknown>): string {
  const provider = isProviderId(args.provider) ? args.provider : undefined;
  if (info.code === 'key_not_found' && provider && info.message.startsWith(`No ${provider} key`)) {
    const label = typeof args.label === 'string' && args.label !== 'default' ? ` labelled "${args.label}"` : '';
    const labelArg = label ? `, label="${String(args.label)}"` : '';
    return `No key for ${provider}${label}. Add one with add_api_key(provider="${provider}", env_var="${envVarFor(provider)}"${labelArg}).`;
  }
  return CLI_HINTS.reduce((text, [pattern, call]) => text.replace(pattern, call), info.message);
}

const PROVIDER = '(anthropic|openai|google|local)';

/** The service's `keyway ...` hints (written for the CLI) as the tool calls a model can make instead. */
const CLI_HINTS: Array<[RegExp, (match: string, ...groups: string[]) => string]> = [
  [
    new RegExp(`keyway keys add ${PROVIDER}(?: --label ([\\w.-]+))?`, 'g'),
    (_m, p, label) => `add_api_key(provider="${p}", env_var="${envVarFor(p as ProviderId)}"${label ? `, label="${label}"` : ''})`,
  ],
  [new RegExp(`keyway keys rotate ${PROVIDER}`, 'g'), (_m, p) => `rotate_key(provider="${p}", env_var="${envVarFor(p as ProviderId)}")`],
  [/keyway keys rotate/g, () => 'rotate_key'],
  [new RegExp(`keyway keys validate ${PROVIDER}`, 'g'), (_m, p) => `validate_key(provider="${p}")`],
  [new RegExp(`keyway providers set ${PROVIDER} --enabled true`, 'g'), (_m, p) => `update_provider_config(provider="${p}", enabled=true)`],
  [/keyway providers set <provider> --models <model>/g, () => 'update_provider_config(provider=..., models=[...])'],
];
