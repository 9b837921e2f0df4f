import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecentRequest } from '../../src-main/shared/activity.js';
import { startGatewayFixture, type GatewayFixture } from '../support/gateway.js';

/**
 * A request the gateway refuses (a budget or a token's cap) is kept for the Activity view with
 * status `refused`, no tokens and no cost, and counts nowhere else: not as a request, a failure, a
 * rate-limit hit, a key access or spend.
 */
let fx: GatewayFixture;
beforeAll(async () => {
  fx = await startGatewayFixture({ keys: ['openai'] });
});
afterAll(() => fx.close());

const OWNER = { principal: 'owner', actor: 'test' } as const;
const chat = (token: string, maxTokens = 1000) =>
  fetch(`${fx.origin}/openai/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ model: 'gpt-4o', max_tokens: maxTokens, messages: [{ role: 'user', content: 'Say hello' }] }),
  });

async function refusals(): Promise<RecentRequest[]> {
  return (await fx.service.call('usage.recent', { limit: 500 }, OWNER)).requests.filter((r) => r.status === 'refused');
}

describe('refused gateway requests', () => {
  it('keeps a refusal over a token cap and one over the daily budget, each with its reason, and nothing else moves', async () => {
    const events: string[] = [];
    fx.service.events.onAny((name) => events.push(name));
    const capped = await fx.newToken('capped-agent', { max_spend_usd: 0.000001, project: 'apollo' });

    const overCap = await chat(capped);
    expect(overCap.status).toBe(429);
    await overCap.text();
    expect(fx.emu.openai.requests).toHaveLength(0);
    const [first] = await refusals();
    expect(first).toMatchObject({
      status: 'refused',
      success: false,
      client: 'capped-agent',
      project: 'apollo',
      provider: 'openai',
      model: 'gpt-4o',
      route: 'openai/chat',
      input_tokens: 0,
      output_tokens: 0,
      cost_usd: 0,
      detail: expect.stringContaining('spend cap'),
    });
    expect(first!.latency_ms).toBeGreaterThanOrEqual(0);
    expect(events).toContain('usage.refused');
    expect(events).not.toContain('usage.tracked');

    await fx.service.setBudget({ daily_limit: 0.000001 }, OWNER);
    const overBudget = await chat(fx.token);
    expect(overBudget.status).toBe(429);
    await overBudget.text();
    const both = await refusals();
    expect(both).toHaveLength(2);
    expect(both[0]).toMatchObject({ client: 'test-client', project: null, detail: expect.stringMatching(/daily budget/) });

    // Nothing but the feed knows about them.
    expect(fx.service.getUsage().totals.requests).toBe(0);
    expect(fx.service.usage.countRequestsSince('openai', 0)).toBe(0);
    expect(fx.service.usage.gatewayAccess(1).rows).toEqual([]);
    const stats = (await fx.service.call('providers.stats', { provider: 'openai' }, OWNER)).providers[0]!;
    expect(stats).toMatchObject({ requests: 0, failures: 0, requests_last_minute: 0, last_used_at: null });
    expect(stats.circuit).toMatchObject({ state: 'closed', consecutive_failures: 0 });
    expect(stats.health.status).not.toBe('degraded');
    expect(stats.health.status).not.toBe('down');
    const daily = fx.service.checkBudget().periods.find((p) => p.period === 'daily' && p.provider === null)!;
    expect(daily).toMatchObject({ spent_usd: 0, reserved_usd: 0 });
    expect(fx.service.accounting.spendByOrigin('client')).toEqual([]);
  });
});
