import type { BudgetPeriodStatus } from '../shared/budget.js';
import type { DailyCost, DashboardAlert, DashboardSnapshot, SpendGauge } from '../shared/dashboard.js';
import { PROVIDER_IDS } from '../shared/providers.js';
import type { KeywayService } from './service.js';

const CHART_DAYS = 30;
const TOP_MODELS = 5;

/**
 * Everything the popover and the tray show, composed from the service's own answers (budget
 * status, provider stats, usage); no rule is re-decided here.
 */
export function buildDashboard(service: KeywayService): DashboardSnapshot {
  const budget = service.checkBudget();
  const stats = service.getProviderStats().providers;
  const usage = service.getUsage({ days: CHART_DAYS });
  const keys = service.listKeys().keys;
  const overall = (period: 'daily' | 'monthly'): BudgetPeriodStatus | undefined => budget.periods.find((p) => p.period === period && p.provider === null);
  const alerts: DashboardAlert[] = budget.alerts.map((alert) => ({
    id: `budget_${alert.level}:${alert.period}:${alert.provider ?? 'all'}:${alert.period_key}`,
    kind: alert.level === 'exceeded' ? 'budget_exceeded' : 'budget_warning',
    message: alert.message,
    view: 'budget',
  }));
  alerts.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'budget_exceeded' ? -1 : 1));
  for (const p of stats) {
    if (p.enabled && p.health.status === 'down') {
      // local is on by default, so someone without Ollama sees this first: say how to silence it.
      const remedy = p.provider === 'local' ? ' Start Ollama, or turn local off under Providers if you do not use it.' : '';
      alerts.push({ id: `provider_down:${p.provider}`, kind: 'provider_down', message: `${p.provider} is down${p.health.detail ? ` (${p.health.detail})` : ''}; requests fall back to other providers.${remedy}`, view: 'providers' });
    }
  }
  for (const key of keys) {
    if (key.validation === 'invalid') {
      alerts.push({ id: `key_invalid:${key.id}:${key.fingerprint}`, kind: 'key_invalid', message: `The ${key.provider} key "${key.label}" was rejected by ${key.provider}. Rotate or remove it.`, view: 'keys' });
    }
  }
  const days = dayRange(usage.from_day, usage.to_day);
  const daily: DailyCost[] = days.map((date) => ({ date, by_provider: {} }));
  const index = new Map(days.map((day, i) => [day, i]));
  for (const provider of usage.by_provider.filter((p) => p.cost_usd > 0).map((p) => p.provider)) {
    for (const day of service.getUsage({ provider, days: CHART_DAYS }).daily) {
      const slot = daily[index.get(day.day) ?? -1];
      if (slot && day.cost_usd > 0) slot.by_provider[provider] = day.cost_usd;
    }
  }
  return {
    generated_at: service.now().toISOString(),
    budget_enabled: budget.enabled,
    alert_threshold: budget.alert_threshold,
    today: gauge(overall('daily'), budget.enabled, usage.daily.find((d) => d.day === usage.to_day)?.cost_usd ?? 0),
    month: gauge(overall('monthly'), budget.enabled, stats.reduce((sum, p) => sum + p.cost_month_usd, 0)),
    alerts,
    providers: PROVIDER_IDS.map((provider) => {
      const p = stats.find((s) => s.provider === provider);
      return { provider, enabled: p?.enabled ?? false, health: p?.health.status ?? 'unknown', latency_ms: p?.health.latency_ms ?? p?.latency_p50_ms ?? null, detail: p?.health.detail ?? null };
    }),
    daily,
    top_models: [...usage.by_model]
      .sort((a, b) => b.cost_usd - a.cost_usd || b.requests - a.requests)
      .slice(0, TOP_MODELS)
      .map((m) => ({ provider: m.provider, model: m.model, requests: m.requests, cost_usd: m.cost_usd })),
    spend_by_client: service.accounting.spendByOrigin('client'),
    spend_by_project: service.accounting.spendByOrigin('project'),
    keys_total: keys.length,
    keys_invalid: keys.filter((key) => key.validation === 'invalid').length,
  };
}

/** The budget's own figure; without budgets the same spend shows with no limit. */
function gauge(period: BudgetPeriodStatus | undefined, enabled: boolean, fallbackSpent: number): SpendGauge {
  if (!period) return { spent_usd: fallbackSpent, limit_usd: null, level: 'ok' };
  return enabled ? { spent_usd: period.spent_usd, limit_usd: period.limit_usd, level: period.status } : { spent_usd: period.spent_usd, limit_usd: null, level: 'ok' };
}

/** Every YYYY-MM-DD from `from` to `to` inclusive (calendar days, no time zone arithmetic). */
function dayRange(from: string, to: string): string[] {
  const days: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end && days.length <= 400; t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}
