import { describe, expect, it } from 'vitest';
import { outputLimit } from '../../../src-main/core/models/output-limits.js';

describe('model output limits (models.dev catalog)', () => {
  it('gives a known model its own limit, also under a dated id, an alias or a models/ path', () => {
    expect(outputLimit('openai', 'gpt-4o')).toEqual({ tokens: 16_384, source: 'model' });
    expect(outputLimit('openai', 'gpt-4o-2024-08-06')).toEqual({ tokens: 16_384, source: 'model' });
    expect(outputLimit('openai', 'gpt-3.5-turbo')).toEqual({ tokens: 4096, source: 'model' });
    expect(outputLimit('anthropic', 'claude-3-5-haiku-latest')).toEqual({ tokens: 8192, source: 'model' });
    expect(outputLimit('anthropic', 'claude-sonnet-4-20250514')).toEqual({ tokens: 64_000, source: 'model' });
    expect(outputLimit('google', 'models/gemini-2.5-pro')).toEqual({ tokens: 65_536, source: 'model' });
    expect(outputLimit('google', 'GEMINI-1.5-FLASH')).toEqual({ tokens: 8192, source: 'model' });
  });

  it('gives a model the catalog does not know the provider largest limit, never less', () => {
    const unknown = outputLimit('openai', 'gpt-99-turbo');
    expect(unknown?.source).toBe('provider_max');
    for (const known of ['gpt-4o', 'gpt-5', 'o3']) expect(unknown!.tokens).toBeGreaterThanOrEqual(outputLimit('openai', known)!.tokens);
    expect(outputLimit('anthropic', 'claude-next')!.tokens).toBeGreaterThanOrEqual(64_000);
  });

  it('has no limit for local models (free, never held)', () => {
    expect(outputLimit('local', 'llama3.2')).toBeNull();
  });
});
