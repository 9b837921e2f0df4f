import { afterEach, describe, expect, it } from 'vitest';
import { buildDashboard } from '../../src-main/core/dashboard.js';
import type { KeywayService } from '../../src-main/core/service.js';
import { openTestService } from '../support/service.js';

const GUI = { principal: 'owner', actor: 'gui' } as const;
const services: KeywayService[] = [];
afterEach(() => {
  while (services.length > 0) services.pop()!.close();
});

function service(now = new Date('2026-11-28T12:00:00Z')): KeywayService {
  const s = openTestService({ now: () => now, timeZone: 'UTC' });
  services.push(s);
  return s;
}

// Seed prices: anthropic $0.003/1k input, $0.015/1k output; openai $0.01/1k input, $0.03/1k output.
const track = (s: KeywayService, provider: 'anthropic' | 'openai', input: number, output: number, model?: string) =>
  s.trackRequest({ provider, input_tokens: input, output_tokens: output, ...(model ? { model } : {}) }, GUI);

describe('buildDashboard', () => {
  it('starts at zero against the seed limits with 30 empty days', () => {
    const d = buildDashboard(service());
    expect(d.today).toEqual({ spent_usd: 0, limit_usd: 10, level: 'ok' });
    expect(d.month).toEqual({ spent_usd: 0, limit_usd: 100, level: 'ok' });
    expect(d.daily).toHaveLength(30);
    expect(d.daily.at(-1)).toEqual({ date: '2026-11-28', by_provider: {} });
    expect(d.alerts).toEqual([]);
    expect(d.providers.map((p) => p.provider)).toEqual(['anthropic', 'openai', 'google', 'local']);
  });

  it('stacks tracked cost by provider per day and ranks the top models', async () => {
    const s = service();
    await track(s, 'anthropic', 100_000, 10_000, 'claude-3-5-sonnet-20241022');
    await track(s, 'openai', 10_000, 10_000, 'gpt-4-turbo');
    const d = buildDashboard(s);
    const today = d.daily.at(-1)!;
    expect(Object.keys(today.by_provider).sort()).toEqual(['anthropic', 'openai']);
    const total = (today.by_provider.anthropic ?? 0) + (today.by_provider.openai ?? 0);
    expect(d.today.spent_usd).toBeCloseTo(total, 6);
    expect(d.top_models.map((m) => m.model)).toHaveLength(2);
    expect(d.top_models[0]!.cost_usd).toBeGreaterThanOrEqual(d.top_models[1]!.cost_usd);
  });

  it('turns the day amber at the threshold and red past the limit, with an alert on top', async () => {
    const s = service();
    await s.setBudget({ daily_limit: 1 }, GUI);
    await track(s, 'openai', 50_000, 10_000); // about $0.80
    const warn = buildDashboard(s);
    expect(warn.today.level).toBe('warning');
    expect(warn.alerts.map((a) => a.kind)).toEqual(['budget_warning']);
    expect(warn.alerts[0]!.id).toBe('budget_warning:daily:all:2026-11-28');
    await track(s, 'openai', 50_000, 10_000);
    const over = buildDashboard(s);
    expect(over.today.level).toBe('exceeded');
    expect(over.alerts[0]!.kind).toBe('budget_exceeded');
    expect(over.month.level).toBe('ok');
  });

  it('says how to silence a down local provider (on by default, so people without Ollama see it), and drops the alert once local is off', async () => {
    const s = service();
    await s.updateProviderConfig('local', { base_url: 'http://127.0.0.1:9' }, GUI); // nothing listens on the discard port
    await s.checkLocalHealth();
    const down = buildDashboard(s).alerts.filter((a) => a.kind === 'provider_down');
    expect(down).toHaveLength(1);
    expect(down[0]).toMatchObject({ id: 'provider_down:local', view: 'providers' });
    expect(down[0]!.message).toMatch(/^local is down .*Start Ollama, or turn local off under Providers if you do not use it\.$/);
    await s.updateProviderConfig('local', { enabled: false }, GUI);
    expect(buildDashboard(s).alerts).toEqual([]);
  });

  it('shows spend without limits when budgets are off', async () => {
    const s = service();
    await s.setBudget({ enabled: false }, GUI);
    await track(s, 'anthropic', 1000, 1000);
    const d = buildDashboard(s);
    expect(d.budget_enabled).toBe(false);
    expect(d.today.limit_usd).toBeNull();
    expect(d.today.spent_usd).toBeGreaterThan(0);
    expect(d.today.level).toBe('ok');
  });
});
