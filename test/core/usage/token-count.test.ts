import { describe, expect, it } from 'vitest';
import { countTextTokens } from '../../../src-main/core/usage/token-count.js';

const TEXT = 'Keyway keeps AI-provider API keys in the OS keychain. 東京 🚀';

describe('token counting', () => {
  it('counts exactly with the encoding of the OpenAI model: o200k_base for gpt-4o, cl100k_base for gpt-4', async () => {
    const modern = await countTextTokens('openai', 'gpt-4o-2024-08-06', TEXT);
    const classic = await countTextTokens('openai', 'gpt-4', TEXT);
    expect(modern).toMatchObject({ exact: true, tokenizer: 'o200k_base' });
    expect(classic).toMatchObject({ exact: true, tokenizer: 'cl100k_base' });
    expect(modern.tokens).toBeGreaterThan(10);
    expect(classic.tokens).toBeGreaterThan(10);
    expect(modern.tokens).not.toBe(classic.tokens);
  });

  it.each(['anthropic', 'google', 'local'] as const)('says the count is approximate for %s', async (provider) => {
    const count = await countTextTokens(provider, 'any-model', TEXT);
    expect(count.exact).toBe(false);
    expect(count.note).toMatch(new RegExp(`approximate: ${provider} does not publish its tokenizer`));
    expect(count.tokens).toBe((await countTextTokens('openai', 'gpt-4', TEXT)).tokens);
  });
});
