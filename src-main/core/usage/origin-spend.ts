import type { OriginSpend } from '../../shared/activity.js';
import type { ProviderId } from '../../shared/providers.js';
import { PROVIDER_CODES } from './ledger-schema.js';
import { microsToUsd } from './money.js';
import type { UsageLedger } from './usage-ledger.js';

export type OriginKind = 'client' | 'project';

/** Records grouped per quarter hour, client and project (every zone offset is a multiple of 15 minutes, so a bucket lies in one local day). */
interface Row {
  bucket: number;
  client: number | null;
  project: number | null;
  requests: number;
  cost: number;
}

const BUCKET_MS = 15 * 60_000;
const GROUPED = `SELECT ts / ${BUCKET_MS} AS bucket, client, project, count(*) AS requests, sum(coalesce(cost, 0)) AS cost FROM records`;

/** One client's or project's month so far: requests, and micro-dollars per local day start. */
interface Tally {
  requests: number;
  byDay: Map<number, number>;
}

/**
 * Spend per client (gateway token name, `exec` command or MCP client) and per project, today and
 * this month, over the paid providers given. The daily aggregates hold no client or project, so
 * this month's raw records are read once and then only the records added since (by id: the ledger
 * only appends, and SQLite hands out ids in commit order across processes), so the dashboard, which
 * is rebuilt on every change, never rescans the month.
 */
export class OriginSpendTally {
  readonly #ledger: UsageLedger;
  readonly #sql;
  readonly #names = new Map<number, string>();
  #monthStart = Number.NaN;
  #lastId = 0;
  #byClient = new Map<number | null, Tally>();
  #byProject = new Map<number | null, Tally>();

  constructor(ledger: UsageLedger, providers: readonly ProviderId[]) {
    this.#ledger = ledger;
    const codes = providers.map((p) => PROVIDER_CODES[p]).join(', ') || 'NULL';
    const db = ledger.db;
    this.#sql = {
      newest: db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM records'),
      month: db.prepare<[number, number], Row>(`${GROUPED} WHERE provider IN (${codes}) AND ts >= ? AND +id <= ? GROUP BY 1, 2, 3`),
      since: db.prepare<[number, number, number], Row>(`${GROUPED} WHERE id > ? AND id <= ? AND +provider IN (${codes}) AND +ts >= ? GROUP BY 1, 2, 3`),
      name: db.prepare<[number], { name: string }>('SELECT name FROM names WHERE id = ?'),
    };
  }

  spend(by: OriginKind, nowMs: number): OriginSpend[] {
    this.#catchUp(nowMs);
    const today = this.#ledger.calendar.dayStart(nowMs);
    const rows = [...(by === 'client' ? this.#byClient : this.#byProject).entries()].map(([id, tally]) => {
      let month = 0;
      for (const micros of tally.byDay.values()) month += micros;
      return { name: id === null ? null : this.#name(id), requests: tally.requests, today_usd: microsToUsd(tally.byDay.get(today) ?? 0), month_usd: microsToUsd(month) };
    });
    return rows.sort((a, b) => b.month_usd - a.month_usd || b.requests - a.requests || (a.name ?? '').localeCompare(b.name ?? ''));
  }

  #catchUp(nowMs: number): void {
    const monthStart = this.#ledger.calendar.monthStart(nowMs);
    // The newest id first: whatever other processes commit meanwhile is read next time, never lost.
    const newest = this.#sql.newest.get()?.id ?? 0;
    let rows: Row[];
    if (monthStart !== this.#monthStart) {
      // A new month (or the first call): this month's paid records through the (provider, ts) index.
      this.#monthStart = monthStart;
      this.#byClient = new Map();
      this.#byProject = new Map();
      rows = this.#sql.month.all(monthStart, newest);
    } else {
      if (newest <= this.#lastId) return;
      rows = this.#sql.since.all(this.#lastId, newest, monthStart);
    }
    for (const row of rows) {
      const day = this.#ledger.calendar.dayStart(row.bucket * BUCKET_MS);
      add(this.#byClient, row.client, day, row);
      add(this.#byProject, row.project, day, row);
    }
    this.#lastId = newest;
  }

  #name(id: number): string {
    let name = this.#names.get(id);
    if (name === undefined) {
      name = this.#sql.name.get(id)?.name ?? `#${id}`;
      this.#names.set(id, name);
    }
    return name;
  }
}

function add(map: Map<number | null, Tally>, key: number | null, day: number, row: Row): void {
  let tally = map.get(key);
  if (!tally) map.set(key, (tally = { requests: 0, byDay: new Map() }));
  tally.requests += row.requests;
  tally.byDay.set(day, (tally.byDay.get(day) ?? 0) + row.cost);
}
