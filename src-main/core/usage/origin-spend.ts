import type { OriginSpend } from '../../shared/activity.js';
import type { ProviderId } from '../../shared/providers.js';
import { PROVIDER_CODES } from './ledger-schema.js';
import { microsToUsd } from './money.js';
import type { UsageLedger } from './usage-ledger.js';

export type OriginKind = 'client' | 'project';

/**
 * Spend per client (gateway token name, `exec` command or MCP client) or per project, today and
 * this month, from the raw records of this month (daily aggregates hold no client or project).
 * Only `providers` count: callers pass the ones that count as spend.
 */
export function spendByOrigin(ledger: UsageLedger, by: OriginKind, providers: readonly ProviderId[], nowMs: number): OriginSpend[] {
  if (providers.length === 0) return [];
  const codes = providers.map((p) => PROVIDER_CODES[p]).join(', ');
  // `by` is one of two column names, never input text.
  const rows = ledger.db
    .prepare<{ since: number; today: number }, { name: string | null; requests: number; month: number; today: number }>(
      `SELECT n.name AS name, count(*) AS requests, sum(coalesce(r.cost, 0)) AS month,
              sum(CASE WHEN r.ts >= @today THEN coalesce(r.cost, 0) ELSE 0 END) AS today
       FROM records r LEFT JOIN names n ON n.id = r.${by === 'client' ? 'client' : 'project'}
       WHERE r.provider IN (${codes}) AND r.ts >= @since GROUP BY 1`,
    )
    .all({ since: ledger.calendar.monthStart(nowMs), today: ledger.calendar.dayStart(nowMs) });
  return rows
    .map((row) => ({ name: row.name, requests: row.requests, today_usd: microsToUsd(row.today), month_usd: microsToUsd(row.month) }))
    .sort((a, b) => b.month_usd - a.month_usd || b.requests - a.requests || (a.name ?? '').localeCompare(b.name ?? ''));
}
