import type { RoutingConfig } from '../../shared/config.js';
import type { ProviderId } from '../../shared/providers.js';

/** Where each provider's API lives unless routing_config.json sets `base_url`. */
export const DEFAULT_BASE_URLS: Record<ProviderId, string> = {
  anthropic: 'https://api.anthropic.com',
  openai: 'https://api.openai.com',
  google: 'https://generativelanguage.googleapis.com',
  local: 'http://127.0.0.1:11434',
};

/** The header Anthropic requires on every call. */
export const ANTHROPIC_VERSION = '2023-06-01';

/**
 * The provider's base URL: `providers.<p>.base_url`, else (local) OLLAMA_HOST, else the real API.
 * A trailing `/v1` or `/v1beta` (as OpenAI-style SDK settings include it) is dropped so paths are
 * appended once.
 */
export function baseUrlFor(provider: ProviderId, config: RoutingConfig, env: NodeJS.ProcessEnv): string {
  const configured = config.providers[provider]?.base_url;
  const chosen = configured ?? (provider === 'local' && env.OLLAMA_HOST ? ollamaHostUrl(env.OLLAMA_HOST) : DEFAULT_BASE_URLS[provider]);
  return chosen.replace(/\/+$/, '').replace(/\/(v1|v1beta)$/, '');
}

/** OLLAMA_HOST as Ollama reads it: `host`, `host:port` or a URL; 0.0.0.0 means this machine. */
export function ollamaHostUrl(value: string): string {
  const withScheme = /^https?:\/\//.test(value) ? value : `http://${value}`;
  try {
    const url = new URL(withScheme);
    if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
    if (!url.port && !/^https?:\/\/[^/]+:\d+/.test(withScheme)) url.port = url.protocol === 'https:' ? '443' : '11434';
    return url.toString().replace(/\/+$/, '');
  } catch {
    return DEFAULT_BASE_URLS.local;
  }
}
