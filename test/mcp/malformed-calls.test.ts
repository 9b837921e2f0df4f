import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canaryKey } from '../support/canary.js';
import { call, ok, useSocketServer } from '../support/mcp.js';

const mcp = useSocketServer();

type Kind = 'provider' | 'name' | 'secret' | 'tokens' | 'int' | 'bool' | 'url' | 'list';

/** Each tool with valid arguments and the kind of each field; mutations make exactly one field wrong. */
const TOOLS: Array<[string, Record<string, unknown>, Record<string, Kind>, string[]]> = [
  ['add_api_key', { provider: 'openai', api_key: 'VALID' }, { provider: 'provider', api_key: 'secret', label: 'name', env_var: 'name' }, ['provider']],
  ['remove_api_key', { provider: 'openai' }, { provider: 'provider', label: 'name' }, ['provider']],
  ['rotate_key', { provider: 'openai', new_api_key: 'VALID' }, { provider: 'provider', new_api_key: 'secret', env_var: 'name', label: 'name' }, ['provider']],
  ['list_api_keys', {}, { provider: 'provider' }, []],
  ['validate_key', { provider: 'openai', offline: true }, { provider: 'provider', label: 'name', offline: 'bool' }, ['provider']],
  ['validate_all_keys', { offline: true }, { offline: 'bool' }, []],
  ['route_request', { task_type: 'chat' }, { task_type: 'name', preferred_provider: 'provider', enable_fallback: 'bool' }, ['task_type']],
  ['get_routing_recommendations', {}, { task_type: 'name' }, []],
  ['get_provider_stats', {}, { provider: 'provider' }, []],
  ['get_usage', {}, { provider: 'provider', days: 'int' }, []],
  ['estimate_cost', { provider: 'openai', input_tokens: 1, output_tokens: 1 }, { provider: 'provider', input_tokens: 'tokens', output_tokens: 'tokens', model: 'name' }, ['provider', 'input_tokens', 'output_tokens']],
  ['track_request', { provider: 'openai', input_tokens: 1, output_tokens: 1 }, { provider: 'provider', input_tokens: 'tokens', output_tokens: 'tokens', model: 'name', success: 'bool', latency_ms: 'int' }, ['provider', 'input_tokens', 'output_tokens']],
  ['update_provider_config', { provider: 'google', rate_limit: 50 }, { provider: 'provider', enabled: 'bool', models: 'list', rate_limit: 'int', base_url: 'url' }, ['provider']],
  ['get_best_provider_for_cost', { input_tokens: 1, output_tokens: 1 }, { input_tokens: 'tokens', output_tokens: 'tokens', task_type: 'name' }, ['input_tokens', 'output_tokens']],
];

const HUGE = 'A'.repeat(100_000);
const BAD: Record<Kind, unknown[]> = {
  provider: [123, true, null, {}, [], '', 'OpenAI', 'mistral', HUGE, '🔑キー', 'openai\u0000', '\u202Eianepo'],
  name: [123, false, null, {}, ['x'], '', HUGE, '🔑キー', 'a b', '../../etc/passwd', '\u0000', 'x'.repeat(129)],
  secret: [123, true, null, {}, ['sk'], HUGE],
  tokens: ['12', -1, 1.5, 1e300, -0.5, null, {}, true, [], 10_000_001],
  int: ['7', -1, 2.5, 1e300, null, {}, false, []],
  bool: ['yes', 1, 0, null, {}, [], 'true'],
  url: [123, 'not a url', 'javascript:alert(1)', 'ftp://x', HUGE, {}],
  list: ['gpt-4', [1], [''], [null], {}, 7, [HUGE]],
};

/** A small deterministic PRNG so a failure names a reproducible call. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

function malformedCalls(count: number): Array<{ name: string; args: unknown }> {
  const random = rng(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const calls: Array<{ name: string; args: unknown }> = [];
  while (calls.length < count) {
    const [name, base, fields, required] = pick(TOOLS);
    const valid = { ...base };
    for (const [field, value] of Object.entries(valid)) if (value === 'VALID') valid[field] = canaryKey('openai');
    const roll = random();
    if (roll < 0.05) {
      calls.push({ name, args: pick(['not an object', 42, ['a'], null] as unknown[]) });
    } else if (roll < 0.15 && required.length > 0) {
      const { [pick(required)]: _dropped, ...rest } = valid;
      calls.push({ name, args: rest });
    } else {
      const field = pick(Object.keys(fields));
      calls.push({ name, args: { ...valid, [field]: pick(BAD[fields[field]!]) } });
    }
  }
  return calls;
}

function snapshot(): string {
  const { service } = mcp.server;
  return JSON.stringify({
    keys: service.listKeys().keys.map((k) => [k.id, k.fingerprint, k.updated_at]),
    usage: service.getUsage({ days: 30 }).totals,
    config: readFileSync(join(service.dataDir, 'routing_config.json'), 'utf8'),
  });
}

describe('1,000 malformed tool calls', () => {
  it('all fail as isError results or protocol errors; the server keeps serving and stored data is unchanged', async () => {
    await ok(mcp.client, 'add_api_key', { provider: 'openai', api_key: canaryKey('openai') });
    await ok(mcp.client, 'track_request', { provider: 'openai', input_tokens: 100, output_tokens: 10 });
    await ok(mcp.client, 'update_provider_config', { provider: 'google', rate_limit: 50 });
    const before = snapshot();

    const calls = malformedCalls(1000);
    let isErrorResults = 0;
    let protocolErrors = 0;
    for (let i = 0; i < calls.length; i += 50) {
      const batch = calls.slice(i, i + 50);
      const outcomes = await Promise.allSettled(batch.map((c) => mcp.client.callTool({ name: c.name, arguments: c.args as Record<string, unknown> })));
      outcomes.forEach((outcome, j) => {
        if (outcome.status === 'rejected') {
          protocolErrors++;
          return;
        }
        const shown = JSON.stringify(batch[j]).slice(0, 200);
        expect(outcome.value.isError, `call ${i + j} ${shown} succeeded`).toBe(true);
        const text = JSON.stringify(outcome.value.content);
        expect(text, shown).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
        expect(text.length, shown).toBeLessThan(2000);
        isErrorResults++;
      });
    }
    expect(isErrorResults + protocolErrors).toBe(1000);
    expect(isErrorResults).toBeGreaterThan(800);
    expect(snapshot()).toBe(before);
    expect((await call(mcp.client, 'list_api_keys')).isError).toBeFalsy();
    expect((await mcp.server.service.verifyAudit()).ok).toBe(true);
  });
});
