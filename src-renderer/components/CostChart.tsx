import type { DailyCost } from '../../src-main/shared/dashboard.js';
import { formatUsdCents as formatUsd } from '../../src-main/shared/format.js';
import { PROVIDER_IDS } from '../../src-main/shared/providers.js';

const WIDTH = 340;
const HEIGHT = 110;
const AXIS = 14;

/** 30 days of cost as stacked bars, one colour per provider; plain SVG, no chart library. */
export function CostChart({ daily }: { daily: DailyCost[] }): React.JSX.Element {
  const totals = daily.map((d) => Object.values(d.by_provider).reduce((sum, v) => sum + (v ?? 0), 0));
  const max = Math.max(...totals, 0);
  const total = totals.reduce((a, b) => a + b, 0);
  const slot = WIDTH / Math.max(daily.length, 1);
  const scale = max > 0 ? (HEIGHT - AXIS) / max : 0;
  const used = PROVIDER_IDS.filter((p) => daily.some((d) => (d.by_provider[p] ?? 0) > 0));
  return (
    <figure className="chart" data-testid="cost-chart" data-total={total.toFixed(6)}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Cost over the last ${daily.length} days: ${formatUsd(total)} in total, highest day ${formatUsd(max)}`}>
        <line x1={0} x2={WIDTH} y1={HEIGHT - AXIS} y2={HEIGHT - AXIS} className="axis" />
        {daily.map((day, i) => {
          let y = HEIGHT - AXIS;
          return (
            <g key={day.date}>
              <title>{`${day.date}: ${formatUsd(totals[i] ?? 0)}`}</title>
              {PROVIDER_IDS.map((provider) => {
                const h = (day.by_provider[provider] ?? 0) * scale;
                if (h <= 0) return null;
                y -= h;
                return <rect key={provider} x={i * slot + 1} y={y} width={Math.max(slot - 2, 1)} height={Math.max(h, 0.5)} className={`fill-${provider}`} data-provider={provider} />;
              })}
            </g>
          );
        })}
        {daily.length > 0 && (
          <>
            <text x={0} y={HEIGHT - 2} className="tick">
              {daily[0]!.date.slice(5)}
            </text>
            <text x={WIDTH} y={HEIGHT - 2} className="tick" textAnchor="end">
              {daily[daily.length - 1]!.date.slice(5)}
            </text>
          </>
        )}
      </svg>
      <figcaption>
        {used.length === 0 ? (
          <span className="muted">No spend in the last 30 days.</span>
        ) : (
          used.map((p) => (
            <span key={p} className="legend">
              <span className={`swatch fill-${p}`} aria-hidden="true" /> {p}
            </span>
          ))
        )}
      </figcaption>
    </figure>
  );
}
