import type { ProviderId } from '../../shared/providers.js';

/** USD per million tokens; an unstated cache rate is the input rate (see prices/micro-rates.ts). */
export interface SeedPrice {
  input: number;
  output: number;
  cache_read: number | null;
  cache_write: number | null;
  cache_write_1h: number | null;
}

const price = (input: number, output: number, cache_read: number | null = null, cache_write: number | null = null, cache_write_1h: number | null = null): SeedPrice => ({
  input,
  output,
  cache_read,
  cache_write,
  cache_write_1h,
});

/**
 * The seed's models, USD per million tokens. They are always priced at these rates, whatever the
 * price data holds (it prices gemini-pro lower), and each provider's default model carries exactly
 * the seed's stated rate. Anthropic's cache rates are Anthropic's (1-hour writes at 2x input).
 */
export const SEED_PRICES: Readonly<Record<ProviderId, Readonly<Record<string, SeedPrice>>>> = {
  anthropic: {
    'claude-3-5-sonnet': price(3, 15, 0.3, 3.75, 6),
    'claude-3-opus': price(15, 75, 1.5, 18.75, 30),
    'claude-3-sonnet': price(3, 15, 0.3, 3.75, 6),
    'claude-3-haiku': price(0.25, 1.25, 0.03, 0.3, 0.5),
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
