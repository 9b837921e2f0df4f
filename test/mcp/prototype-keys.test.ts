import { describe, expect, it } from 'vitest';
import { call, textOf, useSocketServer } from '../support/mcp.js';

/** Names every plain object inherits: a lookup by one must find nothing, never Object's own members. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

describe.each(PROTOTYPE_KEYS)('MCP tools given the user key %s', (key) => {
  const fixture = useSocketServer();

  it.each<[string, Record<string, unknown>]>([
    ['route_request', { task_type: key }],
    ['get_routing_recommendations', { task_type: key }],
    ['get_best_provider_for_cost', { task_type: key }],
    ['estimate_cost', { provider: 'openai', model: key, input_tokens: 10, output_tokens: 0 }],
    ['estimate_cost', { provider: 'local', model: key, input_tokens: 10, output_tokens: 0 }],
    ['track_request', { provider: 'openai', model: key, input_tokens: 10, output_tokens: 0 }],
    ['add_api_key', { provider: 'openai', env_var: key }],
    ['validate_key', { provider: 'openai', label: key }],
    ['remove_api_key', { provider: 'openai', label: key }],
  ])('%s %j answers as for any unknown name, never with an internal error', async (tool, args) => {
    const result = await call(fixture.client, tool, args);
    const text = textOf(result) + JSON.stringify(result.structuredContent ?? {});
    expect(text).not.toMatch(/Internal error|\[native code\]|function \w*\(|\[object /);
  });

  it('route_request routes an unknown task type by the fallback order', async () => {
    const result = await call(fixture.client, 'route_request', { task_type: key });
    if (result.isError) {
      // Names that are not snake_case task types are refused as input, naming the rule.
      expect(textOf(result)).toMatch(/snake_case|no provider can take/i);
    } else {
      expect(result.structuredContent).toMatchObject({ task_type: key, known_task_type: false });
    }
  });
});
