import type { ProviderId } from './providers.js';

/**
 * What would fix a failure, as data. Each front words it its own way: a `keyway ...` command in
 * the CLI, a tool call or "ask the user" over MCP, a hint in the GUI. No front parses another's text.
 */
export type Remedy =
  /** Store a key for the provider (agents may do this themselves when allowed). */
  | { action: 'add_key'; provider: ProviderId; label?: string }
  | { action: 'rotate_key'; provider: ProviderId; label?: string }
  | { action: 'validate_key'; provider: ProviderId; label?: string }
  | { action: 'enable_provider'; provider: ProviderId }
  /** Only the owner may point a provider somewhere other than its official API. */
  | { action: 'owner_set_base_url'; provider: ProviderId; base_url: string }
  /** Only the owner may let agents read another environment variable name. */
  | { action: 'owner_allow_env_var'; name: string }
  /** Only the owner may turn MCP key and provider changes back on. */
  | { action: 'owner_allow_mcp_key_changes' }
  /** The owner stores the key themselves (e.g. a key for `local`, or from an arbitrary variable). */
  | { action: 'owner_add_key'; provider: ProviderId; label?: string; env_var?: string }
  /** An owner-only operation: its channel, and its CLI words when the CLI has it (`keys export`, `budget set`). */
  | { action: 'owner_only'; channel: string; cli?: string }
  | { action: 'raise_budget' }
  | { action: 'fix_config'; path: string };

/**
 * The `keyway` command line that carries out a remedy (what the CLI prints, and what an agent asks
 * the user to run); for what only the app offers, where in the app.
 */
export function remedyCommand(remedy: Remedy): string {
  const label = (l: string | undefined): string => (l && l !== 'default' ? ` --label ${l}` : '');
  switch (remedy.action) {
    case 'add_key':
      return `keyway keys add ${remedy.provider}${label(remedy.label)} --from-env ${providerEnvVar(remedy.provider)}`;
    case 'owner_add_key':
      return `keyway keys add ${remedy.provider}${label(remedy.label)}${remedy.env_var ? ` --from-env ${remedy.env_var}` : ''}`;
    case 'rotate_key':
      return `keyway keys rotate ${remedy.provider}${label(remedy.label)} --from-env ${providerEnvVar(remedy.provider)}_NEW`;
    case 'validate_key':
      return `keyway keys validate ${remedy.provider}${label(remedy.label)}`;
    case 'enable_provider':
      return `keyway providers set ${remedy.provider} --enabled true`;
    case 'owner_set_base_url':
      return `keyway providers set ${remedy.provider} --base-url ${remedy.base_url}`;
    case 'owner_allow_env_var':
      return `keyway settings allow-env ${remedy.name}`;
    case 'owner_allow_mcp_key_changes':
      return 'keyway settings set allow_mcp_key_changes true';
    case 'owner_only':
      return remedy.cli ? `keyway ${remedy.cli}` : `the Keyway app (${remedy.channel})`;
    case 'raise_budget':
      return 'keyway budget set --daily <usd> --monthly <usd>';
    case 'fix_config':
      return `fix ${remedy.path}, then keyway providers`;
  }
}

/** True when only the owner (GUI or CLI) can carry out the remedy, not an agent. */
export function ownerOnly(remedy: Remedy): boolean {
  return remedy.action.startsWith('owner_') || remedy.action === 'raise_budget' || remedy.action === 'fix_config';
}

const ENV_VARS: Record<ProviderId, string> = {
  anthropic: 'ANTHROPIC_API_KEY',
  openai: 'OPENAI_API_KEY',
  google: 'GOOGLE_API_KEY',
  local: 'OLLAMA_API_KEY',
};

/** The conventional environment variable for a provider's key. */
export function providerEnvVar(provider: ProviderId): string {
  return ENV_VARS[provider];
}
