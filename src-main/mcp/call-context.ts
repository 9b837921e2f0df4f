import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Caller } from '../shared/caller.js';
import { ENV_VAR_PATTERN } from '../shared/keys.js';

/**
 * `_meta` key under which the stdio bridge forwards the value of the one environment variable a
 * tool call names (`env_var`), taken from the editor-launched process. Nothing else of that
 * environment ever travels. A value sent here is the client's own, no more trusted than `api_key`.
 */
export const CALLER_ENV_META = 'keyway/caller_env';

const MAX_NAME = 64;

/** `mcp:<client name>@<version>` from the initialize handshake, made safe for the audit log. */
export function mcpActor(server: McpServer): string {
  const client = server.server.getClientVersion();
  return `mcp:${clean(client?.name ?? 'unknown')}@${clean(client?.version ?? '?')}`;
}

/** Every MCP session is an agent, whatever its transport; nothing the client sends changes that. */
export function mcpCaller(server: McpServer, meta: Record<string, unknown> | undefined): Caller {
  const callerEnv = forwardedEnv(meta?.[CALLER_ENV_META]);
  const actor = mcpActor(server);
  return callerEnv ? { principal: 'agent', actor, callerEnv } : { principal: 'agent', actor };
}

/** Accepts only `{ NAME: "value" }` pairs with well-formed names; anything else is ignored. */
function forwardedEnv(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const env: Record<string, string> = {};
  for (const [name, v] of Object.entries(value).slice(0, 4)) {
    if (ENV_VAR_PATTERN.test(name) && typeof v === 'string' && v.length <= 4096) env[name] = v;
  }
  return Object.keys(env).length > 0 ? env : undefined;
}

function clean(text: string): string {
  return text.replace(/[^\w.\- ]/g, '_').slice(0, MAX_NAME) || '?';
}
