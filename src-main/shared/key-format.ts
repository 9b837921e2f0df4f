import type { ProviderId } from './providers.js';

export interface KeyFormatVerdict {
  /** The trimmed value that would be stored. */
  value: string;
  /** Why the value is refused, or null when it passes. Never repeats the value. */
  problem: string | null;
  warnings: string[];
}

/**
 * The seed's format rules (Anthropic `sk-ant-`, OpenAI `sk-`, Google at least 20 characters) plus
 * what users expect: surrounding whitespace is trimmed, empty and inner-whitespace values refused.
 * Pure, so the vault and the key entry form judge a key by the same rule.
 */
export function judgeKeyFormat(provider: ProviderId, raw: string): KeyFormatVerdict {
  const value = raw.trim();
  const warnings: string[] = [];
  const verdict = (problem: string | null): KeyFormatVerdict => ({ value, problem, warnings });
  if (value.length === 0) return verdict('it is empty; paste the key or name an env var that holds it');
  if (/\s/.test(value)) return verdict('it contains whitespace inside it; copy the key again without spaces or line breaks');
  if (/[^\x21-\x7e]/.test(value)) return verdict('it contains characters that never appear in API keys');
  switch (provider) {
    case 'anthropic':
      if (!value.startsWith('sk-ant-')) return verdict('Anthropic keys start with "sk-ant-"');
      break;
    case 'openai':
      if (!value.startsWith('sk-')) return verdict('OpenAI keys start with "sk-"');
      if (value.startsWith('sk-ant-')) {
        warnings.push('This looks like an Anthropic key (sk-ant-) added as openai; did you mean provider anthropic?');
      }
      break;
    case 'google':
      if (value.length < 20) return verdict('Google API keys are at least 20 characters long');
      break;
    case 'local':
      break;
  }
  return verdict(null);
}
