import { randomBytes } from 'node:crypto';
import type {
  BudgetAlert,
  BudgetLevel,
  BudgetPeriod,
  BudgetPeriodStatus,
  BudgetStatus,
  ReleaseReservationInput,
  ReservationResult,
  ReserveBudgetInput,
  ReserveBudgetResult,
  SettleReservationInput,
} from '../../shared/budget.js';
import { ReleaseReservationInputSchema, ReserveBudgetInputSchema, SettleReservationInputSchema } from '../../shared/budget.js';
import type { BudgetConfig } from '../../shared/config.js';
import { PROVIDER_IDS, type ProviderId } from '../../shared/providers.js';
import { KeywayError } from '../errors.js';
import { parseInput } from '../parse-input.js';
import { PROVIDER_BY_CODE, PROVIDER_CODES } from '../usage/ledger-schema.js';
import { dayKeyToString } from '../usage/local-calendar.js';
import { formatUsd, microsToUsd, usdToMicros } from '../usage/money.js';
import type { UsageLedger } from '../usage/usage-ledger.js';

export interface BudgetManagerOptions {
  ledger: UsageLedger;
  /** The budget block in force (routing_config.json). */
  config: () => BudgetConfig;
  now: () => Date;
  /** Called once for each new crossing (event + audit entry); awaited before tracking resolves. */
  onAlert: (alert: BudgetAlert) => void | Promise<void>;
}

/** A limit in force now, in micro-dollars. */
interface Limit {
  period: BudgetPeriod;
  provider: ProviderId | null;
  limit: number;
  spent: number;
  reserved: number;
  startsAt: number;
  resetsAt: number;
  periodKey: string;
}

/** Money budgets never count local (Ollama) usage. */
const PAID_PROVIDERS = PROVIDER_IDS.filter((p) => p !== 'local');

/**
 * Daily and monthly limits (overall and per provider) over the ledger's daily aggregates, in the
 * user's time zone; threshold/limit alerts fired once per period across processes (recorded in
 * usage.db); reservations checked and taken atomically under SQLite's write lock.
 */
export class BudgetManager {
  readonly #ledger: UsageLedger;
  readonly #config: () => BudgetConfig;
  readonly #now: () => Date;
  readonly #onAlert: BudgetManagerOptions['onAlert'];
  readonly #fired = new Set<string>();
  readonly #sql;
  readonly #readLimits: (config: BudgetConfig, now: number) => Limit[];

  constructor(options: BudgetManagerOptions) {
    this.#ledger = options.ledger;
    this.#config = options.config;
    this.#now = options.now;
    this.#onAlert = options.onAlert;
    const db = options.ledger.db;
    // One read transaction for a status: its three queries see one snapshot and start one read, not three.
    this.#readLimits = db.transaction((config: BudgetConfig, now: number) => this.#limits(config, now));
    this.#sql = {
      reserved: db.prepare<[number], { provider: number | null; amount: number }>(
        'SELECT provider, sum(amount) AS amount FROM reservations WHERE expires_at > ? GROUP BY provider',
      ),
      purgeExpired: db.prepare('DELETE FROM reservations WHERE expires_at <= ?'),
      insertReservation: db.prepare('INSERT INTO reservations (id, provider, amount, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
      takeReservation: db.prepare<[string, number], { amount: number }>('DELETE FROM reservations WHERE id = ? AND expires_at > ? RETURNING amount'),
      markFired: db.prepare('INSERT OR IGNORE INTO alerts_fired (period, scope, level, fired_at, spent, lim) VALUES (?, ?, ?, ?, ?, ?)'),
    };
  }

  check(): BudgetStatus {
    const config = this.#config();
    const now = this.#now().getTime();
    const limits = this.#readLimits(config, now);
    const periods = limits.map((l) => toStatus(l, config));
    const alerts = config.enabled
      ? limits.flatMap((l, i) => {
          const status = periods[i]!.status;
          return status === 'ok' ? [] : [toAlert(l, status, config)];
        })
      : [];
    return {
      enabled: config.enabled,
      time_zone: this.#ledger.calendar.timeZone,
      alert_threshold: config.alert_threshold,
      status: config.enabled ? worst(periods.map((p) => p.status)) : 'ok',
      periods,
      alerts,
      checked_at: new Date(now).toISOString(),
    };
  }

  /**
   * Holds `estimated_cost_usd` against every budget that applies, or refuses naming the first
   * budget it would overrun. Check and hold happen in one write transaction, so concurrent callers
   * (in this or other processes) can never overspend together.
   */
  reserve(input: ReserveBudgetInput): ReserveBudgetResult {
    const parsed = parseInput(ReserveBudgetInputSchema, input);
    const amount = usdToMicros(parsed.estimated_cost_usd);
    const provider = parsed.provider ?? null;
    const run = this.#ledger.db.transaction((): ReserveBudgetResult => {
      const config = this.#config();
      const now = this.#now().getTime();
      this.#sql.purgeExpired.run(now);
      if (config.enabled && provider !== 'local') {
        for (const limit of this.#limits(config, now)) {
          if (limit.provider !== null && limit.provider !== provider) continue;
          if (limit.spent + limit.reserved + amount > limit.limit) {
            const refused = toStatus(limit, config);
            return {
              granted: false,
              ticket: null,
              amount_usd: microsToUsd(amount),
              provider,
              refused_by: refused,
              message: `Reserving ${formatUsd(microsToUsd(amount))} would exceed the ${describeLimit(limit)} (${formatUsd(refused.spent_usd)} spent + ${formatUsd(refused.reserved_usd)} reserved of ${formatUsd(refused.limit_usd)}). Wait for the period to reset at ${refused.resets_at} or raise the limit with keyway budget set.`,
            };
          }
        }
      }
      const ticket = `rsv_${randomBytes(12).toString('hex')}`;
      const expiresAt = now + parsed.ttl_seconds * 1000;
      this.#sql.insertReservation.run(ticket, provider === null ? null : PROVIDER_CODES[provider], amount, now, expiresAt);
      return { granted: true, ticket, amount_usd: microsToUsd(amount), provider, expires_at: new Date(expiresAt).toISOString() };
    });
    return run.immediate();
  }

  /** Closes a ticket, reporting what the request really cost (record its tokens with trackRequest). */
  settle(input: SettleReservationInput): ReservationResult {
    const parsed = parseInput(SettleReservationInputSchema, input);
    const reserved = this.#take(parsed.ticket);
    return { ticket: parsed.ticket, reserved_usd: microsToUsd(reserved), actual_cost_usd: parsed.actual_cost_usd, status: 'settled' };
  }

  /** Gives a ticket's hold back unused. */
  release(input: ReleaseReservationInput): ReservationResult {
    const parsed = parseInput(ReleaseReservationInputSchema, input);
    const reserved = this.#take(parsed.ticket);
    return { ticket: parsed.ticket, reserved_usd: microsToUsd(reserved), actual_cost_usd: null, status: 'released' };
  }

  /**
   * Fires each newly crossed threshold or limit once per period. The row in alerts_fired is the
   * once-only guard across processes; the in-memory set only saves a write.
   */
  fireAlerts(): void | Promise<void> {
    const config = this.#config();
    if (!config.enabled) return;
    const now = this.#now().getTime();
    const fresh: BudgetAlert[] = [];
    for (const limit of this.#readLimits(config, now)) {
      const status = levelOf(limit, config);
      if (status === 'ok') continue;
      const levels: Array<'warning' | 'exceeded'> = status === 'exceeded' ? ['warning', 'exceeded'] : ['warning'];
      for (const level of levels) {
        const period = `${limit.period}:${limit.periodKey}`;
        const scope = limit.provider ?? 'total';
        const key = `${period}|${scope}|${level}`;
        if (this.#fired.has(key)) continue;
        const inserted = this.#sql.markFired.run(period, scope, level, now, limit.spent, limit.limit).changes === 1;
        this.#fired.add(key);
        if (inserted) fresh.push(toAlert(limit, level, config));
      }
    }
    if (fresh.length === 0) return;
    return Promise.all(fresh.map((alert) => this.#onAlert(alert))).then(() => undefined);
  }

  #take(ticket: string): number {
    const row = this.#sql.takeReservation.get(ticket, this.#now().getTime());
    if (!row) {
      throw new KeywayError('reservation_not_found', `Reservation ${ticket} is not open (already settled or released, expired, or never issued). Reserve again if you still need the money held.`);
    }
    return row.amount;
  }

  #limits(config: BudgetConfig, now: number): Limit[] {
    const calendar = this.#ledger.calendar;
    const today = calendar.dayKey(now);
    const monthStart = calendar.monthStartKey(now);
    const { range: spentMonth, lastDay: spentToday } = this.#ledger.spentMicrosRangeAndLastDay(monthStart, today);
    const reserved = new Map<ProviderId | null, number>();
    for (const row of this.#sql.reserved.all(now)) {
      const p = row.provider === null ? null : (PROVIDER_BY_CODE.get(row.provider) ?? null);
      if (p !== 'local') reserved.set(p, (reserved.get(p) ?? 0) + row.amount);
    }
    const sum = (m: Map<ProviderId, number>, only?: ProviderId) =>
      (only ? [only] : PAID_PROVIDERS).reduce((total, p) => total + (m.get(p) ?? 0), 0);
    const totalReserved = [...reserved.values()].reduce((a, b) => a + b, 0);
    const day = { startsAt: calendar.dayStart(now), resetsAt: calendar.nextDayStart(now), periodKey: dayKeyToString(today) };
    const month = { startsAt: calendar.monthStart(now), resetsAt: calendar.nextMonthStart(now), periodKey: dayKeyToString(monthStart).slice(0, 7) };
    const limits: Limit[] = [
      { period: 'daily', provider: null, limit: usdToMicros(config.daily_limit), spent: sum(spentToday), reserved: totalReserved, ...day },
      { period: 'monthly', provider: null, limit: usdToMicros(config.monthly_limit), spent: sum(spentMonth), reserved: totalReserved, ...month },
    ];
    for (const provider of PAID_PROVIDERS) {
      const own = config.per_provider?.[provider];
      if (!own) continue;
      const held = reserved.get(provider) ?? 0;
      if (own.daily_limit !== undefined) {
        limits.push({ period: 'daily', provider, limit: usdToMicros(own.daily_limit), spent: sum(spentToday, provider), reserved: held, ...day });
      }
      if (own.monthly_limit !== undefined) {
        limits.push({ period: 'monthly', provider, limit: usdToMicros(own.monthly_limit), spent: sum(spentMonth, provider), reserved: held, ...month });
      }
    }
    return limits;
  }
}

function levelOf(l: Limit, config: BudgetConfig): BudgetLevel {
  if (l.limit > 0 ? l.spent >= l.limit : l.spent > 0) return 'exceeded';
  if (l.spent > 0 && l.spent >= l.limit * config.alert_threshold) return 'warning';
  return 'ok';
}

function toStatus(l: Limit, config: BudgetConfig): BudgetPeriodStatus {
  return {
    period: l.period,
    provider: l.provider,
    limit_usd: microsToUsd(l.limit),
    spent_usd: microsToUsd(l.spent),
    reserved_usd: microsToUsd(l.reserved),
    remaining_usd: microsToUsd(Math.max(0, l.limit - l.spent - l.reserved)),
    percent_used: l.limit > 0 ? Math.round((l.spent / l.limit) * 1000) / 10 : l.spent > 0 ? 100 : 0,
    status: config.enabled ? levelOf(l, config) : 'ok',
    starts_at: new Date(l.startsAt).toISOString(),
    resets_at: new Date(l.resetsAt).toISOString(),
  };
}

function toAlert(l: Limit, level: 'warning' | 'exceeded', config: BudgetConfig): BudgetAlert {
  const percent = l.limit > 0 ? Math.round((l.spent / l.limit) * 100) : 100;
  const what = level === 'exceeded' ? 'exceeded' : `at ${percent}% (alert threshold ${Math.round(config.alert_threshold * 100)}%)`;
  const name = describeLimit(l);
  return {
    period: l.period,
    provider: l.provider,
    level,
    period_key: l.periodKey,
    limit_usd: microsToUsd(l.limit),
    spent_usd: microsToUsd(l.spent),
    alert_threshold: config.alert_threshold,
    message: `${name[0]!.toUpperCase()}${name.slice(1)} ${what}: ${formatUsd(microsToUsd(l.spent))} of ${formatUsd(microsToUsd(l.limit))} spent for ${l.periodKey}.`,
  };
}

function describeLimit(l: Limit): string {
  return `${l.period} ${l.provider ? `${l.provider} ` : ''}budget`;
}

function worst(levels: BudgetLevel[]): BudgetLevel {
  return levels.includes('exceeded') ? 'exceeded' : levels.includes('warning') ? 'warning' : 'ok';
}
