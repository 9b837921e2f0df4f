import type { OriginSpend } from './activity.js';
import type { BudgetLevel } from './budget.js';
import type { HealthStatus } from './provider-stats.js';
import type { ProviderId } from './providers.js';

export type { BudgetLevel };
export type ProviderHealth = HealthStatus;

/** One spend against one limit, in US dollars (rounded to the micro-dollar at the edge). */
export interface SpendGauge {
  spent_usd: number;
  /** null when no limit applies (budgets disabled). */
  limit_usd: number | null;
  level: BudgetLevel;
}

export type AlertKind = 'budget_warning' | 'budget_exceeded' | 'provider_down' | 'key_invalid';

/** Which view of the app shows the details of an alert or notification. */
export type AppView = 'overview' | 'activity' | 'keys' | 'tokens' | 'providers' | 'budget';

export interface DashboardAlert {
  /** Stable for one condition in one period, e.g. `budget_exceeded:daily:2026-11-28`. */
  id: string;
  kind: AlertKind;
  message: string;
  view: AppView;
}

export interface ProviderStatusDot {
  provider: ProviderId;
  enabled: boolean;
  health: ProviderHealth;
  latency_ms: number | null;
  detail: string | null;
}

export interface DailyCost {
  /** YYYY-MM-DD (UTC). */
  date: string;
  by_provider: Partial<Record<ProviderId, number>>;
}

export interface ModelSpend {
  provider: ProviderId;
  model: string;
  requests: number;
  cost_usd: number;
}

/** Everything the popover and the tray show, in one read. */
export interface DashboardSnapshot {
  generated_at: string;
  budget_enabled: boolean;
  alert_threshold: number;
  today: SpendGauge;
  month: SpendGauge;
  alerts: DashboardAlert[];
  providers: ProviderStatusDot[];
  /** The last 30 days, oldest first, one entry per day (empty days included). */
  daily: DailyCost[];
  top_models: ModelSpend[];
  /** Spend today and this month per client and per project (paid providers only), biggest first. */
  spend_by_client: OriginSpend[];
  spend_by_project: OriginSpend[];
  keys_total: number;
  keys_invalid: number;
}
