import type { ModelPrice } from '../../shared/usage.js';
import type { ProviderId } from '../../shared/providers.js';

const price = (input: number, output: number, cache_read: number | null = null, cache_write: number | null = null): ModelPrice => ({
  input,
  output,
  cache_read,
  cache_write,
});

/**
 * The seed's models, USD per million tokens. They are always priced, whatever the catalog package
 * holds, and each provider's default model carries exactly the seed's stated rate.
 */
export const SEED_PRICES: Readonly<Record<ProviderId, Readonly<Record<string, ModelPrice>>>> = {
  anthropic: {
    'claude-3-5-sonnet': price(3, 15, 0.3, 3.75),
    'claude-3-opus': price(15, 75, 1.5, 18.75),
    'claude-3-sonnet': price(3, 15, 0.3, 3.75),
    'claude-3-haiku': price(0.25, 1.25, 0.03, 0.3),
  },
  openai: {
    'gpt-4-turbo': price(10, 30),
    'gpt-4': price(30, 60),
    'gpt-3.5-turbo': price(0.5, 1.5),
  },
  google: {
    'gemini-pro': price(0.5, 1.5),
    'gemini-pro-vision': price(0.5, 1.5),
  },
  local: {
    codellama: price(0, 0),
    mistral: price(0, 0),
    llama2: price(0, 0),
  },
};

/** The model a request is priced as when none is named: the seed's rate for each provider. */
export const DEFAULT_MODELS: Readonly<Record<ProviderId, string>> = {
  anthropic: 'claude-3-5-sonnet',
  openai: 'gpt-4-turbo',
  google: 'gemini-pro',
  local: 'llama2',
};

/**
 * Snapshot ids whose family is not what stripping the date says: OpenAI's GPT-4 Turbo previews look
 * like `gpt-4-<date>` but are billed as gpt-4-turbo, not as the three-times dearer gpt-4.
 */
export const MODEL_ALIASES: Readonly<Partial<Record<ProviderId, Readonly<Record<string, string>>>>> = {
  openai: {
    'gpt-4-1106-preview': 'gpt-4-turbo',
    'gpt-4-0125-preview': 'gpt-4-turbo',
    'gpt-4-turbo-preview': 'gpt-4-turbo',
    'gpt-4-vision-preview': 'gpt-4-turbo',
    'gpt-4-1106-vision-preview': 'gpt-4-turbo',
  },
};
