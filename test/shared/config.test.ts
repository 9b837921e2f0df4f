import { describe, expect, it } from 'vitest';
import { RoutingConfigSchema, UpdateProviderConfigInputSchema } from '../../src-main/shared/config.js';

describe('base_url in routing_config.json and update_provider_config', () => {
  it.each([
    ['notaurl', 'expected an http(s) URL'],
    ['ftp://x.example', 'expected an http(s) URL'],
    ['http://user:pw@x.example', 'without user name, password'],
    ['https://x.example/v1?key=abc', '?query'],
  ])('refuses %j with a message, never an exception', (base_url, message) => {
    const update = UpdateProviderConfigInputSchema.safeParse({ provider: 'openai', base_url });
    expect(update.success).toBe(false);
    expect(update.error?.issues.map((i) => i.message).join('; ')).toContain(message);
    const file = RoutingConfigSchema.safeParse({ providers: { openai: { base_url } } });
    expect(file.success).toBe(false);
  });

  it('accepts a plain http(s) URL', () => {
    expect(UpdateProviderConfigInputSchema.parse({ provider: 'local', base_url: 'http://127.0.0.1:11434' }).base_url).toBe('http://127.0.0.1:11434');
  });
});
