import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeywayService } from '../../../src-main/core/service.js';
import { KeywayError } from '../../../src-main/core/errors.js';
import type { BudgetAlert } from '../../../src-main/shared/budget.js';
import { tempDir } from '../../support/temp-dir.js';

const CLI = { principal: 'owner', actor: 'cli' } as const;

interface Harness {
  service: KeywayService;
  alerts: BudgetAlert[];
  setTime: (iso: string) => void;
  /** Spends `usd` on openai gpt-4-turbo ($0.01 per 1k input tokens). */
  spend: (usd: number) => Promise<void>;
}

async function harness(options: { dataDir?: string; daily?: number; monthly?: number; threshold?: number; timeZone?: string; start?: string } = {}): Promise<Harness> {
  let clock = Date.parse(options.start ?? '2026-03-10T12:00:00Z');
  const service = KeywayService.open({ dataDir: options.dataDir ?? tempDir(), env: {}, now: () => new Date(clock), timeZone: options.timeZone ?? 'UTC' });
  await service.setBudget({ daily_limit: options.daily ?? 1, monthly_limit: options.monthly ?? 100, alert_threshold: options.threshold ?? 0.8 }, CLI);
  const alerts: BudgetAlert[] = [];
  service.events.on('budget.alert', (a) => alerts.push(a));
  return {
    service,
    alerts,
    setTime: (iso) => (clock = Date.parse(iso)),
    spend: async (usd) => {
      await service.trackRequest({ provider: 'openai', model: 'gpt-4-turbo', input_tokens: Math.round(usd * 100_000), output_tokens: 0 }, CLI);
    },
  };
}

describe('budgets', () => {
  it('reports limit, spent, remaining, percent and status for the daily and monthly periods', async () => {
    const h = await harness({ daily: 1, monthly: 10 });
    await h.spend(0.5);
    const status = h.service.checkBudget();
    expect(status.status).toBe('ok');
    expect(status.periods).toEqual([
      expect.objectContaining({ period: 'daily', provider: null, limit_usd: 1, spent_usd: 0.5, remaining_usd: 0.5, percent_used: 50, status: 'ok', resets_at: '2026-03-11T00:00:00.000Z' }),
      expect.objectContaining({ period: 'monthly', provider: null, limit_usd: 10, spent_usd: 0.5, percent_used: 5, status: 'ok', starts_at: '2026-03-01T00:00:00.000Z', resets_at: '2026-04-01T00:00:00.000Z' }),
    ]);
    await h.spend(0.3);
    expect(h.service.checkBudget()).toMatchObject({ status: 'warning', alerts: [expect.objectContaining({ period: 'daily', level: 'warning' })] });
    await h.spend(0.2);
    expect(h.service.checkBudget().periods[0]).toMatchObject({ status: 'exceeded', percent_used: 100, remaining_usd: 0 });
    h.service.close();
  });

  it('reports spending but no warnings, alerts or refusals while budgets are disabled', async () => {
    const h = await harness({ daily: 1 });
    await h.service.setBudget({ enabled: false }, CLI);
    await h.spend(2);
    const status = h.service.checkBudget();
    expect(status).toMatchObject({ enabled: false, status: 'ok', alerts: [] });
    expect(status.periods[0]).toMatchObject({ spent_usd: 2, status: 'ok' });
    expect(h.alerts).toEqual([]);
    expect(h.service.reserveBudget({ estimated_cost_usd: 50 }).granted).toBe(true);
    h.service.close();
  });

  it('never counts local (Ollama) usage against money budgets', async () => {
    const h = await harness({ daily: 1 });
    await h.service.trackRequest({ provider: 'local', model: 'llama2', input_tokens: 5_000_000, output_tokens: 5_000_000 }, CLI);
    expect(h.service.checkBudget().periods[0]).toMatchObject({ spent_usd: 0, status: 'ok' });
    expect(h.service.getUsage().totals.requests).toBe(1);
    h.service.close();
  });

  it('fires the threshold and the limit alert once each per period, again after the day and month roll over', async () => {
    const h = await harness({ daily: 1, monthly: 3, start: '2026-03-30T10:00:00Z' });
    await h.spend(0.85);
    await h.spend(0.05);
    await h.spend(0.2);
    await h.spend(0.2);
    expect(h.alerts.map((a) => `${a.period}:${a.period_key}:${a.level}`)).toEqual(['daily:2026-03-30:warning', 'daily:2026-03-30:exceeded']);
    h.setTime('2026-03-31T10:00:00Z');
    await h.spend(0.9);
    await h.spend(0.5);
    // Month: 1.3 + 1.4 = 2.7 of 3 crosses the 80% threshold on the second request of the new day.
    expect(h.alerts.slice(2).map((a) => `${a.period}:${a.period_key}:${a.level}`)).toEqual([
      'daily:2026-03-31:warning',
      'daily:2026-03-31:exceeded',
      'monthly:2026-03:warning',
    ]);
    h.setTime('2026-04-01T00:00:01Z');
    await h.spend(2.5);
    expect(h.alerts.slice(5).map((a) => `${a.period}:${a.period_key}:${a.level}`)).toEqual([
      'daily:2026-04-01:warning',
      'daily:2026-04-01:exceeded',
      'monthly:2026-04:warning',
    ]);
    h.service.close();
  });

  it('uses the local time zone for periods: a request at 23:30 local counts for that local day', async () => {
    const h = await harness({ daily: 1, timeZone: 'America/Los_Angeles', start: '2026-03-11T06:30:00Z' });
    await h.spend(0.9);
    h.setTime('2026-03-11T08:30:00Z');
    const daily = h.service.checkBudget().periods[0]!;
    expect(daily).toMatchObject({ spent_usd: 0, starts_at: '2026-03-11T07:00:00.000Z' });
    h.service.close();
  });

  it('records each alert in the audit log as the system', async () => {
    const h = await harness({ daily: 1 });
    await h.spend(1.5);
    const entries = h.service.auditEntries().filter((e) => e.action === 'budget.alert');
    expect(entries.map((e) => e.actor)).toEqual(['system', 'system']);
    expect(entries[1]!.detail).toMatch(/Daily budget exceeded: \$1\.50 of \$1\.00/);
    h.service.close();
  });

  it('fires an alert only once even when two processes share the data dir', async () => {
    const dataDir = tempDir();
    const a = await harness({ dataDir, daily: 1 });
    const b = await harness({ dataDir, daily: 1 });
    await a.spend(0.5);
    await b.spend(0.4);
    await a.spend(0.01);
    await b.spend(0.01);
    expect([...a.alerts, ...b.alerts].map((x) => x.level)).toEqual(['warning']);
    a.service.close();
    b.service.close();
  });

  describe('after this process\'s own commits (judged without a read while every budget is clear of its threshold)', () => {
    const track = (h: Harness, usd: number, provider: 'openai' | 'anthropic' = 'openai') =>
      h.service.trackRequest(
        provider === 'openai'
          ? { provider, model: 'gpt-4-turbo', input_tokens: Math.round(usd * 100_000), output_tokens: 0 }
          : { provider, model: 'claude-3-opus-20240229', input_tokens: Math.round(usd * 66_666.67), output_tokens: 0 },
        CLI,
      );

    it('the record that crosses the threshold, and the one that crosses the limit, carry the alert; the ones before carry none', async () => {
      const h = await harness({ daily: 1 });
      const warnings: string[][] = [];
      for (let i = 0; i < 11; i++) warnings.push((await track(h, 0.1)).warnings);
      expect(warnings.slice(0, 7)).toEqual(Array(7).fill([]));
      expect(warnings[7]!.join(' ')).toMatch(/Daily budget at 80%/);
      expect(warnings[9]!.join(' ')).toMatch(/Daily budget exceeded/);
      expect(h.alerts.map((a) => a.level)).toEqual(['warning', 'exceeded']);
      h.service.close();
    });

    it('spending by another process in between is counted at once', async () => {
      const dataDir = tempDir();
      const a = await harness({ dataDir, daily: 1 });
      const b = await harness({ dataDir, daily: 1 });
      expect((await track(a, 0.1)).warnings).toEqual([]);
      expect((await track(a, 0.1)).warnings).toEqual([]);
      await track(b, 0.6);
      expect((await track(a, 0.01)).warnings.join(' ')).toMatch(/Daily budget at 81%/);
      a.service.close();
      b.service.close();
    });

    it('a reservation this process made in between is counted at once', async () => {
      const h = await harness({ daily: 1 });
      expect((await track(h, 0.1)).warnings).toEqual([]);
      expect(h.service.reserveBudget({ estimated_cost_usd: 0.75 }).granted).toBe(true);
      expect((await track(h, 0.01)).warnings.join(' ')).toMatch(/Daily budget at 86% with \$0\.75 reserved/);
      h.service.close();
    });

    it('the next status check counts a record at once, and frees the reservation a record settles', async () => {
      const h = await harness({ daily: 10 });
      await track(h, 0.1);
      expect(h.service.checkBudget().periods[0]).toMatchObject({ spent_usd: 0.1, reserved_usd: 0 });
      await track(h, 0.1);
      expect(h.service.checkBudget().periods[0]).toMatchObject({ spent_usd: 0.2, reserved_usd: 0 });
      const reserved = h.service.reserveBudget({ estimated_cost_usd: 0.5 });
      expect(h.service.checkBudget().periods[0]).toMatchObject({ spent_usd: 0.2, reserved_usd: 0.5 });
      await h.service.trackRequest({ provider: 'openai', model: 'gpt-4-turbo', input_tokens: 10_000, output_tokens: 0, reservation: reserved.ticket! }, CLI);
      expect(h.service.checkBudget().periods[0]).toMatchObject({ spent_usd: 0.3, reserved_usd: 0 });
      h.service.close();
    });

    it('a record made before midnight and committed after it counts for its own day, not the new one', async () => {
      const h = await harness({ daily: 10, start: '2026-03-10T23:59:59Z' });
      const late = track(h, 0.5);
      for (let i = 0; i < 50; i++) await null; // the record is priced and dated; its commit waits for setImmediate
      h.setTime('2026-03-11T00:00:01Z');
      expect(h.service.checkBudget().periods[0]).toMatchObject({ spent_usd: 0 });
      expect((await late).time).toBe('2026-03-10T23:59:59.000Z');
      expect(h.service.checkBudget().periods).toEqual([
        expect.objectContaining({ period: 'daily', spent_usd: 0 }),
        expect.objectContaining({ period: 'monthly', spent_usd: 0.5 }),
      ]);
      h.service.close();
    });

    it('a provider\'s own limit is judged with only that provider\'s spending', async () => {
      const h = await harness({ daily: 100 });
      await h.service.setBudget({ provider: 'anthropic', daily_limit: 1 }, CLI);
      for (let i = 0; i < 5; i++) expect((await track(h, 0.5)).warnings).toEqual([]);
      expect((await track(h, 0.5, 'anthropic')).warnings).toEqual([]);
      expect((await track(h, 0.35, 'anthropic')).warnings.join(' ')).toMatch(/Daily anthropic budget at 85%/);
      h.service.close();
    });
  });

  it('applies per-provider limits alongside the overall ones', async () => {
    const h = await harness({ daily: 100 });
    await h.service.setBudget({ provider: 'openai', daily_limit: 0.5 }, CLI);
    await h.spend(0.6);
    const status = h.service.checkBudget();
    expect(status.periods).toContainEqual(expect.objectContaining({ period: 'daily', provider: 'openai', status: 'exceeded' }));
    expect(status.status).toBe('exceeded');
    expect(h.alerts.map((a) => `${a.provider}:${a.level}`)).toEqual(['openai:warning', 'openai:exceeded']);
    h.service.close();
  });

  it('judges the threshold by one rule: $6 reserved of a $10 daily limit at 0.5 is a warning for check_budget and for recommendations alike', async () => {
    const h = await harness({ daily: 10, monthly: 1000, threshold: 0.5 });
    expect(h.service.checkBudget().status).toBe('ok');
    expect(h.service.reserveBudget({ estimated_cost_usd: 6 }).granted).toBe(true);
    const daily = h.service.checkBudget().periods.find((p) => p.period === 'daily' && p.provider === null)!;
    expect(daily).toMatchObject({ spent_usd: 0, reserved_usd: 6, status: 'warning' });
    expect(h.service.checkBudget().status).toBe('warning');
    const advice = h.service.getRoutingRecommendations().advice.filter((a) => a.kind === 'budget_pressure');
    expect(advice.map((a) => a.message)).toEqual([expect.stringContaining('daily budget is 60% used')]);
    h.service.close();
  });

  it('announces a budget change like every other config change, so the tray and api:// subscribers hear of it', async () => {
    const h = await harness();
    const seen: string[] = [];
    h.service.events.on('config.changed', (e) => seen.push(e.path));
    await h.service.setBudget({ daily_limit: 7 }, CLI);
    expect(seen).toEqual([h.service.config.path]);
    expect(h.service.auditEntries(1)[0]).toMatchObject({ actor: 'cli', action: 'budget.set', outcome: 'ok', detail: 'daily_limit=7' });
    await expect(h.service.setBudget({ daily_limit: -1 }, CLI)).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(h.service.setBudget({ daily_limit: 7 }, { principal: 'agent', actor: 'mcp:x@1' })).rejects.toMatchObject({ code: 'forbidden' });
    expect(h.service.auditEntries(1)[0]).toMatchObject({ actor: 'mcp:x@1', action: 'budget.set', outcome: 'error', error_code: 'forbidden' });
    expect(seen).toHaveLength(1);
    h.service.close();
  });

  it('keeps every other routing_config.json field when setting the budget', async () => {
    const h = await harness();
    const before = h.service.config.current();
    await h.service.setBudget({ monthly_limit: 42 }, CLI);
    const after = h.service.config.current();
    expect(after.budget.monthly_limit).toBe(42);
    expect(after.budget.daily_limit).toBe(1);
    expect(after.routing).toEqual(before.routing);
    expect(after.fallback_order).toEqual(before.fallback_order);
    h.service.close();
  });

  it.each([
    ['nothing to change', {}, /nothing to change: give at least one of enabled, daily_limit/],
    ['a negative limit', { daily_limit: -1 }, /daily_limit must be 0 or more/],
    ['a threshold above 1', { alert_threshold: 80 }, /at most 1/],
    ['a zero threshold', { alert_threshold: 0 }, /above 0/],
    ['an unknown provider', { provider: 'azure', daily_limit: 1 }, /provider must be one of/],
    ['a threshold for one provider', { provider: 'openai', alert_threshold: 0.5 }, /per-provider budgets take only/],
    ['a limit given as text', { daily_limit: '10' }, /daily_limit/],
    ['a limit for local (Ollama), which never counts', { provider: 'local', daily_limit: 1 }, /local \(Ollama\) usage is free and never counts against money budgets/],
  ])('refuses a budget change with %s and leaves the config alone', async (_name, input, message) => {
    const h = await harness({ daily: 7 });
    const error = await h.service.setBudget(input as never, CLI).catch((e: unknown) => e);
    expect((error as KeywayError).code).toBe('invalid_input');
    expect((error as KeywayError).message).toMatch(message);
    expect(h.service.config.load().budget.daily_limit).toBe(7);
    h.service.close();
  });
});

describe('budgets with a broken routing_config.json', () => {
  it('refuses to report or reserve against made-up default limits, yet still records usage', async () => {
    const dataDir = tempDir();
    const setup = await harness({ dataDir, daily: 0.5 });
    setup.service.close();
    writeFileSync(join(dataDir, 'routing_config.json'), '{"budget": {');
    const service = KeywayService.open({ dataDir, env: {}, now: () => new Date('2026-03-10T12:00:00Z'), timeZone: 'UTC' });
    const tracked = await service.trackRequest({ provider: 'openai', model: 'gpt-4-turbo', input_tokens: 100_000, output_tokens: 0 }, CLI);
    expect(tracked.cost_usd).toBe(1);
    expect(service.getUsage().totals.requests).toBe(1);
    for (const call of [() => service.checkBudget(), () => service.reserveBudget({ estimated_cost_usd: 0.1 })]) {
      const error = (() => {
        try {
          return call();
        } catch (e) {
          return e;
        }
      })();
      expect((error as KeywayError).code).toBe('config_invalid');
      expect((error as KeywayError).message).toMatch(/routing_config\.json is not valid JSON/);
    }
    service.close();
  });
});

describe('budget reservations', () => {
  it('grants exactly 10 of 200 concurrent reservations when room remains for exactly 10', async () => {
    const h = await harness({ daily: 10 });
    await h.spend(9);
    const results = await Promise.all(Array.from({ length: 200 }, async () => h.service.reserveBudget({ estimated_cost_usd: 0.1 })));
    expect(results.filter((r) => r.granted)).toHaveLength(10);
    const refused = results.find((r) => !r.granted);
    expect(refused).toMatchObject({ refused_by: { period: 'daily', provider: null, limit_usd: 10 } });
    expect(refused?.granted === false && refused.message).toMatch(/would exceed the daily budget/);
    expect(h.service.checkBudget().periods[0]).toMatchObject({ reserved_usd: 1, remaining_usd: 0 });
    h.service.close();
  });

  it('grants exactly 10 when four services on one data dir reserve at once', async () => {
    const dataDir = tempDir();
    const services = await Promise.all([0, 1, 2, 3].map(() => harness({ dataDir, daily: 10 })));
    await services[0]!.spend(9);
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => services[i % 4]!.service.reserveBudget({ estimated_cost_usd: 0.1 })),
    );
    expect(results.filter((r) => r.granted)).toHaveLength(10);
    services.forEach((s) => s.service.close());
  });

  it('frees the hold on settle and release, and refuses a ticket that is not open', async () => {
    const h = await harness({ daily: 1 });
    const first = h.service.reserveBudget({ estimated_cost_usd: 0.6 });
    const second = h.service.reserveBudget({ estimated_cost_usd: 0.6 });
    expect([first.granted, second.granted]).toEqual([true, false]);
    if (!first.granted) throw new Error('unreachable');
    expect(h.service.settleReservation({ ticket: first.ticket, actual_cost_usd: 0.4 })).toMatchObject({ reserved_usd: 0.6, actual_cost_usd: 0.4, status: 'settled' });
    const third = h.service.reserveBudget({ estimated_cost_usd: 0.6 });
    expect(third.granted).toBe(true);
    if (!third.granted) throw new Error('unreachable');
    expect(h.service.releaseReservation({ ticket: third.ticket })).toMatchObject({ status: 'released', actual_cost_usd: null });
    const again = (() => {
      try {
        return h.service.releaseReservation({ ticket: third.ticket });
      } catch (error) {
        return error;
      }
    })();
    expect((again as KeywayError).code).toBe('reservation_not_found');
    h.service.close();
  });

  it('a status check sees at once what another process spent or reserved, a reservation expiring and a new day', async () => {
    const dataDir = tempDir();
    const mine = await harness({ dataDir, daily: 10 });
    const other = await harness({ dataDir, daily: 10 });
    expect(mine.service.checkBudget().periods[0]).toMatchObject({ spent_usd: 0, reserved_usd: 0 });
    await other.spend(2);
    expect(mine.service.checkBudget().periods[0]).toMatchObject({ spent_usd: 2, reserved_usd: 0 });
    expect(other.service.reserveBudget({ estimated_cost_usd: 3, ttl_seconds: 60 }).granted).toBe(true);
    expect(mine.service.checkBudget().periods[0]).toMatchObject({ spent_usd: 2, reserved_usd: 3 });
    await mine.spend(1);
    expect(mine.service.checkBudget().periods[0]).toMatchObject({ spent_usd: 3, reserved_usd: 3 });
    mine.setTime('2026-03-10T12:01:01Z');
    expect(mine.service.checkBudget().periods[0]).toMatchObject({ spent_usd: 3, reserved_usd: 0 });
    mine.setTime('2026-03-11T00:00:01Z');
    expect(mine.service.checkBudget().periods[0]).toMatchObject({ spent_usd: 0, reserved_usd: 0 });
    await mine.service.setBudget({ daily_limit: 4 }, CLI);
    expect(mine.service.checkBudget().periods[0]).toMatchObject({ limit_usd: 4 });
    mine.service.close();
    other.service.close();
  });

  it('lets abandoned tickets expire so their hold comes back', async () => {
    const h = await harness({ daily: 1 });
    expect(h.service.reserveBudget({ estimated_cost_usd: 1, ttl_seconds: 60 }).granted).toBe(true);
    expect(h.service.reserveBudget({ estimated_cost_usd: 0.5 }).granted).toBe(false);
    h.setTime('2026-03-10T12:01:01Z');
    expect(h.service.reserveBudget({ estimated_cost_usd: 0.5 }).granted).toBe(true);
    h.service.close();
  });

  it('closes a ticket in the same commit as the request that settles it through trackRequest', async () => {
    const h = await harness({ daily: 1 });
    const ticket = h.service.reserveBudget({ estimated_cost_usd: 0.9, provider: 'openai' });
    if (!ticket.granted) throw new Error('expected a ticket');
    await h.service.trackRequest({ provider: 'openai', model: 'gpt-4-turbo', input_tokens: 50_000, output_tokens: 0, reservation: ticket.ticket }, CLI);
    expect(h.service.checkBudget().periods[0]).toMatchObject({ spent_usd: 0.5, reserved_usd: 0 });
    const late = await h.service.trackRequest({ provider: 'openai', input_tokens: 1, output_tokens: 0, reservation: ticket.ticket }, CLI);
    expect(late.warnings.join(' ')).toMatch(/was not open/);
    h.service.close();
  });

  it.each([
    ['a negative amount', { estimated_cost_usd: -1 }, /0 or more/],
    ['a missing amount', {}, /estimated_cost_usd/],
    ['a zero ttl', { estimated_cost_usd: 1, ttl_seconds: 0 }, /ttl_seconds must be at least 1/],
  ])('refuses a reservation with %s', async (_name, input, message) => {
    const h = await harness();
    expect(() => h.service.reserveBudget(input as never)).toThrow(message);
    h.service.close();
  });
});
