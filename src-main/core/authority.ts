import type { Caller } from '../shared/caller.js';
import { CHANNELS, type Channel, type ChannelParsed } from '../shared/channels.js';
import type { ProviderId } from '../shared/providers.js';
import type { Remedy } from '../shared/remedy.js';
import type { AppSettings } from './config/settings-store.js';
import { KeywayError } from './errors.js';
import { DEFAULT_BASE_URLS } from './providers/endpoints.js';

/**
 * The one authority check. Owners may call every channel. Agents (MCP sessions and editor or
 * gateway tokens) may use keys but never widen where a key goes or what Keyway reads:
 * - no owner-only channel (export, import, settings, budgets, routing table, audit, config);
 * - key and provider changes only while the owner allows them (`allow_mcp_key_changes`);
 * - `env_var` only a name tied to that provider's key (`ANTHROPIC_API_KEY`, `ANTHROPIC_API_KEY_NEW`)
 *   or one the owner listed in `agent_env_vars`; no key for `local` at all;
 * - `base_url` only the provider's official API (the owner sets proxies).
 * Throws a `forbidden` KeywayError whose remedy says what the owner can do instead. Called twice by
 * dispatch: before the input is parsed (`input` undefined: may this caller use the channel at all?)
 * and after (may it make this particular change?).
 */
export function authorize<C extends Channel>(channel: C, input: ChannelParsed<C> | undefined, caller: Caller, settings: () => AppSettings): void {
  const spec = CHANNELS[channel];
  if (!spec.principals.includes(caller.principal)) {
    const cli = OWNER_CLI_WORDS[channel];
    throw forbidden(`${channel} is for the owner only (the Keyway app or the keyway CLI), not for ${caller.actor}.`, {
      action: 'owner_only',
      channel,
      ...(cli ? { cli } : {}),
    });
  }
  if (input === undefined || caller.principal !== 'agent' || !spec.mutates) return;
  switch (channel) {
    case 'keys.add':
    case 'keys.rotate':
    case 'keys.remove':
    case 'providers.update':
      requireKeyChanges(channel, settings());
  }
  if (channel === 'keys.add' || channel === 'keys.rotate') {
    const { provider, label, env_var } = input as ChannelParsed<'keys.add'>;
    if (provider === 'local') {
      throw forbidden('Agents cannot store a key for local (Ollama): it needs none, and any value stored there would be sent to whatever listens on its port.', {
        action: 'owner_add_key',
        provider,
        label,
      });
    }
    if (env_var !== undefined && !agentMayRead(provider, env_var, settings())) {
      throw forbidden(
        `Agents may read only ${provider}'s own key variables (such as ${tiedExample(provider)}) or names the owner allowed; ${env_var} is neither.`,
        { action: 'owner_allow_env_var', name: env_var },
      );
    }
  }
  if (channel === 'providers.update') {
    const { provider, base_url } = input as ChannelParsed<'providers.update'>;
    if (typeof base_url === 'string' && !isOfficialApi(provider, base_url)) {
      const official = new URL(DEFAULT_BASE_URLS[provider]).origin;
      throw forbidden(`Agents may set ${provider}'s base_url only to its official API (${official}), because Keyway sends the ${provider} key there; proxies are the owner's choice.`, {
        action: 'owner_set_base_url',
        provider,
        base_url,
      });
    }
  }
}

/** Environment variable names tied to a provider's key: the usual name, plus suffixed forms for a rotation (`_NEW`, `_2`). */
const TIED_NAMES: Record<ProviderId, RegExp | null> = {
  anthropic: /^ANTHROPIC_API_KEY(_[A-Z0-9]+)*$/,
  openai: /^OPENAI_API_KEY(_[A-Z0-9]+)*$/,
  google: /^(GOOGLE|GEMINI)_API_KEY(_[A-Z0-9]+)*$/,
  local: null,
};

export function agentMayRead(provider: ProviderId, name: string, settings: AppSettings): boolean {
  return TIED_NAMES[provider]?.test(name) === true || settings.agent_env_vars.includes(name);
}

function tiedExample(provider: ProviderId): string {
  const base = provider === 'google' ? 'GOOGLE_API_KEY' : `${provider.toUpperCase()}_API_KEY`;
  return `${base} or ${base}_NEW`;
}

export function isOfficialApi(provider: ProviderId, baseUrl: string): boolean {
  if (!URL.canParse(baseUrl)) return false;
  const url = new URL(baseUrl);
  return url.username === '' && url.password === '' && url.origin === new URL(DEFAULT_BASE_URLS[provider]).origin;
}

function requireKeyChanges(channel: Channel, settings: AppSettings): void {
  if (settings.allow_mcp_key_changes) return;
  throw forbidden(`${channel} is turned off for agents in Keyway's settings (allow_mcp_key_changes).`, { action: 'owner_allow_mcp_key_changes' });
}

function forbidden(message: string, remedy: Remedy): KeywayError {
  return new KeywayError('forbidden', message, { remedy });
}

/** The CLI words of owner-only channels, for the remedy an agent passes on to the user. */
const OWNER_CLI_WORDS: Partial<Record<Channel, string>> = {
  'keys.export': 'keys export --to FILE',
  'keys.import': 'keys import --from FILE',
  'keys.check_formats': 'keys validate --offline',
  'usage.export': 'usage export',
  'usage.recent': 'usage recent',
  'budget.set': 'budget set',
  'prices.update': 'prices update',
  'settings.update': 'settings set',
  'settings.get': 'settings',
  'audit.list': 'audit',
  'audit.verify': 'audit verify',
  'config.get': 'providers',
};
