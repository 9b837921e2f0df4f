import type { KeywayService } from '../core/service.js';
import { KeywayError } from '../core/errors.js';
import { DEFAULT_BASE_URLS } from '../core/providers/endpoints.js';
import type { ProviderId } from '../shared/providers.js';

/** The user's switch (settings app.allow_mcp_key_changes) that forbids key and provider changes over MCP. */
export function requireMcpKeyChanges(service: KeywayService, tool: string): void {
  if (!service.settings.read().app.allow_mcp_key_changes) {
    throw new KeywayError(
      'forbidden',
      `${tool} is turned off for MCP clients in Keyway's settings (allow_mcp_key_changes). Ask the user to make this change in the Keyway app or with the keyway CLI.`,
    );
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Keyway sends a provider's stored key to its base_url on every validation and request, so an MCP
 * client (a model that may be following instructions injected into its context) may point it only
 * at the provider's own API or at this machine. Anywhere else is the user's decision, made in the
 * app or the CLI. A malformed URL is left to the service's own validation.
 */
export function requireMcpSafeBaseUrl(provider: ProviderId, baseUrl: string | null | undefined): void {
  if (baseUrl === undefined || baseUrl === null || !URL.canParse(baseUrl)) return;
  const url = new URL(baseUrl);
  const official = new URL(DEFAULT_BASE_URLS[provider]).origin;
  if (LOOPBACK_HOSTS.has(url.hostname) || url.origin === official) return;
  throw new KeywayError(
    'forbidden',
    `Over MCP, ${provider}'s base_url may only be its own API (${official}) or this machine (localhost), because Keyway sends the ${provider} key there. Ask the user to set it themselves: keyway providers set ${provider} --base-url ${url.origin}`,
  );
}
