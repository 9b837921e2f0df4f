import { nodeCrypto } from '../on-first-use.js';
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
import type { TrackResult } from '../../shared/usage.js';
import { KeywayError } from '../errors.js';
import { parseInput } from '../parse-input.js';
import { PROVIDER_BY_CODE, PROVIDER_CODES } from '../usage/ledger-schema.js';
import { dayKeyToString } from '../usage/local-calendar.js';
import { formatUsd, microsToUsd, usdToMicros } from '../usage/money.js';
import type { CommitSpan, UsageLedger } from '../usage/usage-ledger.js';
import { WalHeaderProbe } from '../usage/wal-header-probe.js';

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

/** The one place of the rule: money budgets never count local (Ollama) usage. */
export function countsAgainstBudget(provider: ProviderId | null): boolean {
  return provider !== 'local';
}

const PAID_PROVIDERS = PROVIDER_IDS.filter(countsAgainstBudget);

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
  readonly #readRows: (config: BudgetConfig, now: number) => Limit[];
  readonly #growLease: ((provider: ProviderId, micros: number) => GuardedHold) & { immediate: (provider: ProviderId, micros: number) => GuardedHold };
  /** This process's hold leases, one per paid provider (see hold()). */
  readonly #leases = new Map<ProviderId, Lease>();
  #leaseTimer: NodeJS.Timeout | null = null;
  #lastPurge = 0;
  #cachedLimits: CachedLimits | null = null;
  readonly #header: WalHeaderProbe;
  #judged: { limits: Limit[]; config: BudgetConfig; periods: readonly BudgetPeriodStatus[]; alerts: readonly BudgetAlert[]; status: BudgetLevel } | null = null;

  constructor(options: BudgetManagerOptions) {
    this.#ledger = options.ledger;
    this.#config = options.config;
    this.#now = options.now;
    this.#onAlert = options.onAlert;
    this.#header = new WalHeaderProbe(options.ledger.path);
    const db = options.ledger.db;
    // One read transaction when the limits must be read again: its queries see one snapshot and start one read, not three.
    this.#readRows = db.transaction((config: BudgetConfig, now: number) => this.#limits(config, now));
    this.#readLimits = (config, now) => this.#ownView(this.#rowsView(config, now));
    this.#sql = {
      reserved: db.prepare<[number], { provider: number | null; amount: number }>(
        'SELECT provider, sum(amount) AS amount FROM reservations WHERE expires_at > ? GROUP BY provider',
      ),
      purgeExpired: db.prepare('DELETE FROM reservations WHERE expires_at <= ?'),
      insertReservation: db.prepare('INSERT INTO reservations (id, provider, amount, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
      takeReservation: db.prepare<[string, number], { amount: number }>('DELETE FROM reservations WHERE id = ? AND expires_at > ? RETURNING amount'),
      markFired: db.prepare('INSERT OR IGNORE INTO alerts_fired (period, scope, level, fired_at, spent, lim) VALUES (?, ?, ?, ?, ?, ?)'),
      growLease: db.prepare('UPDATE reservations SET amount = max(0, amount + ?), expires_at = ? WHERE id = ?'),
      shrinkLease: db.prepare('UPDATE reservations SET amount = max(0, amount - ?) WHERE id = ?'),
      dropLease: db.prepare('DELETE FROM reservations WHERE id = ?'),
      // data_version moves with other connections' commits (this connection's own writes: ledger.changes()).
      // A statement of its own: as a table in a SELECT the pragma costs about 60% more.
      theirVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
      nextExpiry: db.prepare<[number], number | null>('SELECT min(expires_at) FROM reservations WHERE expires_at > ?').pluck(),
    };
    this.#growLease = db.transaction((provider: ProviderId, micros: number): GuardedHold => this.#grow(provider, micros));
  }

  check(): BudgetStatus {
    const config = this.#config();
    const now = this.#now().getTime();
    const limits = this.#readLimits(config, now);
    // While the limits kept are unchanged (the same array), so is everything said about them.
    let judged = this.#judged;
    if (!judged || judged.limits !== limits || judged.config !== config) {
      const periods = Object.freeze(limits.map((l) => Object.freeze(toStatus(l, config))));
      const alerts = Object.freeze(config.enabled ? alertsOf(limits, config).map((a) => Object.freeze(a)) : []);
      judged = this.#judged = { limits, config, periods, alerts, status: config.enabled ? worst(periods.map((p) => p.status)) : 'ok' };
    }
    return {
      enabled: config.enabled,
      time_zone: this.#ledger.calendar.timeZone,
      alert_threshold: config.alert_threshold,
      status: judged.status,
      periods: judged.periods as BudgetPeriodStatus[],
      alerts: judged.alerts as BudgetAlert[],
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
      this.#purgeExpired(now);
      if (config.enabled && countsAgainstBudget(provider)) {
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
      const ticket = newTicket();
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
   * Holds `micros` for one request to `provider` (the gateway's worst case), or refuses naming the
   * budget it would overrun. Holds come from this process's lease: one reservation row per
   * provider that other processes see and count, grown under SQLite's write lock only when its
   * free part cannot cover a hold (then by the hold plus some headroom, never more than half of
   * what is left), so most requests take their hold in memory without a write. The ledger shrinks
   * the row in the same commit as the request's record (which carries its hold); an idle lease is dropped
   * after a second. Spending can never pass a limit: every hold lies inside a row every process
   * counts. A lease's unused headroom is the only thing another process may briefly be refused for.
   */
  hold(provider: ProviderId, micros: number): GuardedHold {
    const lease = this.#leases.get(provider);
    if (!countsAgainstBudget(provider) || micros <= 0) return { granted: true, hold: { provider, micros: 0, ticket: null } };
    const config = this.#config();
    if (!config.enabled) return { granted: true, hold: { provider, micros: 0, ticket: null } };
    const now = this.#now().getTime();
    // A changed budget block (a lowered limit) sends the hold through the check again.
    if (lease && lease.config === config && lease.amount - lease.used >= micros && lease.expiresAt - now > LEASE_TTL_MS / 2) {
      lease.used += micros;
      lease.lastUsedAt = now;
      return { granted: true, hold: { provider, micros, ticket: lease.ticket } };
    }
    return this.#growLease.immediate(provider, micros);
  }

  /** The request's record (which shrank the lease row in its commit) is durable: the hold is spent. */
  settleHold(hold: LeaseHold): void {
    this.#leaseReturn(hold, false);
  }

  /** The request was never recorded: give its hold back to every process at once. */
  releaseHold(hold: LeaseHold): void {
    this.#leaseReturn(hold, true);
  }

  /**
   * Judges this process's own commit of `records`. Each paid record gets, in its warnings, the
   * budgets that apply to it and are at their alert threshold or exceeded (tracking after the fact
   * is never silent); the step returned fires newly crossed alerts (run it after announcing the
   * records). The limits come from the commit itself when it can be taken in (#takeOwnCommit), else
   * from one read. Without a budget block to judge by (a broken routing_config.json) the records
   * stand without a verdict.
   */
  afterOwnCommit(commit: CommitSpan, records: readonly TrackResult[]): () => void | Promise<void> {
    let config: BudgetConfig;
    let limits: Limit[];
    let now: number;
    try {
      config = this.#config();
      if (!config.enabled) return noop;
      now = this.#now().getTime();
      const taken = this.#takeOwnCommit(commit, config, now);
      if (taken === 'quiet') return noop;
      limits = this.#ownView(taken ?? this.#rowsView(config, now));
    } catch {
      return noop;
    }
    const alerts = alertsOf(limits, config);
    for (const record of records) {
      if (!countsAgainstBudget(record.provider)) continue;
      for (const alert of alerts) if (alert.provider === null || alert.provider === record.provider) record.warnings.push(alert.message);
    }
    if (!records.some((r) => r.cost_usd !== null && r.cost_usd > 0)) return noop;
    return () => this.#fire(limits, config, now);
  }

  /**
   * Takes this process's own commit into the limits last read, without reading the ledger again,
   * when that commit is the only write since (no other connection's commit, no other write by this
   * one) and the same day is in force. Returns the limits exactly when the commit only added
   * spending (they are kept: the next status check reads nothing); 'quiet' when it also settled
   * reservations or shrank leases (reserved can only have gone down) and the limits read plus all
   * spending recorded since leave every budget below its threshold, so there is nothing to warn
   * about or fire (the next status check reads); null when the limits must be read. Never hides an alert.
   */
  #takeOwnCommit(commit: CommitSpan, config: BudgetConfig, now: number): Limit[] | 'quiet' | null {
    const cached = this.#cachedLimits;
    if (!cached || cached.config !== config || now < cached.from || now >= cached.until || commit.before !== cached.ownChanges) return null;
    // The header first: when no other connection has committed by the data_version read after it, it holds only this one's commits.
    const header = this.#header.version();
    if (this.#sql.theirVersion.get() !== cached.theirs || this.#ledger.changes() !== commit.after) return null;
    const added = new Map(cached.ownSpend);
    for (const [provider, micros] of commit.spend) if (countsAgainstBudget(provider)) added.set(provider, (added.get(provider) ?? 0) + micros);
    const total = [...added.values()].reduce((a, b) => a + b, 0);
    const limits = cached.limits.map((l) => ({ ...l, spent: l.spent + (l.provider === null ? total : (added.get(l.provider) ?? 0)) }));
    if (!commit.touchedReservations && cached.ownChanges === cached.mine && commit.earliest >= this.#ledger.calendar.dayStart(cached.from)) {
      this.#cachedLimits = { ...cached, mine: commit.after, header, ownChanges: commit.after, limits, ownSpend: new Map() };
      return limits;
    }
    if (limits.some((l) => levelOf(l, config) !== 'ok')) return null;
    cached.ownChanges = commit.after;
    cached.ownSpend = added;
    return 'quiet';
  }

  /** Drops this process's lease rows (the service is closing). */
  close(): void {
    this.#header.close();
    if (this.#leaseTimer) clearInterval(this.#leaseTimer);
    this.#leaseTimer = null;
    for (const lease of this.#leases.values()) {
      try {
        this.#sql.dropLease.run(lease.ticket);
      } catch {
        // The row expires on its own.
      }
    }
    this.#leases.clear();
  }

  #leaseReturn(hold: LeaseHold, giveBackRow: boolean): void {
    if (hold.ticket === null || hold.micros === 0) return;
    const lease = this.#leases.get(hold.provider);
    if (!lease || lease.ticket !== hold.ticket) return;
    lease.used = Math.max(0, lease.used - hold.micros);
    lease.amount = Math.max(0, lease.amount - hold.micros);
    if (giveBackRow) {
      try {
        this.#sql.shrinkLease.run(hold.micros, lease.ticket);
      } catch {
        // Busy: the row keeps the money a little longer (safe), until the lease is dropped.
      }
    }
  }

  /**
   * Inside the write lock: checks this process's holds plus the new one against every limit (with
   * every other row as others wrote it) and sets the lease to them plus some headroom: it grows,
   * opens, or shrinks when a limit was lowered under it.
   */
  #grow(provider: ProviderId, micros: number): GuardedHold {
    const config = this.#config();
    const now = this.#now().getTime();
    this.#purgeExpired(now);
    let lease = this.#leases.get(provider);
    const mine = lease?.amount ?? 0;
    const used = lease?.used ?? 0;
    let slack = Number.POSITIVE_INFINITY;
    for (const limit of this.#limits(config, now)) {
      if (limit.provider !== null && limit.provider !== provider) continue;
      const left = limit.limit - limit.spent - (limit.reserved - mine) - used - micros;
      if (left < 0) {
        const refused = toStatus({ ...limit, reserved: limit.reserved - mine + used }, config);
        return {
          granted: false,
          refused_by: refused,
          message: `Holding ${formatUsd(microsToUsd(micros))} would exceed the ${describeLimit(limit)} (${formatUsd(refused.spent_usd)} spent + ${formatUsd(refused.reserved_usd)} reserved of ${formatUsd(refused.limit_usd)}). Wait for the period to reset at ${refused.resets_at} or raise the limit with keyway budget set.`,
        };
      }
      slack = Math.min(slack, left);
    }
    const target = used + micros + Math.floor(Math.min(micros * LEASE_HEADROOM_HOLDS, slack / 2));
    const expiresAt = now + LEASE_TTL_MS;
    if (lease && this.#sql.growLease.run(target - lease.amount, expiresAt, lease.ticket).changes === 1) {
      lease.amount = target;
      lease.expiresAt = expiresAt;
      lease.config = config;
    } else {
      // No lease yet, or its row expired and was purged by someone: open a fresh one for the holds still out plus this one.
      const ticket = newTicket();
      this.#sql.insertReservation.run(ticket, PROVIDER_CODES[provider], target, now, expiresAt);
      lease = { ticket, amount: target, used, expiresAt, lastUsedAt: now, config };
      this.#leases.set(provider, lease);
      this.#startLeaseTimer();
    }
    lease.used += micros;
    lease.lastUsedAt = now;
    return { granted: true, hold: { provider, micros, ticket: lease.ticket } };
  }

  /** Once a second: a lease idle for a second with nothing held is dropped, so others see the money free. */
  #startLeaseTimer(): void {
    if (this.#leaseTimer) return;
    this.#leaseTimer = setInterval(() => {
      const now = this.#now().getTime();
      for (const [provider, lease] of this.#leases) {
        if (lease.used > 0 || now - lease.lastUsedAt < LEASE_IDLE_MS) continue;
        try {
          this.#sql.dropLease.run(lease.ticket);
          this.#leases.delete(provider);
        } catch {
          // Busy: try again on the next tick.
        }
      }
      if (this.#leases.size === 0 && this.#leaseTimer) {
        clearInterval(this.#leaseTimer);
        this.#leaseTimer = null;
      }
    }, LEASE_IDLE_MS);
    this.#leaseTimer.unref();
  }

  /** Expired rows are ignored by every query; deleting them is housekeeping, once a minute at most. */
  #purgeExpired(now: number): void {
    if (now - this.#lastPurge < 60_000 && now >= this.#lastPurge) return;
    this.#lastPurge = now;
    this.#sql.purgeExpired.run(now);
  }

  /**
   * Why a request of about `estimatedUsd` to `provider` would break a budget now, or null when it
   * fits (or the provider never counts). What routing asks; the rule stays here.
   */
  blockFor(provider: ProviderId, estimatedUsd: number | null): string | null {
    const status = this.check();
    if (!status.enabled || !countsAgainstBudget(provider)) return null;
    for (const period of status.periods) {
      if (period.provider !== null && period.provider !== provider) continue;
      const scope = `${period.provider ? `${period.provider} ` : ''}${period.period}`;
      if (period.status === 'exceeded') {
        return `${scope} budget is used up (${formatUsd(period.spent_usd)} of ${formatUsd(period.limit_usd)}); it resets at ${period.resets_at}`;
      }
      if (estimatedUsd !== null && estimatedUsd > period.remaining_usd) {
        return `this request (~${formatUsd(estimatedUsd)}) would exceed the ${scope} budget (${formatUsd(period.remaining_usd)} left)`;
      }
    }
    return null;
  }

  /**
   * Fires each newly crossed threshold or limit once per period. The row in alerts_fired is the
   * once-only guard across processes; the in-memory set only saves a write.
   */
  fireAlerts(): void | Promise<void> {
    const config = this.#config();
    if (!config.enabled) return;
    const now = this.#now().getTime();
    return this.#fire(this.#readLimits(config, now), config, now);
  }

  #fire(limits: readonly Limit[], config: BudgetConfig, now: number): void | Promise<void> {
    const fresh: BudgetAlert[] = [];
    for (const limit of limits) {
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

  /**
   * The limits with every reservation row as others see it, kept while nothing they depend on can
   * have changed: no commit by any connection (the WAL-index header, or data_version when the -shm
   * file cannot be read), no write by this one (the ledger's records and this manager's
   * reservations share it: total_changes()), the same budget block, the same day, and no
   * reservation expired since. Status checks and alerts read this on every call.
   */
  #rowsView(config: BudgetConfig, now: number): Limit[] {
    // Read before the rows, so that a commit landing after this is seen as a change by the next check.
    const header = this.#header.version();
    const mine = this.#ledger.changes();
    const cached = this.#cachedLimits;
    if (cached && cached.config === config && cached.mine === mine && now >= cached.from && now < cached.until) {
      const unchanged = header !== null ? header === cached.header : this.#sql.theirVersion.get() === cached.theirs;
      if (unchanged) return cached.limits;
    }
    const theirs = this.#sql.theirVersion.get() as number;
    const limits = this.#readRows(config, now);
    const expiry = this.#sql.nextExpiry.get(now) as number | null;
    const until = Math.min(this.#ledger.calendar.nextDayStart(now), expiry ?? Number.POSITIVE_INFINITY);
    this.#cachedLimits = { config, theirs, mine, header, from: now, until, limits, ownChanges: mine, ownSpend: new Map() };
    return limits;
  }

  /** This process's leases counted at what they really hold, not at the rows others see. */
  #ownView(limits: Limit[]): Limit[] {
    if (this.#leases.size === 0) return limits;
    const free = new Map<ProviderId, number>();
    for (const [p, lease] of this.#leases) free.set(p, Math.max(0, lease.amount - lease.used));
    const allFree = [...free.values()].reduce((a, b) => a + b, 0);
    return limits.map((l) => ({ ...l, reserved: Math.max(0, l.reserved - (l.provider === null ? allFree : (free.get(l.provider) ?? 0))) }));
  }

  /** Every limit in force, with every reservation row as others see it (what holds are checked against). */
  #limits(config: BudgetConfig, now: number): Limit[] {
    const calendar = this.#ledger.calendar;
    const today = calendar.dayKey(now);
    const monthStart = calendar.monthStartKey(now);
    const { range: spentMonth, lastDay: spentToday } = this.#ledger.spentMicrosRangeAndLastDay(monthStart, today);
    const reserved = new Map<ProviderId | null, number>();
    for (const row of this.#sql.reserved.all(now)) {
      const p = row.provider === null ? null : (PROVIDER_BY_CODE.get(row.provider) ?? null);
      if (countsAgainstBudget(p)) reserved.set(p, (reserved.get(p) ?? 0) + row.amount);
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

/**
 * The one budget rule: `exceeded` once spending reaches the limit; `warning` once spending plus
 * open reservations (money already promised) reach the alert threshold. check_budget, alerts,
 * routing and recommendations all read this level.
 */
function levelOf(l: Limit, config: BudgetConfig): BudgetLevel {
  if (l.limit > 0 ? l.spent >= l.limit : l.spent > 0) return 'exceeded';
  const committed = l.spent + l.reserved;
  if (committed > 0 && committed >= l.limit * config.alert_threshold) return 'warning';
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

/** The alert of every limit at its threshold or over it (budgets on). */
function alertsOf(limits: readonly Limit[], config: BudgetConfig): BudgetAlert[] {
  return limits.flatMap((l) => {
    const level = levelOf(l, config);
    return level === 'ok' ? [] : [toAlert(l, level, config)];
  });
}

const noop = (): void => {};

function toAlert(l: Limit, level: 'warning' | 'exceeded', config: BudgetConfig): BudgetAlert {
  const percent = l.limit > 0 ? Math.round(((l.spent + l.reserved) / l.limit) * 100) : 100;
  const held = l.reserved > 0 ? ` with ${formatUsd(microsToUsd(l.reserved))} reserved` : '';
  const what = level === 'exceeded' ? 'exceeded' : `at ${percent}%${held} (alert threshold ${Math.round(config.alert_threshold * 100)}%)`;
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

/** Leases are dropped after this long with nothing held; rows last LEASE_TTL_MS unless grown again. */
const LEASE_IDLE_MS = 1000;
const LEASE_TTL_MS = 15 * 60 * 1000;
/** A lease grows by the hold plus room for this many more like it (capped at half of what is left). */
const LEASE_HEADROOM_HOLDS = 16;

/** This process's share of one provider's reserved money, sub-allocated to requests in memory. */
interface Lease {
  ticket: string;
  /** Micro-dollars in the row (as this process last wrote it). */
  amount: number;
  /** Micro-dollars of it held by requests not yet recorded. */
  used: number;
  expiresAt: number;
  lastUsedAt: number;
  /** The budget block the lease was last checked against. */
  config: BudgetConfig;
}

/** One request's hold: `ticket` is its lease's row (null when nothing needed holding). */
export interface LeaseHold {
  provider: ProviderId;
  micros: number;
  ticket: string | null;
}

export type GuardedHold = { granted: true; hold: LeaseHold } | { granted: false; message: string; refused_by: BudgetPeriodStatus };

function newTicket(): string {
  return `rsv_${nodeCrypto().randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

/** Limits as last read, and what they were read under. */
interface CachedLimits extends LedgerVersions {
  config: BudgetConfig;
  from: number;
  until: number;
  limits: Limit[];
  /** This connection's change counter after the last own commit taken in (see takeOwnCommit). */
  ownChanges: number;
  /** Spend (micro-dollars per provider) this process committed since the limits were read. */
  ownSpend: Map<ProviderId, number>;
}

/** What tells whether the ledger file changed: other connections' commits, this connection's writes, any commit. */
interface LedgerVersions {
  /** PRAGMA data_version: moves with other connections' commits. */
  theirs: number;
  /** total_changes(): moves with this connection's writes. */
  mine: number;
  /** The WAL-index header's version (WalHeaderProbe): moves with every commit; null when the -shm file cannot be read. */
  header: number | null;
}
