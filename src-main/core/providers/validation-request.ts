import type { ProviderId } from '../../shared/providers.js';
import { ANTHROPIC_VERSION } from './endpoints.js';

/**
 * The one cheap authenticated call per provider that proves a key works. The secret travels only in
 * a header: `x-api-key`, `Authorization: Bearer`, `x-goog-api-key` (never Google's `?key=`).
 */
export function validationRequest(provider: ProviderId, baseUrl: string, secret: string | undefined): { url: string; headers: Record<string, string> } {
  switch (provider) {
    case 'anthropic':
      return { url: `${baseUrl}/v1/models`, headers: { 'x-api-key': secret ?? '', 'anthropic-version': ANTHROPIC_VERSION } };
    case 'openai':
      return { url: `${baseUrl}/v1/models`, headers: { authorization: `Bearer ${secret ?? ''}` } };
    case 'google':
      return { url: `${baseUrl}/v1beta/models`, headers: { 'x-goog-api-key': secret ?? '' } };
    case 'local':
      // Stock Ollama has no auth; a key for `local` is for a proxy in front of it.
      return { url: `${baseUrl}/api/version`, headers: secret ? { authorization: `Bearer ${secret}` } : {} };
  }
}

/** Google answers a wrong key with 400 INVALID_ARGUMENT, reason API_KEY_INVALID, not 401. */
export function isInvalidKeyAnswer(provider: ProviderId): (status: number, body: unknown) => boolean {
  if (provider !== 'google') return () => false;
  return (status, body) => status === 400 && JSON.stringify(body ?? '').includes('API_KEY_INVALID');
}
