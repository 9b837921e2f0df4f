/** The AI providers Keyway knows. `local` is Ollama on this machine (or wherever OLLAMA_HOST points). */
export const PROVIDER_IDS = ['anthropic', 'openai', 'google', 'local'] as const;

export type ProviderId = (typeof PROVIDER_IDS)[number];

export function isProviderId(value: unknown): value is ProviderId {
  return typeof value === 'string' && (PROVIDER_IDS as readonly string[]).includes(value);
}
