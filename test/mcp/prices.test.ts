import { describe, expect, it } from 'vitest';
import { ok, useSocketServer } from '../support/mcp.js';

describe('prices over MCP', () => {
  const fixture = useSocketServer();

  it('estimate_cost and track_request carry the entry, source, data version and tier of their price', async () => {
    const client = fixture.client;
    const estimate = await ok(client, 'estimate_cost', { provider: 'google', model: 'gemini-2.5-pro', input_tokens: 300_000, output_tokens: 10_000 });
    expect(estimate).toMatchObject({ cost_usd: 0.9, priced_as: 'gemini-2.5-pro', price_source: 'catalog', price_version: 'genai-prices 0.1.8', tier: { above_input_tokens: 200_000 } });
    const dated = await ok(client, 'estimate_cost', { provider: 'anthropic', model: 'claude-haiku-4-5-20251001', input_tokens: 1000, output_tokens: 0 });
    expect(dated).toMatchObject({ model: 'claude-haiku-4-5-20251001', priced_as: 'claude-haiku-4-5', tier: null });
    const tracked = await ok(client, 'track_request', { provider: 'openai', model: 'gpt-imaginary', input_tokens: 10, output_tokens: 10 });
    expect(tracked).toMatchObject({ cost_usd: null, priced_as: null, price_source: null });
    expect((tracked as { warnings: string[] }).warnings[0]).toMatch(/prices\.json/);
  });
});
