import type { BudgetLevel, DailyCost, DashboardAlert, DashboardSnapshot, SpendGauge } from '../shared/dashboard.js';
import { PROVIDER_IDS } from '../shared/providers.js';
import type { KeywayService } from './service.js';

const DAY_MS = 86_400_000;

/** Everything the popover and the tray show, read from the service in one go. */
export function buildDashboard(service: KeywayService): DashboardSnapshot {
  const now = service.now();
  const config = service.config.current();
  const budget = config.budget;
  const keys = service.listKeys().keys;
  const threshold = budget.alert_threshold;
  const today = gauge(0, budget.enabled ? budget.daily_limit : null, threshold);
  const month = gauge(0, budget.enabled ? budget.monthly_limit : null, threshold);
  const alerts: DashboardAlert[] = [];
  for (const key of keys) {
    if (key.validation === 'invalid') {
      alerts.push({ id: `key_invalid:${key.id}:${key.fingerprint}`, kind: 'key_invalid', message: `The ${key.provider} key "${key.label}" was rejected by the provider. Rotate or remove it.`, view: 'keys' });
    }
  }
  return {
    generated_at: now.toISOString(),
    budget_enabled: budget.enabled,
    alert_threshold: threshold,
    today,
    month,
    alerts,
    providers: PROVIDER_IDS.map((provider) => ({
      provider,
      enabled: config.providers[provider]?.enabled ?? false,
      health: 'unknown',
      latency_ms: null,
      detail: null,
    })),
    daily: lastDays(now, 30).map((date) => ({ date, by_provider: {} }) satisfies DailyCost),
    top_models: [],
    keys_total: keys.length,
    keys_invalid: keys.filter((key) => key.validation === 'invalid').length,
  };
}

function gauge(spent: number, limit: number | null, threshold: number): SpendGauge {
  return { spent_usd: spent, limit_usd: limit, level: levelOf(spent, limit, threshold) };
}

function levelOf(spent: number, limit: number | null, threshold: number): BudgetLevel {
  if (limit === null) return 'ok';
  if (spent >= limit) return 'exceeded';
  return spent >= limit * threshold ? 'warning' : 'ok';
}

function lastDays(now: Date, count: number): string[] {
  const days: string[] = [];
  for (let i = count - 1; i >= 0; i--) days.push(new Date(now.getTime() - i * DAY_MS).toISOString().slice(0, 10));
  return days;
}
