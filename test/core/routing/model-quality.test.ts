import { describe, expect, it } from 'vitest';
import { meetsQuality, modelQuality } from '../../../src-main/core/routing/model-quality.js';
import type { ProviderId } from '../../../src-main/shared/providers.js';
import type { QualityTier } from '../../../src-main/shared/routing.js';

describe('model quality tiers', () => {
  it.each<[ProviderId, string, QualityTier | null]>([
    ['anthropic', 'claude-3-5-sonnet-20241022', 'premium'],
    ['anthropic', 'claude-sonnet-4-5', 'premium'],
    ['anthropic', 'claude-3-opus-20240229', 'premium'],
    ['anthropic', 'claude-3-sonnet-20240229', 'standard'],
    ['anthropic', 'claude-3-5-haiku-latest', 'standard'],
    ['anthropic', 'claude-3-haiku-20240307', 'basic'],
    ['openai', 'gpt-4-turbo', 'premium'],
    ['openai', 'gpt-4o-2024-08-06', 'premium'],
    ['openai', 'gpt-4o-mini-2024-07-18', 'standard'],
    ['openai', 'gpt-4.1-nano', 'basic'],
    ['openai', 'gpt-3.5-turbo', 'basic'],
    ['google', 'gemini-1.5-pro-002', 'premium'],
    ['google', 'gemini-pro', 'standard'],
    ['google', 'gemini-2.0-flash', 'standard'],
    ['google', 'gemini-2.0-flash-lite', 'basic'],
    ['local', 'codellama:7b', 'basic'],
    ['openai', 'ft:my-company-model', null],
    ['anthropic', 'gpt-4-turbo', null],
  ])('%s %s is %s', (provider, model, tier) => {
    expect(modelQuality(provider, model)).toBe(tier);
  });

  it.each<[QualityTier | null, QualityTier | undefined, boolean]>([
    ['basic', undefined, true],
    [null, 'basic', true],
    [null, 'standard', false],
    ['basic', 'standard', false],
    ['standard', 'standard', true],
    ['premium', 'standard', true],
    ['standard', 'premium', false],
  ])('a %s model meets min_quality %s: %s', (quality, min, meets) => {
    expect(meetsQuality(quality, min)).toBe(meets);
  });
});
