import { z } from 'zod';
import { PROVIDER_IDS, type ProviderId } from './providers.js';

const providerId = z.enum(PROVIDER_IDS, { error: () => `provider must be one of ${PROVIDER_IDS.join(', ')}` });
const usd = (what: string) =>
  z.number({ error: `${what} must be a number of US dollars` }).finite(`${what} must be a finite number`).min(0, `${what} must be 0 or more`).max(1_000_000_000, `${what} is too large`);

export type BudgetPeriod = 'daily' | 'monthly';
export type BudgetLevel = 'ok' | 'warning' | 'exceeded';

/** One limit in force now: the total, or one provider's. Local (Ollama) usage never counts. */
export interface BudgetPeriodStatus {
  period: BudgetPeriod;
  /** null for the overall budget, else the provider this per-provider limit applies to. */
  provider: ProviderId | null;
  limit_usd: number;
  spent_usd: number;
  /** Held by open reservations (reserveBudget) and not yet settled. */
  reserved_usd: number;
  remaining_usd: number;
  percent_used: number;
  status: BudgetLevel;
  /** Start of the period and when it resets, in the user's time zone, as ISO instants. */
  starts_at: string;
  resets_at: string;
}

/** A crossing of the alert threshold (`warning`) or of the limit (`exceeded`), fired once per period. */
export interface BudgetAlert {
  period: BudgetPeriod;
  provider: ProviderId | null;
  level: 'warning' | 'exceeded';
  /** Which period instance: `2026-11-28` (daily) or `2026-11` (monthly). */
  period_key: string;
  limit_usd: number;
  spent_usd: number;
  alert_threshold: number;
  message: string;
}

export interface BudgetStatus {
  enabled: boolean;
  time_zone: string;
  alert_threshold: number;
  /** The worst status among the periods. */
  status: BudgetLevel;
  periods: BudgetPeriodStatus[];
  /** Alerts that apply now (periods at warning or exceeded). */
  alerts: BudgetAlert[];
  checked_at: string;
}

export const SetBudgetInputSchema = z
  .object({
    enabled: z.boolean().optional(),
    daily_limit: usd('daily_limit').optional(),
    monthly_limit: usd('monthly_limit').optional(),
    alert_threshold: z
      .number({ error: 'alert_threshold must be a fraction such as 0.8' })
      .gt(0, 'alert_threshold must be above 0')
      .max(1, 'alert_threshold must be at most 1 (a fraction such as 0.8)')
      .optional(),
    /** Set limits for one provider instead of the overall budget (daily/monthly only). */
    provider: providerId.optional(),
  })
  .strict()
  .refine((v) => v.enabled !== undefined || v.daily_limit !== undefined || v.monthly_limit !== undefined || v.alert_threshold !== undefined, {
    message: 'nothing to change: give at least one of enabled, daily_limit, monthly_limit, alert_threshold',
  })
  .refine((v) => v.provider === undefined || (v.enabled === undefined && v.alert_threshold === undefined), {
    message: 'per-provider budgets take only daily_limit and monthly_limit',
    path: ['provider'],
  })
  .refine((v) => v.provider !== 'local', {
    message: 'local (Ollama) usage is free and never counts against money budgets, so it takes no limit',
    path: ['provider'],
  });
export type SetBudgetInput = z.input<typeof SetBudgetInputSchema>;

export const ReserveBudgetInputSchema = z
  .object({
    estimated_cost_usd: usd('estimated_cost_usd'),
    provider: providerId.optional(),
    /** Abandoned tickets expire after this long (default 600 s). */
    ttl_seconds: z.number().int().min(1, 'ttl_seconds must be at least 1').max(86_400, 'ttl_seconds must be at most 86400').default(600),
  })
  .strict();
export type ReserveBudgetInput = z.input<typeof ReserveBudgetInputSchema>;

export type ReserveBudgetResult =
  | { granted: true; ticket: string; amount_usd: number; provider: ProviderId | null; expires_at: string }
  | { granted: false; ticket: null; amount_usd: number; provider: ProviderId | null; refused_by: BudgetPeriodStatus; message: string };

/** A reservation ticket as reserveBudget issues it. */
export const TICKET_PATTERN = /^rsv_[0-9a-f]{24}$/;
export const TicketSchema = z.string().regex(TICKET_PATTERN, 'ticket must be a ticket id from reserveBudget (rsv_...)');

export const SettleReservationInputSchema = z
  .object({
    ticket: TicketSchema,
    actual_cost_usd: usd('actual_cost_usd'),
  })
  .strict();
export type SettleReservationInput = z.input<typeof SettleReservationInputSchema>;

export const ReleaseReservationInputSchema = z.object({ ticket: TicketSchema }).strict();
export type ReleaseReservationInput = z.input<typeof ReleaseReservationInputSchema>;

export interface ReservationResult {
  ticket: string;
  reserved_usd: number;
  /** What the caller reports it really cost (settle), or null (release). */
  actual_cost_usd: number | null;
  status: 'settled' | 'released';
}
