import type Database from 'better-sqlite3';
import type { RecentRequest, RecentRequests, RecentRequestsQuery, RecentStatus, RefusedRequest } from '../../shared/activity.js';
import { PROVIDER_BY_CODE, PROVIDER_CODES } from './ledger-schema.js';
import { microsToUsd } from './money.js';
import type { UsageLedger } from './usage-ledger.js';

const DAY_MS = 24 * 3600 * 1000;
const PRUNE_EVERY_MS = 3600_000;
/** A refusal's message is the gateway's own sentence; anything longer is cut, never stored unbounded. */
const MAX_DETAIL = 500;

interface RecordRow {
  id: number; ts: number; provider: number; model: string; input: number; output: number; cached: number; cache_write: number; cost: number | null; ok: number;
  latency: number | null; key_label: string | null; client: string | null; project: string | null; route: string | null; status: string | null; ttfb: number | null; reasoning: number;
}

interface RefusalRow {
  id: number; ts: number; provider: number; model: string; client: string | null; project: string | null; route: string | null; latency: number | null; detail: string;
}

interface Filters {
  provider: number | null;
  client: string | null;
  project: string | null;
}

/**
 * What the Activity view reads from usage.db: the newest requests, tracked and refused, and the
 * refusals themselves. A refusal (a budget or a token's cap stopped the request before any provider
 * saw it) lives in its own table, so it is never a request in rate limits, health, the access log,
 * spend totals or budgets; it shows only here.
 */
export class LedgerActivity {
  readonly #db: Database.Database;
  readonly #now: () => Date;
  readonly #retentionDays: number;
  readonly #sql;
  #lastPrune = 0;

  constructor(ledger: UsageLedger, now: () => Date) {
    this.#db = ledger.db;
    this.#now = now;
    this.#retentionDays = ledger.retentionDays;
    const db = this.#db;
    const name = (param: string): string => `(SELECT id FROM names WHERE name = @${param})`;
    const filters = (t: string) =>
      `(@provider IS NULL OR +${t}.provider = @provider) AND (@client IS NULL OR +${t}.client = ${name('client')}) AND (@project IS NULL OR +${t}.project = ${name('project')})`;
    this.#sql = {
      insertName: db.prepare('INSERT OR IGNORE INTO names (name) VALUES (?)'),
      selectName: db.prepare<[string], { id: number }>('SELECT id FROM names WHERE name = ?'),
      insertRefusal: db.prepare(
        'INSERT INTO refusals (ts, provider, model, client, token, project, route, latency, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      records: db.prepare<Filters & { before: number; limit: number }, RecordRow>(
        `SELECT r.id, r.ts, r.provider, m.name AS model, r.input, r.output, r.cached, r.cache_write, r.cost, r.ok, r.latency,
                k.name AS key_label, c.name AS client, pj.name AS project, rt.name AS route, st.name AS status, r.ttfb, r.reasoning
         FROM records r JOIN names m ON m.id = r.model LEFT JOIN names k ON k.id = r.key_label LEFT JOIN names c ON c.id = r.client
         LEFT JOIN names pj ON pj.id = r.project LEFT JOIN names rt ON rt.id = r.route LEFT JOIN names st ON st.id = r.status
         WHERE r.id < @before AND ${filters('r')} ORDER BY r.id DESC LIMIT @limit`,
      ),
      refusals: db.prepare<Filters & { before: number; limit: number }, RefusalRow>(
        `SELECT x.id, x.ts, x.provider, m.name AS model, c.name AS client, pj.name AS project, rt.name AS route, x.latency, x.detail
         FROM refusals x JOIN names m ON m.id = x.model LEFT JOIN names c ON c.id = x.client
         LEFT JOIN names pj ON pj.id = x.project LEFT JOIN names rt ON rt.id = x.route
         WHERE x.id < @before AND ${filters('x')} ORDER BY x.id DESC LIMIT @limit`,
      ),
      prune: db.prepare('DELETE FROM refusals WHERE ts < ?'),
    };
  }

  /** Keeps one refused request (zero tokens, zero cost); returns it as the feed shows it. */
  recordRefusal(refused: RefusedRequest): RecentRequest {
    const ts = this.#now().getTime();
    const detail = refused.detail.slice(0, MAX_DETAIL);
    const id = this.#db
      .transaction(() => {
        const nameId = (value: string | null): number | null => (value === null ? null : this.#nameId(value));
        const info = this.#sql.insertRefusal.run(
          ts,
          PROVIDER_CODES[refused.provider],
          this.#nameId(refused.model),
          nameId(refused.client),
          nameId(refused.token_id),
          nameId(refused.project),
          nameId(refused.route),
          refused.latency_ms,
          detail,
        );
        return Number(info.lastInsertRowid);
      })
      .immediate();
    if (ts - this.#lastPrune > PRUNE_EVERY_MS) {
      this.#lastPrune = ts;
      this.#sql.prune.run(ts - this.#retentionDays * DAY_MS);
    }
    return refusalEntry({ id, ts, provider: PROVIDER_CODES[refused.provider], model: refused.model, client: refused.client, project: refused.project, route: refused.route, latency: refused.latency_ms, detail });
  }

  /**
   * The newest requests, tracked and refused, newest first, `query.limit` at most. Both tables are
   * read backwards by id (no time index needed) and merged by time, so each page is the two lists'
   * prefixes and the cursor is where each stopped.
   */
  recent(query: RecentRequestsQuery): RecentRequests {
    const [recordBound, refusalBound] = query.before ? query.before.split('.').map(Number) : [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
    const filters: Filters = {
      provider: query.provider ? PROVIDER_CODES[query.provider] : null,
      client: query.client ?? null,
      project: query.project ?? null,
    };
    const fetch = query.limit + 1;
    const records = this.#sql.records.all({ ...filters, before: recordBound!, limit: fetch });
    const refusals = this.#sql.refusals.all({ ...filters, before: refusalBound!, limit: fetch });
    const page: RecentRequest[] = [];
    let r = 0;
    let x = 0;
    while (page.length < query.limit && (r < records.length || x < refusals.length)) {
      const record = records[r];
      const refusal = refusals[x];
      if (record && (!refusal || record.ts >= refusal.ts)) {
        page.push(recordEntry(record));
        r++;
      } else if (refusal) {
        page.push(refusalEntry(refusal));
        x++;
      }
    }
    const more = r < records.length || x < refusals.length;
    // Where each list goes on: below the last one shown, above the first one not shown, or 0 when it has no more.
    const resume = (rows: Array<{ id: number }>, taken: number): number => (taken > 0 ? rows[taken - 1]!.id : rows.length > 0 ? rows[0]!.id + 1 : 0);
    return { requests: page, next_before: more ? `${resume(records, r)}.${resume(refusals, x)}` : null };
  }

  #nameId(name: string): number {
    this.#sql.insertName.run(name);
    const id = this.#sql.selectName.get(name)?.id;
    if (id === undefined) throw new Error('name row missing after insert');
    return id;
  }
}

function recordEntry(row: RecordRow): RecentRequest {
  return {
    id: `u${row.id}`,
    time: new Date(row.ts).toISOString(),
    status: (row.status ?? 'tracked') as RecentStatus,
    success: row.ok === 1,
    client: row.client,
    project: row.project,
    provider: PROVIDER_BY_CODE.get(row.provider) ?? 'local',
    model: row.model,
    route: row.route,
    key_label: row.key_label,
    input_tokens: row.input,
    output_tokens: row.output,
    cached_input_tokens: row.cached,
    cache_write_tokens: row.cache_write,
    reasoning_tokens: row.reasoning,
    cost_usd: row.cost === null ? null : microsToUsd(row.cost),
    latency_ms: row.latency,
    ttfb_ms: row.ttfb,
    detail: null,
  };
}

function refusalEntry(row: RefusalRow): RecentRequest {
  return {
    id: `r${row.id}`,
    time: new Date(row.ts).toISOString(),
    status: 'refused',
    success: false,
    client: row.client,
    project: row.project,
    provider: PROVIDER_BY_CODE.get(row.provider) ?? 'local',
    model: row.model,
    route: row.route,
    key_label: null,
    input_tokens: 0,
    output_tokens: 0,
    cached_input_tokens: 0,
    cache_write_tokens: 0,
    reasoning_tokens: 0,
    cost_usd: 0,
    latency_ms: row.latency,
    ttfb_ms: null,
    detail: row.detail,
  };
}
