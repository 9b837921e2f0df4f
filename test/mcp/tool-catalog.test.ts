import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { socketClient, startTestServer, type TestServer } from '../support/mcp.js';

let server: TestServer;
let client: Client;
let tools: Map<string, Tool>;

beforeAll(async () => {
  server = await startTestServer();
  client = await socketClient(server.running.info.socket);
  tools = new Map((await client.listTools()).tools.map((t) => [t.name, t]));
});
afterAll(async () => {
  await client.close();
  await server.close();
});

/** The table: tool, parameters (required ones without "?"), and the expected annotation. */
const TABLE: Array<[string, string[], 'read' | 'destructive' | 'write']> = [
  ['add_api_key', ['provider', 'api_key?', 'env_var?', 'label?'], 'write'],
  ['remove_api_key', ['provider', 'label?'], 'destructive'],
  ['rotate_key', ['provider', 'new_api_key?', 'env_var?', 'label?'], 'destructive'],
  ['list_api_keys', ['provider?'], 'read'],
  ['validate_key', ['provider', 'label?', 'offline?'], 'write'],
  ['validate_all_keys', ['offline?'], 'write'],
  ['route_request', ['task_type', 'preferred_provider?', 'enable_fallback?', 'estimated_input_tokens?', 'estimated_output_tokens?'], 'read'],
  ['get_routing_recommendations', ['task_type?'], 'read'],
  ['get_provider_stats', ['provider?'], 'read'],
  ['get_usage', ['provider?', 'days?'], 'read'],
  ['estimate_cost', ['provider', 'input_tokens', 'output_tokens', 'model?'], 'read'],
  ['check_budget', [], 'read'],
  ['track_request', ['provider', 'input_tokens', 'output_tokens', 'model?', 'success?', 'latency_ms?'], 'write'],
  ['update_provider_config', ['provider', 'enabled?', 'models?', 'rate_limit?', 'base_url?'], 'write'],
  ['get_best_provider_for_cost', ['input_tokens', 'output_tokens', 'task_type?', 'min_quality?'], 'read'],
];

describe('the tool catalog', () => {
  it('has exactly the 15 tools of the table', () => {
    expect([...tools.keys()].sort()).toEqual(TABLE.map(([name]) => name).sort());
  });

  it.each(TABLE)('%s takes exactly %j, has a title, a description, an output schema and its annotations', (name, params, kind) => {
    const tool = tools.get(name)!;
    const properties = Object.keys(tool.inputSchema.properties ?? {});
    expect(properties.sort()).toEqual(params.map((p) => p.replace('?', '')).sort());
    expect((tool.inputSchema.required ?? []).sort()).toEqual(params.filter((p) => !p.endsWith('?')).sort());
    for (const property of properties) expect((tool.inputSchema.properties![property] as { description?: string }).description, `${name}.${property}`).toBeTruthy();
    expect(tool.title).toBeTruthy();
    expect(tool.description!.length).toBeGreaterThan(60);
    expect(tool.outputSchema?.type).toBe('object');
    expect(tool.annotations?.readOnlyHint ?? false).toBe(kind === 'read');
    expect(tool.annotations?.destructiveHint ?? false).toBe(kind === 'destructive');
  });

  it('tells the model that env_var keeps the secret out of the conversation', () => {
    for (const [tool, field] of [
      ['add_api_key', 'api_key'],
      ['rotate_key', 'new_api_key'],
    ] as const) {
      expect((tools.get(tool)!.inputSchema.properties![field] as { description: string }).description).toMatch(/prefer env_var.*out of the conversation/);
    }
  });
});
