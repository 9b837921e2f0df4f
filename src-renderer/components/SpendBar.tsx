import type { SpendGauge } from '../../src-main/shared/dashboard.js';
import { formatUsdCents as formatUsd } from '../../src-main/shared/format.js';

/** Spend against a limit; amber from the alert threshold, red once exceeded. */
export function SpendBar({ label, gauge, threshold }: { label: string; gauge: SpendGauge; threshold: number }): React.JSX.Element {
  const limit = gauge.limit_usd;
  const percent = limit && limit > 0 ? Math.min(100, (gauge.spent_usd / limit) * 100) : 0;
  const text = limit === null ? `${formatUsd(gauge.spent_usd)} (no limit)` : `${formatUsd(gauge.spent_usd)} of ${formatUsd(limit)}`;
  const id = `spend-${label.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <div className={`spend spend-${gauge.level}`} data-testid={id} data-level={gauge.level}>
      <div className="spend-head">
        <span id={`${id}-label`}>{label}</span>
        <span className="spend-amount">{text}</span>
      </div>
      <div
        className="bar"
        role="meter"
        aria-labelledby={`${id}-label`}
        aria-valuemin={0}
        aria-valuemax={limit ?? 0}
        aria-valuenow={gauge.spent_usd}
        aria-valuetext={`${text}${gauge.level === 'ok' ? '' : `, ${gauge.level}`}`}
      >
        <div className="bar-fill" style={{ width: `${percent}%` }} />
        {limit !== null && <div className="bar-threshold" style={{ left: `${threshold * 100}%` }} />}
      </div>
    </div>
  );
}
