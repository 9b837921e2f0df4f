import { closeSync, fdatasync, fdatasyncSync, openSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { PROVIDER_IDS, type ProviderId } from '../../shared/providers.js';
import {
  GetUsageInputSchema,
  TrackRequestInputSchema,
  type TrackRequestParsed,
  type GatewayAccessReport,
  type GatewayAccessRow,
  type GatewayRecordFields,
  type GetUsageInput,
  type ProviderActivity,
  type TrackResult,
  type UsageRecord,
  type UsageReport,
  type UsageTotals,
} from '../../shared/usage.js';
import { KeywayError } from '../errors.js';
import { parseInput } from '../parse-input.js';
import type { PriceCatalog } from '../prices/price-catalog.js';
import { openLedgerDatabase, ledgerStorageError } from './ledger-database.js';
import { PRICE_SOURCE_BY_CODE, PRICE_SOURCE_CODES, PROVIDER_BY_CODE, PROVIDER_CODES } from './ledger-schema.js';
import { LocalCalendar, dayKeyToString } from './local-calendar.js';
import { microsToUsd } from './money.js';
import { addRow, emptyTotals, finishTotals, getOr, percentile, type DailyRow } from './usage-totals.js';

export const DEFAULT_RETENTION_DAYS = 400;
const DAY_MS = 24 * 3600 * 1000;
const LATENCY_SAMPLE = 200;
const EXPORT_PAGE = 5000;
/** Access-log rows are counted per quarter hour and then folded into local days (every zone offset is a multiple of 15 minutes). */
const ACCESS_BUCKET_MS = 15 * 60_000;

export interface UsageLedgerOptions {
  /** usage.db; created owner-only (0600), as are its -wal and -shm files. */
  path: string;
  catalog: PriceCatalog;
  now?: () => Date;
  /** Local days for aggregates and periods; defaults to the system time zone. */
  calendar?: LocalCalendar;
  /** Raw records older than this are deleted; daily aggregates are kept forever. */
  retentionDays?: number;
  /**
   * Runs after each group commit, before the callers' promises resolve (budget alerts, events).
   * The records are durable by then whatever it does.
   */
  afterCommit?: (records: readonly TrackResult[], commit: CommitSpan) => void | Promise<void>;
}

/**
 * What one commit of records changed, for readers that keep figures from the ledger (budgets):
 * this connection's change counter (SQLite's total_changes()) just before and just after it, so a
 * reader that last looked at `before` and now sees `after` knows this commit was the only write by
 * this connection in between, and the money it recorded.
 */
export interface CommitSpan {
  before: number;
  after: number;
  /** Micro-dollars recorded per provider (priced records only). */
  spend: ReadonlyMap<ProviderId, number>;
  /** The earliest record's time (ms). */
  earliest: number;
  /** Whether the commit also settled reservations or shrank budget leases (changes no reader can replay). */
  touchedReservations: boolean;
}

/** Columns of one record as stored, with its caller's promise. */
interface Pending {
  ts: number;
  day: number;
  provider: number;
  model: string;
  input: number;
  output: number;
  cached: number;
  cacheWrite: number;
  cost: number | null;
  pricedAs: string | null;
  priceSource: number | null;
  priceVersion: string | null;
  tier: number | null;
  ok: 0 | 1;
  latency: number | null;
  task: string | null;
  keyLabel: string | null;
  client: string | null;
  reservation: string | null;
  lease: LeaseShare | null;
  gateway: GatewayRecordFields | null;
  /** Returned to the caller; `id` is filled in at commit. */
  result: TrackResult;
  resolve: (result: TrackResult) => void;
  reject: (error: unknown) => void;
}

/**
 * A budget lease's hold on a record (core/budget's LeaseHold): the lease's row shrinks by it in the
 * record's commit. A hold with no row (nothing needed holding) changes nothing.
 */
export interface LeaseShare {
  ticket: string | null;
  micros: number;
}

/** What only Keyway's own fronts set on a record (never read from input). */
export interface TrackDefaults {
  client?: string;
  gateway?: GatewayRecordFields;
  lease?: LeaseShare;
}

/**
 * The append-only usage ledger in SQLite (WAL). Calls to `track` made in the same tick share one
 * transaction (group commit); each promise resolves only after that COMMIT and an fdatasync of the
 * WAL file (run on libuv's pool, so the event loop never waits for the disk; commits that land
 * while a sync runs share the next one), so an acknowledged record survives a crash or power
 * loss. Several processes may write the same file.
 */
export class UsageLedger {
  readonly path: string;
  readonly calendar: LocalCalendar;
  readonly retentionDays: number;
  /** The open database, for the budget store that keeps its tables in the same file. */
  readonly db: Database.Database;
  readonly #catalog: PriceCatalog;
  readonly #now: () => Date;
  #afterCommit: UsageLedgerOptions['afterCommit'];
  #pending: Pending[] = [];
  #scheduled = false;
  #closed = false;
  #lastPrune = 0;
  #walFd: number | null = null;
  #syncing = false;
  /** Committed batches waiting for the WAL sync that makes them durable. */
  #awaitingSync: Array<() => void> = [];
  readonly #names = new Map<string, number>();
  readonly #freshNames = new Map<string, number>();
  readonly #commitBatch: (batch: Pending[]) => number[];
  readonly #sql;

  constructor(options: UsageLedgerOptions) {
    this.path = options.path;
    this.#catalog = options.catalog;
    this.#now = options.now ?? (() => new Date());
    this.calendar = options.calendar ?? new LocalCalendar();
    this.retentionDays = options.retentionDays ?? DEFAULT_RETENTION_DAYS;
    this.#afterCommit = options.afterCommit;
    this.db = openLedgerDatabase(this.path);
    const db = this.db;
    this.#sql = {
      insertName: db.prepare('INSERT OR IGNORE INTO names (name) VALUES (?)'),
      selectName: db.prepare<[string], { id: number }>('SELECT id FROM names WHERE name = ?'),
      insertRecord: db.prepare(
        `INSERT INTO records (ts, provider, model, input, output, cached, cache_write, cost, ok, latency, task, key_label, client, priced_as, price_source, price_version, tier,
           project, route, status, ttfb, reasoning, token)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      upsertDaily: db.prepare(
        `INSERT INTO daily (day, provider, model, requests, successes, input, output, cached, cache_write, cost, unpriced) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (day, provider, model) DO UPDATE SET requests = requests + excluded.requests, successes = successes + excluded.successes,
           input = input + excluded.input, output = output + excluded.output, cached = cached + excluded.cached, cache_write = cache_write + excluded.cache_write,
           cost = cost + excluded.cost, unpriced = unpriced + excluded.unpriced`,
      ),
      closeReservation: db.prepare('DELETE FROM reservations WHERE id = ?'),
      shrinkLease: db.prepare('UPDATE reservations SET amount = max(0, amount - ?) WHERE id = ?'),
      totalChanges: db.prepare<[], number>('SELECT total_changes()').pluck(),
      dailyRange: db.prepare<[number, number], DailyRow>(
        `SELECT d.day, d.provider, n.name AS model, d.requests, d.successes, d.input, d.output, d.cached, d.cache_write, d.cost, d.unpriced
         FROM daily d JOIN names n ON n.id = d.model WHERE d.day BETWEEN ? AND ?`,
      ),
      dailyRangeFor: db.prepare<[number, number, number], DailyRow>(
        `SELECT d.day, d.provider, n.name AS model, d.requests, d.successes, d.input, d.output, d.cached, d.cache_write, d.cost, d.unpriced
         FROM daily d JOIN names n ON n.id = d.model WHERE d.day BETWEEN ? AND ? AND d.provider = ?`,
      ),
      spentByProvider: db.prepare<[number, number], { provider: number; cost: number }>(
        'SELECT provider, sum(cost) AS cost FROM daily WHERE day BETWEEN ? AND ? GROUP BY provider',
      ),
      spentTodayAndRange: db.prepare<[number, number, number], { provider: number; range: number; today: number }>(
        'SELECT provider, sum(cost) AS range, sum(CASE WHEN day = ? THEN cost ELSE 0 END) AS today FROM daily WHERE day BETWEEN ? AND ? GROUP BY provider',
      ),
      countSince: db.prepare<[number, number], { n: number }>('SELECT count(*) AS n FROM records WHERE provider = ? AND ts >= ?'),
      recentLatency: db.prepare<[number], { latency: number }>(
        `SELECT latency FROM (SELECT latency FROM records WHERE provider = ? ORDER BY ts DESC LIMIT ${LATENCY_SAMPLE * 5})
         WHERE latency IS NOT NULL LIMIT ${LATENCY_SAMPLE}`,
      ),
      spentByToken: db.prepare<[string], { cost: number | null }>('SELECT sum(r.cost) AS cost FROM records r JOIN names n ON n.id = r.token WHERE n.name = ?'),
      access: db.prepare<[number], { bucket: number; provider: number; key_label: string | null; client: string | null; requests: number; successes: number }>(
        `SELECT r.ts / ${ACCESS_BUCKET_MS} AS bucket, r.provider, k.name AS key_label, c.name AS client, count(*) AS requests, sum(r.ok) AS successes
         FROM records r LEFT JOIN names k ON k.id = r.key_label LEFT JOIN names c ON c.id = r.client
         WHERE r.token IS NOT NULL AND +r.ts >= ? GROUP BY 1, 2, 3, 4`,
      ),
      lastUsed: db.prepare<[number], { ts: number }>('SELECT ts FROM records WHERE provider = ? ORDER BY ts DESC LIMIT 1'),
      prune: db.prepare('DELETE FROM records WHERE provider = ? AND ts < ?'),
    };
    this.#commitBatch = db.transaction((batch: Pending[]) => this.#write(batch)).immediate as unknown as (batch: Pending[]) => number[];
    this.#pruneQuietly();
  }

  /** This connection's change counter (SQLite's total_changes()): moves with every write it makes, records and reservations alike. */
  changes(): number {
    return this.#sql.totalChanges.get() as number;
  }

  /** Set the hook that runs after each commit (the service wires budgets and events here). */
  setAfterCommit(hook: UsageLedgerOptions['afterCommit']): void {
    this.#afterCommit = hook;
  }

  /**
   * Validates, prices and queues one record; resolves once it is durable. Invalid input rejects
   * with invalid_input and records nothing. `gateway` is set only by the gateway (never from input).
   */
  track(input: unknown, defaults: TrackDefaults = {}): Promise<TrackResult> {
    if (this.#closed) return Promise.reject(new KeywayError('internal', 'The usage ledger is closed; open the service again.'));
    let parsed: TrackRequestParsed;
    try {
      parsed = parseInput(TrackRequestInputSchema, input);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.trackParsed(parsed, defaults);
  }

  /**
   * `track` for a record Keyway built itself from values already checked (the gateway: provider
   * usage fields read as whole non-negative counts, a vetted model name): no second validation
   * on the request path.
   */
  trackParsed(parsed: TrackRequestParsed, defaults: TrackDefaults = {}): Promise<TrackResult> {
    if (this.#closed) return Promise.reject(new KeywayError('internal', 'The usage ledger is closed; open the service again.'));
    let pending: Pending;
    try {
      pending = this.#prepare(parsed, defaults);
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise<TrackResult>((resolve, reject) => {
      pending.resolve = resolve;
      pending.reject = reject;
      this.#pending.push(pending);
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#flush);
      }
    });
  }

  /** Commits whatever is queued now, synchronously (used by close). */
  flush(): void {
    this.#flush();
  }

  getUsage(input: GetUsageInput = {}): UsageReport {
    const { provider, days } = parseInput(GetUsageInputSchema, input);
    const now = this.#now().getTime();
    const toDay = this.calendar.dayKey(now);
    const fromDay = this.calendar.firstDayKey(now, days);
    const rows = provider ? this.#sql.dailyRangeFor.all(fromDay, toDay, PROVIDER_CODES[provider]) : this.#sql.dailyRange.all(fromDay, toDay);
    const totals = emptyTotals();
    const byProvider = new Map<ProviderId, UsageTotals & { provider: ProviderId }>();
    const byModel = new Map<string, UsageTotals & { provider: ProviderId; model: string }>();
    const byDay = new Map<number, UsageTotals & { day: string }>();
    for (const row of rows) {
      const p = PROVIDER_BY_CODE.get(row.provider);
      if (!p) continue;
      addRow(totals, row);
      addRow(getOr(byProvider, p, () => ({ provider: p, ...emptyTotals() })), row);
      addRow(getOr(byModel, `${p}/${row.model}`, () => ({ provider: p, model: row.model, ...emptyTotals() })), row);
      addRow(getOr(byDay, row.day, () => ({ day: dayKeyToString(row.day), ...emptyTotals() })), row);
    }
    const providerOrder = (p: ProviderId) => PROVIDER_IDS.indexOf(p);
    return {
      provider: provider ?? null,
      days,
      from_day: dayKeyToString(fromDay),
      to_day: dayKeyToString(toDay),
      time_zone: this.calendar.timeZone,
      totals: finishTotals(totals),
      by_provider: [...byProvider.values()].sort((a, b) => providerOrder(a.provider) - providerOrder(b.provider)).map((t) => finishTotals(t)),
      by_model: [...byModel.values()].sort((a, b) => b.cost_usd - a.cost_usd || b.requests - a.requests || a.model.localeCompare(b.model)).map((t) => finishTotals(t)),
      daily: [...byDay.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => finishTotals(v)),
    };
  }

  /** Requests recorded for `provider` at or after `sinceEpochMs` (rate limits). */
  countRequestsSince(provider: ProviderId, sinceEpochMs: number): number {
    return this.#sql.countSince.get(PROVIDER_CODES[provider], sinceEpochMs)?.n ?? 0;
  }

  providerActivity(provider: ProviderId): ProviderActivity {
    const code = PROVIDER_CODES[provider];
    const now = this.#now().getTime();
    const today = this.calendar.dayKey(now);
    const monthStart = this.calendar.monthStartKey(now);
    const from = Math.min(this.calendar.firstDayKey(now, 30), monthStart);
    const last30 = this.calendar.firstDayKey(now, 30);
    let requests = 0;
    let successes = 0;
    let input = 0;
    let output = 0;
    let costToday = 0;
    let costMonth = 0;
    for (const row of this.#sql.dailyRangeFor.all(from, today, code)) {
      if (row.day >= last30) {
        requests += row.requests;
        successes += row.successes;
        input += row.input;
        output += row.output;
      }
      if (row.day >= monthStart) costMonth += row.cost;
      if (row.day === today) costToday += row.cost;
    }
    const latencies = this.#sql.recentLatency.all(code).map((r) => r.latency).sort((a, b) => a - b);
    const last = this.#sql.lastUsed.get(code);
    return {
      provider,
      requests,
      successes,
      failures: requests - successes,
      success_rate: requests > 0 ? successes / requests : null,
      latency_p50_ms: percentile(latencies, 0.5),
      latency_p95_ms: percentile(latencies, 0.95),
      cost_today_usd: microsToUsd(costToday),
      cost_month_usd: microsToUsd(costMonth),
      avg_input_tokens: requests > 0 ? input / requests : null,
      avg_output_tokens: requests > 0 ? output / requests : null,
      last_used_at: last ? new Date(last.ts).toISOString() : null,
    };
  }

  /**
   * Money spent per provider (micro-dollars) on local days `fromDay`..`toDay`, from the daily
   * aggregates. Budgets use this.
   */
  spentMicrosByProvider(fromDay: number, toDay: number): Map<ProviderId, number> {
    const spent = new Map<ProviderId, number>();
    for (const row of this.#sql.spentByProvider.all(fromDay, toDay)) {
      const p = PROVIDER_BY_CODE.get(row.provider);
      if (p) spent.set(p, row.cost);
    }
    return spent;
  }

  /** Gateway requests per local day, provider key and client over the last `days` local days. */
  gatewayAccess(days: number): GatewayAccessReport {
    const now = this.#now().getTime();
    const since = this.calendar.startOfDayKey(this.calendar.firstDayKey(now, days));
    const rows = new Map<string, GatewayAccessRow & { dayKey: number }>();
    for (const row of this.#sql.access.all(since)) {
      const provider = PROVIDER_BY_CODE.get(row.provider);
      if (!provider) continue;
      const dayKey = this.calendar.dayKey(row.bucket * ACCESS_BUCKET_MS);
      const key = `${dayKey}|${provider}|${row.key_label ?? ''}|${row.client ?? ''}`;
      const found = getOr(rows, key, () => ({ dayKey, day: dayKeyToString(dayKey), provider, key_label: row.key_label, client: row.client, requests: 0, failures: 0 }));
      found.requests += row.requests;
      found.failures += row.requests - row.successes;
    }
    const sorted = [...rows.values()].sort((a, b) => b.dayKey - a.dayKey || b.requests - a.requests);
    return { days, time_zone: this.calendar.timeZone, rows: sorted.map(({ dayKey: _, ...row }) => row) };
  }

  /** Micro-dollars recorded for one gateway token, ever (its spend cap). Raw records past retention no longer count. */
  spentMicrosByToken(tokenId: string): number {
    return this.#sql.spentByToken.get(tokenId)?.cost ?? 0;

  }

  /** spentMicrosByProvider for `fromDay`..`toDay` and for `toDay` alone, in one query (budgets ask for both on every check). */
  spentMicrosRangeAndLastDay(fromDay: number, toDay: number): { range: Map<ProviderId, number>; lastDay: Map<ProviderId, number> } {
    const range = new Map<ProviderId, number>();
    const lastDay = new Map<ProviderId, number>();
    for (const row of this.#sql.spentTodayAndRange.all(toDay, fromDay, toDay)) {
      const p = PROVIDER_BY_CODE.get(row.provider);
      if (!p) continue;
      range.set(p, row.range);
      lastDay.set(p, row.today);
    }
    return { range, lastDay };
  }

  /**
   * Raw records, oldest first (export). Only records still inside the retention period exist.
   * Read in pages, so no statement stays open between yields and tracking can go on meanwhile.
   */
  *records(filter: { provider?: ProviderId; sinceEpochMs?: number } = {}): Generator<UsageRecord> {
    // Unary + keeps SQLite on the rowid range (id > last page) instead of the (provider, ts) index plus a sort per page.
    const where = ['r.id > ?', '+r.ts >= ?'];
    const params: number[] = [filter.sinceEpochMs ?? 0];
    if (filter.provider) {
      where.push('+r.provider = ?');
      params.push(PROVIDER_CODES[filter.provider]);
    }
    const statement = this.db.prepare<
      number[],
      {
        id: number; ts: number; provider: number; model: string; input: number; output: number; cached: number; cache_write: number; cost: number | null; ok: number; latency: number | null;
        task: string | null; key_label: string | null; client: string | null; priced_as: string | null; price_source: number | null; price_version: string | null;
        project: string | null; route: string | null; status: string | null; ttfb: number | null; reasoning: number;
      }
    >(
      `SELECT r.id, r.ts, r.provider, m.name AS model, r.input, r.output, r.cached, r.cache_write, r.cost, r.ok, r.latency,
              t.name AS task, k.name AS key_label, c.name AS client, pa.name AS priced_as, r.price_source, pv.name AS price_version,
              pj.name AS project, rt.name AS route, st.name AS status, r.ttfb, r.reasoning
       FROM records r JOIN names m ON m.id = r.model LEFT JOIN names t ON t.id = r.task
       LEFT JOIN names k ON k.id = r.key_label LEFT JOIN names c ON c.id = r.client
       LEFT JOIN names pa ON pa.id = r.priced_as LEFT JOIN names pv ON pv.id = r.price_version
       LEFT JOIN names pj ON pj.id = r.project LEFT JOIN names rt ON rt.id = r.route LEFT JOIN names st ON st.id = r.status
       WHERE ${where.join(' AND ')} ORDER BY r.id LIMIT ${EXPORT_PAGE}`,
    );
    for (let after = 0; ; ) {
      const page = statement.all(after, ...params);
      for (const row of page) {
        yield {
          id: row.id,
          time: new Date(row.ts).toISOString(),
          provider: PROVIDER_BY_CODE.get(row.provider) ?? 'local',
          model: row.model,
          input_tokens: row.input,
          output_tokens: row.output,
          cached_input_tokens: row.cached,
          cache_write_tokens: row.cache_write,
          cost_usd: row.cost === null ? null : microsToUsd(row.cost),
          priced_as: row.priced_as,
          price_source: row.price_source === null ? null : (PRICE_SOURCE_BY_CODE.get(row.price_source) ?? null),
          price_version: row.price_version,
          success: row.ok === 1,
          latency_ms: row.latency,
          task_type: row.task,
          key_label: row.key_label,
          client: row.client,
          project: row.project,
          route: row.route,
          status: row.status,
          ttfb_ms: row.ttfb,
          reasoning_tokens: row.reasoning,
        };
      }
      if (page.length < EXPORT_PAGE) return;
      after = page.at(-1)!.id;
    }
  }

  /** Deletes raw records past the retention period (daily aggregates stay). Returns how many. */
  prune(): number {
    const cutoff = this.#now().getTime() - this.retentionDays * DAY_MS;
    this.#lastPrune = this.#now().getTime();
    let removed = 0;
    for (const code of PROVIDER_BY_CODE.keys()) removed += this.#sql.prune.run(code, cutoff).changes;
    return removed;
  }

  close(): void {
    if (this.#closed) return;
    this.#flush();
    this.#closed = true;
    if (this.#awaitingSync.length > 0) {
      this.#syncNowQuietly();
      const waiting = this.#awaitingSync;
      this.#awaitingSync = [];
      for (const settle of waiting) settle();
    }
    if (this.#walFd !== null) closeSync(this.#walFd);
    this.#walFd = null;
    this.db.close();
  }

  #prepare(parsed: TrackRequestParsed, defaults: TrackDefaults): Pending {
    const ts = this.#now().getTime();
    const cached = parsed.cached_input_tokens ?? 0;
    const cacheWrite = parsed.cache_write_tokens ?? 0;
    const cacheWrite1h = parsed.cache_write_1h_tokens ?? 0;
    // The price in force at the record's own time, kept with it (entry, source, data version, tier).
    const priced = this.#catalog.price(
      parsed.provider,
      parsed.model,
      { input_tokens: parsed.input_tokens, output_tokens: parsed.output_tokens, cached_input_tokens: cached, cache_write_tokens: cacheWrite, cache_write_1h_tokens: cacheWrite1h },
      ts,
    );
    const cost = priced.cost_micros;
    const gateway = defaults.gateway ?? null;
    const client = parsed.client ?? gateway?.client ?? defaults.client ?? null;
    return {
      ts,
      day: this.calendar.dayKey(ts),
      provider: PROVIDER_CODES[parsed.provider],
      model: priced.model,
      input: parsed.input_tokens,
      output: parsed.output_tokens,
      cached,
      cacheWrite,
      cost,
      pricedAs: priced.priced_as,
      priceSource: priced.source === null ? null : PRICE_SOURCE_CODES[priced.source],
      priceVersion: priced.price_version,
      tier: priced.tier?.above_input_tokens ?? null,
      ok: parsed.success ? 1 : 0,
      latency: parsed.latency_ms ?? null,
      task: parsed.task_type ?? null,
      keyLabel: parsed.key_label ?? null,
      client,
      reservation: parsed.reservation ?? null,
      lease: defaults.lease ?? null,
      gateway,
      result: {
        id: 0,
        time: new Date(ts).toISOString(),
        provider: parsed.provider,
        model: priced.model,
        priced_as: priced.priced_as,
        price_source: priced.source,
        price_version: priced.price_version,
        tier: priced.tier,
        input_tokens: parsed.input_tokens,
        output_tokens: parsed.output_tokens,
        cached_input_tokens: cached,
        cache_write_tokens: cacheWrite,
        cache_write_1h_tokens: cacheWrite1h,
        success: parsed.success,
        latency_ms: parsed.latency_ms ?? null,
        cost_usd: cost === null ? null : microsToUsd(cost),
        warnings: priced.warnings.length > 0 ? [...priced.warnings] : [],
        ...(gateway ? { gateway } : {}),
      },
      resolve: noop,
      reject: noop,
    };
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    const batch = this.#pending;
    if (batch.length === 0) return;
    this.#pending = [];
    let ids: number[];
    let commit: CommitSpan;
    try {
      const before = this.changes();
      ids = this.#commitBatch(batch);
      commit = { before, after: this.changes(), ...whatChanged(batch) };
    } catch (error) {
      this.#freshNames.clear();
      const failure = ledgerStorageError(error, this.path);
      for (const p of batch) p.reject(failure);
      return;
    }
    for (const [name, id] of this.#freshNames) this.#names.set(name, id);
    this.#freshNames.clear();
    const results = batch.map((p, i) => {
      p.result.id = ids[i] ?? 0;
      return p.result;
    });
    const settle = () => batch.forEach((p) => p.resolve(p.result));
    if (this.#now().getTime() - this.#lastPrune > 3600_000) this.#pruneQuietly();
    this.#afterSync(() => {
      let after: void | Promise<void> = undefined;
      try {
        after = this.#afterCommit?.(results, commit);
      } catch {
        // The records are committed; a failing hook must not turn them into errors.
      }
      if (after) after.then(settle, settle);
      else settle();
    });
  };

  /** Runs `then` once the WAL holding the latest commit is on disk; syncs are coalesced. */
  #afterSync(then: () => void): void {
    this.#awaitingSync.push(then);
    if (this.#syncing) return;
    this.#syncing = true;
    const round = (): void => {
      const waiting = this.#awaitingSync;
      this.#awaitingSync = [];
      const done = (): void => {
        for (const settle of waiting) settle();
        if (this.#awaitingSync.length > 0 && !this.#closed) round();
        else this.#syncing = false;
      };
      const fd = this.#wal();
      if (fd === null) {
        // No WAL file to sync (another process checkpointed and removed it): sync the database itself.
        this.#syncNowQuietly();
        return done();
      }
      fdatasync(fd, () => done());
    };
    round();
  }

  /** The -wal file, opened once; null when it does not exist. */
  #wal(): number | null {
    if (this.#walFd !== null) return this.#walFd;
    try {
      this.#walFd = openSync(`${this.path}-wal`, 'r+');
    } catch {
      this.#walFd = null;
    }
    return this.#walFd;
  }

  #syncNowQuietly(): void {
    try {
      const fd = this.#wal();
      if (fd !== null) fdatasyncSync(fd);
      else this.db.pragma('wal_checkpoint(FULL)');
    } catch {
      // Closing anyway; SQLite's own checkpoint on close syncs what it writes.
    }
  }

  #write(batch: Pending[]): number[] {
    const ids: number[] = [];
    const daily = new Map<string, DailyRow & { modelId: number }>();
    for (const p of batch) {
      const model = this.#nameId(p.model);
      const info = this.#sql.insertRecord.run(
        p.ts,
        p.provider,
        model,
        p.input,
        p.output,
        p.cached,
        p.cacheWrite,
        p.cost,
        p.ok,
        p.latency,
        p.task === null ? null : this.#nameId(p.task),
        p.keyLabel === null ? null : this.#nameId(p.keyLabel),
        p.client === null ? null : this.#nameId(p.client),
        p.pricedAs === null ? null : this.#nameId(p.pricedAs),
        p.priceSource,
        p.priceVersion === null ? null : this.#nameId(p.priceVersion),
        p.tier,
        p.gateway?.project == null ? null : this.#nameId(p.gateway.project),
        p.gateway ? this.#nameId(p.gateway.route) : null,
        p.gateway ? this.#nameId(p.gateway.status) : null,
        p.gateway?.ttfb_ms ?? null,
        p.gateway?.reasoning_tokens ?? 0,
        p.gateway?.token_id == null ? null : this.#nameId(p.gateway.token_id),
      );
      ids.push(Number(info.lastInsertRowid));
      if (p.reservation !== null && this.#sql.closeReservation.run(p.reservation).changes === 0) {
        p.result = { ...p.result, warnings: [...p.result.warnings, `Reservation ${p.reservation} was not open (settled, released or expired); the usage is recorded anyway.`] };
      }
      const lease = leaseToShrink(p);
      if (lease) this.#sql.shrinkLease.run(lease.micros, lease.ticket);
      const key = `${p.day}|${p.provider}|${model}`;
      let row = daily.get(key);
      if (!row) {
        row = { day: p.day, provider: p.provider, model: p.model, modelId: model, requests: 0, successes: 0, input: 0, output: 0, cached: 0, cache_write: 0, cost: 0, unpriced: 0 };
        daily.set(key, row);
      }
      row.requests += 1;
      row.successes += p.ok;
      row.input += p.input;
      row.output += p.output;
      row.cached += p.cached;
      row.cache_write += p.cacheWrite;
      if (p.cost === null) row.unpriced += 1;
      else row.cost += p.cost;
    }
    for (const r of daily.values()) {
      this.#sql.upsertDaily.run(r.day, r.provider, r.modelId, r.requests, r.successes, r.input, r.output, r.cached, r.cache_write, r.cost, r.unpriced);
    }
    return ids;
  }

  #nameId(name: string): number {
    const known = this.#names.get(name) ?? this.#freshNames.get(name);
    if (known !== undefined) return known;
    this.#sql.insertName.run(name);
    const id = this.#sql.selectName.get(name)?.id;
    if (id === undefined) throw new Error('name row missing after insert');
    this.#freshNames.set(name, id);
    return id;
  }

  #pruneQuietly(): void {
    try {
      this.prune();
    } catch {
      // Another process holds the write lock; pruning waits for the next hour.
    }
  }
}

const noop = (): void => undefined;

/** The lease row a record's commit shrinks by its hold, if it has one (a hold with no row changes nothing). */
function leaseToShrink(p: Pending): { ticket: string; micros: number } | null {
  return p.lease !== null && p.lease.ticket !== null && p.lease.micros > 0 ? { ticket: p.lease.ticket, micros: p.lease.micros } : null;
}

/** The money a batch recorded, when it starts, and whether it touched reservation rows. */
function whatChanged(batch: readonly Pending[]): Pick<CommitSpan, 'spend' | 'earliest' | 'touchedReservations'> {
  const spend = new Map<ProviderId, number>();
  let earliest = Number.POSITIVE_INFINITY;
  let touchedReservations = false;
  for (const p of batch) {
    const provider = p.result.provider;
    if (p.cost !== null && p.cost > 0) spend.set(provider, (spend.get(provider) ?? 0) + p.cost);
    earliest = Math.min(earliest, p.ts);
    if (p.reservation !== null || leaseToShrink(p)) touchedReservations = true;
  }
  return { spend, earliest, touchedReservations };
}
