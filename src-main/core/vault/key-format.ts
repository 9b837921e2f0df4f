import { createHash } from 'node:crypto';
import type { ProviderId } from '../../shared/providers.js';
import { KeywayError } from '../errors.js';

export interface CheckedKey {
  value: string;
  warnings: string[];
}

const KNOWN_PREFIXES = ['sk-ant-', 'sk-proj-', 'sk-', 'AIza'];

/**
 * The seed's format rules (Anthropic `sk-ant-`, OpenAI `sk-`, Google at least 20 characters) plus
 * what users expect: surrounding whitespace is trimmed, empty and inner-whitespace values refused.
 * The message never repeats the value.
 */
export function checkKeyFormat(provider: ProviderId, raw: string): CheckedKey {
  const value = raw.trim();
  const warnings: string[] = [];
  const fail = (why: string): never => {
    throw new KeywayError('invalid_key_format', `That ${provider} key is not valid: ${why}.`);
  };
  if (value.length === 0) fail('it is empty; paste the key or name an env var that holds it');
  if (/\s/.test(value)) fail('it contains whitespace inside it; copy the key again without spaces or line breaks');
  if (/[^\x21-\x7e]/.test(value)) fail('it contains characters that never appear in API keys');
  switch (provider) {
    case 'anthropic':
      if (!value.startsWith('sk-ant-')) fail('Anthropic keys start with "sk-ant-"');
      break;
    case 'openai':
      if (!value.startsWith('sk-')) fail('OpenAI keys start with "sk-"');
      if (value.startsWith('sk-ant-')) {
        warnings.push('This looks like an Anthropic key (sk-ant-) added as openai; did you mean provider anthropic?');
      }
      break;
    case 'google':
      if (value.length < 20) fail('Google API keys are at least 20 characters long');
      break;
    case 'local':
      break;
  }
  return { value, warnings };
}

/** `sk-ant-...x7Qz`: the provider prefix and the last four characters, nothing else. */
export function maskKey(value: string): string {
  const prefix = KNOWN_PREFIXES.find((p) => value.startsWith(p) && value.length >= p.length + 8) ?? '';
  const tail = value.length >= 12 ? value.slice(-4) : '';
  return `${prefix}...${tail}`;
}

/** The first 12 hex digits of sha256: enough to tell keys apart, useless for recovering one. */
export function fingerprintKey(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 12);
}
