import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeywayService } from '../../src-main/core/service.js';
import { CALLER_ENV_META } from '../../src-main/mcp/call-context.js';
import { TOOL_NAMES } from '../../src-main/mcp/tools/index.js';
import { configFor, startEmulators, type Emulators } from '../emulators/index.js';
import { canaryCore } from '../support/canary.js';
import { call, fileStoreEnv, httpClient, openServiceIn, socketClient, startTestServer, stdioClient, textOf } from '../support/mcp.js';
import { tempDir } from '../support/temp-dir.js';

type Transport = 'socket' | 'http' | 'stdio bridge' | 'stdio in-process';

const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (open.length > 0) await open.pop()!();
});

async function pointAtEmulators(service: KeywayService, emu: Emulators): Promise<void> {
  for (const [provider, block] of Object.entries(configFor(emu))) {
    await service.updateProviderConfig(provider as 'anthropic', { base_url: block.base_url }, { principal: 'owner', actor: 'test' });
  }
}

/** A client on the given transport over a fresh data dir whose providers point at the emulators. */
async function connect(kind: Transport, emu: Emulators): Promise<{ client: Client; dataDir: string; logs: () => string }> {
  const callerEnv = { ANTHROPIC_API_KEY: emu.anthropic.key };
  if (kind === 'stdio in-process') {
    const dataDir = tempDir();
    const setup = openServiceIn(dataDir);
    await pointAtEmulators(setup, emu);
    setup.close();
    const stderr: string[] = [];
    const client = await stdioClient(fileStoreEnv(dataDir, callerEnv), stderr);
    open.push(() => client.close());
    return { client, dataDir, logs: () => stderr.join('') };
  }
  const server = await startTestServer();
  open.push(() => server.close());
  await pointAtEmulators(server.service, emu);
  const dataDir = server.service.dataDir;
  const logs = () => server.logs.join('\n');
  if (kind === 'stdio bridge') {
    const stderr: string[] = [];
    const client = await stdioClient(fileStoreEnv(dataDir, { ...callerEnv, SECRET_KEY: 'bridge-does-not-need-this' }), stderr);
    open.push(() => client.close());
    return { client, dataDir, logs: () => logs() + stderr.join('') };
  }
  const client = kind === 'socket' ? await socketClient(server.running.info.socket) : await httpClient(server.running.info.mcp_url, server.editorToken);
  open.push(() => client.close());
  return { client, dataDir, logs };
}

describe.each<Transport>(['socket', 'http', 'stdio bridge', 'stdio in-process'])("the seed's Quick Start over %s", (kind) => {
  it('adds, validates, routes, tracks, reports usage, estimates and checks the budget', async () => {
    const emu = await startEmulators();
    open.push(() => emu.stop());
    const { client, logs } = await connect(kind, emu);
    const outputs: string[] = [];
    const run = async (name: string, args: Record<string, unknown> = {}, meta?: Record<string, unknown>) => {
      const result = (await client.callTool({ name, arguments: args, ...(meta ? { _meta: meta } : {}) })) as Awaited<ReturnType<typeof call>>;
      outputs.push(JSON.stringify(result));
      expect(result.isError, `${name}: ${textOf(result)}`).toBeFalsy();
      return result.structuredContent as Record<string, any>;
    };

    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual([...TOOL_NAMES].sort());

    // 1. Add API keys: one from the environment (the bridge or _meta carries it), one by value.
    const viaEnv = kind.startsWith('stdio') ? undefined : { [CALLER_ENV_META]: { ANTHROPIC_API_KEY: emu.anthropic.key } };
    expect((await run('add_api_key', { provider: 'anthropic', env_var: 'ANTHROPIC_API_KEY' }, viaEnv)).key.id).toBe('anthropic:default');
    expect((await run('add_api_key', { provider: 'openai', api_key: emu.openai.key })).key.masked).toMatch(/^sk-/);

    // 2. Validate keys against the emulators.
    const all = await run('validate_all_keys');
    expect(all.results.map((r: { key_id: string; outcome: string }) => `${r.key_id} ${r.outcome}`).sort()).toEqual(['anthropic:default valid', 'openai:default valid']);
    expect((await run('validate_key', { provider: 'anthropic' })).outcome).toBe('valid');

    // 3. Route requests.
    expect((await run('route_request', { task_type: 'code_generation' })).provider).toBe('anthropic');
    const analysis = await run('route_request', { task_type: 'analysis', preferred_provider: 'openai', enable_fallback: true });
    expect(analysis.provider).toBe('openai');
    const priced = await run('route_request', { task_type: 'code_generation', estimated_input_tokens: 5000, estimated_output_tokens: 2000 });
    expect(priced.estimated_cost_usd).toBeCloseTo(0.045, 9);

    // 4. Track usage and read it back.
    const tracked = await run('track_request', { provider: 'anthropic', input_tokens: 1000, output_tokens: 500, model: 'claude-3-5-sonnet-20241022', success: true });
    expect(tracked.cost_usd).toBeCloseTo(0.0105, 9);
    const usage = await run('get_usage', { provider: 'anthropic', days: 30 });
    expect(usage.totals).toMatchObject({ requests: 1, input_tokens: 1000, output_tokens: 500 });
    expect(usage.totals.cost_usd).toBeCloseTo(0.0105, 9);

    // 5. Estimate costs and check the budget.
    expect((await run('estimate_cost', { provider: 'anthropic', input_tokens: 5000, output_tokens: 2000 })).cost_usd).toBeCloseTo(0.045, 9);
    const budget = await run('check_budget');
    expect(budget.status).toBe('ok');

    // The rest of the tools, resources and prompts answer on this transport too.
    expect((await run('get_routing_recommendations', { task_type: 'code_review' })).tasks).toHaveLength(1);
    expect((await run('get_provider_stats', { provider: 'anthropic' })).providers[0]).toMatchObject({ provider: 'anthropic', has_key: true });
    expect((await run('get_best_provider_for_cost', { input_tokens: 1000, output_tokens: 1000 })).ranking.length).toBe(4);
    expect((await run('get_best_provider_for_cost', { input_tokens: 1000, output_tokens: 1000, min_quality: 'premium' })).min_quality).toBe('premium');
    expect((await run('update_provider_config', { provider: 'google', enabled: false })).config.enabled).toBe(false);
    const usageDoc = JSON.parse(((await client.readResource({ uri: 'api://usage' })).contents[0] as { text: string }).text);
    expect(usageDoc.last_30_days.totals.requests).toBe(1);
    const prompt = await client.getPrompt({ name: 'api-costs', arguments: { provider: 'anthropic' } });
    outputs.push(JSON.stringify(prompt));
    expect(JSON.stringify(prompt.messages)).toContain('spent_usd');

    const everything = outputs.join('\n') + logs();
    for (const key of [emu.anthropic.key, emu.openai.key]) expect(everything).not.toContain(canaryCore(key));
  });
});
