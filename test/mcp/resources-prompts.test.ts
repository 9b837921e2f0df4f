import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { RESOURCE_UPDATE_DEBOUNCE_MS } from '../../src-main/mcp/resources/index.js';
import { ok, socketClient, useSocketServer } from '../support/mcp.js';

const mcp = useSocketServer();

const read = async (uri: string) => JSON.parse(((await mcp.client.readResource({ uri })).contents[0] as { text: string }).text);

/** Resolves after `count` updates for `uri` arrived, or with what came once the client pinged after `settleMs`. */
function collectUpdates(): string[] {
  const updates: string[] = [];
  mcp.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updates.push(n.params.uri));
  return updates;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, RESOURCE_UPDATE_DEBOUNCE_MS * 3));

describe('resources', () => {
  it('lists api://providers, api://usage and api://routing as JSON documents built from the service', async () => {
    const { resources } = await mcp.client.listResources();
    expect(resources.map((r) => r.uri).sort()).toEqual(['api://providers', 'api://routing', 'api://usage']);
    expect((await read('api://providers')).providers.map((p: { provider: string }) => p.provider)).toEqual(['anthropic', 'openai', 'google', 'local']);
    const usage = await read('api://usage');
    expect(Object.keys(usage).sort()).toEqual(['budget', 'last_30_days', 'this_month', 'today']);
    expect(usage.budget.status).toBe('ok');
    const routing = await read('api://routing');
    expect(routing.routing.code_generation).toBe('anthropic');
    expect(routing.fallback_order).toEqual(['anthropic', 'openai', 'google', 'local']);
    expect(routing.recommendations.tasks.length).toBeGreaterThan(0);
  });

  it('sends one debounced notifications/resources/updated per burst, only for subscribed documents', async () => {
    const updates = collectUpdates();
    await mcp.client.subscribeResource({ uri: 'api://usage' });
    for (let i = 0; i < 20; i++) await ok(mcp.client, 'track_request', { provider: 'openai', input_tokens: 10, output_tokens: 5 });
    await settle();
    await mcp.client.ping();
    expect(updates).toEqual(['api://usage']);
    expect((await read('api://usage')).today.totals.requests).toBe(20);
  });

  it('announces a change made by another client and stops after unsubscribe', async () => {
    const updates = collectUpdates();
    await mcp.client.subscribeResource({ uri: 'api://routing' });
    const other = await socketClient(mcp.server.running.info.socket, 'other');
    await ok(other, 'update_provider_config', { provider: 'google', enabled: false });
    await settle();
    await mcp.client.ping();
    expect(updates).toEqual(['api://routing']);
    await mcp.client.unsubscribeResource({ uri: 'api://routing' });
    await ok(other, 'update_provider_config', { provider: 'google', enabled: true });
    await settle();
    await mcp.client.ping();
    expect(updates).toEqual(['api://routing']);
    await other.close();
  });
});

describe('prompts (the seed slash commands)', () => {
  it('lists api-config, api-usage and api-costs with optional provider and days arguments', async () => {
    const { prompts } = await mcp.client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(['api-config', 'api-costs', 'api-usage']);
    const usage = prompts.find((p) => p.name === 'api-usage')!;
    expect(usage.arguments?.map((a) => [a.name, a.required ?? false])).toEqual([
      ['provider', false],
      ['days', false],
    ]);
  });

  it('completes provider names', async () => {
    const result = await mcp.client.complete({ ref: { type: 'ref/prompt', name: 'api-usage' }, argument: { name: 'provider', value: 'o' } });
    expect(result.completion.values).toEqual(['openai']);
    const all = await mcp.client.complete({ ref: { type: 'ref/prompt', name: 'api-config' }, argument: { name: 'provider', value: '' } });
    expect(all.completion.values).toEqual(['anthropic', 'openai', 'google', 'local']);
  });

  it.each([
    ['api-usage', { days: '0' }, /days must be at least 1/],
    ['api-costs', { days: '99999' }, /days must be at most 36600/],
    ['api-usage', { days: '1.5' }, /days must be a whole number/],
    ['api-config', { provider: 'azure' }, /provider must be one of anthropic, openai, google, local/],
  ])('%s with %j is invalid params naming the rule, not an internal error', async (name, args, message) => {
    await expect(mcp.client.getPrompt({ name, arguments: args })).rejects.toThrow(message);
    await expect(mcp.client.getPrompt({ name, arguments: args })).rejects.toMatchObject({ code: -32602 });
  });

  it('embeds the current data so the model answers from facts', async () => {
    await ok(mcp.client, 'track_request', { provider: 'anthropic', input_tokens: 1234, output_tokens: 567, model: 'claude-3-5-sonnet-20241022' });
    const usage = await mcp.client.getPrompt({ name: 'api-usage', arguments: { provider: 'anthropic', days: '7' } });
    const text = (usage.messages[0]!.content as { text: string }).text;
    expect(text).toContain('for anthropic over the last 7 days');
    expect(text).toContain('"input_tokens": 1234');
    expect(text).toContain('last_7_days');
    const config = await mcp.client.getPrompt({ name: 'api-config', arguments: { provider: 'google' } });
    const configText = (config.messages[0]!.content as { text: string }).text;
    expect(configText).toContain('"provider": "google"');
    expect(configText).not.toContain('"provider": "openai",\n      "enabled"');
  });
});
