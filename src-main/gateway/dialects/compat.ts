import type { ProviderId } from '../../shared/providers.js';
import type { Dialect } from '../dialect.js';
import { openaiDialect } from './openai.js';

/** Where each provider serves its OpenAI-compatible chat completions, under its base URL. */
const COMPAT_CHAT_PATH: Record<ProviderId, string> = {
  openai: '/v1/chat/completions',
  anthropic: '/v1/chat/completions',
  google: '/v1beta/openai/chat/completions',
  local: '/v1/chat/completions',
};

export function compatChatPath(provider: ProviderId): string {
  return COMPAT_CHAT_PATH[provider];
}

/**
 * A provider's own OpenAI-compatible API (Anthropic's and Gemini's compatibility layers, Ollama's
 * /v1, OpenAI itself) as the /v1 endpoint speaks to it: OpenAI's shapes, usage and errors, and the
 * key as a bearer token.
 */
export function compatDialect(provider: ProviderId): Dialect {
  return {
    ...openaiDialect,
    provider,
    prefix: '/v1',
    operation: (method, path) => (method === 'POST' && path === '/chat/completions' ? { name: 'chat', metered: true } : null),
  };
}
