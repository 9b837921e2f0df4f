import { describe, expect, it } from 'vitest';
import { defaultModel, modelFamily } from '../../../src-main/core/providers/catalog.js';

describe('model names', () => {
  it.each([
    ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet'],
    ['claude-3-opus-20240229', 'claude-3-opus'],
    ['gpt-4-turbo-2024-04-09', 'gpt-4-turbo'],
    ['gpt-4-0613', 'gpt-4'],
    ['models/gemini-pro-001', 'gemini-pro'],
    ['gemini-pro-latest', 'gemini-pro'],
    ['llama2:13b', 'llama2'],
    ['gpt-4o', 'gpt-4o'],
  ])('resolves the dated or tagged id %s to its family %s', (model, family) => {
    expect(modelFamily(model)).toBe(family);
  });

  it("names each provider's default model from the seed", () => {
    expect(['anthropic', 'openai', 'google', 'local'].map((p) => defaultModel(p as 'anthropic'))).toEqual(['claude-3-5-sonnet', 'gpt-4-turbo', 'gemini-pro', 'llama2']);
  });
});
