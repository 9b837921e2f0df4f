import type { ProviderId } from '../../shared/providers.js';

/** One keychain account per key: `anthropic:default`, `openai:work`. */
export function keyIdOf(provider: ProviderId, label: string): string {
  return `${provider}:${label}`;
}

/** Where the outgoing secret waits during a rotation grace period. */
export function previousAccountOf(id: string): string {
  return `${id}#previous`;
}
