import { useApi, useClient } from '../api/context.js';
import { CostChart } from '../components/CostChart.js';
import { HealthDot } from '../components/HealthDot.js';
import { SpendBar } from '../components/SpendBar.js';
import { OriginSpendTable } from '../components/OriginSpendTable.js';
import { formatUsdCents as formatUsd } from '../../src-main/shared/format.js';

/** The popover: alerts first, then spend against limits, the 30-day chart, top models, provider health. */
export function Overview(): React.JSX.Element {
  const { data, error } = useApi('dashboard.get', {});
  const { navigate } = useClient();
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!data) return <p className="muted" aria-busy="true">Loading…</p>;
  return (
    <div className="overview">
      {data.alerts.length > 0 && (
        <section aria-label="Alerts" className="alerts">
          {data.alerts.map((alert) => (
            <div key={alert.id} role="alert" className={`alert alert-${alert.kind}`}>
              <span>{alert.message}</span>
              <button className="link" onClick={() => navigate(alert.view)}>
                Details
              </button>
            </div>
          ))}
        </section>
      )}
      <section aria-labelledby="spend-title" className="card">
        <h2 id="spend-title">Spend</h2>
        <SpendBar label="Today" gauge={data.today} threshold={data.alert_threshold} />
        <SpendBar label="This month" gauge={data.month} threshold={data.alert_threshold} />
        {!data.budget_enabled && <p className="muted">Budgets are off. Turn them on under Budget &amp; settings.</p>}
      </section>
      <section aria-labelledby="chart-title" className="card">
        <h2 id="chart-title">Last 30 days</h2>
        <CostChart daily={data.daily} />
      </section>
      <section aria-labelledby="models-title" className="card">
        <h2 id="models-title">Top models</h2>
        {data.top_models.length === 0 ? (
          <p className="muted">No tracked requests yet.</p>
        ) : (
          <table className="compact" data-testid="top-models">
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col" className="num">Requests</th>
                <th scope="col" className="num">Cost</th>
              </tr>
            </thead>
            <tbody>
              {data.top_models.map((m) => (
                <tr key={`${m.provider}/${m.model}`}>
                  <td>
                    <span className={`swatch fill-${m.provider}`} aria-hidden="true" /> {m.model}
                  </td>
                  <td className="num">{m.requests}</td>
                  <td className="num">{formatUsd(m.cost_usd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="by-client-title" className="card">
        <h2 id="by-client-title">Spend by client</h2>
        <OriginSpendTable rows={data.spend_by_client} none="no client" labelledBy="by-client-title" testId="spend-by-client" />
      </section>
      <section aria-labelledby="by-project-title" className="card">
        <h2 id="by-project-title">Spend by project</h2>
        <OriginSpendTable rows={data.spend_by_project} none="no project" labelledBy="by-project-title" testId="spend-by-project" />
      </section>
      <section aria-labelledby="health-title" className="card">
        <h2 id="health-title">Providers</h2>
        <ul className="health" data-testid="provider-health">
          {data.providers.map((p) => (
            <li key={p.provider} className={p.enabled ? '' : 'disabled'}>
              <HealthDot health={p.enabled ? p.health : 'unknown'} />
              <span>{p.provider}</span>
              <span className="muted">{!p.enabled ? 'off' : p.health !== 'down' && p.latency_ms !== null ? `${p.latency_ms} ms` : p.health}</span>
            </li>
          ))}
        </ul>
        <p className="muted">
          {data.keys_total} key{data.keys_total === 1 ? '' : 's'}
          {data.keys_invalid > 0 ? `, ${data.keys_invalid} invalid` : ''}
        </p>
      </section>
    </div>
  );
}
