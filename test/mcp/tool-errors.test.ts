import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { call, ok, textOf, useSocketServer } from '../support/mcp.js';

const mcp = useSocketServer();

describe('every tool has an actionable error path', () => {
  it.each<[string, Record<string, unknown>, RegExp]>([
    ['validate_key', { provider: 'google' }, /^No google key with label "default" to validate\. Add one with add_api_key\(provider="google", env_var="GOOGLE_API_KEY"\)\.$/],
    ['validate_key', { provider: 'google', offline: 'yes' }, /offline/],
    ['validate_all_keys', { offline: 3 }, /offline/],
    ['route_request', { task_type: 'Code Generation' }, /task_type/],
    ['route_request', { task_type: 'chat', preferred_provider: 'mistral' }, /preferred_provider|provider must be one of/],
    ['get_routing_recommendations', { task_type: 'x y' }, /task_type/],
    ['get_provider_stats', { provider: 'azure' }, /provider/],
    ['get_usage', { days: 0 }, /days/],
    ['estimate_cost', { provider: 'openai', input_tokens: -5, output_tokens: 1 }, /input_tokens/],
    ['track_request', { provider: 'openai', input_tokens: 1.5, output_tokens: 1 }, /input_tokens/],
    ['track_request', { provider: 'openai', input_tokens: 10, output_tokens: 1, latency_ms: -1 }, /latency_ms/],
    ['update_provider_config', { provider: 'google', base_url: 'javascript:alert(1)' }, /base_url|URL/],
    ['update_provider_config', { provider: 'google', rate_limit: 0 }, /rate_limit/],
    ['get_best_provider_for_cost', { input_tokens: 'many', output_tokens: 1 }, /input_tokens/],
  ])('%s %j', async (tool, args, pattern) => {
    const result = await call(mcp.client, tool, args);
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(pattern);
    expect(textOf(result)).not.toMatch(/\n\s+at |\.ts:\d+/);
  });

  it('route_request and get_best_provider_for_cost say what to do when no provider can serve', async () => {
    for (const provider of ['anthropic', 'openai', 'google', 'local']) await ok(mcp.client, 'update_provider_config', { provider, enabled: false });
    for (const [tool, args] of [
      ['route_request', { task_type: 'chat' }],
      ['get_best_provider_for_cost', { input_tokens: 10, output_tokens: 10 }],
    ] as const) {
      const result = await call(mcp.client, tool, args);
      expect(result.isError, tool).toBe(true);
      expect(textOf(result).length).toBeGreaterThan(20);
      expect(result._meta?.['keyway/error_code']).toBe('no_provider_available');
    }
  });

  it('words the structured remedy as the tool calls that fix the problem, never as CLI text', async () => {
    const noKey = await call(mcp.client, 'route_request', { task_type: 'chat', preferred_provider: 'openai', enable_fallback: false });
    expect(noKey.isError).toBe(true);
    expect(textOf(noKey)).toContain('add_api_key(provider="openai", env_var="OPENAI_API_KEY")');
    await ok(mcp.client, 'update_provider_config', { provider: 'google', enabled: false });
    const disabled = await call(mcp.client, 'route_request', { task_type: 'chat', preferred_provider: 'google', enable_fallback: false });
    expect(textOf(disabled)).toContain('update_provider_config(provider="google", enabled=true)');
    for (const result of [noKey, disabled]) expect(textOf(result)).not.toContain('keyway ');
  });

  it('check_budget (no parameters) answers a malformed request with a protocol error', async () => {
    const request = { method: 'tools/call' as const, params: { name: 'check_budget', arguments: 'now' as unknown as Record<string, unknown> } };
    await expect(mcp.client.request(request, CallToolResultSchema)).rejects.toThrow(/arguments/);
    expect((await ok(mcp.client, 'check_budget')).status).toBe('ok');
  });

  it('update_provider_config is refused when MCP changes are turned off, leaving routing_config.json alone', async () => {
    await mcp.server.service.settings.update((d) => {
      d.app.allow_mcp_key_changes = false;
    });
    const result = await call(mcp.client, 'update_provider_config', { provider: 'google', enabled: false });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('turned off for agents');
    expect(textOf(result)).toContain('ask them to run `keyway settings set allow_mcp_key_changes true`');
    expect(mcp.server.service.config.current().providers.google?.enabled).toBe(true);
  });

  it('update_provider_config keeps a provider key from being pointed at another host over MCP', async () => {
    const before = mcp.server.service.config.current().providers.openai?.base_url;
    for (const base_url of ['https://collector.example/v1', 'http://10.0.0.5:11434', 'https://api.openai.com.evil.example', 'http://localhost:9999', 'http://127.0.0.1:11434']) {
      const refused = await call(mcp.client, 'update_provider_config', { provider: 'openai', base_url });
      expect(refused.isError, base_url).toBe(true);
      expect(refused._meta?.['keyway/error_code']).toBe('forbidden');
      expect(textOf(refused)).toContain('keyway providers set openai --base-url');
    }
    expect(mcp.server.service.config.current().providers.openai?.base_url).toBe(before);
    for (const [provider, base_url] of [
      ['openai', 'https://api.openai.com/v1'],
      ['local', 'http://127.0.0.1:11434'],
      ['anthropic', 'https://api.anthropic.com'],
      ['google', null],
    ] as const) {
      expect((await ok<{ config: { base_url?: string } }>(mcp.client, 'update_provider_config', { provider, base_url })).config.base_url).toBe(base_url ?? undefined);
    }
  });

  it('an unknown tool is an error naming it', async () => {
    const result = await call(mcp.client, 'delete_everything', {});
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('delete_everything');
  });
});
