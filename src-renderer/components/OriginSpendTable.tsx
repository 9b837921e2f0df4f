import type { OriginSpend } from '../../src-main/shared/activity.js';
import { formatUsdCents as formatUsd } from '../../src-main/shared/format.js';

/** Spend today and this month per client or project (the Overview's two tables). */
export function OriginSpendTable({ rows, none, labelledBy, testId }: { rows: OriginSpend[]; none: string; labelledBy: string; testId: string }): React.JSX.Element {
  if (rows.length === 0) return <p className="muted">No paid requests this month.</p>;
  return (
    <table className="compact" aria-labelledby={labelledBy} data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col" className="num">Requests</th>
          <th scope="col" className="num">Today</th>
          <th scope="col" className="num">This month</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.name ?? ''}>
            <th scope="row">{row.name ?? <span className="muted">({none})</span>}</th>
            <td className="num">{row.requests}</td>
            <td className="num">{formatUsd(row.today_usd)}</td>
            <td className="num">{formatUsd(row.month_usd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
