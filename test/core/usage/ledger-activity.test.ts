import { describe, expect, it } from 'vitest';
import type { KeywayService } from '../../../src-main/core/service.js';
import { dispatch } from '../../../src-main/core/dispatch.js';
import type { RefusedRequest } from '../../../src-main/shared/activity.js';
import type { GatewayRecordFields } from '../../../src-main/shared/usage.js';
import { openTestService } from '../../support/service.js';

const OWNER = { principal: 'owner', actor: 'cli' } as const;

function open(start = '2026-03-10T12:00:00Z'): { service: KeywayService; tick: (ms?: number) => void } {
  let clock = Date.parse(start);
  const service = openTestService({ now: () => new Date(clock), timeZone: 'UTC' });
  return { service, tick: (ms = 1000) => void (clock += ms) };
}

const gatewayFields = (over: Partial<GatewayRecordFields> = {}): GatewayRecordFields => ({
  client: 'agent-a',
  token_id: 'tok_0123456789ab',
  project: 'alpha',
  route: 'openai/v1/chat/completions',
  status: 'ok',
  ttfb_ms: 12,
  reasoning_tokens: 0,
  ...over,
});

const refusal = (over: Partial<RefusedRequest> = {}): RefusedRequest => ({
  provider: 'openai',
  model: 'gpt-4-turbo',
  client: 'agent-a',
  token_id: 'tok_0123456789ab',
  project: 'alpha',
  route: 'openai/v1/chat/completions',
  latency_ms: 2,
  detail: 'Keyway refused this request: the gateway token "agent-a" has a spend cap of $0.01.',
  ...over,
});

describe('activity feed (usage.recent)', () => {
  it('lists tracked and refused requests newest first with their gateway fields, and pages through both with the cursor', async () => {
    const { service, tick } = open();
    const ok = await service.usage.track(
      { provider: 'openai', model: 'gpt-4-turbo', input_tokens: 1000, output_tokens: 200, cached_input_tokens: 400, latency_ms: 80 },
      { gateway: gatewayFields({ reasoning_tokens: 50 }) },
    );
    tick();
    const refused = service.accounting.recordRefusal(refusal());
    tick();
    await service.usage.track({ provider: 'anthropic', input_tokens: 10, output_tokens: 0, success: false }, { gateway: gatewayFields({ client: 'agent-b', project: null, status: 'cut', route: 'anthropic/v1/messages' }) });
    tick();
    await service.trackRequest({ provider: 'google', input_tokens: 5, output_tokens: 5 }, OWNER);

    const all = await dispatch(service, 'usage.recent', {}, OWNER);
    expect(all.requests.map((r) => [r.status, r.client, r.provider])).toEqual([
      ['tracked', 'cli', 'google'],
      ['cut', 'agent-b', 'anthropic'],
      ['refused', 'agent-a', 'openai'],
      ['ok', 'agent-a', 'openai'],
    ]);
    expect(all.next_before).toBeNull();
    expect(all.requests[3]).toMatchObject({
      id: `u${ok.id}`,
      project: 'alpha',
      model: 'gpt-4-turbo',
      route: 'openai/v1/chat/completions',
      input_tokens: 1000,
      output_tokens: 200,
      cached_input_tokens: 400,
      reasoning_tokens: 50,
      cost_usd: ok.cost_usd,
      latency_ms: 80,
      ttfb_ms: 12,
      success: true,
    });
    expect(ok.cost_usd).toBeGreaterThan(0);
    expect(all.requests[2]).toEqual({ ...refused, id: refused!.id });
    expect(all.requests[2]).toMatchObject({ status: 'refused', success: false, input_tokens: 0, output_tokens: 0, cost_usd: 0, detail: expect.stringContaining('spend cap') });

    const first = await dispatch(service, 'usage.recent', { limit: 3 }, OWNER);
    expect(first.requests.map((r) => r.status)).toEqual(['tracked', 'cut', 'refused']);
    expect(first.next_before).toMatch(/^\d+\.\d+$/);
    const second = await dispatch(service, 'usage.recent', { limit: 3, before: first.next_before! }, OWNER);
    expect(second.requests.map((r) => r.id)).toEqual([`u${ok.id}`]);
    expect(second.next_before).toBeNull();
    service.close();
  });

  it('pages records alone, and a refusal newer than a whole page, without losing or repeating any', async () => {
    const { service, tick } = open();
    for (let i = 0; i < 5; i++) {
      await service.usage.track({ provider: 'openai', input_tokens: i, output_tokens: 1 }, { gateway: gatewayFields() });
      tick();
    }
    service.accounting.recordRefusal(refusal());
    const seen: string[] = [];
    let before: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await dispatch(service, 'usage.recent', { limit: 2, ...(before ? { before } : {}) }, OWNER);
      seen.push(...page.requests.map((r) => `${r.status}:${r.input_tokens}`));
      if (!page.next_before) break;
      before = page.next_before;
    }
    expect(seen).toEqual(['refused:0', 'ok:4', 'ok:3', 'ok:2', 'ok:1', 'ok:0']);
    service.close();
  });

  it('filters by client, project and provider', async () => {
    const { service, tick } = open();
    await service.usage.track({ provider: 'openai', input_tokens: 1, output_tokens: 1 }, { gateway: gatewayFields() });
    tick();
    await service.usage.track({ provider: 'anthropic', input_tokens: 1, output_tokens: 1 }, { gateway: gatewayFields({ client: 'agent-b', project: 'beta' }) });
    tick();
    service.accounting.recordRefusal(refusal({ client: 'agent-b', project: 'beta', provider: 'anthropic', model: 'claude-3-5-haiku-20241022' }));
    const statuses = async (input: Record<string, unknown>) => (await dispatch(service, 'usage.recent', input, OWNER)).requests.map((r) => `${r.client}/${r.project}/${r.provider}/${r.status}`);
    expect(await statuses({ client: 'agent-b' })).toEqual(['agent-b/beta/anthropic/refused', 'agent-b/beta/anthropic/ok']);
    expect(await statuses({ project: 'alpha' })).toEqual(['agent-a/alpha/openai/ok']);
    expect(await statuses({ provider: 'openai' })).toEqual(['agent-a/alpha/openai/ok']);
    expect(await statuses({ client: 'nobody' })).toEqual([]);
    service.close();
  });

  it.each([
    [{ limit: 501 }, /limit must be at most 500/],
    [{ limit: 0 }, /limit must be at least 1/],
    [{ before: 'yesterday' }, /before must be the next_before value/],
    [{ client: '' }, /client must be 1-64/],
  ])('refuses %j with a message naming the field', async (input, message) => {
    const { service } = open();
    await expect(dispatch(service, 'usage.recent', input, OWNER)).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(message) });
    service.close();
  });

  it('is for the owner only: an agent may not read the feed', async () => {
    const { service } = open();
    await expect(dispatch(service, 'usage.recent', {}, { principal: 'agent', actor: 'some-editor' })).rejects.toMatchObject({ code: 'forbidden' });
    service.close();
  });
});

describe('a refused request', () => {
  it('is no request, failure or spend anywhere else: usage, provider activity, rate limits, access log, token spend, budgets, health events', async () => {
    const { service } = open();
    const tracked: unknown[] = [];
    const refusedEvents: unknown[] = [];
    service.events.on('usage.tracked', (r) => tracked.push(r));
    service.events.on('usage.refused', (r) => refusedEvents.push(r));
    const before = { usage: service.getUsage(), budget: service.checkBudget() };

    const entry = service.accounting.recordRefusal(refusal());
    expect(entry).not.toBeNull();
    expect(refusedEvents).toEqual([entry]);
    expect(tracked).toEqual([]);

    expect(service.getUsage()).toEqual(before.usage);
    expect(service.getUsage().totals.requests).toBe(0);
    expect(service.usage.providerActivity('openai')).toMatchObject({ requests: 0, failures: 0, success_rate: null, last_used_at: null });
    expect(service.usage.countRequestsSince('openai', 0)).toBe(0);
    expect(service.usage.gatewayAccess(7).rows).toEqual([]);
    expect(service.usage.spentMicrosByToken('tok_0123456789ab')).toBe(0);
    expect(service.checkBudget().periods.map((p) => p.spent_usd)).toEqual(before.budget.periods.map((p) => p.spent_usd));
    expect(service.accounting.spendByOrigin('client')).toEqual([]);
    expect((await dispatch(service, 'usage.recent', {}, OWNER)).requests).toHaveLength(1);
    service.close();
  });

  it('keeps a long message bounded', () => {
    const { service } = open();
    const entry = service.accounting.recordRefusal(refusal({ detail: 'x'.repeat(5000) }));
    expect(entry?.detail).toHaveLength(500);
    service.close();
  });
});

describe('spend per client and project', () => {
  it('sums today and this month per client and per project, paid providers only, biggest first', async () => {
    const { service, tick } = open('2026-03-09T12:00:00Z');
    const old = await service.usage.track({ provider: 'openai', model: 'gpt-4-turbo', input_tokens: 10_000, output_tokens: 0 }, { gateway: gatewayFields() });
    tick(24 * 3600_000);
    const a = await service.usage.track({ provider: 'openai', model: 'gpt-4-turbo', input_tokens: 20_000, output_tokens: 0 }, { gateway: gatewayFields() });
    const b = await service.usage.track({ provider: 'anthropic', model: 'claude-3-5-sonnet-20241022', input_tokens: 1000, output_tokens: 500 }, { gateway: gatewayFields({ client: 'agent-b', project: null }) });
    await service.usage.track({ provider: 'local', model: 'llama3.2', input_tokens: 100_000, output_tokens: 100 }, { gateway: gatewayFields({ client: 'local-only', project: 'gamma' }) });
    service.accounting.recordRefusal(refusal({ client: 'refused-only' }));

    const byClient = service.accounting.spendByOrigin('client');
    expect(byClient).toEqual([
      { name: 'agent-a', requests: 2, today_usd: a.cost_usd, month_usd: Number((a.cost_usd! + old.cost_usd!).toFixed(6)) },
      { name: 'agent-b', requests: 1, today_usd: b.cost_usd, month_usd: b.cost_usd },
    ]);
    expect(a.cost_usd! + old.cost_usd!).toBeGreaterThan(b.cost_usd!);
    expect(service.accounting.spendByOrigin('project').map((p) => [p.name, p.requests])).toEqual([
      ['alpha', 2],
      [null, 1],
    ]);
    const snapshot = await dispatch(service, 'dashboard.get', {}, OWNER);
    expect(snapshot.spend_by_client).toEqual(byClient);
    expect(snapshot.spend_by_project[0]).toMatchObject({ name: 'alpha', month_usd: byClient[0]!.month_usd });

    // Later records are added to what was read (only the new ones are read), also across a day change.
    tick(24 * 3600_000);
    const c = await service.usage.track({ provider: 'anthropic', model: 'claude-3-5-sonnet-20241022', input_tokens: 2000, output_tokens: 0 }, { gateway: gatewayFields({ client: 'agent-b', project: 'beta' }) });
    const later = service.accounting.spendByOrigin('client');
    expect(later.find((r) => r.name === 'agent-b')).toEqual({ name: 'agent-b', requests: 2, today_usd: c.cost_usd, month_usd: Number((b.cost_usd! + c.cost_usd!).toFixed(6)) });
    expect(later.find((r) => r.name === 'agent-a')).toMatchObject({ requests: 2, today_usd: 0 });
    expect(service.accounting.spendByOrigin('project').map((p) => p.name)).toEqual(['alpha', null, 'beta']);
    // A second service on the same file sees the same figures from its own first read.
    const other = openTestService({ dataDir: service.dataDir, now: () => service.now(), timeZone: 'UTC' });
    expect(other.accounting.spendByOrigin('client')).toEqual(later);
    other.close();
    service.close();
  });

  it('starts the month over on the first local day of the month', async () => {
    const { service, tick } = open('2026-02-28T23:00:00Z');
    await service.usage.track({ provider: 'openai', model: 'gpt-4-turbo', input_tokens: 10_000, output_tokens: 0 }, { gateway: gatewayFields() });
    tick(2 * 3600_000);
    expect(service.accounting.spendByOrigin('client')).toEqual([]);
    service.close();
  });
});
