import { describe, expect, it } from 'vitest';
import { baseUrlFor, ollamaHostUrl } from '../../../src-main/core/providers/endpoints.js';
import { RoutingConfigSchema } from '../../../src-main/shared/config.js';

const config = (providers: Record<string, unknown> = {}) => RoutingConfigSchema.parse({ providers });

describe('provider base URLs', () => {
  it('defaults to the real APIs and to Ollama on this machine', () => {
    expect(baseUrlFor('anthropic', config(), {})).toBe('https://api.anthropic.com');
    expect(baseUrlFor('google', config(), {})).toBe('https://generativelanguage.googleapis.com');
    expect(baseUrlFor('local', config(), {})).toBe('http://127.0.0.1:11434');
  });

  it('uses base_url from routing_config.json, dropping a trailing /v1 or slash so paths are added once', () => {
    expect(baseUrlFor('openai', config({ openai: { base_url: 'https://proxy.example/openai/v1/' } }), {})).toBe('https://proxy.example/openai');
    expect(baseUrlFor('google', config({ google: { base_url: 'http://127.0.0.1:8080/v1beta' } }), {})).toBe('http://127.0.0.1:8080');
  });

  it('prefers base_url over OLLAMA_HOST for local', () => {
    expect(baseUrlFor('local', config({ local: { base_url: 'http://10.0.0.2:11434' } }), { OLLAMA_HOST: 'other:1' })).toBe('http://10.0.0.2:11434');
    expect(baseUrlFor('local', config(), { OLLAMA_HOST: 'gpu-box:11500' })).toBe('http://gpu-box:11500');
  });

  it.each([
    ['0.0.0.0', 'http://127.0.0.1:11434'],
    ['0.0.0.0:9999', 'http://127.0.0.1:9999'],
    ['localhost', 'http://localhost:11434'],
    ['https://ollama.example', 'https://ollama.example'],
    ['http://127.0.0.1:11434/', 'http://127.0.0.1:11434'],
    ['http://[bad', 'http://127.0.0.1:11434'],
  ])('reads OLLAMA_HOST=%s as %s', (value, expected) => {
    expect(ollamaHostUrl(value)).toBe(expected);
  });
});
