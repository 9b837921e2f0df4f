import type { ProviderId } from '../shared/providers.js';

/** The parts of a token record (core/tokens/token-store.ts) the gateway acts on. */
export interface GatewayToken {
  id: string;
  name: string;
  kind: string;
  scope?: { providers?: ProviderId[]; max_spend_usd?: number; project?: string };
}

/** Checks a presented token: the record when it is known, unrevoked and unexpired, else null. */
export interface GatewayTokenVerifier {
  verify(token: string): GatewayToken | null | Promise<GatewayToken | null>;
}

const BEARER = /^bearer\s+(.+)$/i;

/**
 * The token a client presented, from whichever header its SDK puts the provider key in:
 * `Authorization: Bearer` (OpenAI, Ollama), `x-api-key` (Anthropic), `x-goog-api-key` (Gemini),
 * or, as a last resort, Gemini's `?key=` query parameter (which the gateway never forwards).
 */
export function presentedToken(headers: Record<string, string | string[] | undefined>, query: URLSearchParams): string | undefined {
  const one = (name: string): string | undefined => {
    const value = headers[name];
    return (Array.isArray(value) ? value[0] : value)?.trim() || undefined;
  };
  const bearer = BEARER.exec(one('authorization') ?? '')?.[1]?.trim();
  return bearer || one('x-api-key') || one('x-goog-api-key') || query.get('key') || undefined;
}
