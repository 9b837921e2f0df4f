import type { ProviderId } from '../shared/providers.js';

/** Where each provider's native API is mounted on the local server. */
export const GATEWAY_PREFIX = { openai: '/openai', anthropic: '/anthropic', google: '/google', local: '/ollama' } as const satisfies Record<ProviderId, string>;

/** The OpenAI-compatible endpoint for every provider. */
export const COMPAT_PATHS: readonly string[] = ['/v1/chat/completions', '/v1/models'];

const PREFIXES = Object.values(GATEWAY_PREFIX).map((prefix) => `${prefix}/`);

/** Whether a request path belongs to the gateway (what it answers, including its refusals). */
export function isGatewayPath(pathname: string): boolean {
  return COMPAT_PATHS.includes(pathname) || PREFIXES.some((prefix) => pathname.startsWith(prefix));
}
